namespace LvsHa.Vrrp;
