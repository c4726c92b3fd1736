"""The assistant's services as child processes: Rasa (behind its guard) and the action server, and
on request the widget service and the Telegram bot. Used by ``tendik run``, the benchmarks and the
tests (a private assistant on free ports with a throw-away store)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tendik.common import keys
from tendik.ops.env import RASA_MODEL, RASA_VENV, app_env, app_python, fail, rasa_env
from tendik.paths import BUILD, ROOT, data_dir, setting


def http_json(url: str, payload: object | None = None, timeout: float = 10, headers: dict[str, str] | None = None,
              method: str | None = None) -> object:
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})}, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read() or b"null")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (for tests and benchmarks)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float, proc: subprocess.Popen | None = None, what: str = "") -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            fail(f"{what} exited with code {proc.returncode} while starting; see its log")
        try:
            http_json(url, timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
            time.sleep(0.3)
    fail(f"{what} not ready after {timeout:.0f} s ({url.split('?', 1)[0]})")  # never print a token


def spawn_logged(cmd: list[str], log_path: Path, env: dict | None = None) -> subprocess.Popen:
    """A process in its own session (its group is stopped as one), no stdin, output appended to
    ``log_path`` (0600). umask 077: whatever it creates (SQLite store and journals, logs, secrets) is
    readable by this user only."""
    log = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
    try:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, umask=0o077)
    finally:
        log.close()


class Services:
    """Rasa server + action server as child processes (used by `run`, `eval` and the tests).

    Secure by default: both listen on 127.0.0.1; Rasa's HTTP API needs ``rasa_token`` (everything
    but the REST channel) and the action server ``action_token`` (Rasa sends it). Unless given,
    the tokens come from TENDIK_RASA_TOKEN / TENDIK_ACTION_TOKEN (or .env), else they are
    generated once into the data folder (mode 0600). Files the services create (SQLite store,
    logs) are readable by their owner only."""

    def __init__(
        self,
        rasa_port: int = 5005,
        action_port: int = 5055,
        db_url: str | None = None,
        log_dir: Path | None = None,
        redis_url: str | None = None,
        web_port: int | None = None,
        rasa_token: str | None = None,
        action_token: str | None = None,
        extra_env: dict[str, str] | None = None,
        front_rasa_url: str | None = None,
        action_endpoint: str | None = None,
    ):
        self.rasa_port, self.action_port, self.web_port = rasa_port, action_port, web_port
        self.db_url = db_url or setting("TENDIK_DB_URL") or f"sqlite:///{data_dir() / 'tracker.db'}"
        self.redis_url = redis_url if redis_url is not None else setting("TENDIK_REDIS_URL")
        self.log_dir = log_dir or data_dir() / "logs"
        self.rasa_token = rasa_token or keys.service_secret(keys.RASA_TOKEN, data_dir())
        self.action_token = action_token or keys.service_secret(keys.ACTION_TOKEN, data_dir())
        self.extra_env = dict(extra_env or {})
        # Where the front ends reach Rasa and where Rasa reaches the action server: this Rasa and
        # this action server unless given (``tendik stack``: nginx's internal listener in front of
        # several replicas of each).
        self.front_rasa_url = front_rasa_url
        self.action_endpoint = action_endpoint
        self.procs: dict[str, subprocess.Popen] = {}

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def api_url(self, path: str, port: int | None = None) -> str:
        """A URL of Rasa's HTTP API with the token (``path`` like ``/status``; ``port``: a replica's)."""
        sep = "&" if "?" in path else "?"
        base = f"http://127.0.0.1:{port}" if port else self.rasa_url
        return f"{base}{path}{sep}token={urllib.parse.quote(self.rasa_token)}"

    def api(self, path: str, payload: object | None = None, timeout: float = 30, method: str | None = None) -> object:
        """Call Rasa's HTTP API (``/status``, ``/model/parse``, ``/conversations/<id>/tracker`` ...)."""
        return http_json(self.api_url(path), payload, timeout=timeout, method=method)

    def _env(self, env: dict) -> dict:
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, cmd: list[str], env: dict) -> subprocess.Popen:
        keys.private_dir(self.log_dir)
        proc = spawn_logged(cmd, self.log_dir / f"{name}.log", env)
        self.procs[name] = proc
        return proc

    def start_telegram(self, webhook: bool = False, name: str = "telegram", env: dict[str, str] | None = None) -> subprocess.Popen:
        """The Telegram bot (long polling, or ``webhook`` mode: TENDIK_TELEGRAM_WEBHOOK_* in ``env``),
        talking to this Rasa and storing in this database. ``env``: variables for the bot only."""
        penv = app_env()
        penv.update(TENDIK_RASA_URL=self.front_rasa_url or self.rasa_url, TENDIK_DB_URL=self.db_url, TENDIK_DATA_DIR=str(data_dir()),
                    TENDIK_RASA_TOKEN=self.rasa_token)  # Rasa's API only to resume a conversation after a handoff
        penv.pop("TENDIK_ACTION_TOKEN", None)  # the bot never calls the action server
        self._env(penv)
        penv.update(env or {})
        return self._spawn(name, [app_python(), "-m", "tendik.telegram", *(["--webhook"] if webhook else [])], penv)

    def start_actions(self, wait: bool = True, name: str = "actions", port: int | None = None) -> subprocess.Popen:
        """An action server on ``port`` (this one's action port unless given), as process ``name``."""
        port = port or self.action_port
        env = app_env()
        env.update(TENDIK_LANGID_MODEL=str(BUILD / "langid.json"), TENDIK_ACTION_TOKEN=self.action_token)
        env.pop("TENDIK_RASA_TOKEN", None)  # the action server does not need Rasa's token
        proc = self._spawn(name, [app_python(), "-m", "tendik.action_server", "--port", str(port)], self._env(env))
        if wait:
            wait_for(f"http://127.0.0.1:{port}/health", 60, proc, "action server")
        return proc

    def endpoints_file(self, port: int | None = None) -> Path:
        """nlu_data/endpoints.yml, plus a Redis lock store when ``redis_url`` (TENDIK_REDIS_URL) is
        set: several Rasa replicas sharing one tracker store must lock conversations across
        processes, or concurrent messages of one user can interleave or lose events. The file with the
        lock store is written beside the logs."""
        base = ROOT / "nlu_data" / "endpoints.yml"
        if not self.redis_url:
            return base
        parsed = urllib.parse.urlsplit(self.redis_url)
        if parsed.scheme not in ("redis", "rediss") or not parsed.hostname:
            fail(f"TENDIK_REDIS_URL must look like redis://[:password@]host:6379/0, got {self.redis_url!r}")
        lines = [
            "",
            "# Added by tendik.ops.services because TENDIK_REDIS_URL is set.",
            "lock_store:",
            "  type: tendik.rasa.lock_store.AtomicRedisLockStore  # Rasa's RedisLockStore is not atomic across replicas",
            f"  url: {parsed.hostname}",
            f"  port: {parsed.port or 6379}",
            f"  db: {int((parsed.path or '/0').strip('/') or 0)}",
            "  key_prefix: tendik",
            f"  use_ssl: {'true' if parsed.scheme == 'rediss' else 'false'}",
        ]
        if parsed.password:
            lines.append("  password: ${TENDIK_REDIS_PASSWORD}")
        # beside the services' logs (a throw-away run's temporary directory goes with it)
        keys.private_dir(self.log_dir)
        out = self.log_dir / f"endpoints-{port or self.rasa_port}.yml"
        out.write_text(base.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
        return out

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start_web(self, wait: bool = True) -> subprocess.Popen:
        """The website chat widget service (tendik.web): demo page, widget bundle, JSON API."""
        env = app_env()
        env.update(TENDIK_RASA_URL=self.front_rasa_url or self.rasa_url, TENDIK_DB_URL=self.db_url, TENDIK_WEB_PORT=str(self.web_port),
                   TENDIK_RASA_TOKEN=self.rasa_token)  # Rasa's API only to resume a conversation after a handoff
        env.pop("TENDIK_ACTION_TOKEN", None)  # the widget never calls the action server
        proc = self._spawn("web", [app_python(), "-m", "tendik.web"], self._env(env))
        if wait:
            wait_for(f"{self.web_url}/healthz", 60, proc, "web widget service")
        return proc

    def start_rasa(self, wait: bool = True, name: str = "rasa", port: int | None = None) -> subprocess.Popen:
        """A Rasa server on ``port`` (this one's Rasa port unless given: a replica), as process ``name``."""
        port = port or self.rasa_port
        keys.protect_sqlite(self.db_url)  # created here, mode 0600, before Rasa opens it
        env = rasa_env()
        if self.redis_url:
            env["TENDIK_REDIS_PASSWORD"] = urllib.parse.urlsplit(self.redis_url).password or ""
        env.update(
            TENDIK_ACTION_URL=self.action_endpoint or f"{self.action_url}/webhook",
            TENDIK_ACTION_TOKEN=self.action_token,
            TENDIK_RASA_TOKEN=self.rasa_token,
            TENDIK_DB_URL=self.db_url,
            TENDIK_LANGID_MODEL=str(BUILD / "langid.json"),
        )
        # tendik.rasa.server = `rasa run` with the token from the environment (not the command line)
        # and a guard in front of the HTTP API (tendik/rasa/server.py).
        proc = self._spawn(
            name,
            [
                str(RASA_VENV / "bin" / "python"), "-m", "tendik.rasa.server", "run", "--enable-api", "--model", str(RASA_MODEL),
                "--endpoints", str(self.endpoints_file(port)), "--credentials", "nlu_data/credentials.yml",
                "--interface", setting("TENDIK_RASA_HOST") or "127.0.0.1", "--port", str(port),
            ],
            self._env(env),
        )
        if wait:
            wait_for(self.api_url("/status", port), 120, proc, "Rasa server")
        return proc

    def call_action(self, action: str, text: str, lang: str, intent: str, confidence: float,
                    ranking: list[dict] | None = None, action_url: str | None = None) -> dict:
        """Run one custom action directly on the action server for a single message (no
        conversation is stored); returns the server's reply (``responses``, ``events``)."""
        payload = {
            "next_action": action,
            "sender_id": "direct-call",
            "version": "3.6.21",
            "domain": {},
            "tracker": {
                "sender_id": "direct-call", "slots": {"language": lang}, "events": [], "paused": False,
                "followup_action": None, "active_loop": {}, "latest_action_name": None,
                "latest_message": {"text": text, "intent": {"name": intent, "confidence": confidence},
                                   "intent_ranking": ranking or [], "entities": []},
            },
        }
        reply = http_json(f"{action_url or self.action_url}/webhook", payload, timeout=120,
                          headers={"Authorization": f"Bearer {self.action_token}"})
        return reply if isinstance(reply, dict) else {}

    def warm_up(self, action_url: str | None = None) -> None:
        """Ask the action server (this one, or the one at ``action_url``) for one retrieval answer,
        so it loads the encoder and index now."""
        reply = self.call_action("action_answer", "дискриминация на работе", "ru", "nlu_fallback", 0.3, action_url=action_url)
        if not reply.get("responses"):
            fail(f"action server warm-up failed: {reply!r}"[:300])

    def start(self) -> float:
        started = time.time()
        self.start_actions(wait=False)
        self.start_rasa(wait=False)
        wait_for(f"{self.action_url}/health", 60, self.procs["actions"], "action server")
        wait_for(self.api_url("/status"), 120, self.procs["rasa"], "Rasa server")
        self.warm_up()
        if self.web_port:
            self.start_web()
        return time.time() - started

    def stop(self, name: str | None = None) -> None:
        for key in [name] if name else list(self.procs):
            proc = self.procs.pop(key, None)
            if proc and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()

    def rss_mib(self) -> dict[str, float]:
        """Resident memory of each service including its child processes."""
        out = {}
        for name, proc in self.procs.items():
            total = 0
            for pid in [proc.pid] + descendants(proc.pid):
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
                except OSError:
                    pass
            out[name] = round(total / 1024, 1)
        return out


def descendants(pid: int) -> list[int]:
    """Every live child process of ``pid``, and theirs (from /proc)."""
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids + [g for k in kids for g in descendants(k)]


@contextlib.contextmanager
def throwaway_services(rasa_port: int, action_port: int) -> Iterator[tuple[Services, float]]:
    """Rasa and the action server on a throw-away SQLite store (a temporary directory that also holds
    their logs), started; yields them with the seconds they took to be ready; stopped on the way out."""
    with tempfile.TemporaryDirectory() as tmp:
        services = Services(rasa_port, action_port, f"sqlite:///{tmp}/eval.db", Path(tmp) / "logs")
        try:
            yield services, services.start()
        finally:
            services.stop()
