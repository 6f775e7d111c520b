"""kubectl v1.32, unmodified, against `skiff server`."""
import json
import os
import stat
import tempfile
import textwrap

import pytest

from conftest import wait_for

# kubectl's generator commands (create configmap/secret/namespace/deployment)
# send protobuf bodies; the server decodes JSON and YAML only so far.
PROTOBUF_GAP = pytest.mark.xfail(reason="kubectl create <generator> sends protobuf; not decoded yet", strict=False)

DEPLOYMENT = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {app: web}
    spec:
      replicas: {replicas}
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - name: nginx
            image: nginx:1.27
            ports:
            - containerPort: 80
    """)


def manifest(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_version_and_api_resources(kubectl):
    out = json.loads(kubectl("version", "-o", "json").stdout)
    assert out["serverVersion"]["gitVersion"].startswith("v1.32")
    resources = kubectl("api-resources", "-o", "wide").stdout
    assert "deployments" in resources and "deploy" in resources
    assert "namespaces" in resources
    names = kubectl("api-resources", "--namespaced=false", "-o", "name").stdout.split()
    assert "namespaces" in names and "pods" not in names


def test_default_namespaces_exist(kubectl):
    out = kubectl("get", "namespaces").stdout
    for name in ("default", "kube-system", "kube-public", "kube-node-lease"):
        assert name in out
    assert "Active" in out


def test_apply_create_change_unchanged(kubectl, tmp_path):
    path = manifest(tmp_path, "web.yaml", DEPLOYMENT.replace("{replicas}", "2"))
    assert "deployment.apps/web created" in kubectl("apply", "-f", path).stdout
    assert "deployment.apps/web unchanged" in kubectl("apply", "-f", path).stdout
    path = manifest(tmp_path, "web2.yaml", DEPLOYMENT.replace("{replicas}", "3"))
    assert "deployment.apps/web configured" in kubectl("apply", "-f", path).stdout
    replicas = kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}").stdout
    assert replicas == "3"
    obj = json.loads(kubectl("get", "deploy", "web", "-o", "json").stdout)
    # Defaults applied by the server.
    assert obj["spec"]["strategy"]["type"] == "RollingUpdate"
    assert obj["spec"]["template"]["spec"]["restartPolicy"] == "Always"
    assert obj["metadata"]["generation"] == 2
    assert "kubectl.kubernetes.io/last-applied-configuration" in obj["metadata"]["annotations"]
    kubectl("delete", "deployment", "web")


@PROTOBUF_GAP
def test_get_output_formats(kubectl):
    kubectl("create", "configmap", "fmt", "--from-literal=a=1", "--from-literal=b=2")
    kubectl("label", "configmap", "fmt", "tier=backend")
    table = kubectl("get", "configmaps").stdout
    assert "NAME" in table and "fmt" in table
    wide = kubectl("get", "cm", "fmt", "-o", "wide").stdout
    assert "fmt" in wide
    yaml_out = kubectl("get", "cm", "fmt", "-o", "yaml").stdout
    assert "kind: ConfigMap" in yaml_out and "a: \"1\"" in yaml_out
    assert kubectl("get", "cm", "fmt", "-o", "jsonpath={.data.b}").stdout == "2"
    assert "fmt" in kubectl("get", "cm", "-l", "tier=backend", "-o", "name").stdout
    assert "fmt" not in kubectl("get", "cm", "-l", "tier=frontend", "-o", "name").stdout
    everywhere = kubectl("get", "cm", "-A").stdout
    assert "NAMESPACE" in everywhere and "default" in everywhere
    kubectl("delete", "cm", "fmt")
    missing = kubectl("get", "cm", "fmt", check=False)
    assert missing.returncode != 0
    assert 'configmaps "fmt" not found' in missing.stderr


@PROTOBUF_GAP
def test_create_namespace_secret_deployment_scale_describe(kubectl):
    kubectl("create", "namespace", "team-a")
    kubectl("-n", "team-a", "create", "secret", "generic", "creds", "--from-literal=password=hunter2")
    secret = json.loads(kubectl("-n", "team-a", "get", "secret", "creds", "-o", "json").stdout)
    assert secret["type"] == "Opaque"
    assert secret["data"]["password"] == "aHVudGVyMg=="
    kubectl("-n", "team-a", "create", "deployment", "api", "--image=busybox:1.36", "--replicas=1")
    assert "scaled" in kubectl("-n", "team-a", "scale", "deployment", "api", "--replicas=4").stdout
    assert kubectl("-n", "team-a", "get", "deploy", "api", "-o", "jsonpath={.spec.replicas}").stdout == "4"
    described = kubectl("-n", "team-a", "describe", "deployment", "api").stdout
    assert "Name:" in described and "api" in described
    assert "busybox:1.36" in described
    kubectl("-n", "team-a", "describe", "secret", "creds")
    kubectl("delete", "namespace", "team-a")
    wait_for(lambda: kubectl("get", "namespace", "team-a", check=False).returncode != 0, "namespace team-a deleted")
    assert kubectl("-n", "team-a", "get", "deploy", "api", check=False).returncode != 0


@PROTOBUF_GAP
def test_create_in_missing_namespace_is_not_found(kubectl):
    result = kubectl("-n", "nowhere", "create", "configmap", "x", check=False)
    assert result.returncode != 0
    assert 'namespaces "nowhere" not found' in result.stderr


@PROTOBUF_GAP
def test_label_annotate_edit(kubectl, tmp_path):
    kubectl("create", "configmap", "editme", "--from-literal=k=v1")
    kubectl("label", "cm", "editme", "color=blue")
    kubectl("annotate", "cm", "editme", "note=hello")
    obj = json.loads(kubectl("get", "cm", "editme", "-o", "json").stdout)
    assert obj["metadata"]["labels"]["color"] == "blue"
    assert obj["metadata"]["annotations"]["note"] == "hello"
    kubectl("label", "cm", "editme", "color-")
    obj = json.loads(kubectl("get", "cm", "editme", "-o", "json").stdout)
    assert "color" not in obj["metadata"].get("labels", {})

    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nsed -i 's/k: v1/k: v2/' \"$1\"\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    env = dict(kubectl.env, EDITOR=str(editor), KUBE_EDITOR=str(editor))
    result = kubectl("edit", "cm", "editme", env=env)
    assert "edited" in result.stdout
    assert kubectl("get", "cm", "editme", "-o", "jsonpath={.data.k}").stdout == "v2"
    kubectl("delete", "cm", "editme")


@PROTOBUF_GAP
def test_get_watch_sees_new_objects(kubectl):
    watcher = kubectl.popen("get", "configmaps", "-w", "--output-watch-events", "--request-timeout=60s")
    try:
        # The watch is established once the current list has been printed.
        kubectl("create", "configmap", "watched-1")
        lines = []

        def seen():
            line = watcher.stdout.readline()
            if line:
                lines.append(line)
            return any("watched-1" in l for l in lines)

        wait_for(seen, "kubectl get -w to print the new configmap")
        kubectl("delete", "configmap", "watched-1")
        wait_for(lambda: (lines.append(watcher.stdout.readline()) or any("DELETED" in l for l in lines)),
                 "kubectl get -w to print the deletion")
    finally:
        watcher.kill()
        watcher.wait()


@PROTOBUF_GAP
def test_auth_can_i_and_contexts(kubectl):
    assert kubectl("auth", "can-i", "create", "deployments").stdout.strip() == "yes"
    assert kubectl("auth", "can-i", "--list").returncode == 0
    contexts = kubectl("config", "get-contexts").stdout
    assert "skiff" in contexts
    assert kubectl("config", "current-context").stdout.strip() == "skiff"


@PROTOBUF_GAP
def test_conflict_and_invalid(kubectl, server):
    kubectl("create", "configmap", "conf", "--from-literal=a=1")
    status, obj = server.request("GET", "/api/v1/namespaces/default/configmaps/conf")
    assert status == 200
    stale = dict(obj)
    obj["data"]["a"] = "2"
    assert server.request("PUT", "/api/v1/namespaces/default/configmaps/conf", json.dumps(obj))[0] == 200
    stale["data"] = {"a": "3"}
    status, body = server.request("PUT", "/api/v1/namespaces/default/configmaps/conf", json.dumps(stale))
    assert status == 409 and body["reason"] == "Conflict"
    kubectl("delete", "cm", "conf")

    bad = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "bad"},
           "spec": {"ports": [{"port": 70000}]}}
    status, body = server.request("POST", "/api/v1/namespaces/default/services", json.dumps(bad))
    assert status == 422 and body["reason"] == "Invalid"
    assert any("port" in cause["field"] for cause in body["details"]["causes"])
