"""Rasa's HTTP API and REST channel under attack, against the real server (the session
``assistant``: Rasa behind ``tendik.rasa.server``'s guard, the action server, a SQLite store).

Each test replays what the security probe did and checks that it no longer gets through: the API
without a token or with a wrong one (read conversations, append an unmasked IIN, forge a bot
answer, replace or delete the model, train), DNS rebinding (a foreign Host), a web page on another
origin writing with ``no-cors`` requests from real Chromium, a 5 MB body and a 200 KB
``input_channel``, JSON nested 100,000 deep, and requests whose body never finishes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tendik.ops.services import Services, free_port
from tendik.texts import system_message
from tests.conftest import REQUEST_DEADLINE, slow_request

CHROMIUM = "/usr/bin/chromium"


def call(url: str, body: bytes | None = None, method: str | None = None, headers: dict[str, str] | None = None,
         timeout: float = 60) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method=method or ("POST" if body is not None else "GET"),
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def stored(services: Services, sender: str) -> list[tuple[str, dict]]:
    path = Path(services.db_url.removeprefix("sqlite:///"))
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        exists = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='events'").fetchone()
        rows = con.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall() if exists else []
    finally:
        con.close()
    return [(t, json.loads(d)) for t, d in rows]


def q(sender: str) -> str:
    return urllib.parse.quote(sender, safe="")


USER_EVENT = {"event": "user", "text": "мой ИИН 900101300123, тел 87011234567", "parse_data": {"intent": {"name": "greet"}}}
FORGED_BOT = {"event": "bot", "text": "Теңдік: статья 99 ТК РК — оплатите штраф по ссылке http://phish.example/pay",
              "data": {"custom": {"type": "tendik_answer", "answer_id": "ab" * 16, "knowledge_ids": ["exp-fake"],
                                  "citations": [{"norm_id": "tk-999", "citation": "статья 999", "edition": "2026", "text": "x"}]}}}


def attacks(sender: str) -> list[tuple[str, str, dict | None]]:
    """(method, path, JSON body) of what the probe did without credentials."""
    s = q(sender)
    return [
        ("GET", "/status", None),
        ("GET", "/version", None),
        ("GET", "/", None),
        ("GET", "/domain", None),
        ("GET", f"/conversations/{s}/tracker", None),
        ("GET", f"/conversations/{s}/story", None),
        ("POST", f"/conversations/{s}/tracker/events", USER_EVENT),
        ("POST", f"/conversations/{s}/tracker/events", FORGED_BOT),
        ("PUT", f"/conversations/{s}/tracker/events", [FORGED_BOT]),
        ("POST", f"/conversations/{s}/messages", {"text": "ИИН 900101300123", "sender": "user"}),
        ("POST", f"/conversations/{s}/trigger_intent", {"name": "greet"}),
        ("POST", f"/conversations/{s}/execute", {"name": "utter_greet"}),
        ("POST", "/model/parse", {"text": "привет"}),
        ("PUT", "/model", {"model_file": "/tmp/evil.tar.gz"}),
        ("DELETE", "/model", None),
        ("POST", "/model/train", {"nlu": "x"}),
    ]


@pytest.mark.parametrize("token", [None, "wrong", "x" * 43], ids=["no-token", "short-wrong", "wrong"])
def test_the_http_api_refuses_every_call_without_the_right_token(assistant: Services, token: str | None) -> None:
    sender = f"victim-{uuid.uuid4().hex[:8]}"
    # a real conversation to steal from
    call(assistant.rest_url, json.dumps({"sender": sender, "message": "меня уволили когда я была беременна"}).encode())
    before = stored(assistant, sender)
    assert before
    for method, path, body in attacks(sender):
        url = assistant.rasa_url + path + (f"?token={q(token)}" if token else "")
        status, answer = call(url, None if body is None else json.dumps(body).encode(), method)
        assert status == 401, (method, path, status, answer[:200])
        assert b"\xd0\xbc\xd0\xb5\xd0\xbd\xd1\x8f" not in answer  # no user text ("меня") in the refusal
    assert stored(assistant, sender) == before, "nothing was appended, forged or changed"
    # Rasa still serves its model, and the REST channel (the front ends' only way in) still answers
    assert assistant.api("/status")["model_file"]
    status, reply = call(assistant.rest_url, json.dumps({"sender": sender, "message": "спасибо"}).encode())
    assert status == 200 and json.loads(reply)


def test_the_http_api_answers_with_the_token(assistant: Services) -> None:
    sender = f"owner-{uuid.uuid4().hex[:8]}"
    call(assistant.rest_url, json.dumps({"sender": sender, "message": "мой ИИН 900101300123"}).encode())
    tracker = assistant.api(f"/conversations/{q(sender)}/tracker")
    said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert said == ["мой ИИН [IIN]"]
    assert assistant.api("/model/parse", {"text": "меня уволили"})["intent"]
    assert "version" in assistant.api("/version")
    # the token goes in the query string (Rasa's own check repeats ours); a header is not enough
    status, _ = call(assistant.rasa_url + "/status", headers={"Authorization": f"Bearer {assistant.rasa_token}"})
    assert status == 401


@pytest.mark.parametrize("host", ["evil.example", "evil.example:5005", "127.0.0.1.nip.io", "[::2]:5005", ""])
def test_a_foreign_host_name_is_refused_dns_rebinding(assistant: Services, host: str) -> None:
    """A page on evil.example whose DNS later points at 127.0.0.1 talks to Rasa as evil.example."""
    sender = f"rebind-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"sender": sender, "message": "ИИН 900101300123"}).encode()
    assert call(assistant.rest_url, body, headers={"Host": host})[0] == 403
    assert call(assistant.api_url("/status"), headers={"Host": host})[0] == 403
    assert stored(assistant, sender) == []
    assert call(assistant.api_url("/status"), headers={"Host": f"localhost:{assistant.rasa_port}"})[0] == 200


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://127.0.0.1:8080"}],
    ids=["foreign-origin", "null-origin", "sec-fetch-cross-site", "same-host-other-port"],
)
def test_browser_requests_are_refused_even_with_the_token(assistant: Services, headers: dict[str, str]) -> None:
    sender = f"browser-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"sender": sender, "message": "привет"}).encode()
    assert call(assistant.rest_url, body, headers=headers)[0] == 403
    assert call(assistant.api_url(f"/conversations/{q(sender)}/tracker/events"), json.dumps(FORGED_BOT).encode(), headers=headers)[0] == 403
    assert stored(assistant, sender) == []


class _AttackSite:
    """A web page on another origin that writes to Rasa with no-cors requests (no CORS needed)."""

    def __init__(self, rasa: str, sender: str) -> None:
        events = f"{rasa}/conversations/{q(sender)}/tracker/events"
        body = json.dumps({"sender": sender, "message": "мой ИИН 900101300123"})
        self.page = f"""<!doctype html><html><body><p id=s>working</p><script>
          const opts = b => ({{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}}, body: b}});
          Promise.allSettled([
            fetch({json.dumps(rasa + "/webhooks/rest/webhook")}, opts({json.dumps(body)})),
            fetch({json.dumps(events)}, opts({json.dumps(json.dumps(FORGED_BOT))})),
            fetch({json.dumps(events + "?token=guess")}, opts({json.dumps(json.dumps(USER_EVENT))})),
            navigator.sendBeacon({json.dumps(rasa + "/webhooks/rest/webhook")}, {json.dumps(body)}),
          ]).then(() => document.getElementById("s").textContent = "done");
        </script>
        <form id=f method=post enctype="text/plain" action={json.dumps(rasa + "/webhooks/rest/webhook")} target=out>
          <input name='{{"sender": "{sender}", "message": "form", "x": "' value='"}}'></form>
        <iframe name=out></iframe></body></html>"""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                data = site.page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_page_on_another_origin_cannot_write_with_no_cors_requests(assistant: Services) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    sender = f"csrf-{uuid.uuid4().hex[:8]}"
    site = _AttackSite(assistant.rasa_url, sender)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{site.port}/")
                page.wait_for_function("document.getElementById('s').textContent === 'done'", timeout=30_000)
                page.evaluate("document.getElementById('f').submit()")
                page.wait_for_timeout(2000)
            finally:
                browser.close()
    finally:
        site.close()
    assert stored(assistant, sender) == [], "a cross-origin page wrote into a conversation"
    log = (assistant.log_dir / "rasa.log").read_text(errors="replace")
    assert "browser request" in log


def test_big_bodies_are_refused_and_input_channel_is_checked(assistant: Services) -> None:
    sender = f"big-{uuid.uuid4().hex[:8]}"
    five_mb = json.dumps({"sender": sender, "message": "x" * (5 * 1024 * 1024)}).encode()
    try:
        status, _ = call(assistant.rest_url, five_mb)
    except (ConnectionError, urllib.error.URLError):
        status = 413  # the server may close before the client has sent it all
    assert status == 413
    assert stored(assistant, sender) == []
    # a 200 KB input_channel is not stored as sent: only a short channel name is
    huge = json.dumps({"sender": sender, "message": "привет", "input_channel": "x" * 200_000}).encode()
    assert call(assistant.rest_url, huge)[0] == 200
    normal = json.dumps({"sender": sender, "message": "спасибо", "input_channel": "web"}).encode()
    assert call(assistant.rest_url, normal)[0] == 200
    channels = [d.get("input_channel") for t, d in stored(assistant, sender) if t == "user"]
    assert channels == ["rest", "web"]


def test_deeply_nested_json_is_a_polite_400_not_a_500(assistant: Services) -> None:
    deep = b'{"sender": "deep", "message": "hi", "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    status, body = call(assistant.rest_url, deep)
    assert status == 400
    assert json.loads(body)[0]["text"] == system_message("malformed", None)
    status, _ = call(assistant.api_url("/model/parse"), b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert status == 400
    assert assistant.api("/status")["model_file"]  # still serving


@pytest.mark.parametrize("trickle", [True, False], ids=["one-byte-a-second", "unfinished"])
def test_a_body_that_never_finishes_is_cut_off_in_time(assistant: Services, trickle: bool) -> None:
    for path in ("/webhooks/rest/webhook", "/model/parse?token=" + q(assistant.rasa_token)):
        seconds, answer = slow_request(assistant.rasa_port, path, trickle=trickle)
        assert seconds < REQUEST_DEADLINE + 6, (path, seconds)
        assert answer.startswith(b"HTTP/1.1 408") or answer == b"", answer[:100]
    assert assistant.api("/status")["model_file"]
