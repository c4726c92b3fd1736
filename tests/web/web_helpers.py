"""Helpers for the widget tests: the web service as a real subprocess (``python -m tendik.web``),
small host sites on other origins, HTTP calls, the SQLite store, screenshots."""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.conftest import free_port, stop_process  # noqa: F401  (free_port: re-exported for the web tests)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
REPLY_TIMEOUT = 120  # seconds: the machine is shared, answers can be slow (never asserted)
KAZAKH_LETTERS = set("әғқңөұүһі")



def new_cid() -> str:
    """A new conversation key, as the widget makes it (32 random bytes, hex)."""
    return secrets.token_hex(32)


def sender_of(key: str) -> str:
    """The Rasa sender id the service stores a conversation under (a one-way hash of its key)."""
    from tendik.web.validate import sender_id

    return sender_id(key)


def history(base: str, key: str, language: str | None = None, **headers: str) -> Response:
    body: dict[str, str] = {"conversation_key": key}
    if language:
        body["language"] = language
    return request(f"{base}/api/history", body, headers=headers)


def has_kazakh_letters(text: str) -> bool:
    return bool(KAZAKH_LETTERS & set(text.lower()))


class WebService:
    """``python -m tendik.web`` started as a child process on a free port."""

    def __init__(self, name: str, log_dir: Path, env: dict[str, str]) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"web-{name}.log"
        self.env = env
        self.proc: subprocess.Popen | None = None

    def start(self) -> WebService:
        env = dict(os.environ)
        env.update(PYTHONPATH=str(ROOT), TENDIK_WEB_HOST="127.0.0.1", TENDIK_WEB_PORT=str(self.port), **self.env)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tendik.web"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the web service exited ({self.proc.returncode}):\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"the web service did not start:\n{self.log()}")

    def stop(self) -> None:
        if self.proc:
            stop_process(self.proc)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self):  # noqa: ANN201
        return json.loads(self.body or b"null")

    def __repr__(self) -> str:
        return f"<{self.status} {self.body[:500]!r}>"


def request(
    url: str, body: object | bytes | None = None, method: str | None = None, headers: dict[str, str] | None = None,
    timeout: float = REPLY_TIMEOUT,
) -> Response:
    """An HTTP call that returns 4xx/5xx answers instead of raising."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    hdrs = {"Content-Type": "application/json"} if data is not None else {}
    hdrs.update(headers or {})
    req = urllib.request.Request(url, data=data, headers=hdrs, method=method or ("POST" if data is not None else "GET"))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Response(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as err:
        return Response(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def chat(base: str, cid: str, message: str, language: str = "ru", seq: object = None, **headers: str) -> Response:
    body: dict[str, object] = {"conversation_key": cid, "message": message, "language": language}
    if seq is not None:
        body["seq"] = seq
    return request(f"{base}/api/chat", body, headers=headers)


def legal_answers(data: dict) -> list[dict]:
    return [m["answer"] for m in data.get("messages", []) if m.get("answer") and m["answer"].get("answer_id")]


# ---------------------------------------------------------------- the SQLite store
def db_path(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def db_rows(db_url: str, table: str, sender: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{db_path(db_url)}?mode=ro", uri=True, timeout=30)
    try:
        exists = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone()
        if not exists:
            return []
        return con.execute(f"SELECT * FROM {table} WHERE sender_id = ?", (sender,)).fetchall()  # noqa: S608
    finally:
        con.close()


# ---------------------------------------------------------------- host sites on other origins
class HostSite:
    """A tiny web site on its own origin (another port) whose pages embed the widget, served by a
    real HTTP server. ``pages`` maps a path to a function returning the HTML."""

    def __init__(self, port: int, pages: dict[str, Callable[[], str]]) -> None:
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.pages = pages
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                page = site.pages.get(self.path.split("?")[0])
                body = (page() if page else "not found").encode()
                self.send_response(200 if page else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> HostSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


HOSTILE_CSS = """
  * { font-family: "Comic Sans MS", cursive !important; color: #ff0000 !important; letter-spacing: 4px !important;
      line-height: 3 !important; text-transform: uppercase !important; box-sizing: content-box !important; }
  button { background: #ffff00 !important; border: 5px dotted #00ff00 !important; padding: 30px !important; }
  div, p, span { margin: 20px !important; font-size: 30px !important; }
  [hidden] { display: block !important; }
  svg { width: 200px !important; }
"""


def host_page(service_url: str, title: str, config: str = "", hostile: bool = True, load_widget: bool = True) -> str:
    """A host page of another site: its own (hostile, very broad) CSS, content, and the one tag."""
    style = f"<style>{HOSTILE_CSS}</style>" if hostile else ""
    cfg = f"<script>window.TendikConfig = {config};</script>" if config else ""
    tag = f'<script src="{service_url}/widget/tendik-widget.js" defer></script>' if load_widget else ""
    return (
        f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{title}</title>{style}</head><body><h1 id='h'>{title}</h1>"
        f"<p id='p'>Страница другого сайта, на которую встроен виджет.</p><button id='b'>Кнопка сайта</button>"
        f'<div id="box">блок</div>{cfg}{tag}</body></html>'
    )


# ---------------------------------------------------------------- a throw-away PostgreSQL cluster
