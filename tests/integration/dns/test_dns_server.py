#!/usr/bin/env python3
"""Integration tests of Skiff's cluster DNS server.

Starts unbound (a test zone on 127.0.0.54, a free high port) as the upstream
and skiff-dns-test-server fed from a manifests directory, then sends real
queries with dnspython over UDP and TCP. Every process is stopped in
tearDownModule, also when a test or the set-up fails. No sleeps are used as
synchronisation: the tests poll until a condition holds, with a deadline.
"""
import argparse
import atexit
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import urllib.request

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.reversename

ARGS = None
PROCS = []
STATE = {}

SERVER_IP = "127.0.0.53"
UPSTREAM_IP = "127.0.0.54"
CLIENT_IP = "127.0.0.1"
FLOOD_IP = "127.0.0.77"
ZONE = "cluster.local."
BIG_ENDPOINTS = 200


def free_port(ip, kind=socket.SOCK_DGRAM):
    # Both UDP and TCP must be free on the port.
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind((ip, 0))
            port = u.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                    t.bind((ip, port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


def wait_for(cond, what, timeout=15.0, interval=0.02):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = cond()
            if last:
                return last
        except Exception as e:  # noqa: BLE001 - polling until ready
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def stop_all():
    for p in PROCS:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    PROCS.clear()


atexit.register(stop_all)


def manifests(d):
    svc = textwrap.dedent(f"""
        apiVersion: v1
        kind: Namespace
        metadata: {{name: default}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {{name: other}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {{name: web, namespace: default}}
        spec:
          clusterIP: 10.96.0.10
          ports:
          - {{name: http, port: 80, protocol: TCP}}
          - {{name: dns, port: 53, protocol: UDP}}
          - {{name: alt, port: 8080}}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-1
          namespace: default
          labels: {{kubernetes.io/service-name: web}}
        addressType: IPv4
        ports: [{{name: http, port: 8080, protocol: TCP}}]
        endpoints:
        - addresses: [10.1.1.1]
        ---
        apiVersion: v1
        kind: Service
        metadata: {{name: web6, namespace: default}}
        spec:
          clusterIP: fd00::10
          ipFamilies: [IPv6]
          ports: [{{name: http, port: 80}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {{name: db, namespace: default}}
        spec:
          clusterIP: None
          ports: [{{name: pg, port: 5432}}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-1
          namespace: default
          labels: {{kubernetes.io/service-name: db}}
        addressType: IPv4
        ports: [{{name: pg, port: 5432, protocol: TCP}}]
        endpoints:
        - addresses: [10.1.0.5]
          hostname: db-0
        - addresses: [10.1.0.6]
          conditions: {{ready: true}}
        - addresses: [10.1.0.7]
          conditions: {{ready: false}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {{name: empty, namespace: default}}
        spec:
          clusterIP: None
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: empty-1
          namespace: default
          labels: {{kubernetes.io/service-name: empty}}
        addressType: IPv4
        endpoints:
        - addresses: [10.1.2.1]
          conditions: {{ready: false}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {{name: eager, namespace: default}}
        spec:
          clusterIP: None
          publishNotReadyAddresses: true
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: eager-1
          namespace: default
          labels: {{kubernetes.io/service-name: eager}}
        addressType: IPv4
        endpoints:
        - addresses: [10.1.3.1]
          conditions: {{ready: false}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {{name: ext, namespace: default}}
        spec:
          type: ExternalName
          externalName: www.test.skiff
        ---
        apiVersion: v1
        kind: Service
        metadata: {{name: sub, namespace: default}}
        spec:
          clusterIP: None
        ---
        apiVersion: v1
        kind: Pod
        metadata: {{name: p1, namespace: default}}
        spec:
          hostname: host1
          subdomain: sub
          nodeName: n1
          containers: [{{name: c, image: busybox}}]
        status:
          phase: Running
          podIP: 10.1.4.1
          podIPs: [{{ip: 10.1.4.1}}]
          conditions: [{{type: Ready, status: "True"}}]
    """)
    with open(os.path.join(d, "services.yaml"), "w") as f:
        f.write(svc)
    eps = "\n".join(f"- addresses: [10.2.{i // 250}.{i % 250 + 1}]" for i in range(BIG_ENDPOINTS))
    big = textwrap.dedent("""
        apiVersion: v1
        kind: Service
        metadata: {name: big, namespace: other}
        spec:
          clusterIP: None
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: big-1
          namespace: other
          labels: {kubernetes.io/service-name: big}
        addressType: IPv4
        endpoints:
    """) + eps + "\n"
    with open(os.path.join(d, "big.yaml"), "w") as f:
        f.write(big)


def start_unbound(tmp):
    port = free_port(UPSTREAM_IP)
    conf = os.path.join(tmp, "unbound.conf")
    with open(conf, "w") as f:
        f.write(textwrap.dedent(f"""
            server:
              interface: {UPSTREAM_IP}
              port: {port}
              do-daemonize: no
              username: ""
              chroot: ""
              directory: "{tmp}"
              pidfile: ""
              logfile: ""
              use-syslog: no
              num-threads: 1
              access-control: 127.0.0.0/8 allow
              do-ip6: no
              module-config: "iterator"
              local-zone: "test.skiff." static
              local-data: "www.test.skiff. 300 IN A 192.0.2.10"
              local-data: "api.test.skiff. 300 IN A 192.0.2.11"
              local-data: "node.corp.skiff. 300 IN A 192.0.2.12"
              local-zone: "corp.skiff." static
            remote-control:
              control-enable: no
        """))
    p = subprocess.Popen([ARGS.unbound, "-d", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    PROCS.append(p)
    q = dns.message.make_query("www.test.skiff.", "A")
    wait_for(lambda: dns.query.udp(q, UPSTREAM_IP, port=port, timeout=0.5).answer, "unbound to answer")
    return port


def start_server(tmp, manifests_dir, upstream, extra_config="", extra_args=(), ip=SERVER_IP):
    cfg = os.path.join(tmp, f"dns-{len(PROCS)}.yaml")
    with open(cfg, "w") as f:
        f.write(textwrap.dedent(f"""
            zone: cluster.local
            ttl: 30
            listen: {ip}:0
            http_listen: {ip}:0
            upstreams: [{upstream}]
            resolv_conf: /nonexistent
            tcp: {{max_connections: 50, idle_timeout_ms: 2000}}
        """) + extra_config)
    p = subprocess.Popen([ARGS.server, "--manifests", manifests_dir, "--config", cfg, *extra_args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    PROCS.append(p)
    line = p.stdout.readline()
    if not line.startswith("ready"):
        p.terminate()
        raise RuntimeError(f"server did not start: {line!r} {p.stderr.read()}")
    fields = dict(kv.split("=", 1) for kv in line.split()[1:])
    port = int(fields["udp"].rsplit(":", 1)[1])
    http = int(fields["http"].rsplit(":", 1)[1])
    return p, port, http


def setUpModule():
    tmp = tempfile.mkdtemp(prefix="skiff-dns-it-")
    STATE["tmp"] = tmp
    mdir = os.path.join(tmp, "manifests")
    os.mkdir(mdir)
    manifests(mdir)
    STATE["manifests"] = mdir
    try:
        up = start_unbound(tmp)
        STATE["upstream"] = f"{UPSTREAM_IP}:{up}"
        proc, port, http = start_server(tmp, mdir, STATE["upstream"],
                                        "rate_limit: {qps: 500, burst: 500}\nsearch_completion: true\n"
                                        "search_domains: [corp.skiff]\n")
        STATE.update(proc=proc, port=port, http=http)
        q = dns.message.make_query("web.default.svc.cluster.local.", "A")
        wait_for(lambda: udp(q).answer, "skiff dns to answer")
    except BaseException:
        stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def tearDownModule():
    stop_all()
    if "tmp" in STATE:
        shutil.rmtree(STATE["tmp"], ignore_errors=True)


def udp(q, port=None, source=CLIENT_IP, ip=SERVER_IP, timeout=2.0):
    return dns.query.udp(q, ip, port=port or STATE["port"], timeout=timeout, source=source)


def tcp(q, port=None, ip=SERVER_IP):
    return dns.query.tcp(q, ip, port=port or STATE["port"], timeout=2.0)


def ask(name, rdtype="A", use_tcp=False, **kw):
    q = dns.message.make_query(name, rdtype, **kw)
    return tcp(q) if use_tcp else udp(q)


def addresses(resp, rdtype="A"):
    out = set()
    for rrset in resp.answer:
        if rrset.rdtype == dns.rdatatype.from_text(rdtype):
            out |= {r.to_text() for r in rrset}
    return out


def raw_udp(payload, source=CLIENT_IP, timeout=1.0, port=None):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((source, 0))
        s.settimeout(timeout)
        s.sendto(payload, (SERVER_IP, port or STATE["port"]))
        try:
            return s.recv(65535)
        except socket.timeout:
            return None


def metrics(http=None):
    with urllib.request.urlopen(f"http://{SERVER_IP}:{http or STATE['http']}/metrics", timeout=2) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            out[k] = float(v)
    return out


class ClusterRecords(unittest.TestCase):
    def test_cluster_ip_a(self):
        r = ask("web.default.svc.cluster.local.")
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assertTrue(r.flags & dns.flags.AA)
        self.assertEqual(addresses(r), {"10.96.0.10"})
        self.assertEqual(r.answer[0].ttl, 30)

    def test_case_insensitive_and_question_echoed(self):
        r = ask("WeB.DeFault.SVC.Cluster.Local.")
        self.assertEqual(addresses(r), {"10.96.0.10"})
        self.assertEqual(r.question[0].name.to_text(), "WeB.DeFault.SVC.Cluster.Local.")

    def test_ipv6_cluster_ip_aaaa(self):
        r = ask("web6.default.svc.cluster.local.", "AAAA")
        self.assertEqual(addresses(r, "AAAA"), {"fd00::10"})
        r = ask("web6.default.svc.cluster.local.", "A")
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assertEqual(r.answer, [])

    def test_headless_ready_endpoints_only(self):
        r = ask("db.default.svc.cluster.local.")
        self.assertEqual(addresses(r), {"10.1.0.5", "10.1.0.6"})

    def test_headless_hostname_and_dashed_ip_records(self):
        self.assertEqual(addresses(ask("db-0.db.default.svc.cluster.local.")), {"10.1.0.5"})
        self.assertEqual(addresses(ask("10-1-0-6.db.default.svc.cluster.local.")), {"10.1.0.6"})
        self.assertEqual(ask("10-1-0-7.db.default.svc.cluster.local.").rcode(), dns.rcode.NXDOMAIN)

    def test_headless_without_ready_endpoints_is_nxdomain(self):
        self.assertEqual(ask("empty.default.svc.cluster.local.").rcode(), dns.rcode.NXDOMAIN)

    def test_publish_not_ready_addresses(self):
        self.assertEqual(addresses(ask("eager.default.svc.cluster.local.")), {"10.1.3.1"})

    def test_srv_named_port_with_additional(self):
        r = ask("_http._tcp.web.default.svc.cluster.local.", "SRV")
        srv = [x.to_text() for rr in r.answer for x in rr]
        self.assertEqual(srv, ["0 100 80 web.default.svc.cluster.local."])
        self.assertEqual({x.to_text() for rr in r.additional for x in rr}, {"10.96.0.10"})
        r = ask("_dns._udp.web.default.svc.cluster.local.", "SRV")
        self.assertEqual([x.port for rr in r.answer for x in rr], [53])
        r = ask("_pg._tcp.db.default.svc.cluster.local.", "SRV")
        targets = {x.target.to_text() for rr in r.answer for x in rr}
        self.assertEqual(targets, {"db-0.db.default.svc.cluster.local.", "10-1-0-6.db.default.svc.cluster.local."})
        self.assertEqual(len([x for rr in r.additional for x in rr]), 2)

    def test_ptr_for_cluster_ip_endpoint_and_ipv6(self):
        r = ask(dns.reversename.from_address("10.96.0.10"), "PTR")
        self.assertEqual({x.to_text() for rr in r.answer for x in rr}, {"web.default.svc.cluster.local."})
        r = ask(dns.reversename.from_address("10.1.0.5"), "PTR")
        self.assertEqual({x.to_text() for rr in r.answer for x in rr}, {"db-0.db.default.svc.cluster.local."})
        r = ask(dns.reversename.from_address("fd00::10"), "PTR")
        self.assertEqual({x.to_text() for rr in r.answer for x in rr}, {"web6.default.svc.cluster.local."})

    def test_external_name_cname_chased_upstream(self):
        r = ask("ext.default.svc.cluster.local.", "A")
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        types = [rr.rdtype for rr in r.answer]
        self.assertIn(dns.rdatatype.CNAME, types)
        cname = [x.to_text() for rr in r.answer if rr.rdtype == dns.rdatatype.CNAME for x in rr]
        self.assertEqual(cname, ["www.test.skiff."])
        self.assertEqual(addresses(r), {"192.0.2.10"})
        r = ask("ext.default.svc.cluster.local.", "CNAME")
        self.assertEqual(len(r.answer), 1)

    def test_dns_version(self):
        r = ask("dns-version.cluster.local.", "TXT")
        self.assertEqual([x.to_text() for rr in r.answer for x in rr], ['"1.1.0"'])

    def test_pod_records_insecure(self):
        self.assertEqual(addresses(ask("10-1-9-9.default.pod.cluster.local.")), {"10.1.9.9"})
        self.assertEqual(ask("10-1-9-9.nonexistent.pod.cluster.local.").rcode(), dns.rcode.NXDOMAIN)
        self.assertEqual(ask("not-an-ip.default.pod.cluster.local.").rcode(), dns.rcode.NXDOMAIN)

    def test_pod_hostname_subdomain(self):
        self.assertEqual(addresses(ask("host1.sub.default.svc.cluster.local.")), {"10.1.4.1"})

    def test_nodata_vs_nxdomain(self):
        r = ask("web.default.svc.cluster.local.", "TXT")
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assertEqual(r.answer, [])
        self.assertEqual(r.authority[0].rdtype, dns.rdatatype.SOA)
        self.assertEqual(r.authority[0].name.to_text(), ZONE)
        r = ask("default.svc.cluster.local.", "A")
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        r = ask("nope.default.svc.cluster.local.", "A")
        self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN)
        self.assertEqual(r.authority[0].rdtype, dns.rdatatype.SOA)
        self.assertEqual(ask("web.nons.svc.cluster.local.").rcode(), dns.rcode.NXDOMAIN)

    def test_ndots_expansions_answered_from_index(self):
        before = metrics()
        for suffix in ("default.svc.cluster.local.", "svc.cluster.local.", "cluster.local."):
            r = ask("nothere.example." + suffix)
            self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN)
        after = metrics()
        self.assertEqual(before.get("skiff_dns_cache_misses_total"), after.get("skiff_dns_cache_misses_total"))

    def test_search_completion_cname(self):
        # First expansion of "api.test.skiff" in namespace default.
        r = ask("api.test.skiff.default.svc.cluster.local.")
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        cname = [x.to_text() for rr in r.answer if rr.rdtype == dns.rdatatype.CNAME for x in rr]
        self.assertEqual(cname, ["api.test.skiff."])
        self.assertEqual(addresses(r), {"192.0.2.11"})
        # Node search domains come first, as in the client's own walk.
        r = ask("node.default.svc.cluster.local.")
        self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN)  # single label: left to the client
        r = ask("missing.test.skiff.default.svc.cluster.local.")
        self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN)  # negative: plain NXDOMAIN


class Transport(unittest.TestCase):
    def test_tcp(self):
        self.assertEqual(addresses(ask("web.default.svc.cluster.local.", use_tcp=True)), {"10.96.0.10"})

    def test_truncation_and_tcp_retry(self):
        q = dns.message.make_query("big.other.svc.cluster.local.", "A", use_edns=False)
        r = udp(q)
        self.assertTrue(r.flags & dns.flags.TC)
        self.assertLess(len(r.to_wire()), 513)
        full = tcp(q)
        self.assertFalse(full.flags & dns.flags.TC)
        self.assertEqual(len(addresses(full)), BIG_ENDPOINTS)
        r, used_tcp = dns.query.udp_with_fallback(q, SERVER_IP, port=STATE["port"], timeout=2.0)
        self.assertTrue(used_tcp)
        self.assertEqual(len(addresses(r)), BIG_ENDPOINTS)

    def test_edns_buffer_size_honoured(self):
        q = dns.message.make_query("big.other.svc.cluster.local.", "A", use_edns=0, payload=1232)
        r = udp(q)
        self.assertTrue(r.flags & dns.flags.TC)
        self.assertLessEqual(len(r.to_wire()), 1232)
        self.assertEqual(r.edns, 0)
        q = dns.message.make_query("big.other.svc.cluster.local.", "A", use_edns=0, payload=4096)
        r = udp(q)
        self.assertFalse(r.flags & dns.flags.TC)
        self.assertEqual(len(addresses(r)), BIG_ENDPOINTS)

    def test_tcp_pipelining(self):
        names = ["web.default.svc.cluster.local.", "db.default.svc.cluster.local.", "www.test.skiff."]
        msgs = [dns.message.make_query(n, "A") for n in names]
        with socket.create_connection((SERVER_IP, STATE["port"]), timeout=3) as s:
            s.sendall(b"".join(struct.pack("!H", len(w)) + w for w in (m.to_wire() for m in msgs)))
            f = s.makefile("rb")
            got = {}
            for _ in msgs:
                n = struct.unpack("!H", f.read(2))[0]
                r = dns.message.from_wire(f.read(n))
                got[r.id] = r
        for m in msgs:
            self.assertIn(m.id, got)
            self.assertTrue(got[m.id].answer)


    def test_tcp_idle_timeout_and_connection_limit(self):
        # Idle connections are closed by the server (idle_timeout_ms: 2000).
        with socket.create_connection((SERVER_IP, STATE["port"]), timeout=10) as s:
            self.assertEqual(s.recv(1), b"")
        # Over max_connections (50), new connections are closed at once while
        # the open ones keep working.
        conns = []
        try:
            for _ in range(50):
                conns.append(socket.create_connection((SERVER_IP, STATE["port"]), timeout=5))
            wait_for(lambda: metrics()["skiff_dns_tcp_connections"] >= 50, "50 connections")
            with socket.create_connection((SERVER_IP, STATE["port"]), timeout=5) as extra:
                self.assertEqual(extra.recv(1), b"")
            q = dns.message.make_query("web.default.svc.cluster.local.", "A").to_wire()
            conns[0].sendall(struct.pack("!H", len(q)) + q)
            f = conns[0].makefile("rb")
            n = struct.unpack("!H", f.read(2))[0]
            self.assertEqual(addresses(dns.message.from_wire(f.read(n))), {"10.96.0.10"})
            f.close()
        finally:
            for s in conns:
                s.close()
        wait_for(lambda: metrics()["skiff_dns_tcp_connections"] == 0, "connections to close")
        self.assertGreater(metrics()["skiff_dns_tcp_rejected_total"], 0)


class Forwarding(unittest.TestCase):
    def test_forward_and_cache(self):
        before = metrics()
        r = ask("www.test.skiff.")
        self.assertEqual(addresses(r), {"192.0.2.10"})
        self.assertLessEqual(r.answer[0].ttl, 30)  # capped by the cache
        r = ask("WWW.test.skiff.")
        self.assertEqual(addresses(r), {"192.0.2.10"})
        after = metrics()
        self.assertGreater(after["skiff_dns_cache_hits_total"], before["skiff_dns_cache_hits_total"])
        self.assertGreater(after['skiff_dns_upstream_request_duration_seconds_count'], 0)

    def test_negative_answer_relayed_and_cached(self):
        r = ask("nx.test.skiff.")
        self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN)
        before = metrics()["skiff_dns_cache_hits_total"]
        self.assertEqual(ask("nx.test.skiff.").rcode(), dns.rcode.NXDOMAIN)
        self.assertGreater(metrics()["skiff_dns_cache_hits_total"], before)

    def test_reverse_names_not_in_cluster_fall_through(self):
        # Not a cluster address: forwarded (unbound answers it without data).
        r = ask(dns.reversename.from_address("192.0.2.99"), "PTR")
        self.assertNotEqual(r.rcode(), dns.rcode.SERVFAIL)
        self.assertFalse(r.flags & dns.flags.AA)


class BadInput(unittest.TestCase):
    def assert_still_serving(self):
        self.assertEqual(addresses(ask("web.default.svc.cluster.local.")), {"10.96.0.10"})

    def rcode_of(self, wire):
        self.assertIsNotNone(wire, "no answer")
        return wire[3] & 0x0F

    def header(self, flags=0x0100, qd=1, an=0, ns=0, ar=0, qid=0x4242):
        return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)

    def question(self, name="web.default.svc.cluster.local.", qtype=1, qclass=1):
        return dns.name.from_text(name).to_wire() + struct.pack("!HH", qtype, qclass)

    def test_garbage_and_short_packets_dropped(self):
        self.assertIsNone(raw_udp(b"\x01\x02\x03", timeout=0.3))
        self.assertIsNone(raw_udp(b"", timeout=0.3))
        raw_udp(os.urandom(300), timeout=0.3)
        self.assert_still_serving()

    def test_responses_are_never_answered(self):
        self.assertIsNone(raw_udp(self.header(flags=0x8100) + self.question(), timeout=0.3))

    def test_formerr(self):
        self.assertEqual(self.rcode_of(raw_udp(self.header(qd=2) + self.question() * 2)), 1)
        self.assertEqual(self.rcode_of(raw_udp(self.header(qd=0))), 1)
        loop = self.header() + b"\xc0\x0c" + struct.pack("!HH", 1, 1)
        self.assertEqual(self.rcode_of(raw_udp(loop)), 1)
        cut = (self.header() + self.question())[:-3]
        self.assertEqual(self.rcode_of(raw_udp(cut)), 1)
        long_label = self.header() + b"\x40" + b"a" * 64 + b"\x00" + struct.pack("!HH", 1, 1)
        self.assertEqual(self.rcode_of(raw_udp(long_label)), 1)
        self.assert_still_serving()

    def test_notimp_refused(self):
        notify = self.header(flags=(4 << 11)) + self.question()
        self.assertEqual(self.rcode_of(raw_udp(notify)), 4)
        update = self.header(flags=(5 << 11)) + self.question()
        self.assertEqual(self.rcode_of(raw_udp(update)), 4)
        chaos = self.header() + self.question("version.bind.", 16, 3)
        self.assertEqual(self.rcode_of(raw_udp(chaos)), 5)
        axfr = self.header() + self.question("cluster.local.", 252)
        self.assertEqual(self.rcode_of(tcp_raw(axfr)), 5)
        ixfr = self.header() + self.question("cluster.local.", 251)
        self.assertEqual(self.rcode_of(raw_udp(ixfr)), 5)
        self.assert_still_serving()

    def test_badvers(self):
        q = dns.message.make_query("web.default.svc.cluster.local.", "A")
        q.use_edns(edns=1)
        r = udp(q)
        self.assertEqual(r.rcode(), dns.rcode.BADVERS)

    def test_flood_from_one_client_is_limited(self):
        q = dns.message.make_query("web.default.svc.cluster.local.", "A").to_wire()
        before = metrics()["skiff_dns_rate_limited_total"]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((FLOOD_IP, 0))
            s.setblocking(False)
            for _ in range(3000):
                try:
                    s.sendto(q, (SERVER_IP, STATE["port"]))
                except BlockingIOError:
                    pass
        wait_for(lambda: metrics()["skiff_dns_rate_limited_total"] > before, "rate limiting to drop")
        self.assert_still_serving()


def tcp_raw(wire):
    with socket.create_connection((SERVER_IP, STATE["port"]), timeout=2) as s:
        s.sendall(struct.pack("!H", len(wire)) + wire)
        f = s.makefile("rb")
        n = struct.unpack("!H", f.read(2))[0]
        return f.read(n)


class Operations(unittest.TestCase):
    def test_health_ready_metrics(self):
        for path in ("/health", "/ready"):
            with urllib.request.urlopen(f"http://{SERVER_IP}:{STATE['http']}{path}", timeout=2) as r:
                self.assertEqual(r.status, 200)
        m = metrics()
        self.assertIn('skiff_dns_requests_total{proto="udp",type="A"}', m)
        self.assertIn('skiff_dns_responses_total{rcode="NXDOMAIN"}', m)

    def test_reload_applies_changes(self):
        path = os.path.join(STATE["manifests"], "late.yaml")
        with open(path, "w") as f:
            f.write("apiVersion: v1\nkind: Service\nmetadata: {name: late, namespace: default}\n"
                    "spec: {clusterIP: 10.96.0.77, ports: [{port: 80}]}\n")
        try:
            STATE["proc"].send_signal(signal.SIGHUP)
            wait_for(lambda: addresses(ask("late.default.svc.cluster.local.")) == {"10.96.0.77"}, "new service")
        finally:
            os.unlink(path)
            STATE["proc"].send_signal(signal.SIGHUP)
        wait_for(lambda: ask("late.default.svc.cluster.local.").rcode() == dns.rcode.NXDOMAIN, "service removal")
        self.assertEqual(addresses(ask("web.default.svc.cluster.local.")), {"10.96.0.10"})

    def test_servfail_before_sync(self):
        p, port, http = start_server(STATE["tmp"], STATE["manifests"], STATE["upstream"],
                                     extra_args=["--sync-delay-ms", "-1"], ip="127.0.0.55")
        try:
            q = dns.message.make_query("web.default.svc.cluster.local.", "A")
            r = wait_for(lambda: udp(q, port=port, ip="127.0.0.55"), "unsynced server")
            self.assertEqual(r.rcode(), dns.rcode.SERVFAIL)
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(f"http://127.0.0.55:{http}/ready", timeout=2)
            self.assertEqual(e.exception.code, 503)
            # Names outside the cluster are still forwarded.
            r = udp(dns.message.make_query("www.test.skiff.", "A"), port=port, ip="127.0.0.55")
            self.assertEqual(addresses(r), {"192.0.2.10"})
        finally:
            p.terminate()
            p.wait(timeout=5)

    def test_forwarding_loop_detected(self):
        port = free_port("127.0.0.56")
        p, port, http = start_server(STATE["tmp"], STATE["manifests"], f"127.0.0.56:{port}",
                                     extra_args=["--listen", f"127.0.0.56:{port}"], ip="127.0.0.56")
        try:
            def loop_flag():
                with urllib.request.urlopen(f"http://127.0.0.56:{http}/metrics", timeout=2) as r:
                    return "skiff_dns_forward_loop_detected 1" in r.read().decode()
            wait_for(loop_flag, "loop detection")
            q = dns.message.make_query("web.default.svc.cluster.local.", "A")
            self.assertEqual(addresses(udp(q, port=port, ip="127.0.0.56")), {"10.96.0.10"})
            r = udp(dns.message.make_query("www.test.skiff.", "A"), port=port, ip="127.0.0.56")
            self.assertEqual(r.rcode(), dns.rcode.SERVFAIL)
        finally:
            p.terminate()
            p.wait(timeout=5)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--unbound", default="/usr/sbin/unbound")
    ARGS, rest = parser.parse_known_args()
    prog = unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False)
    result = prog.result
    failed = len(result.failures) + len(result.errors)
    print(f"{max(0, result.testsRun - failed - len(result.skipped))} passed, {failed} failed, {len(result.skipped)} skipped")
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
