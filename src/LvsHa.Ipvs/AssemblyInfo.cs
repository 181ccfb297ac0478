namespace LvsHa.Ipvs;
