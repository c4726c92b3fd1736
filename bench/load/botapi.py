"""The local Bot API (tests/fakes/telegram_api.py) with failure *windows* for the fault schedule:
for N seconds every call of the chosen methods gets 429 (with ``retry_after``) or an HTTP error.
Built on the fake's own ``fail_next`` / ``error_next``: each call inside the window queues one
failure for itself just before the fake handles it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from aiohttp import web

from tests.fakes.telegram_api import LocalBotAPI

DEFAULT_METHODS = ("sendmessage", "sendchataction", "senddocument", "getupdates")


@dataclass
class Window:
    until: float
    code: int
    methods: frozenset[str]
    retry_after: int = 1


class WindowedBotAPI(LocalBotAPI):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.windows: list[Window] = []
        self.window_failures = 0

    def fail_for(self, seconds: float, code: int = 429, methods: tuple[str, ...] = DEFAULT_METHODS, retry_after: int = 1) -> None:
        """From now on for ``seconds``: ``code`` (429 with ``retry_after``, or e.g. 500/502) for ``methods``."""
        self.windows.append(Window(time.monotonic() + seconds, code, frozenset(m.lower() for m in methods), retry_after))

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        now = time.monotonic()
        self.windows = [w for w in self.windows if w.until > now]
        for w in reversed(self.windows):  # the latest window wins
            if method in w.methods:
                self.window_failures += 1
                if w.code == 429:
                    self.fail_next(method, 1, retry_after=w.retry_after)
                else:
                    self.error_next(method, w.code, "Internal Server Error" if w.code == 500 else "Bad Gateway")
                break
        return await super()._handle(request)
