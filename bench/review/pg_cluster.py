"""A throw-away PostgreSQL cluster for the benchmark (initdb + pg_ctl on a free port, as the
``postgres`` user when run as root; trust authentication on 127.0.0.1 only; removed afterwards).
The tests use the same recipe (tests/review/conftest.py)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name), reverse=True)
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    if not initdb:
        raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")
    return Path(initdb).parent


@contextlib.contextmanager
def throwaway_cluster(db: str = "tendik_bench") -> Iterator[str]:
    """Yields the URL of a new database on a new cluster."""
    bindir = _bindir()
    workdir = Path(tempfile.mkdtemp(prefix="tendik-pg-bench-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = workdir / "data"
    run = lambda *cmd: subprocess.run([*prefix, *cmd], check=True, capture_output=True, timeout=300)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(data), "-U", "tendik", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(workdir / "server.log"), "-w", "-t", "60", "-o",
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c shared_buffers=256MB", "start")
    try:
        run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "tendik", db)
        yield f"postgresql://tendik@127.0.0.1:{port}/{db}"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True, timeout=120)
        shutil.rmtree(workdir, ignore_errors=True)
