"""Shared fixtures.

* ``assistant``: the real assistant (Rasa server + action server) for end-to-end tests of the
  front ends, started once per test session on free ports with a throw-away SQLite tracker store.
* ``pg_server`` / ``pg_url``: a throw-away PostgreSQL cluster (initdb + pg_ctl, run as the
  ``postgres`` user when the tests run as root) on a free port; a new database per test.
  ``TENDIK_SKIP_PG=1`` skips those tests; otherwise a missing server fails them.
* ``redis_url``: a throw-away Redis server on a free port (no persistence).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
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


# ------------------------------------------------------------------ PostgreSQL
def _pg_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name), reverse=True)
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class PgServer:
    port: int
    user: str

    def url(self, db: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{db}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throw-away PostgreSQL cluster for this test session (trust auth on 127.0.0.1 only)."""
    if os.environ.get("TENDIK_SKIP_PG") == "1":
        pytest.skip("TENDIK_SKIP_PG=1: PostgreSQL tests skipped on request")
    bindir = _pg_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL server binaries not found (apt-get install postgresql); set TENDIK_SKIP_PG=1 to skip")
    as_postgres: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="tendik-pg-"))
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(workdir, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, port = workdir / "data", free_port()

    def run(*cmd: str) -> None:
        r = subprocess.run([*as_postgres, *cmd], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, f"{cmd[0]} failed: {r.stdout}\n{r.stderr}"

    run(str(bindir / "initdb"), "-D", str(data), "-U", "tendik", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(workdir / "server.log"), "-w", "-t", "60", "-o",
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    try:
        yield PgServer(port=port, user="tendik")
    finally:
        subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A new, empty database on the throw-away cluster."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
