namespace LvsHa.Netlink;
