"""Shared fixtures: the real assistant (Rasa server + action server) for end-to-end tests of the
front ends. Started once per test session on free ports with a throw-away SQLite tracker store."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from scripts.manage import BUILD, RASA_MODEL, Services  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(log_dir: Path, lines: int = 40) -> str:
    out = []
    for log in sorted(log_dir.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-lines:]
        out.append(f"--- {log.name} ---\n" + "\n".join(tail))
    return "\n".join(out)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The running assistant: ``.rest_url``, ``.rasa_url``, ``.db_url`` (SQLite file shared with
    whatever the test starts next to it), ``.log_dir``."""
    for needed in (RASA_MODEL, BUILD / "langid.json", BUILD / "index" / "manifest.json"):
        assert needed.exists(), f"{needed} is missing: run `python3 scripts/manage.py build` first"
    tmp = tmp_path_factory.mktemp("assistant")
    svc = Services(rasa_port=free_port(), action_port=free_port(), db_url=f"sqlite:///{tmp / 'tracker.db'}", log_dir=tmp / "logs")
    try:
        try:
            svc.start()
        except SystemExit:
            pytest.fail("the assistant did not start:\n" + log_tail(svc.log_dir))
        yield svc
    finally:
        svc.stop()
