"""Bad requests get the right Status and leave the server serving."""
import json
import socket
import ssl


def test_anonymous_refused_except_health(server):
    assert server.request("GET", "/healthz", client_cert=False)[0] == 200
    assert server.request("GET", "/version", client_cert=False)[0] == 200
    status, body = server.request("GET", "/api/v1/namespaces", client_cert=False)
    assert status == 401 and body["reason"] == "Unauthorized"
    status, _ = server.request("GET", "/api/v1/namespaces", client_cert=False,
                               headers={"Authorization": "Bearer not-a-token"})
    assert status == 401


def test_malformed_json_and_yaml(server):
    status, body = server.request("POST", "/api/v1/namespaces/default/configmaps", "{\"kind\": ")
    assert status == 400 and body["reason"] == "BadRequest"
    status, body = server.request("POST", "/api/v1/namespaces/default/configmaps", "a: [b\n c: d",
                                  content_type="application/yaml")
    assert status == 400


def test_wrong_kind(server):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}
    status, body = server.request("POST", "/api/v1/namespaces/default/configmaps", json.dumps(pod))
    assert status == 400 and body["reason"] == "BadRequest"


def test_unknown_field_strict(server):
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "strict"}, "bogus": 1}
    status, body = server.request("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
                                  json.dumps(cm))
    assert status == 400
    assert 'unknown field "bogus"' in body["message"]


def test_oversized_body(server):
    # The limit is enforced from Content-Length, before the body is read.
    with server.tls_context().wrap_socket(socket.create_connection(("127.0.0.1", server.port)),
                                          server_hostname="localhost") as s:
        s.sendall(b"POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (3 * 1024 * 1024 + 10))
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413")
    assert b"RequestEntityTooLarge" in reply
    assert server.request("GET", "/api/v1/namespaces/default/configmaps")[0] == 200


def test_unsupported_patch_type(server):
    status, body = server.request("PATCH", "/api/v1/namespaces/default/configmaps/x", "{}",
                                  content_type="text/plain")
    assert status == 415


def test_unknown_resource_and_method(server):
    assert server.request("GET", "/api/v1/frobnicators")[0] == 404
    status, body = server.request("POST", "/api/v1/namespaces/default/configmaps/named", "{}")
    assert status == 405


def test_abandoned_connection_does_not_block_others(server):
    ctx = ssl.create_default_context(cafile=server.data_dir + "/pki/ca.crt")
    idle = socket.create_connection(("127.0.0.1", server.port))
    half = ctx.wrap_socket(socket.create_connection(("127.0.0.1", server.port)), server_hostname="localhost")
    half.sendall(b"GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n")  # never finished
    try:
        assert server.request("GET", "/api/v1/namespaces")[0] == 200
    finally:
        idle.close()
        half.close()


def test_bad_client_certificate_rejected(server, tmp_path):
    # A self-signed certificate the cluster CA did not issue: the handshake fails.
    import subprocess
    key, crt = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(crt), "-subj", "/CN=mallory/O=system:masters", "-days", "1"],
                   check=True, capture_output=True)
    ctx = ssl.create_default_context(cafile=server.data_dir + "/pki/ca.crt")
    ctx.load_cert_chain(str(crt), str(key))
    rejected = False
    try:
        with ctx.wrap_socket(socket.create_connection(("127.0.0.1", server.port)), server_hostname="localhost") as s:
            s.sendall(b"GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = s.recv(100)
            rejected = not data.startswith(b"HTTP/1.1 200")
    except (ssl.SSLError, ConnectionError, OSError):
        rejected = True
    assert rejected
