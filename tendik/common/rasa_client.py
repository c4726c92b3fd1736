"""Async client for Rasa's REST channel (POST /webhooks/rest/webhook), used by every front end.

Rasa down, slow or answering garbage raises :class:`RasaUnavailable`; the caller then tells the user
"temporarily unavailable" in their language (``tendik.system_messages``). No user text is logged.
"""

from __future__ import annotations

import contextvars
import logging
import os
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tendik.citation import Citation, citations_from
from tendik.rasa.admission import RECEIVED_AT_HEADER

__all__ = ["BotMessage", "Button", "Citation", "RasaClient", "RasaUnavailable", "parse_reply"]

logger = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa could not be reached, timed out or answered with an error."""


@dataclass
class Button:
    title: str
    payload: str


@dataclass
class BotMessage:
    """One message of the bot's reply: text and/or buttons, and, for a legal answer, its
    structured payload (``custom.type == "tendik_answer"``)."""

    text: str = ""
    buttons: list[Button] = field(default_factory=list)
    answer: dict[str, Any] | None = None

    @property
    def citations(self) -> list[Citation]:
        """The answer's citations, read tolerantly (:meth:`tendik.citation.Citation.from_dict`)."""
        return citations_from((self.answer or {}).get("citations"))

    @property
    def answer_id(self) -> str | None:
        return (self.answer or {}).get("answer_id")

    @property
    def is_legal_answer(self) -> bool:
        return bool(self.answer and self.answer.get("knowledge_ids"))


def parse_reply(messages: Any) -> list[BotMessage]:
    """Rasa's REST reply (a list of dicts) as :class:`BotMessage` objects. A ``custom`` payload of
    a legal answer is attached to the text message just before it (Rasa sends them apart)."""
    if not isinstance(messages, list):
        raise RasaUnavailable("the reply is not a list")
    out: list[BotMessage] = []
    for m in messages:
        if not isinstance(m, dict):
            continue
        custom = m.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "tendik_answer":
            if out and out[-1].answer is None and out[-1].text:
                out[-1].answer = custom
            else:
                out.append(BotMessage(answer=custom))
            continue
        text = m.get("text") if isinstance(m.get("text"), str) else ""
        buttons = [
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in m.get("buttons") or []
            if isinstance(b, dict) and b.get("payload")
        ]
        if text or buttons:
            out.append(BotMessage(text=str(text or ""), buttons=buttons))
    return out


# When the front end received the message being handled (Unix seconds), set by :func:`mark_received`
# in the widget's request and the Telegram update that carries it; sent to Rasa, which counts the
# wait for a place from then (tendik.rasa.admission).
RECEIVED_AT: contextvars.ContextVar[float | None] = contextvars.ContextVar("tendik_received_at", default=None)


def mark_received() -> None:
    """The message this task handles was received now."""
    RECEIVED_AT.set(time.time())


class RasaClient:
    """``await client.send(sender, text, language=..., channel=...)`` -> list of :class:`BotMessage`."""

    def __init__(self, base_url: str, timeout: float = 30.0, session: aiohttp.ClientSession | None = None) -> None:
        self.api_base = base_url.rstrip("/")
        self.url = base_url.rstrip("/") + "/webhooks/rest/webhook"
        self.health_url = base_url.rstrip("/") + "/webhooks/rest/"
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = session
        self._own_session = session is None

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
            self._own_session = True
        return self._session

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def send_raw(self, sender: str, text: str, language: str | None = None, channel: str | None = None) -> list[dict]:
        metadata: dict[str, str] = {}
        if language in ("kk", "ru"):
            metadata["language"] = language
        if channel:
            metadata["channel"] = channel
        body: dict[str, Any] = {"sender": sender, "message": text, "metadata": metadata}
        if channel:
            body["input_channel"] = channel
        received_at = RECEIVED_AT.get()
        headers = {RECEIVED_AT_HEADER: f"{received_at:.3f}"} if received_at is not None else None
        session = await self._get_session()
        try:
            async with session.post(self.url, json=body, timeout=self.timeout, headers=headers) as resp:
                if resp.status >= 500:
                    raise RasaUnavailable(f"Rasa answered HTTP {resp.status}")
                data = await resp.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            logger.warning("Rasa unavailable: %s", type(exc).__name__)
            raise RasaUnavailable(type(exc).__name__) from exc
        if not isinstance(data, list):
            raise RasaUnavailable("the reply is not a list")
        return data

    async def resume(self, sender: str, token: str | None = None) -> bool:
        """Resumes a conversation the bot paused when it was handed to a person (Rasa's ``resume``
        event through its HTTP API, with ``TENDIK_RASA_TOKEN``). False when Rasa is unreachable or
        refuses (the next message still reaches the bot: the front end stops routing to the case)."""
        token = token if token is not None else os.environ.get("TENDIK_RASA_TOKEN", "")
        url = f"{self.api_base}/conversations/{urllib.parse.quote(sender, safe='')}/tracker/events"
        session = await self._get_session()
        try:
            # resumed and listening: a message that reached the paused bot leaves a user turn without an
            # answer, after which the policies would only listen; the bot answers the next message
            events = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
            async with session.post(url, params={"token": token}, json=events, timeout=self.timeout) as resp:
                ok = resp.status < 300
        except (TimeoutError, aiohttp.ClientError) as exc:
            logger.warning("Rasa unavailable while resuming a conversation: %s", type(exc).__name__)
            return False
        if not ok:
            logger.warning("Rasa refused to resume a conversation (HTTP %d)", resp.status)
        return ok

    async def send(self, sender: str, text: str, language: str | None = None, channel: str | None = None) -> list[BotMessage]:
        return parse_reply(await self.send_raw(sender, text, language=language, channel=channel))

    async def health(self) -> dict[str, bool]:
        """``{"rasa": up, "actions": up}`` from the REST channel's health route (``GET
        /webhooks/rest/``: no token needed), which also asks the action server (3 s)."""
        session = await self._get_session()
        try:
            async with session.get(self.health_url, timeout=aiohttp.ClientTimeout(total=6)) as resp:
                if resp.status != 200:
                    logger.warning("Rasa health check answered HTTP %d", resp.status)
                    return {"rasa": False, "actions": False}
                data = await resp.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError):
            return {"rasa": False, "actions": False}
        return {"rasa": True, "actions": bool(isinstance(data, dict) and data.get("actions"))}

    async def is_up(self) -> bool:
        return (await self.health())["rasa"]
