"""The plugin as containerd finds it: a binary in a CNI bin dir and a conflist
in a conf dir, executed by a runtime that reads the conflist, injects name and
cniVersion (and prevResult from the stored result on DEL/CHECK), as libcni does."""
import json
import os
import pathlib
import shutil
import subprocess

from conftest import PLUGIN, netns_path


def invoke(node, bin_dir, conflist, command, cid, pod, prev=None):
    """libcni's order: ADD in list order, DEL in reverse, each plugin's output is the next one's prevResult."""
    plugins = conflist["plugins"] if command != "DEL" else list(reversed(conflist["plugins"]))
    result = prev
    for plugin in plugins:
        conf = dict(plugin, name=conflist["name"], cniVersion=conflist["cniVersion"])
        if result is not None:
            conf["prevResult"] = result
        env = {"CNI_COMMAND": command, "CNI_CONTAINERID": cid, "CNI_IFNAME": "eth0", "CNI_NETNS": netns_path(pod),
               "CNI_PATH": str(bin_dir), "CNI_ARGS": "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=p",
               "PATH": "/usr/bin:/bin"}
        proc = subprocess.run(["ip", "netns", "exec", node.name, str(bin_dir / plugin["type"])],
                              input=json.dumps(conf), env=env, capture_output=True, text=True)
        assert proc.returncode == 0, (command, proc.stdout, proc.stderr)
        if command == "ADD":
            result = json.loads(proc.stdout)
    return result


def test_conflist_from_conf_dir_and_binary_from_bin_dir(node, tmp_path):
    bin_dir = tmp_path / "opt/cni/bin"
    conf_dir = tmp_path / "etc/cni/net.d"
    bin_dir.mkdir(parents=True)
    conf_dir.mkdir(parents=True)
    shutil.copy2(PLUGIN, bin_dir / "skiff-cni")
    conflist = {"cniVersion": "1.0.0", "name": "skiff",
                "plugins": [{"type": "skiff-cni", "podCIDR": "10.244.3.0/24", "mtu": 1450,
                             "dataDir": node.data_dir, "capabilities": {"dns": True}}]}
    (conf_dir / "05-skiff.conflist").write_text(json.dumps(conflist))

    loaded = json.loads(sorted(conf_dir.glob("*.conflist"))[0].read_text())
    pod = node.new_pod()
    result = invoke(node, bin_dir, loaded, "ADD", "ctr-1", pod)
    assert result["cniVersion"] == "1.0.0"
    address = result["ips"][0]["address"].split("/")[0]
    assert address.startswith("10.244.3.")
    assert node.ping(address)
    invoke(node, bin_dir, loaded, "CHECK", "ctr-1", pod, prev=result)
    invoke(node, bin_dir, loaded, "DEL", "ctr-1", pod, prev=result)
    assert node.host_veths() == []
    assert node.leases("skiff") == {}
