"""A scripted HTTPS endpoint for skiff_client's transport test (not an API
server): a watch stream held open between two events, a flaky GET, a
throttled GET, and an echo of the request. Usage: stream_server.py PORT CERT KEY"""
import http.server
import json
import ssl
import sys
import threading

release = threading.Event()
counts = {}
lock = threading.Lock()


def count(path):
    with lock:
        counts[path] = counts.get(path, 0) + 1
        return counts[path]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, code, obj, headers=()):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def handle_any(self, method):
        path = self.path.split("?")[0]
        n = count(method + " " + path)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode() if length else ""
        if path.endswith("/watch"):  # the test watches resource "watch": /api/v1/watch
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            first = json.dumps({"type": "ADDED", "object": {"metadata": {"name": "first", "resourceVersion": "1"}}})
            self.chunk(first.encode() + b"\n")
            release.wait()  # held open until the test has seen the first event
            second = json.dumps({"type": "MODIFIED", "object": {"metadata": {"name": "first", "resourceVersion": "2"}}})
            data = second.encode() + b"\n"
            self.chunk(data[:10])
            self.chunk(data[10:])
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            return
        if path == "/release":
            release.set()
            return self.send_json(200, {})
        if path == "/flaky":
            if n <= 2:
                return self.send_json(503, {"kind": "Status", "code": 503, "reason": "ServiceUnavailable",
                                            "message": "try again"})
            return self.send_json(200, {"attempt": n})
        if path == "/throttled":
            if n == 1:
                return self.send_json(429, {"kind": "Status", "code": 429, "reason": "TooManyRequests"},
                                      [("Retry-After", "1")])
            return self.send_json(200, {"attempt": n})
        if path == "/counts":
            with lock:
                return self.send_json(200, dict(counts))
        return self.send_json(200, {"method": method, "path": self.path, "body": body,
                                    "authorization": self.headers.get("Authorization", ""),
                                    "content_type": self.headers.get("Content-Type", "")})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")


server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[2], sys.argv[3])
server.socket = context.wrap_socket(server.socket, server_side=True)
print("ready", flush=True)
server.serve_forever()
