"""Fixtures: a `skiff server` on a free loopback port in a temporary data
dir (SQLite, or etcd when etcd is installed), and a kubectl wrapper bound to
its admin kubeconfig with a private discovery cache."""
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import json
import urllib.request

import pytest

SKIFF = os.environ.get("SKIFF_BIN", "build/bin/skiff")
KUBECTL = os.environ.get("KUBECTL", shutil.which("kubectl") or "kubectl")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, what, timeout=30.0):
    """Polls `condition` until it returns a truthy value (a deadline, not a sleep)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Server:
    def __init__(self, data_dir, port, process):
        self.data_dir = data_dir
        self.port = port
        self.process = process
        self.kubeconfig = os.path.join(data_dir, "admin.kubeconfig")
        self.url = f"https://127.0.0.1:{port}"

    def tls_context(self, client_cert=True):
        ctx = ssl.create_default_context(cafile=os.path.join(self.data_dir, "pki", "ca.crt"))
        if client_cert:
            ctx.load_cert_chain(os.path.join(self.data_dir, "pki", "admin.crt"),
                                os.path.join(self.data_dir, "pki", "admin.key"))
        return ctx

    def request(self, method, path, body=None, content_type="application/json", headers=None, client_cert=True):
        """Raw HTTPS request; returns (status, parsed JSON or text)."""
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, context=self.tls_context(client_cert), timeout=30) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")


def start_server(extra_args=()):
    data_dir = tempfile.mkdtemp(prefix="skiff-e2e-")
    port = free_port()
    log = open(os.path.join(data_dir, "server.log"), "w")
    process = subprocess.Popen([SKIFF, "server", "--data-dir", data_dir, "--https-port", str(port),
                                "--bind-address", "127.0.0.1", "--disable-agent", *extra_args],
                               stdout=log, stderr=subprocess.STDOUT)
    server = Server(data_dir, port, process)

    def ready():
        if process.poll() is not None:
            raise AssertionError("skiff server exited: " + open(os.path.join(data_dir, "server.log")).read())
        if not os.path.exists(server.kubeconfig):
            return False
        try:
            return server.request("GET", "/readyz", client_cert=False)[0] == 200
        except OSError:
            return False

    try:
        wait_for(ready, "skiff server /readyz")
    except BaseException:
        stop_server(server)
        raise
    return server


def stop_server(server):
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    shutil.rmtree(server.data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def server():
    s = start_server()
    yield s
    stop_server(s)


class Kubectl:
    def __init__(self, server):
        self.server = server
        self.cache = tempfile.mkdtemp(prefix="skiff-kubectl-cache-")
        self.env = dict(os.environ, KUBECONFIG=server.kubeconfig, HOME=self.cache)

    def __call__(self, *args, stdin=None, check=True, env=None):
        cmd = [KUBECTL, "--cache-dir", self.cache, *args]
        result = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env or self.env, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def popen(self, *args):
        return subprocess.Popen([KUBECTL, "--cache-dir", self.cache, *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=self.env)

    def close(self):
        shutil.rmtree(self.cache, ignore_errors=True)


@pytest.fixture(scope="session")
def kubectl(server):
    k = Kubectl(server)
    yield k
    k.close()
