"""Settings of the Telegram bot, from the environment (and ``.env``); every one has a default that
runs out of the box except the bot token, which only @BotFather can give."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from tendik.common.config import CommonSettings, default_data_dir
from tendik.common.keys import RASA_TOKEN

TELEGRAM_API = "https://api.telegram.org"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.I)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

HOW_TO_GET_A_TOKEN = """\
The Telegram bot needs a token, and none is configured (TENDIK_TELEGRAM_TOKEN).

How to get one (2 minutes):
  1. In Telegram, open @BotFather (https://t.me/BotFather) and send /newbot.
  2. Choose a display name (e.g. "Теңдік") and a username ending in "bot" (e.g. tendik_kz_bot).
  3. BotFather answers with a token like 123456789:AA...; keep it secret.
  4. Put it in the file .env at the project root (never commit it):
        TENDIK_TELEGRAM_TOKEN=123456789:AA...
     or export it in the shell before starting the bot.
Then run again: python -m tendik.telegram   (long polling; add --webhook for webhook mode)
"""


def parse_duration(value: str | float | int) -> float:
    """Seconds from "604800", "7d", "12h", "30m", "45s", "1w"; "0", "off", "" disable (0)."""
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().lower()
    if text in ("", "off", "never", "none", "false", "disabled"):
        return 0.0
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"not a duration: {value!r} (use e.g. 7d, 12h, 30m, 45s or seconds)")
    return float(m.group(1)) * _UNITS[m.group(2)]


class TelegramSettings(CommonSettings):
    """``TENDIK_TELEGRAM_*`` (plus the shared ``TENDIK_RASA_URL``, ``TENDIK_DB_URL``, ...). An empty
    variable (as in a copied ``.env.example``) means the default."""

    model_config = SettingsConfigDict(**{**CommonSettings.model_config, "env_ignore_empty": True})

    telegram_token: SecretStr = SecretStr("")
    # Bot API server base URL; the tests and the benchmark point it at tests.fakes.telegram_api.
    telegram_api_url: str = TELEGRAM_API
    # Key of the HMAC that turns Telegram user ids into Rasa sender ids. Unset: generated once and
    # kept in <data dir>/telegram_id_secret (mode 0600).
    telegram_id_secret: SecretStr = SecretStr("")
    data_dir: Path = Field(default_factory=default_data_dir)

    # Webhook mode (python -m tendik.telegram --webhook)
    telegram_webhook_url: str = ""  # public https base URL Telegram posts to, e.g. https://bot.example.org
    telegram_webhook_path: str = "/telegram/webhook"
    telegram_webhook_secret: SecretStr = SecretStr("")  # unset: a random one per start
    telegram_webhook_host: str = "127.0.0.1"
    telegram_webhook_port: int = 8443

    # Long polling
    telegram_polling_timeout: int = 30

    # Per-user flood limit: at most this many messages/button presses per window.
    telegram_user_rate: int = 12
    telegram_user_window: float = 60.0

    # Outreach: "know your rights" cards.
    telegram_card_every: float = 7 * 86400.0  # "7d", "12h", "off" ...
    telegram_broadcast_rate: float = 25.0  # messages per second overall (Telegram: about 30)
    telegram_chat_interval: float = 1.0  # seconds between messages to one chat (Telegram: about 1)
    telegram_broadcast_workers: int = 8

    # How long a "not helpful" vote waits for its optional comment.
    telegram_comment_window: float = 600.0

    # Handing a conversation to a person (issue 14): how often the operators' replies are looked
    # for and sent; Rasa's HTTP API token (TENDIK_RASA_TOKEN; unset: <data dir>/rasa_api_token, the
    # file `make run` generates), needed to resume the bot when a case ends.
    telegram_handoff_every: float = Field(2.0, gt=0, le=60)
    rasa_token: SecretStr = SecretStr("")

    @field_validator("telegram_card_every", mode="before")
    @classmethod
    def _duration(cls, value: object) -> float:
        return parse_duration(value)  # type: ignore[arg-type]

    @property
    def token(self) -> str:
        return self.telegram_token.get_secret_value().strip()

    def rasa_api_token(self) -> str:
        """Rasa's HTTP API token: configured, else the data folder's ``rasa_api_token`` (never
        generated here: a token Rasa does not know would be no use); "" when there is none."""
        configured = self.rasa_token.get_secret_value().strip()
        if configured:
            return configured
        path = self.data_dir / RASA_TOKEN[1]
        try:
            return path.read_text(encoding="utf-8").strip() if path.is_file() else ""
        except OSError:
            return ""
