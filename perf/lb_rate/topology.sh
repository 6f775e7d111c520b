#!/usr/bin/env bash
# The benchmark's network: a client, a node and backend pods, each in its own
# network namespace (the host's interfaces, routes and tables are never
# touched). Ideas from deploy/demo-topology; pods own whole /24s here.
#
#   PREFIX-client eth0 10.200.0.2/24 ---- ext0 10.200.0.1/24   PREFIX-node (ip_forward)
#                                                   sk-PREFIXN | 169.254.1.1/32
#   PREFIX-podN eth0 10.244.N.1/32, local 10.244.N.0/24 -------+
#
# The client reaches LoadBalancer IPs (10.210.0.0/16) through the node; the
# node routes 10.244.N.0/24 to pod N, which answers for every address in it
# (a local route), so one pod stands for many endpoints.
#
# usage: topology.sh up PREFIX PODS | topology.sh down PREFIX PODS
set -euo pipefail
cmd=${1:?up|down}
p=${2:?prefix}
pods=${3:?pods}
node=$p-node client=$p-client

down() {
  for i in $(seq 1 "$pods"); do ip netns del "$p-pod$i" 2>/dev/null || true; done
  ip netns del "$client" 2>/dev/null || true
  ip netns del "$node" 2>/dev/null || true
}

up() {
  down
  ip netns add "$node"
  ip netns add "$client"
  ip -n "$node" link set lo up
  ip -n "$client" link set lo up
  ip netns exec "$node" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
    net.ipv4.conf.default.rp_filter=0

  ip link add ext0 netns "$node" type veth peer name eth0 netns "$client"
  ip -n "$node" addr add 10.200.0.1/24 dev ext0
  ip -n "$node" link set ext0 up
  ip -n "$client" addr add 10.200.0.2/24 dev eth0
  ip -n "$client" link set eth0 up
  ip -n "$client" route add 10.210.0.0/16 via 10.200.0.1
  ip -n "$client" route add 10.96.0.0/12 via 10.200.0.1

  for i in $(seq 1 "$pods"); do
    local pod=$p-pod$i host=sk-$p$i net=10.244.$i
    ip netns add "$pod"
    ip -n "$pod" link set lo up
    ip link add "$host" netns "$node" type veth peer name eth0 netns "$pod"
    ip -n "$node" link set "$host" up
    ip -n "$node" addr add 169.254.1.1/32 dev "$host"
    ip -n "$node" route add "$net.1/32" dev "$host"
    ip -n "$node" route add "$net.0/24" via "$net.1" dev "$host"
    ip -n "$pod" addr add "$net.1/32" dev eth0
    ip -n "$pod" link set eth0 up
    ip -n "$pod" route add 169.254.1.1 dev eth0 scope link
    ip -n "$pod" route add default via 169.254.1.1 dev eth0
    ip -n "$pod" route add local "$net.0/24" dev lo
  done
  # Static neighbours: no ARP on the first measured packets.
  for i in $(seq 1 "$pods"); do
    ip -n "$node" neigh replace "10.244.$i.1" lladdr "$(mac "$p-pod$i" eth0)" dev "sk-$p$i" nud permanent
    ip -n "$p-pod$i" neigh replace 169.254.1.1 lladdr "$(mac "$node" "sk-$p$i")" dev eth0 nud permanent
  done
  ip -n "$client" neigh replace 10.200.0.1 lladdr "$(mac "$node" ext0)" dev eth0 nud permanent
  ip -n "$node" neigh replace 10.200.0.2 lladdr "$(mac "$client" eth0)" dev ext0 nud permanent
}

mac() { ip -n "$1" -br link show dev "$2" | awk '{print $3}'; }

"$cmd"
