"""A node, four pods and an outside client in network namespaces, backends
serving in pods 1-3, and a Skiff agent in static mode on the node. Everything
is torn down afterwards, also on failure."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import netns  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[3]
SKIFF = os.environ.get("SKIFF_BIN", str(ROOT / "build/bin/skiff"))
PREFIX = f"t{os.getpid() % 10000}"
NODE, CLIENT = PREFIX + "node", PREFIX + "client"
POD = {i: f"{PREFIX}pod{i}" for i in range(1, 5)}
POD_IP = {i: f"10.244.0.{10 + i}" for i in range(1, 5)}


def wait_until(cond, what, timeout=20.0):
    """Polls a condition; the deadline only bounds a broken run."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def cgroup2_root():
    for line in open("/proc/self/mounts"):
        dev, path, fstype = line.split()[:3]
        if fstype == "cgroup2":
            return path
    pytest.skip("no cgroup v2 mount")


@pytest.fixture(scope="session")
def topology():
    topo = str(ROOT / "deploy/demo-topology")
    subprocess.run([topo, "up", PREFIX, "4"], check=True)
    servers = []
    try:
        for i in (1, 2, 3):
            servers.append(subprocess.Popen(
                ["ip", "netns", "exec", POD[i], sys.executable, str(ROOT / "tests/integration/backend_server.py"),
                 "--name", f"pod{i}", "--tcp", "8080", "--udp", "8081"]))
        for i in (1, 2, 3):
            wait_until(lambda: _answers(POD[4], POD_IP[i], 8080), f"backend pod{i}")
        yield
    finally:
        for s in servers:
            s.kill()
            s.wait()
        subprocess.run([topo, "down", PREFIX, "4"], check=False)


def _answers(ns, addr, port):
    try:
        return netns.ask_tcp(ns, addr, port)
    except OSError:
        return None


class Agent:
    def __init__(self, manifests, pin_root, cgroup):
        self.manifests, self.pin_root, self.cgroup = manifests, pin_root, cgroup
        self.proc = None
        self.log = open(manifests.parent / "agent.log", "ab")
        # Names outside the cluster zone go nowhere but the node's own loopback.
        self.dns_config = manifests.parent / "dns.yaml"
        self.dns_config.write_text("upstreams: [127.0.0.1:5353]\nloop_detect: false\n")

    def start(self):
        self.proc = subprocess.Popen(
            ["nsenter", f"--net=/var/run/netns/{NODE}", SKIFF, "agent", "--manifests", str(self.manifests),
             "--devices", "ext0", "--node-name", "node1", "--bpf-root", self.pin_root, "--cgroup", self.cgroup,
             "--pod-interface-prefix", "sk-", "--dns-config", str(self.dns_config)],
            stdout=self.log, stderr=self.log)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.proc = None

    def lb(self):
        out = subprocess.run([SKIFF, "lb", "list", "--json", "--bpf-root", self.pin_root],
                             capture_output=True, text=True)
        return json.loads(out.stdout) if out.returncode == 0 else None

    def frontend(self, addr):
        state = self.lb()
        for f in (state or {}).get("frontends", []):
            if f["frontend"] == addr:
                return f
        return None

    def backends_of(self, addr):
        f = self.frontend(addr)
        return sorted(b["address"] for b in f["backends"]) if f else None

    def log_text(self):
        return (self.manifests.parent / "agent.log").read_text(errors="replace")


@pytest.fixture(scope="session")
def agent(topology):
    work = pathlib.Path(tempfile.mkdtemp(prefix="skiff-lb-"))
    manifests = work / "manifests"
    manifests.mkdir()
    cgroup = os.path.join(cgroup2_root(), f"skiff-test-{os.getpid()}")
    os.makedirs(cgroup, exist_ok=True)
    a = Agent(manifests, f"/sys/fs/bpf/skiff-test-{os.getpid()}", cgroup)
    try:
        a.start()
        yield a
    finally:
        a.stop()
        subprocess.run([SKIFF, "agent", "--uninstall", "--bpf-root", a.pin_root], check=False)
        os.rmdir(cgroup)
        sys.stderr.write(a.log_text()[-4000:])
        shutil.rmtree(work, ignore_errors=True)
