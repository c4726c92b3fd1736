"""The cluster deploy files (deploy/docker-compose.yml, deploy/k8s/) are valid and have the same
topology as ``tendik stack``: the same services, the same environment variable names per role,
probes on the same health paths, nginx from the same template.

Validated offline with what installs from PyPI: the Kubernetes manifests against the bundled
OpenAPI schemas of ``kubernetes-validate`` (strict: an unknown field is an error), the compose file
against the compose-spec schema bundled with ``check-jsonschema``; the nginx template with
``nginx -t`` (Debian's nginx) when it is installed. No Docker engine or cluster is needed.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tendik.ops import stack

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
# tendik stack's roles -> the service / workload name in compose and Kubernetes
SERVICES = {"database": "postgres", "lock-store": "redis", "rasa": "rasa", "action-server": "actions", "widget": "web",
            "telegram": "telegram", "proxy": "nginx"}


def k8s_documents() -> list[dict]:
    docs = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def workloads() -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in k8s_documents() if d["kind"] in ("Deployment", "StatefulSet")}


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def check_compose(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)],
                          capture_output=True, text=True, timeout=120)


def env_example_names() -> set[str]:
    return {line.split("=", 1)[0] for line in (DEPLOY / "tendik.env.example").read_text().splitlines()
            if "=" in line and not line.startswith("#")}


# ---------------------------------------------------------------- validation
def test_kubernetes_manifests_are_valid_strictly() -> None:
    version = kubernetes_validate.latest_version()
    docs = k8s_documents()
    assert {d["kind"] for d in docs} >= {"Namespace", "Secret", "ConfigMap", "Deployment", "StatefulSet", "Service",
                                         "HorizontalPodAutoscaler"}
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)
    # the validator does fail: a misspelt field in a probe
    broken = copy.deepcopy(workloads()["rasa"])
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGett"] = {"path": "/"}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, version, strict=True)


def test_compose_file_is_valid_against_the_compose_spec(tmp_path: Path) -> None:
    result = check_compose(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = compose()
    broken["services"]["rasa"]["healthcheck"]["intervall"] = "10s"
    (tmp_path / "broken.yml").write_text(yaml.safe_dump(broken))
    assert check_compose(tmp_path / "broken.yml").returncode != 0


def test_secrets_are_examples_only() -> None:
    secret = next(d for d in k8s_documents() if d["kind"] == "Secret")
    values = [v for v in secret["stringData"].values() if v and not v.startswith("https://")]
    assert all("change-me" in v for v in values), values
    assert env_example_names() >= set(secret["stringData"])
    for line in (DEPLOY / "tendik.env.example").read_text().splitlines():
        if "=" in line and not line.startswith("#") and line.split("=", 1)[1] and "://" not in line:
            assert "change-me" in line, line
    ignored = (DEPLOY / "docker" / ".dockerignore").read_text().split()
    assert {".env", "data/", ".git", "deploy/tendik.env"} <= set(ignored)


# ---------------------------------------------------------------- the same topology
def test_the_same_services_as_the_local_stack() -> None:
    services = compose()["services"]
    assert set(services) == set(SERVICES.values())
    assert set(workloads()) == set(SERVICES.values())
    # only nginx is published
    assert [name for name, s in services.items() if s.get("ports")] == ["nginx"]
    k8s_services = {d["metadata"]["name"] for d in k8s_documents() if d["kind"] == "Service"}
    assert k8s_services == set(SERVICES.values()) | {"nginx-internal"}
    # several Rasa replicas
    assert services["rasa"]["deploy"]["replicas"] >= 2 and workloads()["rasa"]["spec"]["replicas"] >= 2
    # Rasa's lock store is the atomic Redis one in every deployment, beside the same tracker store
    # and action endpoint as nlu_data/endpoints.yml
    endpoints = yaml.safe_load((DEPLOY / "docker" / "endpoints.yml").read_text())
    base = yaml.safe_load((ROOT / "nlu_data" / "endpoints.yml").read_text())
    assert endpoints["lock_store"]["type"] == "tendik.rasa.lock_store.AtomicRedisLockStore"
    assert endpoints["lock_store"]["password"] == "${TENDIK_REDIS_PASSWORD}"
    assert {k: endpoints[k] for k in base} == base


def test_every_role_gets_the_same_variables() -> None:
    services, loads, from_file = compose()["services"], workloads(), env_example_names()
    for role, names in stack.ROLE_ENV.items():
        service = SERVICES[role]
        environment = services[service].get("environment") or {}
        missing = set(names) - set(environment)
        assert not services[service].get("env_file"), "each service names its secrets (no shared env_file)"
        assert not missing, f"compose service {service} lacks {missing}"
        container = loads[service]["spec"]["template"]["spec"]["containers"][0]
        missing = set(names) - {e["name"] for e in container.get("env", [])}
        assert not missing, f"k8s workload {service} lacks {missing}"
        for name, value in environment.items():  # compose: secrets only from deploy/tendik.env
            if re.search(r"TOKEN|SECRET|PASSWORD|DB_URL|REDIS_URL", name):
                assert str(value).startswith("${" + name + ":?") and name in from_file, (service, name)
        # secrets come from the Secret, never as plain values
        for e in container.get("env", []):
            if re.search(r"TOKEN|SECRET|PASSWORD|DB_URL|REDIS_URL", e["name"]):
                assert "valueFrom" in e and "value" not in e, e
    # the front ends reach Rasa through nginx's internal listener, Rasa the actions through it too
    assert services["web"]["environment"]["TENDIK_RASA_URL"] == "http://nginx:8081"
    assert services["rasa"]["environment"]["TENDIK_ACTION_URL"] == "http://nginx:8081/actions/webhook"


def test_probes_use_the_same_health_paths() -> None:
    services, loads = compose()["services"], workloads()
    for role, path in stack.HEALTH.items():
        service = SERVICES[role]
        assert path in json.dumps(services[service]["healthcheck"]["test"]), (service, path)
        container = loads[service]["spec"]["template"]["spec"]["containers"][0]
        for probe in ("readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"]["path"] == path, (service, probe)
        assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
    for service in ("postgres", "redis"):
        assert services[service]["healthcheck"]["test"]
        container = loads[service]["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"] and container["livenessProbe"] and container["resources"]["limits"]


# ---------------------------------------------------------------- nginx
def test_container_nginx_files_are_the_template_rendered() -> None:
    for path, text in stack.container_files().items():
        assert path.read_text() == text, f"{path.relative_to(ROOT)} is stale: run `.venv/bin/python -m tendik.ops.stack`"
    configmap = yaml.safe_load((DEPLOY / "k8s" / "nginx-configmap.yaml").read_text())
    assert configmap["data"]["tendik.conf"] == (DEPLOY / "docker" / "nginx.conf").read_text()


def test_nginx_template_keeps_the_api_inside_and_tokens_out_of_logs() -> None:
    conf = stack.render_nginx(stack.CONTAINER_NGINX)
    public, internal = conf.split("# ---------------------------------------------------------------- internal listener")
    public = public.split("# ---------------------------------------------------------------- public listener")[1]
    assert "tendik_rasa" not in public and "tendik_actions" not in public
    assert "proxy_pass http://tendik_rasa" in internal and "proxy_pass http://tendik_actions/" in internal
    assert not re.search(r"^\s*proxy_next_upstream[^;#]*non_idempotent", conf, re.M)
    log_format = re.search(r"log_format tendik (.*?);", conf, re.S)
    assert log_format and "$request " not in log_format.group(1) and "$request_uri" not in log_format.group(1)
    assert "$args" not in log_format.group(1) and "$query_string" not in log_format.group(1) and "$uri" in log_format.group(1)
    assert "max_fails=1 fail_timeout=10s" in conf and "client_max_body_size" in conf


@pytest.mark.skipif(not stack.nginx_binary(), reason="nginx is not installed (apt-get install nginx; .ci/run installs it)")
def test_nginx_accepts_the_rendered_template(tmp_path: Path) -> None:
    values = dict(stack.CONTAINER_NGINX)
    for key in ("RASA_SERVERS", "ACTION_SERVERS", "WEB_SERVER", "TELEGRAM_SERVER"):  # names only a container network resolves
        values[key] = re.sub(r"server \w+:", "server 127.0.0.1:", values[key])
    values.update(PUBLIC_LISTEN="127.0.0.1:1", INTERNAL_LISTEN="127.0.0.1:2", ACCESS_LOG=str(tmp_path / "access.log"),
                  ERROR_LOG=str(tmp_path / "error.log"))
    (tmp_path / "tendik.conf").write_text(stack.render_nginx(values))
    (tmp_path / "nginx.conf").write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
                                         f"http {{\n client_body_temp_path {tmp_path}/body;\n proxy_temp_path {tmp_path}/proxy;\n"
                                         f" include {tmp_path}/tendik.conf;\n}}\n")
    binary = stack.nginx_binary()
    assert binary and shutil.which(binary)
    result = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    (tmp_path / "tendik.conf").write_text(stack.render_nginx(values).replace("proxy_next_upstream error timeout;",
                                                                             "proxy_next_upstream eror;", 1))
    assert subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
                          capture_output=True, text=True, timeout=60).returncode != 0
