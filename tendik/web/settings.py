"""Settings of the web widget service, from the environment (``TENDIK_WEB_*``) and ``.env``."""

from __future__ import annotations

from pydantic import Field, field_validator

from tendik.common.config import CommonSettings, default_data_dir
from tendik.common.keys import RASA_TOKEN


class WebSettings(CommonSettings):
    """Every field is ``TENDIK_<NAME>`` in the environment, e.g. ``TENDIK_WEB_PORT=8080``."""

    web_host: str = "127.0.0.1"
    web_port: int = Field(8080, ge=0, le=65535)
    # Other sites allowed to embed the widget and call the API (comma separated origins, e.g.
    # "https://ngo.kz,https://www.ngo.kz"). The service's own origin is always allowed.
    web_allowed_origins: str = ""
    # A message longer than this (in characters) is refused with a clear error.
    web_max_message_chars: int = Field(2000, ge=1)
    # Bigger request bodies are refused (bytes).
    web_max_body_bytes: int = Field(16384, ge=1024)
    # Chat messages per client (IP address) per window; the other API calls get 3x as many.
    web_rate_limit: int = Field(20, ge=1)
    web_rate_window: float = Field(60.0, gt=0)
    # Behind a reverse proxy: take the client address from the last X-Forwarded-For entry.
    web_trust_proxy: bool = False
    # How many messages /api/history returns at most (the latest ones).
    web_history_limit: int = Field(200, ge=1)
    # Rasa's HTTP API token (TENDIK_RASA_TOKEN), to resume a conversation after a handoff; when it
    # is not set, the one the assistant generated into the data folder (rasa_api_token) is read.
    rasa_token: str = Field("", repr=False)

    def resume_token(self) -> str:
        """The token for Rasa's HTTP API: the setting, else the data folder's file, else ''."""
        if self.rasa_token.strip():
            return self.rasa_token.strip()
        path = default_data_dir() / RASA_TOKEN[1]
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    @field_validator("web_allowed_origins")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @property
    def allowed_origins(self) -> frozenset[str]:
        return frozenset(o.strip().rstrip("/").lower() for o in self.web_allowed_origins.split(",") if o.strip())
