"""The widget API's rate limits (the project's one limiter, :mod:`tendik.common.ratelimit`): per
client address, ``/api/chat`` may be called ``web_rate_limit`` times per ``web_rate_window``
seconds, ``/api/draft`` (a file made on the CPU) as often as the chat (its own bucket), the
handoff polling (every 3 s while a case is open) three times as often in its own bucket, the other
API calls three times as often (their own bucket). With ``TENDIK_REDIS_URL``
set, every replica of the widget service shares these limits."""

from __future__ import annotations

from typing import Any

from tendik.common.ratelimit import Backend, RateLimiter, backend_for, retry_after_seconds
from tendik.web.settings import WebSettings

__all__ = ["WebLimits", "retry_after_seconds"]

CHAT_PATH = "/api/chat"
DRAFT_PATH = "/api/draft"
HANDOFF_PATH = "/api/handoff/updates"


class WebLimits:
    def __init__(self, settings: WebSettings, backend: Backend | None = None) -> None:
        self.backend = backend if backend is not None else backend_for(settings.redis_url)
        self.chat = RateLimiter("web-chat", settings.web_rate_limit, settings.web_rate_window, self.backend)
        self.draft = RateLimiter("web-draft", settings.web_rate_limit, settings.web_rate_window, self.backend)
        self.handoff = RateLimiter("web-handoff", settings.web_rate_limit * 3, settings.web_rate_window, self.backend)
        self.other = RateLimiter("web-api", settings.web_rate_limit * 3, settings.web_rate_window, self.backend)

    async def hit(self, path: str, client: str) -> float:
        """0 if ``client`` may call ``path`` now, else the seconds to wait."""
        limiter = {CHAT_PATH: self.chat, DRAFT_PATH: self.draft, HANDOFF_PATH: self.handoff}.get(path, self.other)
        return await limiter.hit(client)

    async def close(self, _app: Any = None) -> None:
        """Close the backend (an aiohttp ``on_cleanup`` handler)."""
        await self.backend.close()
