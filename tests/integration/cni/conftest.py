"""Drives skiff-cni the way a container runtime does: CNI_* environment
variables, the network config on stdin, prevResult on CHECK and DEL.

Everything happens inside network namespaces the tests create: a "node"
namespace where the plugin runs (so host-side veths and routes live there,
never in the real host namespace) and one namespace per pod. They are deleted
afterwards, also when a test fails."""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import uuid

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
PLUGIN = os.environ.get("SKIFF_CNI_BIN", str(ROOT / "build/bin/skiff-cni"))
FAKE_AGENT = os.environ.get("SKIFF_CNI_FAKE_AGENT", str(ROOT / "build/bin/skiff-cni-fake-agent"))
PREFIX = f"skc{os.getpid() % 100000}"


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, **kw)


def netns_path(name):
    return f"/var/run/netns/{name}"


class Outcome:
    def __init__(self, proc):
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.json = json.loads(proc.stdout) if proc.stdout.strip() else None

    def __repr__(self):
        return f"exit={self.code} stdout={self.stdout!r} stderr={self.stderr[-2000:]!r}"


class Node:
    """A node namespace, its pod namespaces, and a lease directory."""

    def __init__(self, name, data_dir):
        self.name = name
        self.data_dir = data_dir
        self.pods = []
        self.counter = 0

    def new_pod(self):
        self.counter += 1
        name = f"{self.name}p{self.counter}"
        sh("ip", "netns", "add", name)
        self.pods.append(name)
        return name

    def exec(self, *args, check=True):
        return sh("ip", "netns", "exec", self.name, *args, check=check)

    def config(self, cni_version="1.1.0", **fields):
        conf = {"cniVersion": cni_version, "name": "skiff-test", "type": "skiff-cni",
                "podCIDR": "10.244.0.0/24", "dataDir": self.data_dir}
        conf.update(fields)
        return {k: v for k, v in conf.items() if v is not None}

    def lease_dir(self, network="skiff-test"):
        return pathlib.Path(self.data_dir) / "networks" / network

    def leases(self, network="skiff-test"):
        d = self.lease_dir(network)
        if not d.exists():
            return {}
        out = {}
        for f in d.iterdir():
            if f.name[0].isdigit():
                out[f.name] = f.read_text()
        return out

    def host_veths(self):
        links = json.loads(self.exec("ip", "-j", "link", "show").stdout)
        return sorted(l["ifname"] for l in links if l["ifname"].startswith("sk"))

    def run(self, command, conf, container_id="", pod=None, ifname="eth0", netns=None, args="", extra_env=None,
            stdin=None):
        """One plugin invocation as a runtime makes it, inside the node namespace."""
        env = {"CNI_COMMAND": command, "CNI_PATH": str(pathlib.Path(PLUGIN).parent), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        if container_id:
            env["CNI_CONTAINERID"] = container_id
        if ifname:
            env["CNI_IFNAME"] = ifname
        if netns is None and pod is not None:
            netns = netns_path(pod)
        if netns:
            env["CNI_NETNS"] = netns
        if args:
            env["CNI_ARGS"] = args
        env.update(extra_env or {})
        data = stdin if stdin is not None else json.dumps(conf)
        proc = subprocess.run(["ip", "netns", "exec", self.name, PLUGIN], input=data, env=env,
                              capture_output=True, text=True, timeout=60)
        return Outcome(proc)

    def popen(self, command, conf, container_id, pod):
        """Starts an invocation without waiting, for concurrent runs; stdin comes from a file."""
        env = {"CNI_COMMAND": command, "CNI_CONTAINERID": container_id, "CNI_IFNAME": "eth0",
               "CNI_NETNS": netns_path(pod), "CNI_PATH": str(pathlib.Path(PLUGIN).parent),
               "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        with tempfile.TemporaryFile("w+") as stdin:
            stdin.write(json.dumps(conf))
            stdin.seek(0)
            return subprocess.Popen(["ip", "netns", "exec", self.name, PLUGIN], stdin=stdin,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)

    def ping(self, address, from_pod=None):
        where = from_pod or self.name
        return sh("ip", "netns", "exec", where, "busybox", "ping", "-c", "1", "-W", "2", address,
                  check=False).returncode == 0

    def cleanup(self):
        for pod in self.pods:
            sh("ip", "netns", "del", pod, check=False)
        sh("ip", "netns", "del", self.name, check=False)
        shutil.rmtree(self.data_dir, ignore_errors=True)


@pytest.fixture
def node():
    if os.geteuid() != 0:
        pytest.skip("needs root for network namespaces")
    if not os.path.exists(PLUGIN):
        pytest.fail(f"plugin binary {PLUGIN} not built")
    name = f"{PREFIX}n{uuid.uuid4().hex[:4]}"
    sh("ip", "netns", "add", name)
    n = Node(name, tempfile.mkdtemp(prefix="skiff-cni-it-"))
    n.exec("ip", "link", "set", "lo", "up")
    try:
        yield n
    finally:
        n.cleanup()


class FakeAgent:
    def __init__(self, directory, *flags):
        self.socket = os.path.join(directory, "agent.sock")
        self.record = os.path.join(directory, "agent-record.jsonl")
        self.proc = subprocess.Popen([FAKE_AGENT, "--socket", self.socket, "--record", self.record, *flags],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.strip() == "ready", f"fake agent did not start: {line!r}"

    def calls(self, method=None):
        if not os.path.exists(self.record):
            return []
        calls = [json.loads(l) for l in open(self.record) if l.strip()]
        return [c for c in calls if method is None or c["method"] == method]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture
def agent_factory(node):
    agents = []

    def start(*flags):
        d = tempfile.mkdtemp(prefix="skiff-cni-agent-", dir=node.data_dir)
        agent = FakeAgent(d, *flags)
        agents.append(agent)
        return agent

    try:
        yield start
    finally:
        for a in agents:
            a.stop()
