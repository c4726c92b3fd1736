"""The widget service under attack (the security probe's findings), against the real ``python -m
tendik.web`` process, the real assistant and real Chromium.

* A conversation is bound to a key only the visitor's browser holds: the id operators see (the
  Rasa sender id) or an old-style UUID opens nothing, and the key is never stored or logged.
* The key never travels in a URL (``GET /api/history?...`` is refused).
* Another site's page cannot write with ``no-cors`` requests (text/plain is refused before anything).
* JSON nested 100,000 deep is a 400 in the visitor's language, not a 500.
* A body that never finishes gets 408 within the deadline; a client that hangs up is one INFO line,
  not a 500 with a traceback.
* ``/healthz`` is "degraded" while the action server is frozen.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from web_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    chat,
    db_path,
    db_rows,
    history,
    legal_answers,
    new_cid,
    request,
    sender_of,
)

from tendik.ops.services import wait_for
from tendik.web.texts import text as web_text
from tests.conftest import REQUEST_DEADLINE, slow_request


def _post(base: str, path: str, body: object, **headers: str):  # noqa: ANN202
    return request(f"{base}{path}", body, headers=headers)


def test_a_foreign_widget_id_opens_nothing(web, assistant) -> None:  # noqa: ANN001
    key = new_cid()
    data = chat(web.url, key, "меня уволили когда я была беременна, мой телефон 87011234567", "ru").json()
    answer_id = legal_answers(data)[0]["answer_id"]
    visible_id = sender_of(key)  # what operators, the database and the logs see
    events = db_rows(assistant.db_url, "events", visible_id)
    assert events
    hashed = visible_id.removeprefix("web-")
    for foreign in (hashed, visible_id, hashed * 2, hashed + "0" * 32, key.upper(), "2f1c7a52-8f0e-4b7a-9c1d-0a1b2c3d4e5f"):
        h = history(web.url, foreign, "ru")
        assert h.status == 400 or h.json()["messages"] == [], foreign
        assert _post(web.url, "/api/delete", {"conversation_key": foreign, "language": "ru"}).status in (200, 400)
        assert _post(web.url, "/api/vote", {"conversation_key": foreign, "answer_id": answer_id, "vote": "not_helpful"}).status in (400, 404)
        assert chat(web.url, foreign, "чужое сообщение", "ru").status in (200, 400)
    # the owner's conversation is untouched: nothing deleted, no foreign vote, no foreign message
    assert db_rows(assistant.db_url, "events", visible_id) == events
    assert db_rows(assistant.db_url, "tendik_feedback", visible_id) == []
    assert [m["text"] for m in history(web.url, key).json()["messages"] if m["role"] == "user"] == [
        "меня уволили когда я была беременна, мой телефон [PHONE]"]
    # the key itself is nowhere on the server side
    time.sleep(0.5)
    # (read by another process: closing a descriptor of the database here would drop this
    # process's SQLite locks on it)
    db = db_path(assistant.db_url)
    files = [str(p) for p in (db, db.with_name(db.name + "-wal")) if p.exists()]
    assert subprocess.run(["grep", "-aqF", key, *files], timeout=60).returncode == 1, "the key is stored"
    assert key not in web.log() and key not in (assistant.log_dir / "rasa.log").read_text(errors="replace")


def test_the_key_never_travels_in_a_url(web) -> None:  # noqa: ANN001
    key = new_cid()
    chat(web.url, key, "привет", "ru")
    old_style = request(f"{web.url}/api/history?conversation_key={key}&language=ru")
    assert old_style.status == 405
    assert old_style.json()["error"] == "method_not_allowed"


def test_another_site_cannot_write_with_no_cors_requests(web, assistant, sites, browser) -> None:  # noqa: ANN001
    key = new_cid()
    chat(web.url, key, "привет", "ru")
    before = db_rows(assistant.db_url, "events", sender_of(key))
    site = sites["foreign"]
    body = json.dumps({"conversation_key": key, "language": "ru"})
    post = json.dumps({"conversation_key": key, "message": "чужая запись", "language": "ru"})
    site.pages["/attack"] = lambda: (
        "<!doctype html><p id=s>working</p><script>"
        "const o = b => ({method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'}, body: b});"
        f"Promise.allSettled([fetch('{web.url}/api/delete', o({json.dumps(body)})),"
        f"fetch('{web.url}/api/chat', o({json.dumps(post)})),"
        f"navigator.sendBeacon('{web.url}/api/delete', {json.dumps(body)})])"
        ".then(() => document.getElementById('s').textContent = 'done');</script>"
    )
    page = browser.new_page()
    try:
        page.goto(site.origin + "/attack")
        page.wait_for_function("document.getElementById('s').textContent === 'done'", timeout=30_000)
        page.wait_for_timeout(1000)
    finally:
        page.close()
    assert db_rows(assistant.db_url, "events", sender_of(key)) == before, "a foreign page deleted or wrote"
    assert CHROMIUM and CHROMIUM_ARGS  # the same Chromium the widget tests use


def test_deeply_nested_json_is_a_polite_400(web, strict_web) -> None:  # noqa: ANN001
    # 6,000 levels fit in the 16 KB body limit and are far more than Python's json can parse
    deep = b'{"conversation_key": "' + new_cid().encode() + b'", "message": "x", "x": ' + b"[" * 6000 + b"]" * 6000 + b"}"
    for base in (web.url, strict_web.url):  # strict_web reads the body for the rate limit's language first
        for path in ("/api/chat", "/api/vote", "/api/history"):
            # a client of its own on strict_web (3 chat calls per 10 minutes per client)
            resp = request(base + path, deep, headers={"Accept-Language": "kk", "X-Forwarded-For": "192.0.2.77"})
            assert resp.status == 400, (base, path, resp)
            assert resp.json()["message"] == web_text("malformed", "kk")
    assert "Traceback" not in web.log() and "Traceback" not in strict_web.log()
    assert request(web.url + "/healthz").status == 200


def test_a_slow_or_unfinished_request_gets_408_in_time(web) -> None:  # noqa: ANN001
    for trickle in (True, False):
        seconds, answer = slow_request(web.port, "/api/chat", trickle=trickle)
        assert seconds < REQUEST_DEADLINE + 4, seconds
        assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
        assert b'"error": "request_timeout"' in answer and web_text("request_timeout", "kk").encode() in answer
    # headers that never finish: the connection is closed too
    seconds, _ = slow_request(web.port, "/api/chat", in_headers=True)
    assert seconds < REQUEST_DEADLINE + 4, seconds


def test_a_client_that_hangs_up_is_not_an_error(web) -> None:  # noqa: ANN001
    before = len(web.log())
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", web.port))
        sock.sendall(b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"a\":")
        time.sleep(0.3)
        sock.close()
    time.sleep(1.5)
    log = web.log()[before:]
    assert "client closed the connection" in log
    assert "Traceback" not in log and " 500 " not in log and "internal_error" not in log


def test_healthz_is_degraded_while_the_action_server_is_frozen(web, assistant) -> None:  # noqa: ANN001
    assert request(web.url + "/healthz").json()["status"] == "ok"
    proc = assistant.procs["actions"]
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        health = request(web.url + "/healthz", timeout=30).json()
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    assert health == {"status": "degraded", "rasa": True, "actions": False, "db": True}
    wait_for(f"{assistant.action_url}/health", 30, proc, "action server")
    assert request(web.url + "/healthz").json()["status"] == "ok"


def test_the_sqlite_store_and_logs_are_private(assistant) -> None:  # noqa: ANN001
    db = db_path(assistant.db_url)
    for path in [db, *db.parent.glob(db.name + "-*"), *Path(assistant.log_dir).glob("*.log")]:
        assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others: {oct(path.stat().st_mode)}"
