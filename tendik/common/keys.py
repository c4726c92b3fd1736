"""Secrets the services share, and files only their owner may read. Standard library only:
``tendik.ops.services`` uses it to give the services their secrets.

A secret is taken from its environment variable (or ``.env``) when set; otherwise it is generated
once into ``<data dir>/<name>`` with mode 0600 and read from there on the next start:

* ``TENDIK_RASA_TOKEN`` (``rasa_api_token``): Rasa's HTTP API (everything but the REST channel);
* ``TENDIK_ACTION_TOKEN`` (``action_server_token``): Rasa -> action server;
* ``TENDIK_TELEGRAM_ID_SECRET`` (``telegram_id_secret``): the Telegram sender-id HMAC key.

The data folder (conversations, logs, secrets) is made ``0700`` and SQLite files ``0600``, so other
users of the machine cannot read conversations or secrets.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

RASA_TOKEN = ("TENDIK_RASA_TOKEN", "rasa_api_token")
ACTION_TOKEN = ("TENDIK_ACTION_TOKEN", "action_server_token")
MIN_LENGTH = 16


def private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700); tighten an existing one we own."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    _tighten(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if it does not exist, mode 0600 (a missing folder: 0700); tighten an
    existing file we own (chmod only). An existing folder is left as it is (it may be anybody's
    home). An existing file is never opened: closing any descriptor of a SQLite database drops
    every POSIX lock this process holds on it, and other connections would then corrupt it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError:
            pass  # made by someone else meanwhile: only tighten it
    _tighten(path, 0o600)
    return path


def _tighten(path: Path, mode: int) -> None:
    try:
        st = path.stat()
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & ~mode:
            os.chmod(path, stat.S_IMODE(st.st_mode) & mode)
    except OSError:
        pass


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (None for other databases and in-memory SQLite)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


def protect_sqlite(url: str) -> None:
    """Make a SQLite database and its journals readable by their owner only (mode 0600; a folder
    made for it 0700). SQLite gives the -wal and -shm files the database file's mode."""
    path = sqlite_path(url)
    if path is None:
        return
    private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            _tighten(extra, 0o600)


def load_or_create_secret(configured: str | None, path: Path, variable: str, consequence: str = "") -> str:
    """``configured`` (from the environment) when set, else the secret stored in ``path``, else a
    new random one written there with mode 0600 (a warning says so)."""
    if configured and configured.strip():
        return configured.strip()
    if path.exists():
        _tighten(path, 0o600)
        secret = path.read_text(encoding="utf-8").strip()
        if secret:
            return secret
    private_dir(path.parent)
    secret = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process was first: use its secret
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret + "\n")
    logger.warning("%s is not set: generated a new secret into %s (mode 0600)%s", variable, path, consequence)
    return secret


def service_secret(spec: tuple[str, str], data_dir: Path) -> str:
    """The secret ``spec`` = (variable, file name): from the environment or the data folder."""
    variable, name = spec
    return load_or_create_secret(os.environ.get(variable), data_dir / name, variable)
