"""Helpers and fixtures of the operator review tests (a uniquely named module: other features have a
``conftest`` too, so test modules import from here, and conftest.py only re-exports the fixtures).

* ``review_data``: real conversations, produced by talking to the real assistant (the session
  fixture ``assistant``) over REST in Kazakh and Russian, plus votes through
  ``tendik.common.feedback.record_vote``; then a frozen copy of its SQLite tracker store.
* ``db_copy``: a private copy of that database for a test that changes things.
* ``review_server``: ``python -m tendik.review serve`` as a real process on a free port, with two
  accounts created through the real CLI (password on standard input).
* PostgreSQL (``pg_server`` / ``pg_url``) and ``free_port`` come from tests/conftest.py.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
RASA_PY = str(ROOT / ".venv-rasa" / "bin" / "python")
ARTIFACTS = ROOT / "test-artifacts" / "review"
ADMIN = ("admin-ops", "correct horse battery 1")
REVIEWER = ("lawyer1", "another long secret 2")


def app_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDIK_")}
    env.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TENDIK_DATA_DIR=extra.pop("TENDIK_DATA_DIR", tempfile.gettempdir()))
    env.update(extra)
    return env


def cli(db_url: str, *args: str, stdin: str | None = None, check: bool = True, **env: str) -> subprocess.CompletedProcess:
    """Run ``python -m tendik.review ARGS`` against ``db_url``."""
    result = subprocess.run(
        [PY, "-m", "tendik.review", *args], cwd=ROOT, env=app_env(TENDIK_DB_URL=db_url, **env), input=stdin,
        capture_output=True, text=True, timeout=300,
    )
    if check:
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


# ------------------------------------------------------------------ talking to the assistant
def say(rest_url: str, sender: str, text: str, language: str | None = None, channel: str = "web") -> list[dict]:
    body: dict = {"sender": sender, "message": text, "metadata": {"channel": channel}, "input_channel": channel}
    if language:
        body["metadata"]["language"] = language
    req = urllib.request.Request(rest_url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())


def answer_of(reply: list[dict]) -> dict | None:
    for m in reply:
        if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "tendik_answer":
            return m["custom"]
    return None


@dataclass
class ReviewData:
    """What the conversations fixture produced (sender ids and answers), and the frozen DB."""

    db_path: Path
    senders: dict[str, str] = field(default_factory=dict)
    answers: dict[str, dict] = field(default_factory=dict)

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"


RAW_PII_TEXT = "Меня зовут Иван Петров, ИИН 900101300123, тел. +7 701 123 45 67, почта ivan.petrov@example.com"
XSS_TEXT = '<script>alert(1)</script> жұмысқа алмады <img src=x onerror="alert(2)"> <b>bold</b>'


@pytest.fixture(scope="session")
def review_data(assistant, tmp_path_factory: pytest.TempPathFactory) -> ReviewData:
    """Real conversations with the real assistant, in both languages and several channels."""
    from tendik.common.db import make_engine
    from tendik.common.feedback import record_vote
    from tendik.db.migrate import ensure_schema

    run = uuid.uuid4().hex[:6]
    s = {name: f"rv-{name}-{run}" for name in ("ru", "kk", "xss", "pii", "unsure", "tg", "raw")}
    answers: dict[str, dict] = {}
    url = assistant.rest_url

    # Russian, web: a legal answer, then small talk
    answers["ru"] = answer_of(say(url, s["ru"], "меня уволили из-за беременности", "ru", "web"))
    say(url, s["ru"], "спасибо", "ru", "web")
    # Kazakh, telegram: a legal answer (voted "not helpful" below), then an off-topic question
    answers["kk"] = answer_of(say(url, s["kk"], "жүкті болғаным үшін жұмыстан шығарды", "kk", "telegram"))
    say(url, s["kk"], "ертең ауа райы қандай болады", "kk", "telegram")
    # Script tag and HTML injection
    say(url, s["xss"], XSS_TEXT, "kk", "web")
    # Personal data (masked by the channel before it is stored)
    answers["pii"] = answer_of(say(url, s["pii"], "мой ИИН 900101300123, телефон +7 701 123 45 67, мне не платят столько же сколько мужчинам", "ru", "web"))
    # Something the knowledge base cannot answer
    answers["unsure"] = answer_of(say(url, s["unsure"], "qwzx prtkl vbnm zzqj", "ru", "web"))
    # Telegram, Russian, a second legal question; voted "helpful"
    answers["tg"] = answer_of(say(url, s["tg"], "какой штраф грозит работодателю за дискриминацию", "ru", "telegram"))

    assert answers["ru"] and answers["ru"]["knowledge_ids"], "the Russian legal question got no legal answer"
    assert answers["kk"] and answers["kk"]["knowledge_ids"], "the Kazakh legal question got no legal answer"
    assert answers["unsure"] is not None and not answers["unsure"]["knowledge_ids"], (
        f"the nonsense question was answered with a citation: {answers['unsure']}")

    engine = make_engine(assistant.db_url)
    ensure_schema(engine)
    record_vote(engine, s["kk"], answers["kk"]["answer_id"], "not_helpful", "telegram", "kk")
    record_vote(engine, s["tg"], answers["tg"]["answer_id"], "helpful", "telegram", "ru")
    engine.dispose()

    # "Another writer" (old data from before the channel masked anything): a user event with raw
    # personal data, in Rasa's exact format, copied from a real row and given new text.
    src = sqlite3.connect(assistant.db_url.removeprefix("sqlite:///"))
    try:
        row = src.execute("SELECT type_name, timestamp, intent_name, action_name, data FROM events "
                          "WHERE sender_id = ? AND type_name = 'user' ORDER BY id LIMIT 1", (s["ru"],)).fetchone()
        data = json.loads(row[4])
        data["text"] = RAW_PII_TEXT
        data["parse_data"]["text"] = RAW_PII_TEXT
        src.execute("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES (?,?,?,?,?,?)",
                    (s["raw"], row[0], row[1], row[2], row[3], json.dumps(data)))
        src.commit()
        # Freeze a copy: tests work on copies, the assistant keeps its own store.
        frozen = tmp_path_factory.mktemp("review-data") / "tracker.db"
        dst = sqlite3.connect(frozen)
        src.backup(dst)
        dst.close()
    finally:
        src.close()
    return ReviewData(db_path=frozen, senders=s, answers=answers)


@pytest.fixture
def db_copy(review_data: ReviewData, tmp_path: Path) -> str:
    """A private copy of the conversations database (SQLite URL) for a test that changes it."""
    target = tmp_path / "tracker.db"
    src = sqlite3.connect(review_data.db_path)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return f"sqlite:///{target}"


# ------------------------------------------------------------------ the review server
class ReviewServer:
    def __init__(self, db_url: str, log: Path, **env: str) -> None:
        self.db_url = db_url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = open(log, "ab")
        self.proc = subprocess.Popen(
            [PY, "-m", "tendik.review", "serve", "--port", str(self.port)], cwd=ROOT,
            env=app_env(TENDIK_DB_URL=db_url, TENDIK_REVIEW_SECRET="test-secret-" + uuid.uuid4().hex, **env),
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the review server exited:\n" + log.read_text(errors="replace"))
            try:
                requests.get(self.base + "/login", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("the review server did not start:\n" + log.read_text(errors="replace"))

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.proc)
        self._log.close()


def create_accounts(db_url: str) -> None:
    cli(db_url, "user", "add", ADMIN[0], "--role", "admin", stdin=ADMIN[1] + "\n")
    cli(db_url, "user", "add", REVIEWER[0], stdin=REVIEWER[1] + "\n")


@pytest.fixture
def start_server(tmp_path: Path):
    """``start_server(db_url, **env)`` -> a running :class:`ReviewServer` (stopped after the test)."""
    servers: list[ReviewServer] = []

    def start(db_url: str, accounts: bool = True, **env: str) -> ReviewServer:
        if accounts:
            create_accounts(db_url)
        cli(db_url, "sync")
        srv = ReviewServer(db_url, tmp_path / f"review-{len(servers)}.log", **env)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.stop()


@pytest.fixture
def review_server(start_server, db_copy: str) -> ReviewServer:
    return start_server(db_copy)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Client:
    """A browser-like HTTP client: keeps cookies, reads CSRF tokens from the pages, sends Origin."""

    def __init__(self, server: ReviewServer) -> None:
        self.base = server.base
        self.http = requests.Session()
        self.http.headers["Origin"] = self.base
        self.csrf = ""

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("allow_redirects", True)
        r = self.http.get(self.base + path, timeout=60, **kw)
        m = CSRF.search(r.text) if r.headers.get("Content-Type", "").startswith("text/html") else None
        if m:
            self.csrf = m.group(1)
        return r

    def post(self, path: str, data: dict | list, csrf: bool = True, **kw) -> requests.Response:
        if csrf:
            data = list(data.items()) if isinstance(data, dict) else list(data)
            data.append(("csrf_token", self.csrf))
        kw.setdefault("allow_redirects", False)
        return self.http.post(self.base + path, data=data, timeout=60, **kw)

    def login(self, username: str, password: str) -> requests.Response:
        self.get("/login")
        r = self.post("/login", {"username": username, "password": password, "next": "/conversations"})
        if r.status_code == 302:
            self.get("/conversations")  # the session's CSRF token
        return r


@pytest.fixture
def admin(review_server: ReviewServer) -> Client:
    c = Client(review_server)
    assert c.login(*ADMIN).status_code == 302
    return c


@pytest.fixture
def reviewer(review_server: ReviewServer) -> Client:
    c = Client(review_server)
    assert c.login(*REVIEWER).status_code == 302
    return c


# ------------------------------------------------------------------ Rasa's own loaders
RASA_CHECK = r"""
import json, sys
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.loading import load_data
domain = Domain.load("nlu_data/domain")
out = {"nlu": {}, "stories": {}}
for path in sys.argv[1:]:
    if "/nlu/" in path:
        td = load_data(path)
        out["nlu"][path] = sorted((m.get("intent"), m.get("text")) for m in td.intent_examples)
    else:
        assert YAMLStoryReader.is_test_stories_file(path), path
        steps = YAMLStoryReader(domain).read_from_file(path)
        out["stories"][path] = [
            [(e.type_name, getattr(e, "intent_name", None) or getattr(e, "action_name", None)) for e in s.events] for s in steps
        ]
print(json.dumps(out, ensure_ascii=False))
"""


def rasa_load(files: list[Path]) -> dict:
    """Load exported files with the real Rasa 3.6 loaders (in the Rasa virtual environment)."""
    r = subprocess.run([RASA_PY, "-c", RASA_CHECK, *map(str, files)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "nlu_data"), "RASA_TELEMETRY_ENABLED": "false",
                            "TF_CPP_MIN_LOG_LEVEL": "3", "HOME": "/tmp"})
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])
