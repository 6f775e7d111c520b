"""The Debian python3-kubernetes client: list, watch, patch."""
import threading

import pytest

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client, config, watch  # noqa: E402


@pytest.fixture(scope="module")
def core(server):
    api_client = config.new_client_from_config(config_file=server.kubeconfig)
    yield client.CoreV1Api(api_client)
    api_client.close()


def test_list_patch_watch(core):
    body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-cm", labels={"src": "py"}), data={"a": "1"})
    created = core.create_namespaced_config_map("default", body)
    assert created.metadata.uid
    listed = core.list_namespaced_config_map("default", label_selector="src=py")
    assert [item.metadata.name for item in listed.items] == ["py-cm"]
    assert listed.metadata.resource_version

    patched = core.patch_namespaced_config_map("py-cm", "default", {"data": {"a": "2"}})
    assert patched.data["a"] == "2"

    events = []
    w = watch.Watch()
    started = threading.Event()

    def modify():
        started.wait()
        core.patch_namespaced_config_map("py-cm", "default", {"data": {"a": "3"}})

    t = threading.Thread(target=modify)
    t.start()
    for event in w.stream(core.list_namespaced_config_map, "default", label_selector="src=py",
                          resource_version=listed.metadata.resource_version, timeout_seconds=30):
        events.append((event["type"], event["object"].data.get("a")))
        started.set()
        if event["type"] == "MODIFIED" and event["object"].data.get("a") == "3":
            w.stop()
    t.join()
    assert ("MODIFIED", "2") in events
    assert ("MODIFIED", "3") in events
    core.delete_namespaced_config_map("py-cm", "default")
    names = [item.metadata.name for item in core.list_namespaced_config_map("default").items]
    assert "py-cm" not in names
