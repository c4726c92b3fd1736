"""One conversation's messages are answered one at a time in the order they arrived, also when they
are sent at once (several tabs, an API client) and the first one is slow to reach Rasa.

The widget service talks to the real Rasa of the shared ``assistant`` fixture through a small
forwarding proxy that holds the first message back (as a busy replica or a slow network would):
without the per-conversation queue the second message would reach Rasa first and be stored and
answered before the first. Beyond the queue's bound the service refuses politely (429) in the user's
language."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from web_helpers import WebService, chat, history, new_cid

from tendik.rasa.admission import RECEIVED_AT_HEADER
from tendik.text_catalog import CATALOG
from tendik.web.ordering import MAX_WAITING

HELD_BACK_S = 2.0


class SlowFirstProxy:
    """Forwards every request to Rasa; a message whose text is in ``slow`` waits ``HELD_BACK_S``
    before it is forwarded."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.slow: set[str] = set()
        self.forwarded: list[str] = []  # message texts in the order they reached Rasa
        self.received_at: dict[str, tuple[str | None, float]] = {}  # text -> (X-Tendik-Received-At, wall time it came here)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    message = json.loads(body).get("message") if body else None
                except ValueError:
                    message = None
                if message is not None:
                    proxy.received_at[message] = (self.headers.get(RECEIVED_AT_HEADER), time.time())
                if message in proxy.slow:
                    time.sleep(HELD_BACK_S)
                if message is not None:
                    proxy.forwarded.append(message)
                headers = {"Content-Type": self.headers.get("Content-Type") or "application/json"}
                if self.headers.get(RECEIVED_AT_HEADER):
                    headers[RECEIVED_AT_HEADER] = self.headers[RECEIVED_AT_HEADER]
                req = urllib.request.Request(proxy.upstream + self.path, data=body or None, method=self.command, headers=headers)
                try:
                    with urllib.request.urlopen(req, timeout=120) as resp:
                        status, data = resp.status, resp.read()
                except urllib.error.HTTPError as err:
                    status, data = err.code, err.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def proxied(assistant, tmp_path_factory) -> Iterator[tuple[WebService, SlowFirstProxy]]:
    proxy = SlowFirstProxy(assistant.rasa_url)
    svc = WebService("ordered", tmp_path_factory.mktemp("web-order-logs"), {
        "TENDIK_RASA_URL": proxy.url,
        "TENDIK_DB_URL": assistant.db_url,
        "TENDIK_WEB_RATE_LIMIT": "1000",
        "TENDIK_RASA_TIMEOUT": "120",
    }).start()
    yield svc, proxy
    svc.stop()
    proxy.close()


def send_staggered(base: str, key: str, messages: list[str], lang: str, gap_s: float = 0.25,
                   seqs: list[int] | None = None) -> list[tuple[float, object]]:
    """Each message in its own thread, ``gap_s`` apart (with its number from ``seqs``); (time the
    response came, response) per message."""
    results: list[tuple[float, object]] = [(0.0, None)] * len(messages)

    def one(i: int, text: str) -> None:
        resp = chat(base, key, text, lang, seq=seqs[i] if seqs else None)
        results[i] = (time.monotonic(), resp)

    threads = []
    for i, text in enumerate(messages):
        t = threading.Thread(target=one, args=(i, text))
        t.start()
        threads.append(t)
        time.sleep(gap_s)
    for t in threads:
        t.join(timeout=300)
    return results


def test_messages_sent_at_once_are_stored_and_answered_in_the_order_they_came(proxied) -> None:
    svc, proxy = proxied
    key = new_cid()
    messages = ["меня уволили когда я была беременна", "а сроки?", "спасибо"]
    proxy.slow = {messages[0]}
    results = send_staggered(svc.url, key, messages, "ru")
    statuses = [r.status for _, r in results]  # type: ignore[attr-defined]
    assert statuses == [200, 200, 200], results
    times = [t for t, _ in results]
    assert times == sorted(times), "a later message was answered before an earlier one"
    # the first message was held back 2 s, yet the others reached Rasa only after it
    assert [m for m in proxy.forwarded if m in messages] == messages
    stored = [m["text"] for m in history(svc.url, key).json()["messages"] if m["role"] == "user"]
    assert stored == messages
    # each response answers its own message: the first one is the legal answer with citations
    first = results[0][1].json()  # type: ignore[attr-defined]
    assert any((m.get("answer") or {}).get("citations") for m in first["messages"]), first
    # Rasa is told when the service received each message (its wait for a place counts from then,
    # tendik.rasa.admission): the second one waited behind the first (held back 2 s) before it left
    stamps = {m: proxy.received_at[m] for m in messages}
    assert all(header is not None for header, _ in stamps.values()), stamps
    header, reached = stamps[messages[1]]
    assert float(header) <= reached - (HELD_BACK_S - 0.5), stamps  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_pile_of_messages_beyond_the_queue_is_refused_politely(proxied, lang) -> None:
    svc, proxy = proxied
    key = new_cid()
    messages = [f"сәлем {n}" if lang == "kk" else f"привет {n}" for n in range(MAX_WAITING + 3)]
    proxy.slow = {messages[0]}
    results = send_staggered(svc.url, key, messages, lang, gap_s=0.05)
    statuses = [r.status for _, r in results]  # type: ignore[attr-defined]
    # one being answered + MAX_WAITING waiting; the rest refused at once, in the user's language
    assert statuses == [200] * (MAX_WAITING + 1) + [429] * 2, statuses
    refused = results[-1][1]
    body = refused.json()  # type: ignore[attr-defined]
    assert body["error"] == "too_many_at_once"
    assert body["messages"] == [{"role": "bot", "kind": "error", "text": CATALOG["web.too_many_at_once"][lang]}]
    assert refused.headers.get("retry-after") == "5"  # type: ignore[attr-defined]
    stored = [m["text"] for m in history(svc.url, key).json()["messages"] if m["role"] == "user"]
    assert stored == messages[: MAX_WAITING + 1]
    assert max(t for t, _ in results[MAX_WAITING + 1:]) < min(t for t, _ in results[: MAX_WAITING + 1])


def test_numbered_messages_are_taken_in_their_order_even_when_they_arrive_the_other_way(proxied) -> None:
    # message 1 reaches the service 0.3 s before message 0 (two connections, the second one faster)
    svc, proxy = proxied
    key = new_cid()
    messages = ["а какие у меня сроки?", "меня уволили из-за возраста в 58 лет"]  # arrival order; sent the other way
    proxy.slow = set()
    results = send_staggered(svc.url, key, messages, "ru", gap_s=0.3, seqs=[1, 0])
    assert [r.status for _, r in results] == [200, 200], results  # type: ignore[attr-defined]
    assert [m for m in proxy.forwarded if m in messages] == messages[::-1]
    stored = [m["text"] for m in history(svc.url, key).json()["messages"] if m["role"] == "user"]
    assert stored == messages[::-1]
    # a number that is not ahead of the ones seen (a client that restarted its count) waits for nothing
    started = time.monotonic()
    assert chat(svc.url, key, "спасибо", "ru", seq=0).status == 200
    assert [m["text"] for m in history(svc.url, key).json()["messages"] if m["role"] == "user"][-1] == "спасибо"
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("bad", [-1, "1", 1.5, True, 2**31, [1]])
def test_a_malformed_number_is_refused_in_the_users_language(proxied, bad) -> None:
    svc, _ = proxied
    resp = chat(svc.url, new_cid(), "привет", "kk", seq=bad)
    assert resp.status == 400 and resp.json()["error"] == "malformed"
