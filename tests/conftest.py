"""Shared fixtures.

* ``assistant``: the real assistant (Rasa server + action server) for end-to-end tests of the
  front ends, started once per test session on free ports with a throw-away SQLite tracker store.
* ``pg_server`` / ``pg_url``: a throw-away PostgreSQL cluster (initdb + pg_ctl, run as the
  ``postgres`` user when the tests run as root) on a free port; a new database per test.
  ``TENDIK_SKIP_PG=1`` skips those tests; otherwise a missing server fails them.
* ``redis_url``: a throw-away Redis server on a free port (no persistence).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tendik.ops.services import BUILD, RASA_MODEL, Services, free_port  # noqa: F401  (free_port: for the tests)
from tests.helpers.pg_cluster import PgCluster, PgUnavailable

ROOT = Path(__file__).resolve().parents[1]
REQUEST_DEADLINE = 5  # TENDIK_HTTP_REQUEST_TIMEOUT of the services the tests start


def log_tail(log_dir: Path, lines: int = 40) -> str:
    out = []
    for log in sorted(log_dir.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-lines:]
        out.append(f"--- {log.name} ---\n" + "\n".join(tail))
    return "\n".join(out)


def slow_request(port: int, path: str = "/", limit: float = 40, trickle: bool = True, in_headers: bool = False,
                 host: str = "127.0.0.1", headers: dict[str, str] | None = None) -> tuple[float, bytes]:
    """A request that never finishes: the headers (or, ``in_headers``, only part of them), then one
    byte a second (``trickle``) or nothing. Returns (seconds until the server answered or closed
    the connection, or ``limit``; what it sent)."""
    sock = socket.create_connection((host, port), timeout=5)
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n{extra}"
    sock.sendall((head if in_headers else head + "Content-Length: 100000\r\n\r\n{").encode())
    started, got = time.monotonic(), b""
    try:
        while time.monotonic() - started < limit:
            if trickle:
                try:
                    sock.sendall(b"X" if in_headers else b" ")
                except OSError:
                    break  # the server closed the connection
            sock.settimeout(1.0)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break  # closed
            got += chunk
            head, sep, body = got.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if sep and len(body) >= (int(length.group(1)) if length else 0):
                break  # a whole answer (the 408)
    finally:
        sock.close()
    return time.monotonic() - started, got


def stop_process(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate a child process, killing it if it does not stop in time."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def new_token() -> str:
    """A fresh secret for a test's services (never the ones in data/)."""
    return secrets.token_urlsafe(32)


@contextlib.contextmanager
def started_assistant(tmp: Path, extra_env: dict[str, str] | None = None) -> Iterator[Services]:
    """Rasa + action server on free ports with a throw-away SQLite store in ``tmp`` and their own
    tokens (``.rasa_token``, ``.action_token``); stopped after."""
    for needed in (RASA_MODEL, BUILD / "langid.json", BUILD / "index" / "manifest.json"):
        assert needed.exists(), f"{needed} is missing: run `make build` first"
    svc = Services(rasa_port=free_port(), action_port=free_port(), db_url=f"sqlite:///{tmp / 'tracker.db'}", log_dir=tmp / "logs",
                   rasa_token=new_token(), action_token=new_token(), extra_env=extra_env)
    try:
        try:
            svc.start()
        except SystemExit:
            pytest.fail("the assistant did not start:\n" + log_tail(svc.log_dir))
        yield svc
    finally:
        svc.stop()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The running assistant: ``.rest_url``, ``.rasa_url``, ``.db_url`` (SQLite file shared with
    whatever the test starts next to it), ``.log_dir``, ``.api()`` (Rasa's HTTP API with the token),
    ``.action_token`` (for another Rasa that shares this action server)."""
    # A short request deadline, so that the slow-request tests are quick (the default is 15 s).
    with started_assistant(tmp_path_factory.mktemp("assistant"), {"TENDIK_HTTP_REQUEST_TIMEOUT": str(REQUEST_DEADLINE)}) as svc:
        yield svc


# ------------------------------------------------------------------ PostgreSQL
@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgCluster]:
    """A throw-away PostgreSQL cluster for this test session (trust auth on 127.0.0.1 only)."""
    if os.environ.get("TENDIK_SKIP_PG") == "1":
        pytest.skip("TENDIK_SKIP_PG=1: PostgreSQL tests skipped on request")
    try:
        cluster = PgCluster().start()
    except PgUnavailable as exc:
        pytest.fail(f"{exc}; set TENDIK_SKIP_PG=1 to skip")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server: PgCluster) -> Iterator[str]:
    """A new, empty database on the throw-away cluster."""
    name = "t_" + uuid.uuid4().hex[:12]
    url = pg_server.create_db(name)
    yield url
    pg_server.drop_db(name)


# ------------------------------------------------------------------ Redis
@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throw-away Redis server (Debian's redis-server) on a free port, no persistence."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.fail("redis-server not found (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)
