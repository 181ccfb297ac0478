namespace LvsHa.Health;
