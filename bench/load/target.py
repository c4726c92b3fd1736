"""The system under test, behind one small interface, so that the load generator can drive today's
:class:`~tendik.ops.services.Services` (one Rasa, one action server, the widget, the bot) or the
stack of ``tendik stack up`` (nginx, N Rasa replicas, M action servers, PostgreSQL, Redis, the bot
in webhook mode, the widget), which describes itself in ``<data dir>/stack/state.json``.

What the harness needs from a target: where the widget is (``web_url``), the database (``db_url``,
for the count of stored messages), the Telegram id secret (to find a Telegram user's
conversation), the pids of each component (CPU/RSS, ``kill -9``), and ``restart(component)``.
The bot must talk to the harness's local Bot API: ``start(bot_api_url, bot_token)`` gets both.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit, urlunsplit

from tendik.ops.services import Services, free_port

logger = logging.getLogger(__name__)


class Target(Protocol):
    web_url: str | None
    db_url: str | None
    telegram_id_secret: str | None

    def start(self, bot_api_url: str | None, bot_token: str | None) -> None: ...

    def components(self) -> dict[str, list[int]]:
        """Component name -> its root pids (children are found from /proc)."""
        ...

    def kill(self, component: str) -> None:
        """kill -9 the component (one replica: its first pid)."""
        ...

    def restart(self, component: str) -> None:
        """Stop and start the component (blocking until it is ready)."""
        ...

    def stop(self) -> None: ...


class ServicesTarget:
    """Today's assistant: Rasa + action server + widget + bot (long polling) as child processes on
    free ports with a throw-away SQLite store, their own tokens and data folder."""

    def __init__(self, workdir: Path | None = None, telegram: bool = True, web: bool = True,
                 extra_env: dict[str, str] | None = None, postgres: bool = False) -> None:
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="tendik-load-"))
        self.postgres = postgres  # a throw-away PostgreSQL cluster (fsync on) instead of SQLite
        self.pg = None
        self.telegram, self.web = telegram, web
        self.telegram_id_secret: str | None = secrets.token_hex(16) if telegram else None
        self.extra_env = dict(extra_env or {})
        self.svc: Services | None = None
        self.web_url: str | None = None
        self.db_url: str | None = None

    def start(self, bot_api_url: str | None, bot_token: str | None) -> None:
        env = {
            "TENDIK_DATA_DIR": str(self.workdir / "data"),
            # Every widget user sends its own X-Forwarded-For (as visitors behind a reverse proxy
            # would): the per-client rate limit applies per user, not to the harness as a whole.
            "TENDIK_WEB_TRUST_PROXY": "true",
            "TENDIK_TELEGRAM_CARD_EVERY": "off",  # no outreach cards in the middle of a run
            **self.extra_env,
        }
        if self.telegram:
            assert bot_api_url and bot_token and self.telegram_id_secret
            env.update(TENDIK_TELEGRAM_TOKEN=bot_token, TENDIK_TELEGRAM_API_URL=bot_api_url,
                       TENDIK_TELEGRAM_ID_SECRET=self.telegram_id_secret)
        db_url = f"sqlite:///{self.workdir / 'tracker.db'}"
        if self.postgres:
            from tests.helpers.pg_cluster import PgCluster

            self.pg = PgCluster(settings=()).start()
            db_url = self.pg.create_db("tendik_load")
        self.svc = Services(
            rasa_port=free_port(), action_port=free_port(), db_url=db_url,
            log_dir=self.workdir / "logs", web_port=free_port() if self.web else None,
            rasa_token=secrets.token_hex(24), action_token=secrets.token_hex(24), extra_env=env,
        )
        self.db_url = self.svc.db_url
        ready = self.svc.start()
        logger.info("assistant ready in %.1f s", ready)
        if self.web:
            self.web_url = self.svc.web_url
        if self.telegram:
            self.svc.start_telegram()

    def components(self) -> dict[str, list[int]]:
        assert self.svc is not None
        out = {name: [p.pid] for name, p in self.svc.procs.items() if p.poll() is None}
        if self.pg is not None:
            try:
                out["postgres"] = [int((self.pg.workdir / "data" / "postmaster.pid").read_text().split()[0])]
            except (OSError, ValueError, IndexError):
                pass
        return out

    def kill(self, component: str) -> None:
        assert self.svc is not None
        proc = self.svc.procs[component]
        os.killpg(proc.pid, signal.SIGKILL)  # the process and its children, like a crash
        proc.wait()

    def restart(self, component: str) -> None:
        assert self.svc is not None
        self.svc.stop(component)
        start = {"rasa": self.svc.start_rasa, "actions": self.svc.start_actions, "web": self.svc.start_web,
                 "telegram": self.svc.start_telegram}[component]
        start()

    def stop(self) -> None:
        if self.svc:
            self.svc.stop()
        if self.pg is not None:
            self.pg.stop()


def with_password(url: str, secret: Path) -> str:
    """The stack's database URL (the state file leaves the password out) with the password from its
    secret file, when the URL has none and the file exists."""
    parts = urlsplit(url)
    if parts.password or not secret.exists() or not parts.hostname:
        return url
    user = quote(parts.username or "postgres", safe="")
    netloc = f"{user}:{quote(secret.read_text(encoding='utf-8').strip(), safe='')}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class StackTarget:
    """A stack started by ``tendik stack up`` (tendik/ops/stack.py): attach to it through its state
    file ``<data dir>/stack/state.json`` (``components``: name, role, pid, port, url; ``public_url``:
    nginx). The widget is reached directly (role ``widget``; its calls to Rasa still go through
    nginx's internal port to the replicas): through nginx (``via_proxy``) every simulated user would
    have nginx's own address as the last X-Forwarded-For entry, and all would share one per-client
    rate limit (20 messages/min). The database is the ``database`` component. Start the stack with the bot
    pointed at the harness's Bot API (``--bot-api-port`` and the fake's token, see README), or give
    ``up_cmd`` to start it here with ``TENDIK_TELEGRAM_API_URL`` / ``TENDIK_TELEGRAM_TOKEN`` set.
    ``restart(name)`` runs ``tendik stack restart <name>`` (rasa-1, actions-1, postgres, redis, web,
    telegram); ``kill(name)`` sends SIGKILL to the component's pid."""

    def __init__(self, state_file: Path, up_cmd: list[str] | None = None, restart_cmd: list[str] | None = None,
                 down_cmd: list[str] | None = None, telegram_id_secret: str | None = None, via_proxy: bool = False) -> None:
        self.state_file = state_file
        self.up_cmd, self.down_cmd = up_cmd, down_cmd
        self.restart_cmd = restart_cmd or [sys.executable, "-m", "tendik.ops.cli", "stack", "restart"]
        self.telegram_id_secret = telegram_id_secret or os.environ.get("TENDIK_TELEGRAM_ID_SECRET")
        self.via_proxy = via_proxy
        self.web_url: str | None = None
        self.db_url: str | None = None

    def _data(self) -> dict:
        data = json.loads(self.state_file.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {"components": data}

    def _state(self) -> list[dict]:
        items = self._data().get("components", [])
        return list(items.values()) if isinstance(items, dict) else list(items)

    def start(self, bot_api_url: str | None, bot_token: str | None) -> None:
        if self.up_cmd:
            env = dict(os.environ)
            if bot_api_url and bot_token:
                env.update(TENDIK_TELEGRAM_API_URL=bot_api_url, TENDIK_TELEGRAM_TOKEN=bot_token)
            subprocess.run(self.up_cmd, env=env, check=True)
        deadline = time.time() + 300
        while not self.state_file.exists():
            if time.time() > deadline:
                raise SystemExit(f"no stack state file at {self.state_file}")
            time.sleep(1)
        data = self._data()
        for c in self._state():
            if c.get("role") in ("widget", "web") and c.get("url"):
                self.web_url = str(c["url"]).rstrip("/")
            if c.get("role") in ("database", "postgres", "db") and c.get("url"):
                self.db_url = with_password(str(c["url"]), self.state_file.parent / "secrets" / "postgres_password")
        if self.via_proxy and self.web_url and data.get("public_url"):
            self.web_url = str(data["public_url"]).rstrip("/")

    def components(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for c in self._state():
            if c.get("pid"):
                out.setdefault(str(c.get("name") or c.get("role")), []).append(int(c["pid"]))
        return out

    def kill(self, component: str) -> None:
        os.kill(self.components()[component][0], signal.SIGKILL)

    def restart(self, component: str) -> None:
        subprocess.run([*self.restart_cmd, component], check=True)

    def stop(self) -> None:
        if self.down_cmd:
            subprocess.run(self.down_cmd, check=False)
