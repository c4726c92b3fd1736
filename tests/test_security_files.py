"""Secrets and data files are readable by their owner only (the probe found world-readable
database files), and the generated tokens are stable across restarts."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from tendik.common import keys
from tendik.common.db import make_engine
from tendik.ops.services import Services


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_generated_secrets_are_private_and_stable(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("TENDIK_RASA_TOKEN", raising=False)
    data = tmp_path / "data"
    first = keys.service_secret(keys.RASA_TOKEN, data)
    assert len(first) >= 40 and mode(data / "rasa_api_token") == 0o600 and mode(data) == 0o700
    assert keys.service_secret(keys.RASA_TOKEN, data) == first  # read back, not made again
    (data / "rasa_api_token").chmod(0o644)  # loosened by hand: tightened on the next read
    assert keys.service_secret(keys.RASA_TOKEN, data) == first and mode(data / "rasa_api_token") == 0o600
    monkeypatch.setenv("TENDIK_RASA_TOKEN", "from-the-environment-0123456789")
    assert keys.service_secret(keys.RASA_TOKEN, data) == "from-the-environment-0123456789"


def test_services_take_their_tokens_from_the_environment_or_the_data_folder(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001

    monkeypatch.setenv("TENDIK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TENDIK_ACTION_TOKEN", "action-token-from-env-0123456789")
    monkeypatch.delenv("TENDIK_RASA_TOKEN", raising=False)
    svc = Services(db_url=f"sqlite:///{tmp_path / 'x.db'}", log_dir=tmp_path / "logs")
    assert svc.action_token == "action-token-from-env-0123456789"
    assert svc.rasa_token == (tmp_path / "rasa_api_token").read_text().strip()
    assert f"token={svc.rasa_token}" in svc.api_url("/status")


def test_sqlite_files_are_created_private(tmp_path: Path) -> None:
    db = tmp_path / "new" / "tracker.db"
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    assert mode(db) == 0o600 and mode(db.parent) == 0o700
    for journal in db.parent.glob("tracker.db-*"):  # WAL and shared memory: the database file's mode
        assert mode(journal) & 0o077 == 0, journal
    engine.dispose()
    # an existing, world-readable database is tightened when a service opens it
    old = tmp_path / "old.db"
    old.write_bytes(b"")
    os.chmod(old, 0o644)
    os.chmod(tmp_path, 0o755)
    make_engine(f"sqlite:///{old}").dispose()
    assert mode(old) == 0o600
    assert mode(tmp_path) == 0o755  # an existing folder (it may be a home directory) is left alone
