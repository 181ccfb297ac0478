namespace LvsHa.Config;
