"""A throw-away PostgreSQL cluster for tests and benchmarks: initdb + pg_ctl in a temporary
directory, on a free port, trust authentication on 127.0.0.1 only, removed afterwards. As root the
server runs as the ``postgres`` user (initdb refuses root). Needs Debian's postgresql package."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tendik.ops.services import free_port


class PgUnavailable(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name), reverse=True)
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    if not initdb:
        raise PgUnavailable("PostgreSQL server binaries not found (apt-get install postgresql)")
    return Path(initdb).parent


class PgCluster:
    """``PgCluster().start()``; ``.create_db(name)`` -> URL; ``.stop()``."""

    user = "tendik"

    def __init__(self, settings: tuple[str, ...] = ("fsync=off",)) -> None:
        self.bindir = bindir()
        self.settings = settings
        self.workdir = Path(tempfile.mkdtemp(prefix="tendik-pg-"))
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()

    def _run(self, *cmd: str) -> None:
        r = subprocess.run([*self.as_postgres, *cmd], capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"{Path(cmd[0]).name} failed: {r.stdout}\n{r.stderr}")

    def url(self, db: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{db}"

    def start(self) -> PgCluster:
        data = self.workdir / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", self.user, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = " ".join([f"-p {self.port}", f"-k {self.workdir}", "-c listen_addresses=127.0.0.1", *(f"-c {s}" for s in self.settings)])
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-l", str(self.workdir / "server.log"), "-w", "-t", "60", "-o", options, "start")
        return self

    def create_db(self, name: str) -> str:
        self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)
        return self.url(name)

    def drop_db(self, name: str) -> None:
        self._run(str(self.bindir / "dropdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "--force", "--if-exists", name)

    def stop(self) -> None:
        subprocess.run([*self.as_postgres, str(self.bindir / "pg_ctl"), "-D", str(self.workdir / "data"), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextlib.contextmanager
def throwaway_cluster(db: str = "tendik", settings: tuple[str, ...] = ("fsync=off",)) -> Iterator[str]:
    """Yields the URL of a new database on a new cluster; everything is removed afterwards."""
    cluster = PgCluster(settings).start()
    try:
        yield cluster.create_db(db)
    finally:
        cluster.stop()
