"""A real `tendik stack` for a test module: nginx, 2 Rasa replicas, an action server, PostgreSQL,
Redis, the widget and the bot in webhook mode against the local Bot API (tests/fakes/telegram_api.py).
Used by tests/test_stack.py and tests/test_stack_faults.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tendik.ops.services import BUILD, RASA_MODEL, free_port
from tendik.ops.stack import nginx_binary
from tests.fakes.telegram_api import LocalBotAPI, LoopThread

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Stack:
    env: dict[str, str]
    data: Path
    public: str
    internal: str
    api: LocalBotAPI
    loop: LoopThread
    up_output: str = ""
    users: list[Any] = field(default_factory=list)

    def cli(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tendik.ops.cli", "stack", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def state(self) -> dict:
        return json.loads((self.data / "stack" / "state.json").read_text())

    def component(self, name: str) -> dict:
        return next(c for c in self.state()["components"] if c["name"] == name)

    def token(self) -> str:
        """Rasa's HTTP API token (the internal listener's API needs it)."""
        return (self.data / "rasa_api_token").read_text().strip()


def start_stack(tmp_path_factory: pytest.TempPathFactory, name: str) -> Stack:
    """`stack up --rasa 2 --actions 1 --telegram --web` in a data folder of its own; the caller stops
    it with :func:`stop_stack`. Skips without nginx; fails with the components' logs if `up` fails."""
    if not nginx_binary():
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run installs it)")
    for needed in (RASA_MODEL, BUILD / "langid.json", BUILD / "index" / "manifest.json"):
        assert needed.exists(), f"{needed} is missing: run `make build` first"
    data = tmp_path_factory.mktemp(f"{name}-data")
    loop = LoopThread(f"{name}-bot-api")
    api = LocalBotAPI()
    loop.run(api.start())
    public_port, internal_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDIK_")}
    env.update(PYTHONPATH=str(ROOT), TENDIK_DATA_DIR=str(data), TENDIK_TELEGRAM_TOKEN=api.token, TENDIK_TELEGRAM_API_URL=api.url)
    stack = Stack(env, data, f"http://127.0.0.1:{public_port}", f"http://127.0.0.1:{internal_port}", api, loop)
    up = stack.cli("up", "--rasa", "2", "--actions", "1", "--telegram", "--web", "--port", str(public_port),
                   "--internal-port", str(internal_port))
    stack.up_output = up.stdout + up.stderr
    if up.returncode != 0:
        logs = "\n".join(f"--- {p.name}\n" + p.read_text(errors="replace")[-2000:]
                         for p in sorted((data / "stack" / "logs").glob("*.log")))
        stop_stack(stack)
        pytest.fail(f"stack up failed ({up.returncode}):\n{stack.up_output[-3000:]}\n{logs}")
    return stack


def stop_stack(stack: Stack) -> None:
    stack.cli("down", "--purge", timeout=300)
    stack.loop.run(stack.api.stop())
    stack.loop.close()
