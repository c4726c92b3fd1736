"""The aiohttp application: routes, middlewares, and the shared resources (Rasa client, DB)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from tendik.common.db import make_engine
from tendik.common.http import client_tag, request_guard
from tendik.common.rasa_client import RasaClient
from tendik.db.migrate import ensure_schema
from tendik.handoff.hours import Hours
from tendik.web import api
from tendik.web.assets import Assets
from tendik.web.errors import error_response, request_language
from tendik.web.learn_api import add_learn_routes
from tendik.web.middleware import client_key, cors, json_errors, rate_limit, security_headers, who
from tendik.web.ordering import ConversationQueue
from tendik.web.ratelimit import WebLimits
from tendik.web.settings import WebSettings

logger = logging.getLogger(__name__)


class AccessLogger(AbstractAccessLogger):
    """Method, path (never the query string), status, time and the client as a pseudonym
    (``tendik.common.http.client_tag``). No client address and no user text."""

    trust_proxy = False

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.0f ms client %s", request.method, request.path, response.status, time * 1000,
                         client_tag(client_key(request, self.trust_proxy)))

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


async def _resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[api.SETTINGS]
    engine = make_engine(settings.db_url)
    await asyncio.to_thread(ensure_schema, engine)
    app[api.ENGINE] = engine
    app[api.RASA] = RasaClient(settings.rasa_url, settings.rasa_timeout)
    app[api.DRAFTS] = asyncio.Semaphore(api.DRAFTS_AT_ONCE)
    app[api.RASA_TOKEN] = settings.resume_token()
    if not app[api.RASA_TOKEN]:
        logger.warning("TENDIK_RASA_TOKEN is not set: a conversation handed to a person cannot be resumed when it ends")
    yield
    await app[api.RASA].close()
    engine.dispose()


def create_app(settings: WebSettings | None = None) -> web.Application:
    settings = settings or WebSettings()
    AccessLogger.trust_proxy = settings.web_trust_proxy

    def refuse(request: web.Request, status: int) -> web.Response:
        return error_response("request_timeout" if status == 408 else "body_too_large", status, request_language(request))

    guard = request_guard(settings.http_request_timeout, who(settings), refuse)
    limits = WebLimits(settings)  # in Redis when TENDIK_REDIS_URL is set: shared by every replica
    app = web.Application(
        middlewares=[guard, json_errors, cors(settings), rate_limit(settings, limits)],
        client_max_size=settings.web_max_body_bytes,
    )
    app.on_cleanup.append(limits.close)
    app[api.SETTINGS] = settings
    app[api.TURNS] = ConversationQueue()
    app[api.HOURS] = Hours.from_env()  # TENDIK_HANDOFF_HOURS: a mistake stops the start, with its reason
    app.cleanup_ctx.append(_resources)
    app.on_response_prepare.append(security_headers)
    assets = Assets()
    app.router.add_get("/", assets.page_kk)
    app.router.add_get("/ru", assets.page_ru)
    app.router.add_get("/demo/{name}", assets.demo_file)
    app.router.add_get("/widget/tendik-widget.js", assets.widget_js)
    app.router.add_post("/api/chat", api.chat)
    app.router.add_post("/api/vote", api.vote)
    app.router.add_post("/api/comment", api.comment)
    app.router.add_post("/api/delete", api.delete)
    app.router.add_post("/api/history", api.conversation_history)
    app.router.add_post("/api/draft", api.draft)
    app.router.add_post("/api/handoff/updates", api.handoff_updates)
    app.router.add_get("/healthz", api.healthz)
    add_learn_routes(app)  # the course: /api/learn/*, /widget/tendik-learn.js, /learn, /ru/learn
    return app
