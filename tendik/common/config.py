"""Settings shared by every Python 3.11 service, read from the environment (and ``.env``).

Each variable is documented in ``.env.example``. Service-specific settings subclass
:class:`CommonSettings` and add their own prefix-free ``TENDIK_*`` fields.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tendik.paths import ENV_FILE, ROOT, data_dir, setting

__all__ = ["ROOT", "CommonSettings", "default_data_dir", "default_db_url"]


def default_data_dir() -> Path:
    """``TENDIK_DATA_DIR`` from the environment or ``.env`` (./data): the same folder however the
    service was started."""
    return data_dir()


def default_db_url() -> str:
    return setting("TENDIK_DB_URL") or f"sqlite:///{default_data_dir() / 'tracker.db'}"


class CommonSettings(BaseSettings):
    """``TENDIK_RASA_URL``, ``TENDIK_DB_URL``, ``TENDIK_REDIS_URL``, ``TENDIK_RASA_TIMEOUT``,
    ``TENDIK_HTTP_REQUEST_TIMEOUT``."""

    # An empty value (as copied from .env.example) means the default.
    model_config = SettingsConfigDict(env_prefix="TENDIK_", env_file=ENV_FILE, extra="ignore", env_ignore_empty=True)

    rasa_url: str = "http://127.0.0.1:5005"
    db_url: str = ""
    # Redis shared by replicas (Rasa's conversation locks, the front ends' rate limits); '' = none.
    redis_url: str = ""
    rasa_timeout: float = 30.0
    # Seconds a client has to send a whole request (headers, then body) to our HTTP servers.
    http_request_timeout: float = Field(15.0, gt=0, le=300)

    def model_post_init(self, __context: object) -> None:
        if not self.db_url:
            self.db_url = default_db_url()
