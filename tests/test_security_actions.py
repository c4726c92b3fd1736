"""The action server (``python -m tendik.action_server``) and what every service listens on, against the
real processes of the session ``assistant``.

* From another machine: a network namespace with a veth pair (iproute2) stands in for the LAN.
  From its non-loopback address the action server's and Rasa's ports are closed (they listen on
  127.0.0.1 only), while a listener on all interfaces is reachable (so the check means something).
  An action server told to listen on every interface still answers nothing without its token.
* The token: ``/actions`` and ``/webhook`` need ``Authorization: Bearer <token>``; browser requests
  are refused; deep JSON is a 400; an internal error does not echo the conversation.
* A frozen action server (SIGSTOP) makes the REST channel's health say "degraded".
* Tokens never appear on a command line (``/proc/<pid>/cmdline`` is world-readable).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tendik.ops.services import Services, free_port, wait_for
from tests.conftest import REQUEST_DEADLINE, ROOT, new_token, slow_request, stop_process

PY = str(ROOT / ".venv" / "bin" / "python")


def call(url: str, body: object | None = None, headers: dict[str, str] | None = None, raw: bytes | None = None) -> tuple[int, bytes]:
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def action_call(action: str = "action_answer", text: str = "привет") -> dict:
    return {
        "next_action": action, "sender_id": "sec-test", "version": "3.6.21", "domain": {},
        "tracker": {"sender_id": "sec-test", "slots": {}, "events": [], "paused": False, "followup_action": None,
                    "active_loop": {}, "latest_action_name": None,
                    "latest_message": {"text": text, "intent": {"name": "greet", "confidence": 0.9}, "entities": []}},
    }


# ---------------------------------------------------------------- the token
def test_the_action_server_needs_its_token(assistant: Services) -> None:
    url = assistant.action_url
    assert call(f"{url}/health")[0] == 200  # the only open route
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {assistant.action_token}"},
                    {"Authorization": f"Bearer {assistant.action_token[:-1]}"}):
        assert call(f"{url}/actions", headers=headers)[0] == 401, headers
        assert call(f"{url}/webhook", action_call(), headers=headers)[0] == 401, headers
    auth = {"Authorization": f"Bearer {assistant.action_token}"}
    status, body = call(f"{url}/actions", headers=auth)
    assert status == 200 and {"name": "action_answer"} in json.loads(body)
    status, body = call(f"{url}/webhook", action_call(), headers=auth)
    assert status == 200 and json.loads(body)["events"]
    # browsers are refused even with the token; deep JSON is a 400, not a 500
    assert call(f"{url}/actions", headers={**auth, "Origin": "http://evil.example"})[0] == 403
    deep = b'{"next_action": "action_answer", "tracker": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    assert call(f"{url}/webhook", headers=auth, raw=deep)[0] == 400


def test_an_internal_error_does_not_echo_the_conversation(assistant: Services) -> None:
    secret = f"ИИН-не-для-логов-{uuid.uuid4().hex[:6]}"
    broken = action_call("action_answer", secret)
    broken["domain"] = {"responses": {}}
    broken["tracker"]["latest_message"]["intent"] = "not an object"  # the action fails on it
    status, body = call(f"{assistant.action_url}/webhook", broken, headers={"Authorization": f"Bearer {assistant.action_token}"})
    assert (status, json.loads(body)) == (500, {"error": "internal error"})  # rasa-sdk echoed the whole request here
    assert secret.encode() not in body
    time.sleep(0.5)
    assert secret not in (assistant.log_dir / "actions.log").read_text(errors="replace")


def test_a_slow_request_to_the_action_server_is_cut_off(assistant: Services) -> None:
    for trickle in (True, False):
        seconds, answer = slow_request(assistant.action_port, "/webhook", trickle=trickle,
                                       headers={"Authorization": f"Bearer {assistant.action_token}"})
        assert seconds < REQUEST_DEADLINE + 6 and answer.startswith(b"HTTP/1.1 408"), (seconds, answer[:80])


def test_tokens_are_never_on_a_command_line(assistant: Services) -> None:
    for name in ("rasa", "actions"):
        pid = assistant.procs[name].pid
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        assert assistant.rasa_token not in cmdline and assistant.action_token not in cmdline, name
        assert "--auth-token" not in cmdline


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) listening on ``port``."""
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                addr, p = cols[1].rsplit(":", 1)
                if cols[3] == "0A" and int(p, 16) == port:
                    out.append(addr)
    return out


def test_every_service_listens_on_loopback_only(assistant: Services) -> None:
    for port in (assistant.rasa_port, assistant.action_port):
        assert _listening(port) == ["0100007F"], port


def test_a_frozen_action_server_makes_the_health_check_degraded(assistant: Services) -> None:
    health = f"{assistant.rasa_url}/webhooks/rest/"
    assert json.loads(call(health)[1]) == {"status": "ok", "actions": True}
    proc = assistant.procs["actions"]
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert json.loads(call(health)[1]) == {"status": "degraded", "actions": False}
        assert time.monotonic() - started < 10
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    wait_for(f"{assistant.action_url}/health", 30, proc, "action server")
    assert json.loads(call(health)[1]) == {"status": "ok", "actions": True}


# ---------------------------------------------------------------- from another network
def _ip(*args: str, ns: str | None = None) -> subprocess.CompletedProcess:
    cmd = ["ip", *args] if ns is None else ["ip", "netns", "exec", ns, "ip", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30)


@pytest.fixture(scope="module")
def lan() -> Iterator[tuple[str, str]]:
    """A network namespace joined to this one by a veth pair: (namespace, this side's address)."""
    if not shutil.which("ip"):
        pytest.skip("iproute2 (`ip`) is not installed: cannot create a network namespace for the LAN test")
    tag = uuid.uuid4().hex[:6]
    ns, host_if, ns_if = f"tsec-{tag}", f"vh{tag}", f"vn{tag}"
    octet = 16 + int(tag[:2], 16) % 200
    host_ip, ns_ip = f"10.{octet}.77.1", f"10.{octet}.77.2"
    steps = [
        (("netns", "add", ns), None),
        (("link", "add", host_if, "type", "veth", "peer", "name", ns_if), None),
        (("link", "set", ns_if, "netns", ns), None),
        (("addr", "add", f"{host_ip}/30", "dev", host_if), None),
        (("link", "set", host_if, "up"), None),
        (("addr", "add", f"{ns_ip}/30", "dev", ns_if), ns),
        (("link", "set", ns_if, "up"), ns),
        (("link", "set", "lo", "up"), ns),
    ]
    try:
        for args, where in steps:
            result = _ip(*args, ns=where)
            if result.returncode != 0:
                pytest.skip(f"cannot create a network namespace here (`ip {' '.join(args)}`: {result.stderr.strip()}); "
                            "it needs root or CAP_NET_ADMIN")
        yield ns, host_ip
    finally:
        _ip("netns", "del", ns)
        _ip("link", "del", host_if)


PROBE = r"""
import json, socket, sys, urllib.request, urllib.error
host, port, path, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
try:
    socket.create_connection((host, port), timeout=5).close()
except OSError as exc:
    print(json.dumps({"connect": type(exc).__name__})); sys.exit()
if not path:
    print(json.dumps({"connect": "ok"})); sys.exit()
req = urllib.request.Request(f"http://{host}:{port}{path}", headers={"Authorization": f"Bearer {token}"} if token else {})
try:
    with urllib.request.urlopen(req, timeout=20) as resp:
        print(json.dumps({"connect": "ok", "status": resp.status}))
except urllib.error.HTTPError as err:
    print(json.dumps({"connect": "ok", "status": err.code}))
"""


def probe(ns: str, host: str, port: int, path: str = "", token: str = "") -> dict:
    result = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", PROBE, host, str(port), path, token],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_nothing_is_reachable_from_another_network(assistant: Services, lan: tuple[str, str]) -> None:
    ns, host_ip = lan
    # control: a listener on every interface IS reachable from the namespace
    control = socket.socket()
    control.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    control.bind(("0.0.0.0", 0))
    control.listen(5)
    threading.Thread(target=lambda: control.accept(), daemon=True).start()
    try:
        assert probe(ns, host_ip, control.getsockname()[1]) == {"connect": "ok"}
    finally:
        control.close()
    # the action server (the issue: it listened on 0.0.0.0:5055) and Rasa are not
    assert probe(ns, host_ip, assistant.action_port, "/actions") == {"connect": "ConnectionRefusedError"}
    assert probe(ns, host_ip, assistant.rasa_port, "/status") == {"connect": "ConnectionRefusedError"}


def test_an_action_server_told_to_listen_everywhere_still_needs_its_token(lan: tuple[str, str], tmp_path: Path) -> None:
    ns, host_ip = lan
    port, token = free_port(), new_token()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDIK_")}
    env.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TENDIK_ACTION_TOKEN=token)
    log = open(tmp_path / "actions.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([PY, "-m", "tendik.action_server", "--host", "0.0.0.0", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/health", 120, proc, "action server on 0.0.0.0")
        assert probe(ns, host_ip, port, "/actions") == {"connect": "ok", "status": 401}
        assert probe(ns, host_ip, port, "/actions", "not-the-token") == {"connect": "ok", "status": 401}
        assert probe(ns, host_ip, port, "/actions", token) == {"connect": "ok", "status": 200}
    finally:
        stop_process(proc)
        log.close()
    text = (tmp_path / "actions.log").read_text(errors="replace")
    assert "must not be reachable from outside" in text  # it warns when told to listen everywhere
    assert "wrong token" in text and "no token" in text and token not in text
