"""``tendik stack``: the production-shaped stack on one machine, for real (one stack for the module).

nginx in front of 2 Rasa replicas and 1 action server, PostgreSQL, Redis with a password, the
widget service and the Telegram bot in webhook mode against the local Bot API
(tests/fakes/telegram_api.py), which posts updates to nginx's public port with the secret token.
Checks: answers through the public port (widget and Telegram), Rasa's API and the action server not
reachable there, a forged webhook refused, no token in nginx's access log, ``status``, a Rasa
replica killed with SIGKILL while the next turns are still answered, and ``down`` leaving nothing.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import stat
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.stack import Stack, start_stack, stop_stack

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "меня уволили из-за беременности"
USER = 7_410_000_001


def call(url: str, body: object | None = None, headers: dict[str, str] | None = None, timeout: float = 120) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def widget_turn(stack: Stack, key: str, text: str = QUESTION) -> dict:
    status, body = call(f"{stack.public}/api/chat", {"conversation_key": key, "message": text, "language": "ru"})
    assert status == 200, body[:300]
    return json.loads(body)


def answered(reply: dict) -> bool:
    return any("статья 54" in (m.get("text") or "").lower() for m in reply.get("messages", []))


def process_groups() -> dict[int, int]:
    """pid -> process group of every running process on the machine (zombies, dead and waiting
    for their new parent to reap them, are not running)."""
    out = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                fields = (proc / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if fields[0] != "Z":
                out[int(proc.name)] = int(fields[2])
    return out


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory, "stack")
    try:
        yield stack
    finally:
        stop_stack(stack)


def test_up_prints_progress_and_writes_the_state_file(stack: Stack) -> None:
    out = stack.up_output
    assert "starting 2 Rasa replica(s)" in out and "rasa-1 ready" in out and "rasa-2 ready" in out
    assert "stack ready" in out
    path = stack.data / "stack" / "state.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    state = stack.state()
    names = {c["name"]: c for c in state["components"]}
    assert set(names) == {"postgres", "redis", "actions-1", "rasa-1", "rasa-2", "nginx", "web", "telegram"}
    for c in state["components"]:
        assert {"name", "pid", "port", "url", "role"} <= set(c) and c["pid"] > 0 and c["port"] > 0
        assert "password" not in json.dumps(c) and ":@" not in c["url"]
    assert names["nginx"]["port"] == int(stack.public.rsplit(":", 1)[1])
    assert state["public_url"] == stack.public and state["internal_url"] == stack.internal
    # the generated secrets are the owner's only
    for name in ("postgres_password", "redis_password"):
        assert stat.S_IMODE((stack.data / "stack" / "secrets" / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((stack.data / "telegram_webhook_secret").stat().st_mode) == 0o600
    assert "requirepass" in (stack.data / "stack" / "redis" / "redis.conf").read_text()


def test_status_reports_every_component_healthy(stack: Stack) -> None:
    result = stack.cli("status", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("postgres", "redis", "actions-1", "rasa-1", "rasa-2", "nginx", "web", "telegram"):
        line = next(line for line in result.stdout.splitlines() if line.startswith(name + " "))
        assert " yes " in line, line


def test_redis_needs_its_password(stack: Stack) -> None:
    import redis

    port = stack.component("redis")["port"]
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(host="127.0.0.1", port=port, socket_timeout=5).get("x")


def test_widget_answers_through_the_public_port(stack: Stack) -> None:
    reply = widget_turn(stack, secrets.token_hex(32))
    assert answered(reply), reply


def test_telegram_update_through_the_public_webhook(stack: Stack) -> None:
    api, loop = stack.api, stack.loop
    assert api.webhook is not None and api.webhook["url"] == f"{stack.public}/telegram/webhook"
    loop.run(api.send_text(USER, "/start", "ru"))
    prompt = loop.run(api.wait_for_messages(USER, 1, 90))[0]
    loop.run(api.press(USER, prompt, "l:ru:start"))
    loop.run(api.wait_for_messages(USER, 2, 90))
    loop.run(api.send_text(USER, QUESTION, "ru"))
    answer = loop.run(api.wait_for_messages(USER, 1, 180, after=2))
    assert "статья 54" in answer[0].text.lower()
    assert api.webhook_deliveries and all(status == 200 for _, status in api.webhook_deliveries)
    assert not api.calls_of("getUpdates")  # webhook mode: no polling


def test_a_forged_webhook_update_is_refused(stack: Stack) -> None:
    forged = {"update_id": 999999, "message": {"message_id": 1, "date": 0, "chat": {"id": USER, "type": "private"},
                                               "from": {"id": USER, "is_bot": False, "first_name": "X"}, "text": "/help"}}
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret"}):
        status, _ = call(f"{stack.public}/telegram/webhook", forged, headers)
        assert status == 401
    status, _ = call(f"{stack.public}/telegram/webhook")  # GET
    assert status == 403


def test_rasa_and_the_action_server_are_not_public(stack: Stack) -> None:
    token = (stack.data / "rasa_api_token").read_text().strip()
    action_token = (stack.data / "action_server_token").read_text().strip()
    public_paths = [
        ("GET", f"/status?token={token}"), ("POST", f"/model/parse?token={token}"), ("POST", "/webhooks/rest/webhook"),
        ("GET", "/webhooks/rest/"), ("GET", f"/conversations/x/tracker?token={token}"), ("POST", "/webhook"),
        ("POST", "/actions/webhook"), ("GET", "/actions/health"), ("GET", "/nginx-health"),
    ]
    for method, path in public_paths:
        body = {"text": "привет", "sender": "x", "message": "привет", "next_action": "action_answer"} if method == "POST" else None
        status, text = call(stack.public + path, body, {"Authorization": f"Bearer {action_token}"})
        assert status == 404, (path, status, text[:200])
    # ... while inside, on the internal listener, the same API answers (with the token only).
    assert call(f"{stack.internal}/status?token={token}")[0] == 200
    assert call(f"{stack.internal}/status")[0] == 401
    # nginx's access log has the paths, never a query string (Rasa's token) nor a body
    log = Path(stack.component("nginx")["extra"]["access_log"]).read_text()
    assert "GET /status HTTP/1.1" in log
    assert token not in log and "token=" not in log and QUESTION not in log


def test_a_killed_rasa_replica_is_passed_over(stack: Stack) -> None:
    victim = stack.component("rasa-1")
    os.killpg(victim["pid"], signal.SIGKILL)
    deadline = time.time() + 30
    while time.time() < deadline and Path(f"/proc/{victim['pid']}").exists():
        time.sleep(0.2)
    key = secrets.token_hex(32)
    for _ in range(4):  # round robin would have sent half of these to the dead replica
        assert answered(widget_turn(stack, key)), "a turn was lost after a replica died"
    result = stack.cli("status", timeout=120)
    assert result.returncode != 0
    line = next(line for line in result.stdout.splitlines() if line.startswith("rasa-1 "))
    assert " NO " in line
    assert " yes " in next(line for line in result.stdout.splitlines() if line.startswith("rasa-2 "))


def test_down_stops_everything_in_order(stack: Stack) -> None:
    state = stack.state()
    pids = {c["name"]: c["pid"] for c in state["components"]}
    result = stack.cli("down", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    order = [line.split()[2] for line in result.stdout.splitlines() if line.startswith("[tendik] stopping ")]
    assert order.index("nginx") < order.index("rasa-2") < order.index("actions-1") < order.index("redis") < order.index("postgres")
    assert order.index("web") < order.index("rasa-2") and order.index("telegram") < order.index("rasa-2")
    groups = process_groups()
    left = {name: pid for name, pid in pids.items() if pid in groups or pid in groups.values()}
    assert not left, f"left behind: {left}"
    assert not (stack.data / "stack" / "state.json").exists()
    assert stack.cli("status", timeout=60).returncode != 0
    # the public port is closed
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(stack.public + "/healthz", timeout=5)


def test_component_ports_never_take_nginx_ports_or_each_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """nginx starts after Redis and the action servers, so its two ports are not bound yet when those pick theirs:
    a port the OS hands out again (make test at 00:48 on 2026-12-05: Redis and nginx's public port were both
    51121) is skipped. The OS's answers are replayed here to make that race happen every time."""
    import argparse

    from tendik.ops import stack as stack_module

    monkeypatch.setenv("TENDIK_DATA_DIR", str(tmp_path))
    replies = iter([41001, 41002, 41001, 41003, 41003, 41002, 41004])
    monkeypatch.setattr(stack_module, "free_port", lambda: next(replies))
    s = stack_module.Starter(argparse.Namespace(port=41001, internal_port=41002))
    assert [s.free_port(), s.free_port()] == [41003, 41004]
