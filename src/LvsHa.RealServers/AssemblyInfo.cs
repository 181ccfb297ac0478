namespace LvsHa.RealServers;
