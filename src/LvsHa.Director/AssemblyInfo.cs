namespace LvsHa.Director;
