"""Registration with the node agent over its unix socket (EndpointRegistry)."""
import json


def test_add_registers_and_del_unregisters(node, agent_factory):
    agent = agent_factory()
    pod = node.new_pod()
    conf = node.config(agentSocket=agent.socket)
    out = node.run("ADD", conf, "c-agent", pod,
                   args="IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=cart-0;K8S_POD_UID=u-1")
    assert out.code == 0, out
    [call] = agent.calls("Register")
    ep = call["request"]["endpoint"]
    assert ep["container_id"] == "c-agent" and ep["ifname"] == "eth0"
    assert ep["pod_namespace"] == "shop" and ep["pod_name"] == "cart-0" and ep["pod_uid"] == "u-1"
    assert ep["host_ifname"] == out.json["interfaces"][0]["name"]
    assert ep["host_ifindex"] > 0
    assert ep["pod_ips"] == [out.json["ips"][0]["address"]]
    assert ep["netns_path"].endswith(pod)

    out = node.run("STATUS", conf, ifname="")
    assert out.code == 0, out

    out = node.run("DEL", dict(conf, prevResult=out.json), "c-agent", pod)
    assert out.code == 0, out
    [call] = agent.calls("Unregister")
    assert call["request"]["container_id"] == "c-agent"
    assert call["request"]["pod_ips"] == [ep["pod_ips"][0]]


def test_unreachable_agent_is_try_again_later_and_cleans_up(node):
    pod = node.new_pod()
    conf = node.config(agentSocket=node.data_dir + "/no-such-agent.sock", agentTimeoutMs=1000)
    out = node.run("ADD", conf, "c-noagent", pod)
    assert out.code == 1 and out.json["code"] == 11, out
    assert "not reachable" in out.json["msg"]
    assert node.host_veths() == [] and node.leases() == {}
    assert node.exec("ip", "netns", "exec", pod, "ip", "link", "show", "eth0", check=False).returncode != 0
    out = node.run("STATUS", conf, ifname="")
    assert out.json["code"] == 50, out
    # DEL does not need the agent.
    assert node.run("DEL", conf, "c-noagent", pod).code == 0


def test_agent_rejecting_the_endpoint_fails_add_and_cleans_up(node, agent_factory):
    agent = agent_factory("--reject")
    pod = node.new_pod()
    out = node.run("ADD", node.config(agentSocket=agent.socket), "c-reject", pod)
    assert out.code == 1 and out.json["code"] == 102, out
    assert node.host_veths() == [] and node.leases() == {}


def test_agent_not_ready_makes_status_50(node, agent_factory):
    agent = agent_factory("--not-ready", "maps not loaded")
    out = node.run("STATUS", node.config(agentSocket=agent.socket), ifname="")
    assert out.code == 1 and out.json["code"] == 50, out
    assert "maps not loaded" in out.json["msg"]
