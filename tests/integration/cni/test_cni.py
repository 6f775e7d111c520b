"""skiff-cni spec conformance, driven as a runtime drives plugins."""
import ipaddress
import json
import os
import subprocess

from conftest import PLUGIN, netns_path


def add(node, conf, cid, pod, **kw):
    out = node.run("ADD", conf, cid, pod, **kw)
    assert out.code == 0, out
    return out.json


def with_prev(conf, result):
    return dict(conf, prevResult=result)


def pod_routes(node, pod):
    return json.loads(node.exec("ip", "netns", "exec", pod, "ip", "-j", "route", "show").stdout)


def test_version_lists_supported_versions(node):
    out = node.run("VERSION", None, ifname="", stdin='{"cniVersion":"1.1.0"}')
    assert out.code == 0, out
    assert out.json["cniVersion"] == "1.1.0"
    assert {"0.4.0", "1.0.0", "1.1.0"} <= set(out.json["supportedVersions"])


def test_add_gives_a_working_interface_then_check_and_del(node):
    pod = node.new_pod()
    conf = node.config(mtu=1400, dns={"nameservers": ["10.96.0.10"], "search": ["svc.cluster.local"]})
    result = add(node, conf, "c-add-1", pod, args="IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web")

    # The result: host veth, pod interface in its sandbox, the address on the pod side.
    assert result["cniVersion"] == "1.1.0"
    host_if, pod_if = result["interfaces"]
    assert host_if["name"].startswith("sk") and len(host_if["name"]) == 13 and "sandbox" not in host_if
    assert pod_if["name"] == "eth0" and pod_if["sandbox"] == netns_path(pod)
    assert pod_if["mtu"] == 1400
    ip = result["ips"][0]
    assert ip["interface"] == 1 and ip["gateway"] == "10.244.0.1"
    address = ip["address"].split("/")[0]
    assert ipaddress.ip_address(address) in ipaddress.ip_network("10.244.0.0/24")
    assert result["routes"] == [{"dst": "0.0.0.0/0", "gw": "10.244.0.1"}]
    assert result["dns"]["nameservers"] == ["10.96.0.10"]

    # The kernel agrees: MAC, MTU, the host veth in the node namespace.
    link = json.loads(node.exec("ip", "netns", "exec", pod, "ip", "-j", "link", "show", "eth0").stdout)[0]
    assert link["address"] == pod_if["mac"] and link["mtu"] == 1400
    assert node.host_veths() == [host_if["name"]]
    assert node.leases() == {address: "c-add-1\neth0\n"}

    # Reachable from the node side, and the pod reaches its gateway.
    assert node.ping(address)
    assert node.ping("10.244.0.1", from_pod=pod)

    # CHECK passes, then fails once a route it created is gone.
    prev = with_prev(conf, result)
    out = node.run("CHECK", prev, "c-add-1", pod)
    assert out.code == 0, out
    node.exec("ip", "netns", "exec", pod, "ip", "route", "del", "default")
    out = node.run("CHECK", prev, "c-add-1", pod)
    assert out.code != 0 and out.json["code"] == 101, out
    assert "0.0.0.0/0" in out.json["msg"]

    # DEL, twice: both succeed and nothing is left.
    for _ in range(2):
        out = node.run("DEL", prev, "c-add-1", pod)
        assert out.code == 0 and out.stdout == "", out
    assert node.host_veths() == []
    assert node.leases() == {}
    assert node.exec("ip", "netns", "exec", pod, "ip", "link", "show", "eth0", check=False).returncode != 0


def test_check_fails_when_the_interface_or_lease_is_gone(node):
    pod = node.new_pod()
    conf = node.config()
    result = add(node, conf, "c-check", pod)
    address = result["ips"][0]["address"].split("/")[0]
    (node.lease_dir() / address).unlink()
    out = node.run("CHECK", with_prev(conf, result), "c-check", pod)
    assert out.code == 1 and out.json["code"] == 101 and "leased" in out.json["msg"], out
    node.exec("ip", "link", "del", result["interfaces"][0]["name"])
    out = node.run("CHECK", with_prev(conf, result), "c-check", pod)
    assert out.json["code"] == 101 and "missing" in out.json["msg"], out


def test_del_after_the_netns_is_gone_and_without_prev_result(node):
    pod = node.new_pod()
    conf = node.config()
    add(node, conf, "c-gone", pod)
    node.exec("ip", "netns", "del", pod, check=False)
    subprocess.run(["ip", "netns", "del", pod], capture_output=True)
    # No prevResult, and CNI_NETNS still names the deleted namespace.
    out = node.run("DEL", conf, "c-gone", netns=netns_path(pod))
    assert out.code == 0, out
    # And without CNI_NETNS at all, and with an empty prevResult.
    out = node.run("DEL", dict(conf, prevResult={}), "c-gone", netns="")
    assert out.code == 0, out
    assert node.leases() == {}
    assert node.host_veths() == []


def test_del_of_something_never_added_succeeds(node):
    out = node.run("DEL", node.config(), "never-added", netns="")
    assert out.code == 0, out


def test_twenty_concurrent_adds_get_distinct_working_addresses(node):
    conf = node.config()
    pods = [node.new_pod() for _ in range(20)]
    procs = [node.popen("ADD", conf, f"c-par-{i}", pod) for i, pod in enumerate(pods)]
    results = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert p.returncode == 0, (stdout, stderr)
        results.append(json.loads(stdout))
    addresses = [r["ips"][0]["address"].split("/")[0] for r in results]
    assert len(set(addresses)) == 20
    assert len(set(r["interfaces"][0]["name"] for r in results)) == 20
    assert len(node.leases()) == 20 and len(node.host_veths()) == 20
    for a in addresses:
        assert node.ping(a), a
    # Pod to pod through the node, once it forwards.
    node.exec("sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward")
    assert node.ping(addresses[1], from_pod=pods[0])

    procs = [node.popen("DEL", with_prev(conf, r), f"c-par-{i}", pod) for i, (pod, r) in enumerate(zip(pods, results))]
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert p.returncode == 0, (stdout, stderr)
    assert node.leases() == {} and node.host_veths() == []


def test_bad_netns_is_an_error_and_leaks_nothing(node):
    conf = node.config()
    out = node.run("ADD", conf, "c-bad", netns="/var/run/netns/does-not-exist-skiff")
    assert out.code == 1 and out.json["code"] == 3, out
    regular = os.path.join(node.data_dir, "not-a-netns")
    open(regular, "w").close()
    out = node.run("ADD", conf, "c-bad", netns=regular)
    assert out.code == 1 and out.json["code"] == 4, out
    out = node.run("ADD", conf, "c-bad", netns="relative/path")
    assert out.code == 1 and out.json["code"] == 4, out
    assert node.host_veths() == []
    assert node.leases() == {}


def test_existing_ifname_fails_and_keeps_the_first_attachment(node):
    pod = node.new_pod()
    conf = node.config()
    first = add(node, conf, "c-dup", pod)
    # The same attachment again (a runtime retry): the interface exists, so it fails,
    # but the first ADD's lease and veth stay.
    out = node.run("ADD", conf, "c-dup", pod)
    assert out.code == 1 and out.json["code"] == 4 and "already exists" in out.json["msg"], out
    address = first["ips"][0]["address"].split("/")[0]
    assert node.leases() == {address: "c-dup\neth0\n"}
    assert node.host_veths() == [first["interfaces"][0]["name"]]
    assert node.ping(address)
    # Another container's ADD into that namespace under the same name fails too and leaks nothing.
    out = node.run("ADD", conf, "c-other", pod)
    assert out.code == 1 and out.json["code"] == 4, out
    assert len(node.leases()) == 1 and len(node.host_veths()) == 1


def test_full_pod_cidr_is_try_again_later_and_status_not_ready(node):
    conf = node.config(podCIDR="10.250.0.0/30")  # one pod address
    p1, p2 = node.new_pod(), node.new_pod()
    add(node, conf, "c-full-1", p1)
    out = node.run("ADD", conf, "c-full-2", p2)
    assert out.code == 1 and out.json["code"] == 11, out
    assert "no free address in 10.250.0.0/30" in out.json["msg"]
    assert len(node.host_veths()) == 1 and len(node.leases()) == 1
    out = node.run("STATUS", conf, ifname="")
    assert out.code == 1 and out.json["code"] == 50, out
    node.run("DEL", conf, "c-full-1", p1)
    assert node.run("STATUS", conf, ifname="").code == 0
    add(node, conf, "c-full-2", p2)


def test_status_and_its_version_gate(node):
    out = node.run("STATUS", node.config(), ifname="")
    assert out.code == 0 and out.stdout == "", out
    out = node.run("STATUS", node.config(cni_version="1.0.0"), ifname="")
    assert out.code == 1 and out.json["code"] == 1, out


def test_gc_releases_attachments_the_runtime_no_longer_has(node):
    conf = node.config()
    keep_pod, drop_pod = node.new_pod(), node.new_pod()
    keep = add(node, conf, "c-keep", keep_pod)
    add(node, conf, "c-drop", drop_pod)
    gc_conf = dict(conf, **{"cni.dev/valid-attachments": [{"containerID": "c-keep", "ifname": "eth0"}]})
    out = node.run("GC", gc_conf, ifname="")
    assert out.code == 0 and out.stdout == "", out
    assert list(node.leases().values()) == ["c-keep\neth0\n"]
    assert node.host_veths() == [keep["interfaces"][0]["name"]]
    assert node.ping(keep["ips"][0]["address"].split("/")[0])
    out = node.run("GC", node.config(cni_version="1.0.0"), ifname="")
    assert out.json["code"] == 1, out


def test_bad_configs_give_codes_on_stdout_and_logs_on_stderr(node):
    pod = node.new_pod()
    cases = [
        ("{not json", 6),
        (json.dumps(node.config(mtu=10)), 7),
        (json.dumps(node.config(podCIDR="10.0.0.1/24")), 7),
        (json.dumps(node.config(podCIDR="fd00::/64")), 2),
        (json.dumps(node.config(ipam={"type": "host-local"})), 2),
        (json.dumps(node.config(cni_version="9.9.9")), 1),
    ]
    for text, code in cases:
        out = node.run("ADD", None, "c-badconf", pod, stdin=text)
        assert out.code == 1, (text, out)
        assert out.json["code"] == code, (text, out)
        assert out.json["msg"] and "cniVersion" in out.json
        assert out.stderr  # the log line went to stderr, never into the JSON
    out = node.run("ADD", node.config(), "c-badenv", pod, ifname="")
    assert out.json["code"] == 4 and "CNI_IFNAME" in out.json["msg"], out
    assert node.host_veths() == [] and node.leases() == {}


def test_older_cni_versions_get_their_result_format(node):
    pod = node.new_pod()
    result = add(node, node.config(cni_version="0.4.0"), "c-v040", pod)
    assert result["cniVersion"] == "0.4.0"
    assert result["ips"][0]["version"] == "4"
    assert "mtu" not in result["interfaces"][1]
