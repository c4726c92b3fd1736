"""Telegram user ids never reach the tracker store or the logs in clear: the Rasa sender id is
``"tg-" + hex(HMAC-SHA256(secret, str(user_id)))[:32]``.

The secret comes from ``TENDIK_TELEGRAM_ID_SECRET``; when unset it is generated once and kept in
``<data dir>/telegram_id_secret`` (mode 0600) so ids stay stable across restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

logger = logging.getLogger(__name__)

PREFIX = "tg-"
SECRET_FILE = "telegram_id_secret"


def load_or_create_secret(configured: str, data_dir: Path) -> str:
    """The configured secret, else the one stored in the data dir, else a new one stored there."""
    if configured.strip():
        return configured.strip()
    path = data_dir / SECRET_FILE
    if path.exists():
        secret = path.read_text(encoding="utf-8").strip()
        if secret:
            return secret
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process was first: use its secret
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret + "\n")
    os.chmod(path, 0o600)
    logger.warning(
        "TENDIK_TELEGRAM_ID_SECRET is not set: generated a new id secret and stored it in %s (mode 0600); "
        "keep this file (or set the variable), or every user gets a new pseudonymous id", path,
    )
    return secret


class SenderIds:
    """Maps Telegram user ids to Rasa sender ids (keyed hash; not reversible without the secret)."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the id secret must not be empty")
        self._key = secret.encode("utf-8")

    def sender_id(self, telegram_user_id: int) -> str:
        digest = hmac.new(self._key, str(int(telegram_user_id)).encode("ascii"), hashlib.sha256).hexdigest()
        return PREFIX + digest[:32]
