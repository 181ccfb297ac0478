# Network of the kernel-test sandbox (the lab VM, or a fresh network namespace on a host whose kernel has ip_vs):
# lo up and a veth pair lab0/lab1 that takes the address ranges test configs use. There is no way out: nothing is
# bridged or routed anywhere else. IPVS refuses DR/TUN destinations that are not unicast-routable, so these ranges
# must be routed to a real link before services get destinations. POSIX sh (runs under dash and busybox sh).
set -e
ip link set lo up
ip link add lab0 type veth peer name lab1
ip link set lab1 up
ip link set lab0 up
ip addr add 10.255.255.254/8 dev lab0
ip addr add 172.31.255.254/12 dev lab0
ip addr add 192.168.255.254/16 dev lab0
ip -6 addr add fdff:ffff:ffff:ffff::fffe/8 dev lab0 nodad
ip -6 addr add 2001:db8:ffff:ffff::fffe/32 dev lab0 nodad
