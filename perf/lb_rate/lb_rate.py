#!/usr/bin/python3
"""Packet rate and connection setup through Skiff and kube-proxy, side by side.

A client, a node and backend pods in network namespaces (topology.sh). The
node forwards to the pods through one mode at a time, programmed with the
same N LoadBalancer services (one port each, half UDP and half TCP, 3
endpoints each, externalTrafficPolicy Local, so no mode masquerades):

  skiff            skiff agent --manifests (XDP on the node's ext0, tc on pod veths)
  iptables-legacy  kube-proxy's iptables rules via iptables-legacy-restore
  iptables-nft     the same rules via iptables-nft-restore (Debian 12's iptables)
  nft              kube-proxy's nftables-mode table via nft -f

Every (round, mode) gets a fresh topology, so no mode inherits another's
conntrack or netfilter hooks. Measured per mode and service count:

  udp-new  UDP packets/s delivered to the backends, every packet a new flow
           (random service, unique source address/port: conntrack entry
           and, for iptables, the KUBE-SERVICES walk on every packet)
  udp-est  the same for 256 established flows
  tcp-cps  TCP connections/s (connect, handshake through the node, RST)

Delivered packets are the node's transmit counters on the pod veths; the
pods drop UDP at XDP. Sender and connect loop run on CPU 1, and the node's
receive processing of their packets runs inline on the same CPU (veth), so a
rate is the inverse of the whole per-packet cost on one core. Medians of
--rounds alternating rounds.

  sudo perf/lb_rate/lb_rate.py --bin build/bin                    # 1, 1000, 10000 services
  sudo perf/lb_rate/lb_rate.py --bin build/bin --modes skiff --counts 10000   # Skiff alone
  sudo perf/lb_rate/lb_rate.py --bin build/bin --smoke            # tiny, asserts delivery
"""
import argparse
import atexit
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "lbp"
NODE, CLIENT = f"{PREFIX}-node", f"{PREFIX}-client"
NODE_NAME = "lbp-node"
ALL_MODES = ["skiff", "iptables-legacy", "iptables-nft", "nft"]
METRICS = [("udp-new", "pps"), ("udp-est", "pps"), ("tcp-cps", "conn/s")]


def run(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, text=True, capture_output=True, **kw)


def in_ns(ns, *cmd):
    return ["ip", "netns", "exec", ns, *cmd]


def nsenter(ns, *cmd):
    # Only the network namespace: the agent must see the host's /sys/fs/bpf.
    return ["nsenter", f"--net=/var/run/netns/{ns}", *cmd]


class Topology:
    def __init__(self, pods):
        self.pods = pods

    def up(self):
        run([os.path.join(HERE, "topology.sh"), "up", PREFIX, str(self.pods)])

    def down(self):
        run([os.path.join(HERE, "topology.sh"), "down", PREFIX, str(self.pods)], check=False)

    def node_mac(self):
        out = run(["ip", "-n", NODE, "-j", "link", "show", "ext0"]).stdout
        return json.loads(out)[0]["address"]

    def delivered(self):
        """Packets the node has sent to the pods (tx of the pod veths)."""
        out = run(["ip", "-n", NODE, "-s", "-j", "link", "show"]).stdout
        return sum(l["stats64"]["tx"]["packets"] for l in json.loads(out)
                   if l["ifname"].startswith(f"sk-{PREFIX}"))


class Skiff:
    name = "skiff"

    def __init__(self, bin_dir, work):
        self.bin = os.path.join(bin_dir, "skiff")
        self.root = f"/sys/fs/bpf/lbperf-rate-{os.getpid()}"
        self.work = work
        self.proc = None

    def setup(self, inputs, pods):
        self.log = os.path.join(self.work, "agent.log")
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(nsenter(NODE, self.bin, "agent", "--manifests",
                                                 os.path.join(inputs, "manifests"), "--devices", "ext0",
                                                 "--bpf-root", self.root, "--cgroup", "none",
                                                 "--node-name", NODE_NAME, "--conntrack-gc-interval", "3600"),
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            text = open(self.log).read()
            if self.proc.poll() is not None:
                raise RuntimeError(f"skiff agent exited:\n{text[-2000:]}")
            if "load balancer synced" in text and text.count("tc attached to pod interface") >= pods:
                return
            time.sleep(0.05)
        raise subprocess.TimeoutExpired("skiff agent", self.timeout)

    def diagnose(self):
        out = run(nsenter(NODE, self.bin, "lb", "list", "--bpf-root", self.root), check=False)
        return (out.stdout + out.stderr)[-3000:]

    def teardown(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        run(nsenter(NODE, self.bin, "agent", "--uninstall", "--bpf-root", self.root), check=False)
        shutil.rmtree(self.root, ignore_errors=True)


class Iptables:
    def __init__(self, binary):
        self.name = binary
        self.restore = f"{binary}-restore"

    def setup(self, inputs, pods):
        for rules, args in (("iptables-bootstrap.rules", ["--noflush"]),
                            ("iptables.rules", ["--noflush", "--counters"])):
            with open(os.path.join(inputs, rules)) as f:
                r = subprocess.run(in_ns(NODE, self.restore, "-w", "5", *args), stdin=f, text=True,
                                   capture_output=True, timeout=self.timeout)
            if r.returncode:
                raise RuntimeError(f"{self.restore} {rules}: {r.stderr[-2000:]}")

    def diagnose(self):
        return run(in_ns(NODE, self.name.replace("iptables", "iptables") + "-save", "-c"),
                   check=False).stdout[-3000:]

    def teardown(self):
        pass  # the node namespace goes with the topology


class Nft:
    name = "nft"

    def setup(self, inputs, pods):
        r = run(in_ns(NODE, "nft", "-f", os.path.join(inputs, "nft.rules")), check=False, timeout=self.timeout)
        if r.returncode:
            raise RuntimeError(f"nft -f: {r.stderr[-2000:]}")

    def diagnose(self):
        return run(in_ns(NODE, "nft", "list", "ruleset"), check=False).stdout[:3000]

    def teardown(self):
        pass


class Bench:
    def __init__(self, args):
        self.args = args
        self.tool = os.path.join(args.bin, "skiff_lb_rate_tool")
        self.topo = Topology(args.pods)
        self.work = tempfile.mkdtemp(prefix="skiff-lbrate-")
        self.servers = []
        self.modes = {"skiff": Skiff(args.bin, self.work), "iptables-legacy": Iptables("iptables-legacy"),
                      "iptables-nft": Iptables("iptables-nft"), "nft": Nft()}
        self.active = None
        self.setup_seconds = {}
        self.given_up = set()
        for m in self.modes.values():
            m.timeout = args.setup_timeout

    def cleanup(self):
        if self.active:
            self.active.teardown()
            self.active = None
        self.stop_servers()
        self.topo.down()
        shutil.rmtree(self.work, ignore_errors=True)

    def emit(self, n):
        out = os.path.join(self.work, f"services-{n}")
        if not os.path.isdir(out):
            run([os.path.join(self.args.bin, "skiff_lb_programming"), "emit", "--dir", out, "--services", str(n),
                 "--endpoints", "3", "--backend-pods", str(self.args.pods), "--node-name", NODE_NAME,
                 "--load-balancer", "--local", "--mixed", "--port", "80", "--target-port", "8080"])
        return out

    def start_servers(self):
        run(in_ns(CLIENT, self.tool, "xdp", "--ifname", "eth0"))  # see deploy/demo-topology
        for i in range(1, self.args.pods + 1):
            pod = f"{PREFIX}-pod{i}"
            run(in_ns(pod, self.tool, "xdp", "--ifname", "eth0", "--drop-udp"))
            p = subprocess.Popen(in_ns(pod, "taskset", "-c", "0", self.tool, "tcp-accept", "--port", "8080"),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            line = p.stdout.readline()
            if "listening" not in line:
                raise RuntimeError(f"backend in {pod} did not start: {p.stderr.read()}")
            self.servers.append(p)

    def stop_servers(self):
        for p in self.servers:
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        self.servers = []

    def tool_json(self, ns, *args):
        r = run(in_ns(ns, "taskset", "-c", "1", self.tool, *args), check=False)
        if r.returncode:
            raise RuntimeError(f"lb_rate_tool {args[0]}: {r.stderr}")
        return json.loads(r.stdout.strip().splitlines()[-1])

    def udp_rate(self, n, established):
        run(nsenter(NODE, self.tool, "ct-flush"))
        before = self.topo.delivered()
        # UDP services are the even-numbered ones.
        args = ["udp-flood", "--dst-mac", self.topo.node_mac(), "--services", str(n // 2), "--stride", "2",
                "--offset", "0", "--port", "80", "--seconds", str(self.args.seconds)]
        if established:
            # One packet per flow first, so the measured packets all hit established state.
            self.tool_json(CLIENT, *args[:-1], "0.05", "--established")
            before = self.topo.delivered()
            args.append("--established")
        sent = self.tool_json(CLIENT, *args)
        got = self.topo.delivered() - before
        return got / sent["seconds"], got / max(sent["sent"], 1), got / max(sent["cpu_seconds"], 1e-9)

    def tcp_rate(self, n):
        r = self.tool_json(CLIENT, "tcp-connect", "--services", str(n // 2), "--stride", "2", "--offset", "1",
                           "--port", "80",
                           "--seconds", str(self.args.seconds), "--concurrency", "16")
        return (r["connections"] / r["seconds"], r["connections"] / max(r["connections"] + r["errors"], 1),
                r["connections"] / max(r["cpu_seconds"], 1e-9))

    def measure(self, mode, n):
        """One mode on a fresh topology."""
        self.topo.up()
        try:
            self.start_servers()
            inputs = self.emit(n)
            self.active = mode
            t0 = time.monotonic()
            mode.setup(inputs, self.args.pods)
            self.setup_seconds.setdefault((n, mode.name), []).append(time.monotonic() - t0)
            out = {"udp-new": self.udp_rate(n, established=False),
                   "udp-est": self.udp_rate(n, established=True),
                   "tcp-cps": self.tcp_rate(n)}
            for metric, (rate, fraction, _) in out.items():
                if fraction < 0.5:
                    print(f"  WARNING {mode.name} {metric} at {n} services: only {fraction:.0%} delivered; "
                          f"state:\n{mode.diagnose()}", file=sys.stderr)
            return out
        finally:
            if self.active:
                self.active.teardown()
                self.active = None
            self.stop_servers()
            self.topo.down()

    def run(self):
        results = {}  # (n, mode, metric) -> [(rate, fraction)]
        modes = [self.modes[m] for m in self.args.modes]
        for n in self.args.counts:
            for rnd in range(self.args.rounds):
                order = modes[rnd % len(modes):] + modes[:rnd % len(modes)]  # alternate who goes first
                for mode in order:
                    if (n, mode.name) in self.given_up:
                        continue
                    try:
                        measured = self.measure(mode, n)
                    except RuntimeError as e:  # one broken mode must not lose the others' figures
                        print(f"  {n} services, round {rnd + 1}, {mode.name}: FAILED: {e}", flush=True)
                        continue
                    except subprocess.TimeoutExpired:
                        print(f"  {n} services, {mode.name}: programming took over {self.args.setup_timeout} s; "
                              f"not measured again at this size", flush=True)
                        self.given_up.add((n, mode.name))
                        continue
                    for metric, value in measured.items():
                        results.setdefault((n, mode.name, metric), []).append(value)
                    line = ", ".join(f"{m} {results[(n, mode.name, m)][-1][0]:,.0f}/s "
                                     f"({results[(n, mode.name, m)][-1][2]:,.0f}/cpu-s)"
                                     for m, _ in METRICS if (n, mode.name, m) in results)
                    print(f"  {n} services, round {rnd + 1}, {mode.name}: {line}", flush=True)
        return results


def report(results, args, bench):
    names = list(args.modes)
    print()
    print(f"medians of {args.rounds} rounds of {args.seconds} s; ratios: skiff / mode")
    for metric, unit in METRICS:
        for index, per in ((0, "per second"), (2, "per CPU second of the sending core")):
            print(f"\n{metric}: {unit} delivered to the backends, {per}")
            others = [m for m in names if m != "skiff"] if "skiff" in names else []
            print(f"{'services':>9}" + "".join(f"{m:>17}" for m in names) +
                  "".join(f"{'vs ' + m:>20}" for m in others))
            for n in args.counts:
                med = {m: statistics.median(v[index] for v in results.get((n, m, metric), [(0, 0, 0)]))
                       for m in names}  # 0: not measured (programming timed out)
                print(f"{n:>9}" + "".join(f"{med[m]:>17,.0f}" for m in names) +
                      "".join(f"{(med['skiff'] / med[m] if med[m] else float('inf')):>19.2f}x" for m in others))
    print("\nprogramming the node before measuring (wall seconds, median; includes the agent's start for skiff)")
    print(f"{'services':>9}" + "".join(f"{m:>17}" for m in names))
    for n in args.counts:
        cells = []
        for m in names:
            v = bench.setup_seconds.get((n, m))
            cells.append(f"{statistics.median(v):>17.2f}" if v else f"{'>' + str(int(args.setup_timeout)):>17}")
        print(f"{n:>9}" + "".join(cells))
    worst = min((min(v[1] for v in vals), key) for key, vals in results.items())
    print(f"\nlowest delivered fraction: {worst[0]:.1%} ({worst[1][1]} {worst[1][2]} at {worst[1][0]} services)")
    return worst[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    repo = os.path.dirname(os.path.dirname(HERE))
    ap.add_argument("--bin", default=os.path.join(repo, "build", "bin"), help="where skiff and the perf tools are")
    ap.add_argument("--counts", default="2,1000,10000",
                    help="service counts (half UDP, half TCP: one setup serves both measurements)")
    ap.add_argument("--setup-timeout", type=float, default=300,
                    help="seconds a mode may take to program the node before it is given up at that size")
    ap.add_argument("--modes", default=",".join(ALL_MODES))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--pods", type=int, default=4)
    ap.add_argument("--smoke", action="store_true", help="3 services, 1 short round, assert delivery")
    args = ap.parse_args()
    if args.smoke:
        args.counts, args.rounds, args.seconds = "4", 1, 0.3
    args.counts = [int(c) for c in args.counts.split(",")]
    args.modes = [m for m in args.modes.split(",") if m]
    unknown = set(args.modes) - set(ALL_MODES)
    if unknown:
        ap.error(f"unknown modes {unknown}")
    if os.geteuid() != 0:
        ap.error("needs root (network namespaces, XDP)")

    bench = Bench(args)
    atexit.register(bench.cleanup)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, f: sys.exit(128 + s))
    results = bench.run()
    worst = report(results, args, bench)
    if args.smoke and worst < 0.9:
        print("smoke: a mode delivered less than 90% of what was sent", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
