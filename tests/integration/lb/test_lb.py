"""Real TCP and UDP traffic through Skiff's eBPF load balancer: ClusterIP from
a pod (tc), NodePort and LoadBalancer IP from outside the node (XDP), and the
socket-level LB (cgroup hooks)."""
import collections
import json
import os
import socket

import dns.message
import dns.query
import dns.rcode
import pytest

import netns
from conftest import CLIENT, NODE, POD, POD_IP, wait_until

VIP = "10.96.0.20"
CLUSTER_DNS = "10.96.0.10"  # the agent's default --dns-listen address
LB_IP = "10.210.0.10"
NODE_IP = "10.200.0.1"


def service(name, cluster_ip, node_port=0, lb_ip=None, affinity=False, policy=None):
    spec = {"type": "LoadBalancer" if lb_ip else ("NodePort" if node_port else "ClusterIP"),
            "clusterIP": cluster_ip, **(policy or {}),
            "ports": [{"name": "http", "port": 80, "targetPort": "http", **({"nodePort": node_port} if node_port else {})},
                      {"name": "echo", "protocol": "UDP", "port": 81, "targetPort": 8081,
                       **({"nodePort": node_port + 1} if node_port else {})}]}
    if affinity:
        spec["sessionAffinity"] = "ClientIP"
        spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 600}}
    obj = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "test"}, "spec": spec}
    if lb_ip:
        obj["status"] = {"loadBalancer": {"ingress": [{"ip": lb_ip}]}}
    return obj


def endpoint_slice(svc, pods, terminating=(), remote=()):
    """Endpoints on pods; those in `remote` claim to run on another node."""
    eps = [{"addresses": [POD_IP[i]], "nodeName": "node2" if i in remote else "node1",
            "conditions": {"ready": i not in terminating, "serving": True, "terminating": i in terminating}}
           for i in pods]
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": svc + "-x", "namespace": "test", "labels": {"kubernetes.io/service-name": svc}},
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "echo", "port": 8081, "protocol": "UDP"}],
            "endpoints": eps}


def write(agent, name, *objs):
    path = agent.manifests / f"{name}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": list(objs)}))
    os.rename(tmp, path)


def backend_addrs(pods, port=8080, proto="tcp"):
    return sorted(f"{POD_IP[i]}:{port}/{proto}" for i in pods)


def spread(fn, n):
    return collections.Counter(fn().split()[0] for _ in range(n))


@pytest.fixture(scope="module")
def web(agent):
    write(agent, "web", service("web", VIP, node_port=30080, lb_ip=LB_IP), endpoint_slice("web", [1, 2, 3]))
    wait_until(lambda: agent.backends_of(f"{NODE_IP}:30080/tcp") == backend_addrs([1, 2, 3]), "web programmed")
    return agent


def assert_fair(counts, backends, n):
    assert set(counts) == {f"pod{i}" for i in backends}, counts
    for name, c in counts.items():
        assert c >= n / len(backends) / 3, f"{name} got {c} of {n}: {counts}"


def test_clusterip_from_pod_spreads_over_all_backends(web):
    n = 90
    counts = spread(lambda: netns.ask_tcp(POD[4], VIP, 80), n)
    assert_fair(counts, [1, 2, 3], n)


def test_clusterip_reply_comes_from_the_service_address(web):
    with netns.tcp_socket(POD[4]) as s:
        s.connect((VIP, 80))
        s.sendall(b"who\n")
        name, client = s.makefile().readline().split()
        assert client == POD_IP[4], "the backend sees the real client"
        assert s.getpeername() == (VIP, 80)


def test_nodeport_from_outside_spreads_over_all_backends(web):
    n = 90
    counts = spread(lambda: netns.ask_tcp(CLIENT, NODE_IP, 30080), n)
    assert_fair(counts, [1, 2, 3], n)


def test_loadbalancer_ip_from_outside(web):
    counts = spread(lambda: netns.ask_tcp(CLIENT, LB_IP, 80), 45)
    assert_fair(counts, [1, 2, 3], 45)


def test_udp_through_clusterip_and_nodeport(web):
    wait_until(lambda: agent_has(web, f"{NODE_IP}:30081/udp"), "udp nodeport")
    counts = spread(lambda: netns.ask_udp(POD[4], VIP, 81), 60)
    assert_fair(counts, [1, 2, 3], 60)
    counts = spread(lambda: netns.ask_udp(CLIENT, NODE_IP, 30081), 60)
    assert_fair(counts, [1, 2, 3], 60)


def agent_has(agent, frontend):
    return agent.frontend(frontend) is not None


def test_hairpin_pod_reaches_itself_through_the_service(web):
    names = spread(lambda: netns.ask_tcp(POD[1], VIP, 80), 45)
    assert "pod1" in names, names


def test_no_endpoints_rejects_instead_of_blackholing(agent):
    write(agent, "empty", service("empty", "10.96.0.30", node_port=30090), endpoint_slice("empty", []))
    wait_until(lambda: agent.frontend(f"{NODE_IP}:30090/tcp"), "empty programmed")
    for ns, addr, port in ((POD[4], "10.96.0.30", 80), (CLIENT, NODE_IP, 30090)):
        with pytest.raises(ConnectionRefusedError):
            netns.ask_tcp(ns, addr, port)
    with pytest.raises(ConnectionRefusedError):
        with netns.udp_socket(POD[4]) as s:
            s.connect(("10.96.0.30", 81))
            s.send(b"who")
            s.recv(64)


def test_open_connection_survives_backend_churn(agent):
    write(agent, "churn", service("churn", "10.96.0.40", node_port=30100), endpoint_slice("churn", [1, 2]))
    wait_until(lambda: agent.backends_of(f"{NODE_IP}:30100/tcp") == backend_addrs([1, 2]), "churn programmed")
    with netns.tcp_socket(CLIENT) as conn:
        conn.connect((NODE_IP, 30100))
        f = conn.makefile("rw")
        f.write("who\n"), f.flush()
        first = f.readline().split()[0]
        keep = int(first[-1])
        gone = 2 if keep == 1 else 1
        # Add pod3, remove the other backend.
        write(agent, "churn", service("churn", "10.96.0.40", node_port=30100), endpoint_slice("churn", [keep, 3]))
        wait_until(lambda: agent.backends_of(f"{NODE_IP}:30100/tcp") == backend_addrs([keep, 3]), "churn updated")
        for _ in range(5):
            f.write("who\n"), f.flush()
            assert f.readline().split()[0] == first
    counts = spread(lambda: netns.ask_tcp(CLIENT, NODE_IP, 30100), 40)
    assert f"pod{gone}" not in counts, f"a removed backend got new connections: {counts}"
    assert set(counts) == {f"pod{keep}", "pod3"}


def test_terminating_endpoint_drains(agent):
    write(agent, "drain", service("drain", "10.96.0.50"), endpoint_slice("drain", [1, 2, 3]))
    wait_until(lambda: agent.backends_of("10.96.0.50:80/tcp") == backend_addrs([1, 2, 3]), "drain programmed")
    with netns.tcp_socket(POD[4]) as conn:
        conn.connect(("10.96.0.50", 80))
        f = conn.makefile("rw")
        f.write("who\n"), f.flush()
        name = f.readline().split()[0]
        idx = int(name[-1])
        write(agent, "drain", service("drain", "10.96.0.50"), endpoint_slice("drain", [1, 2, 3], terminating=[idx]))
        rest = [i for i in (1, 2, 3) if i != idx]
        wait_until(lambda: agent.backends_of("10.96.0.50:80/tcp") == backend_addrs(rest), "drain updated")
        f.write("who\n"), f.flush()
        assert f.readline().split()[0] == name, "an open flow drains on its terminating backend"
    counts = spread(lambda: netns.ask_tcp(POD[4], "10.96.0.50", 80), 30)
    assert name not in counts


def test_client_ip_affinity_holds(agent):
    write(agent, "sticky", service("sticky", "10.96.0.60", node_port=30110, affinity=True),
          endpoint_slice("sticky", [1, 2, 3]))
    wait_until(lambda: agent.backends_of(f"{NODE_IP}:30110/tcp") == backend_addrs([1, 2, 3]), "sticky programmed")
    assert len(spread(lambda: netns.ask_tcp(CLIENT, NODE_IP, 30110), 20)) == 1
    assert len(spread(lambda: netns.ask_tcp(POD[4], "10.96.0.60", 80), 20)) == 1


def test_external_traffic_policy_local(agent):
    """NodePort keeps the client address and uses local endpoints only; the
    ClusterIP of the same service still uses every endpoint."""
    write(agent, "local", service("local", "10.96.0.80", node_port=30120, policy={"externalTrafficPolicy": "Local"}),
          endpoint_slice("local", [1, 2], remote=[2]))
    wait_until(lambda: agent.backends_of(f"{NODE_IP}:30120/tcp") == backend_addrs([1]), "local programmed")
    answers = [netns.ask_tcp(CLIENT, NODE_IP, 30120).split() for _ in range(20)]
    assert {a[0] for a in answers} == {"pod1"}
    assert {a[1] for a in answers} == {"10.200.0.2"}, "the backend sees the real client"
    assert set(spread(lambda: netns.ask_tcp(POD[4], "10.96.0.80", 80), 30)) == {"pod1", "pod2"}


def test_internal_traffic_policy_local(agent):
    write(agent, "ilocal", service("ilocal", "10.96.0.81", policy={"internalTrafficPolicy": "Local"}),
          endpoint_slice("ilocal", [1, 2], remote=[2]))
    wait_until(lambda: agent.backends_of("10.96.0.81:80/tcp") == backend_addrs([1]), "ilocal programmed")
    assert set(spread(lambda: netns.ask_tcp(POD[4], "10.96.0.81", 80), 20)) == {"pod1"}


def test_nodeport_to_remote_backend_is_snated_and_answered(agent):
    """A backend on another node must answer through this node: it sees the
    node's address as the client, and the reply is restored on its way back."""
    write(agent, "remote", service("remote", "10.96.0.82", node_port=30130), endpoint_slice("remote", [2], remote=[2]))
    wait_until(lambda: agent.backends_of(f"{NODE_IP}:30130/tcp") == backend_addrs([2]), "remote programmed")
    for _ in range(10):
        assert netns.ask_tcp(CLIENT, NODE_IP, 30130).split() == ["pod2", NODE_IP]


def test_cluster_dns_answers_pods_on_the_node(web):
    """The agent answers the cluster DNS address itself, from the same objects."""
    query = dns.message.make_query("web.test.svc.cluster.local", "A")
    with netns.inside(POD[4]):
        answer = dns.query.udp(query, CLUSTER_DNS, timeout=5)
        over_tcp = dns.query.tcp(query, CLUSTER_DNS, timeout=5)
    for a in (answer, over_tcp):
        assert [r.to_text() for rrset in a.answer for r in rrset] == [VIP]
    missing = dns.message.make_query("nothere.test.svc.cluster.local", "A")
    with netns.inside(POD[4]):
        assert dns.query.udp(missing, CLUSTER_DNS, timeout=5).rcode() == dns.rcode.NXDOMAIN


def own_cgroup_v2():
    for line in open("/proc/self/cgroup"):
        if line.startswith("0::"):
            return line[3:].strip()
    return "/"


def test_socket_lb_for_node_processes(web):
    # A socket made by a process in the agent's cgroup is translated at connect().
    root = os.path.dirname(web.cgroup)
    home = os.path.join(root, own_cgroup_v2().lstrip("/"), "cgroup.procs")
    with open(os.path.join(web.cgroup, "cgroup.procs"), "w") as f:
        f.write(str(os.getpid()))
    try:
        s = netns.tcp_socket(NODE)
    finally:
        with open(home, "w") as f:
            f.write(str(os.getpid()))
    with s:
        s.connect((VIP, 80))
        assert s.getpeername() == (VIP, 80), "getpeername shows the service, not the backend"
        s.sendall(b"who\n")
        name, client = s.makefile().readline().split()
        assert name in {"pod1", "pod2", "pod3"}


def test_malformed_manifest_is_reported_and_others_keep_working(web):
    bad = service("broken", "10.96.0.70")
    bad["spec"]["ports"][0]["port"] = 70000
    write(web, "broken", bad)
    wait_until(lambda: "test/broken" in web.log_text() and "70000" in web.log_text(), "error reported")
    assert web.frontend("10.96.0.70:80/tcp") is None
    assert netns.ask_tcp(CLIENT, NODE_IP, 30080).split()[0] in {"pod1", "pod2", "pod3"}


def test_agent_restart_keeps_open_connections(web):
    with netns.tcp_socket(CLIENT) as conn:
        conn.connect((NODE_IP, 30080))
        f = conn.makefile("rw")
        f.write("who\n"), f.flush()
        first = f.readline().split()[0]
        web.stop()
        f.write("who\n"), f.flush()
        assert f.readline().split()[0] == first, "programs stay attached while no agent runs"
        web.start()
        wait_until(lambda: "load balancer synced" in web.log_text().split("adopted")[-1], "agent resynced")
        f.write("who\n"), f.flush()
        assert f.readline().split()[0] == first
    assert netns.ask_tcp(CLIENT, NODE_IP, 30080).split()[0] in {"pod1", "pod2", "pod3"}
