"""What the project's aiohttp servers (web widget, operator review, Telegram webhook) do alike at
the HTTP level: who the client is (for limits and the log), a deadline for receiving a request,
client aborts that are not errors, and the server's connection timeouts.

* Slow or unfinished requests: the request line and headers must arrive within the server's
  ``keepalive_timeout`` (:func:`server_options`) and the body within
  ``TENDIK_HTTP_REQUEST_TIMEOUT`` seconds (15) of the handler starting, or the client gets 408
  and the connection is closed. Without this a client that never finishes its body holds a
  connection and a handler for ever.
* A client that goes away while its request is read or answered is logged as one INFO line
  (``client closed the connection``), not as a 500 with a traceback.
* Log lines name the client by a pseudonym of its address (:func:`client_tag`: an HMAC with a key
  made per process, so lines of one client can be followed without writing its address).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_PROCESS_KEY = secrets.token_bytes(16)
CLIENT_CLOSED = 499  # the status nginx logs for "client closed the request"


def client_address(request: web.BaseRequest, trust_proxy: bool = False) -> str:
    """The peer's address, or behind a trusted reverse proxy the last ``X-Forwarded-For`` hop."""
    if trust_proxy:
        forwarded = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
        if forwarded:
            return forwarded[-1]
    return request.remote or "unknown"


def client_tag(address: str) -> str:
    """A pseudonym of a client address for the log: the same within this process, not reversible."""
    return hmac.new(_PROCESS_KEY, address.encode(), hashlib.sha256).hexdigest()[:10]


def server_options(request_timeout: float) -> dict[str, Any]:
    """Keyword arguments for ``web.run_app`` / ``web.AppRunner``: a connection that has not sent a
    whole request line and headers within ``request_timeout`` seconds is closed (aiohttp applies
    ``keepalive_timeout`` until the first request is parsed); little lingering after a refusal."""
    return {"keepalive_timeout": request_timeout, "lingering_time": 2.0}


def request_guard(
    timeout: float,
    who: Callable[[web.Request], str],
    refuse: Callable[[web.Request, int], web.StreamResponse] | None = None,
) -> Callable:
    """The outermost middleware: read the body within ``timeout`` seconds (408 and close
    otherwise; a body over the app's ``client_max_size`` is 413), and treat a client that went
    away as such (one INFO line, no traceback). ``refuse(request, status)`` makes the 408/413
    answer (the service's own error format); plain text otherwise."""

    def refusal(request: web.Request, status: int) -> web.StreamResponse:
        response = refuse(request, status) if refuse else web.Response(status=status, text=f"{status}\n")
        response.force_close()
        return response

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            if request.body_exists and request.can_read_body:
                try:
                    async with asyncio.timeout(timeout):
                        await request.read()  # kept by aiohttp: handlers read it again for free
                except TimeoutError:
                    logger.warning("%s %s from %s: the request body did not arrive within %.0f s; closed",
                                   request.method, request.path, who(request), timeout)
                    return refusal(request, 408)
                except web.HTTPRequestEntityTooLarge:
                    logger.warning("%s %s from %s: request body too large; refused", request.method, request.path, who(request))
                    return refusal(request, 413)
            return await handler(request)
        except ConnectionError:
            logger.info("%s %s from %s: client closed the connection", request.method, request.path, who(request))
            return web.Response(status=CLIENT_CLOSED)

    return middleware
