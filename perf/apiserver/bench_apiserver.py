#!/usr/bin/python3
"""skiff server benchmark, SQLite and etcd backends side by side in one run.

Measures, per backend: start to /readyz, idle RSS, LIST of N pods as a Table
(what `kubectl get pods` asks for) and as JSON, and single-object write
latency (p50/p99) at C concurrent clients over keep-alive connections.
Prints each figure with its ratio to the issue's target (ratio < 1 is better
than the target for times and RSS). kube-apiserver is not installed here, so
the targets (taken from the issue and the Kubernetes SLOs) stand in as the peer.

usage: bench_apiserver.py SKIFF_BIN [pods=10000] [clients=100] [writes_per_client=20]
"""
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TARGETS = {"readyz_s": 1.0, "idle_rss_mb": 64.0, "list_table_ms": 200.0, "write_p99_ms": 50.0}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, data_dir, port):
        self.ctx = ssl.create_default_context(cafile=f"{data_dir}/pki/ca.crt")
        self.ctx.load_cert_chain(f"{data_dir}/pki/admin.crt", f"{data_dir}/pki/admin.key")
        self.port = port
        self.conn = http.client.HTTPSConnection("127.0.0.1", port, context=self.ctx, timeout=120)

    def call(self, method, path, body=None, headers=None):
        hdrs = {"Content-Type": "application/json"}
        hdrs.update(headers or {})
        self.conn.request(method, path, body=body, headers=hdrs)
        resp = self.conn.getresponse()
        return resp.status, resp.read()


def start_etcd(tmp):
    client, peer = free_port(), free_port()
    proc = subprocess.Popen(["etcd", "--data-dir", f"{tmp}/etcd", "--name", "bench",
                             "--listen-client-urls", f"http://127.0.0.1:{client}",
                             "--advertise-client-urls", f"http://127.0.0.1:{client}",
                             "--listen-peer-urls", f"http://127.0.0.1:{peer}",
                             "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
                             "--initial-cluster", f"bench=http://127.0.0.1:{peer}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", client), timeout=1).close()
            return proc, f"etcd://127.0.0.1:{client}"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("etcd did not start")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def pod(i):
    return json.dumps({"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": f"pod-{i:05d}", "labels": {"app": "bench", "shard": str(i % 10)}},
                       "spec": {"nodeName": "node-1", "containers": [
                           {"name": "app", "image": "registry.local/app:1.0", "ports": [{"containerPort": 8080}],
                            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}})


def run_backend(skiff, name, pods, clients, writes_per_client):
    tmp = tempfile.mkdtemp(prefix=f"skiff-bench-{name}-")
    etcd = None
    server = None
    try:
        args = []
        if name == "etcd":
            etcd, endpoint = start_etcd(tmp)
            args = ["--datastore-endpoint", endpoint]
        data_dir = f"{tmp}/data"
        # Create the PKI once so the start measurement is a restart, as on a real node.
        port = free_port()
        first = subprocess.Popen([skiff, "server", "--data-dir", data_dir, "--https-port", str(port),
                                  "--bind-address", "127.0.0.1", "--disable-agent", *args],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not os.path.exists(f"{data_dir}/admin.kubeconfig"):
            time.sleep(0.02)
        first.send_signal(signal.SIGTERM)
        first.wait()

        port = free_port()
        t0 = time.monotonic()
        server = subprocess.Popen([skiff, "server", "--data-dir", data_dir, "--https-port", str(port),
                                   "--bind-address", "127.0.0.1", "--disable-agent", *args],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ctx = ssl.create_default_context(cafile=f"{data_dir}/pki/ca.crt")
        while True:
            try:
                c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=5)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.005)
        readyz = time.monotonic() - t0
        time.sleep(1.0)
        idle_rss = rss_mb(server.pid)

        # Load pods with 16 parallel clients.
        def load(start, step):
            cl = Client(data_dir, port)
            for i in range(start, pods, step):
                status, body = cl.call("POST", "/api/v1/namespaces/default/pods", pod(i))
                if status != 201:
                    raise RuntimeError(f"create pod: {status} {body[:200]}")
        threads = [threading.Thread(target=load, args=(k, 16)) for k in range(16)]
        t0 = time.monotonic()
        [t.start() for t in threads]
        [t.join() for t in threads]
        load_s = time.monotonic() - t0

        cl = Client(data_dir, port)
        table_accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
        def best_of(n, headers):
            best = float("inf")
            for _ in range(n):
                t = time.monotonic()
                status, body = cl.call("GET", "/api/v1/namespaces/default/pods", headers=headers)
                best = min(best, time.monotonic() - t)
                assert status == 200
            return best * 1000, body
        list_table_ms, body = best_of(5, {"Accept": table_accept})
        rows = len(json.loads(body)["rows"])
        list_json_ms, body = best_of(5, {"Accept": "application/json"})
        loaded_rss = rss_mb(server.pid)

        # Writes at `clients` concurrent clients: each creates configmaps.
        latencies = []
        lock = threading.Lock()
        barrier = threading.Barrier(clients)

        def writer(k):
            c = Client(data_dir, port)
            mine = []
            barrier.wait()
            for j in range(writes_per_client):
                body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                                   "metadata": {"name": f"w-{k}-{j}"}, "data": {"k": "v"}})
                t = time.monotonic()
                status, _ = c.call("POST", "/api/v1/namespaces/default/configmaps", body)
                mine.append(time.monotonic() - t)
                assert status == 201, status
            with lock:
                latencies.extend(mine)
        threads = [threading.Thread(target=writer, args=(k,)) for k in range(clients)]
        t0 = time.monotonic()
        [t.start() for t in threads]
        [t.join() for t in threads]
        write_s = time.monotonic() - t0
        latencies.sort()
        p50 = latencies[len(latencies) // 2] * 1000
        p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
        return {"backend": name, "readyz_s": readyz, "idle_rss_mb": idle_rss, "pods": rows,
                "load_pods_per_s": pods / load_s, "list_table_ms": list_table_ms, "list_json_ms": list_json_ms,
                "loaded_rss_mb": loaded_rss, "writes": len(latencies), "writes_per_s": len(latencies) / write_s,
                "write_p50_ms": p50, "write_p99_ms": p99}
    finally:
        if server and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait()
        if etcd:
            etcd.kill()
            etcd.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    skiff = sys.argv[1] if len(sys.argv) > 1 else "build/bin/skiff"
    pods = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    clients = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    writes = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    backends = ["sqlite"] + (["etcd"] if shutil.which("etcd") else [])
    results = [run_backend(skiff, b, pods, clients, writes) for b in backends]
    keys = ["readyz_s", "idle_rss_mb", "pods", "load_pods_per_s", "list_table_ms", "list_json_ms", "loaded_rss_mb",
            "writes", "writes_per_s", "write_p50_ms", "write_p99_ms"]
    print(f"{'metric':<18}" + "".join(f"{r['backend']:>12}" for r in results) + f"{'target':>10}" +
          "".join(f"{'ratio ' + r['backend']:>14}" for r in results))
    for key in keys:
        line = f"{key:<18}" + "".join(f"{r[key]:>12.1f}" if isinstance(r[key], float) else f"{r[key]:>12}"
                                      for r in results)
        if key in TARGETS:
            line += f"{TARGETS[key]:>10.1f}" + "".join(f"{r[key] / TARGETS[key]:>14.2f}" for r in results)
        print(line)
    if len(results) == 2:
        print("etcd/sqlite write p99 ratio: %.2f" % (results[1]["write_p99_ms"] / results[0]["write_p99_ms"]))


if __name__ == "__main__":
    main()
