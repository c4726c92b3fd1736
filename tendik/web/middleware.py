"""Request pipeline: the request guard (body deadline, client aborts; ``tendik.common.http``), JSON
errors, CORS (configured origins only), per-client rate limits and security headers. Log lines
name the client by a pseudonym of its address (``client_tag``) and never carry the query string."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from tendik.common.http import client_address, client_tag
from tendik.web.errors import ApiError, any_language, error_response, request_language
from tendik.web.ratelimit import WebLimits, retry_after_seconds
from tendik.web.settings import WebSettings

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
API = "/api/"
CORS_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept-Language",
    "Access-Control-Max-Age": "600",
}
EXPOSED = "Retry-After, Server-Timing, Content-Disposition"  # the draft file's name


def client_key(request: web.BaseRequest, trust_proxy: bool) -> str:
    """The client's address: the peer, or behind a trusted proxy the last X-Forwarded-For hop."""
    return client_address(request, trust_proxy)


def who(settings: WebSettings) -> Callable[[web.BaseRequest], str]:
    """The client of a request as the log names it: ``client <pseudonym>``."""
    return lambda request: "client " + client_tag(client_key(request, settings.web_trust_proxy))


def origin_allowed(origin: str, request: web.Request, allowed: frozenset[str]) -> bool:
    """The service's own origin (same host and port) or one of the configured origins."""
    origin = origin.strip().rstrip("/").lower()
    if origin in allowed:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc == request.host.lower()


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """ApiError and HTTP errors as JSON in the user's language; unexpected errors logged (never
    with the user's text) and answered with a polite 500."""
    try:
        return await handler(request)
    except ConnectionError:
        raise  # the client went away: the request guard logs it, without a traceback
    except ApiError as err:
        return error_response(err.key, err.status, err.lang, headers=err.headers, **err.kwargs)
    except web.HTTPNotFound:
        return error_response("not_found", 404, request_language(request))
    except web.HTTPMethodNotAllowed as exc:
        return error_response("method_not_allowed", 405, request_language(request), headers={"Allow": ",".join(sorted(exc.allowed_methods))})
    except web.HTTPRequestEntityTooLarge:
        return error_response("body_too_large", 413, request_language(request))
    except web.HTTPException:
        raise
    except Exception:  # noqa: BLE001 - whatever it was, the client gets JSON and the server keeps running
        logger.exception("unhandled error in %s %s from %s", request.method, request.path,
                         client_tag(request.remote or "unknown"))
        return error_response("internal_error", 500, request_language(request))


def cors(settings: WebSettings) -> Callable:
    allowed = settings.allowed_origins
    client = who(settings)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if not request.path.startswith(API) or origin is None:
            return await handler(request)
        if not origin_allowed(origin, request, allowed):
            logger.warning("cors: refused %s %s from %s: origin not allowed", request.method, request.path, client(request))
            return error_response("origin_not_allowed", 403, await any_language(request))
        headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        if request.method == "OPTIONS":
            return web.Response(status=204, headers={**headers, **CORS_HEADERS})
        try:
            response = await handler(request)
        except ApiError as err:  # the error must carry the CORS headers too, or the widget cannot read it
            response = error_response(err.key, err.status, err.lang, headers=err.headers, **err.kwargs)
        response.headers.update(headers)
        response.headers["Access-Control-Expose-Headers"] = EXPOSED
        return response

    return middleware


def rate_limit(settings: WebSettings, limits: WebLimits) -> Callable:
    """The API's per-client limits (``tendik.web.ratelimit``): 429 with Retry-After when exceeded."""
    client = who(settings)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API) or request.method == "OPTIONS":
            return await handler(request)
        wait = await limits.hit(request.path, client_key(request, settings.web_trust_proxy))
        if wait:
            seconds = retry_after_seconds(wait)
            logger.warning("rate limit: refused %s %s from %s (retry after %d s)", request.method, request.path, client(request), seconds)
            lang = await any_language(request)
            raise ApiError("rate_limited", 429, lang, headers={"Retry-After": str(seconds)}, seconds=seconds)
        return await handler(request)

    return middleware


DEMO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.path.startswith(API) or request.path == "/healthz":
        headers.setdefault("Cache-Control", "no-store")
    elif request.path.startswith("/widget/"):
        headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
    else:
        headers.setdefault("Content-Security-Policy", DEMO_CSP)
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
