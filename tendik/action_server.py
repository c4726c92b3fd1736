"""``python -m tendik.action_server``: the action server (rasa-sdk's app with this project's actions),
secured. rasa-sdk 3.21's own entry point listens on every interface (``0.0.0.0``) and lets anyone
who reaches the port list the actions and run them; this one

* listens on ``TENDIK_ACTION_HOST`` (``127.0.0.1``) : ``TENDIK_ACTION_PORT`` (5055);
* requires ``Authorization: Bearer <TENDIK_ACTION_TOKEN>`` on ``/webhook`` and ``/actions``
  (Rasa sends it: ``action_endpoint.headers`` in ``nlu_data/endpoints.yml``); only ``/health``
  answers without it. Compared in constant time; refused with 401;
* refuses browser requests (an ``Origin`` header), bodies over ``TENDIK_ACTION_MAX_BODY_BYTES``,
  JSON nested deeper than 64 levels (400 instead of a 500), and requests that do not arrive within
  ``TENDIK_HTTP_REQUEST_TIMEOUT`` seconds;
* answers an unexpected error with ``{"error": "internal error"}``: rasa-sdk's handler echoes the
  whole request (the user's conversation) in the answer and the log.

The token comes from the environment: ``tendik.ops.services`` generates it into the data folder
(mode 0600) unless ``.env`` sets it, and gives it to Rasa and to this server.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
import traceback

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from tendik.jsondepth import MAX_DEPTH, too_deep
from tendik.sanic_deadline import deadline_protocol

logger = logging.getLogger("tendik.action_server")  # also when run as __main__

PUBLIC = {"/health"}
DEFAULT_MAX_BODY = 16 * 1024 * 1024  # Rasa sends the whole conversation with every call


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name) or default)
    except ValueError:
        return default


def build_app(token: str, max_body: int = DEFAULT_MAX_BODY, request_timeout: float = 15.0) -> Sanic:
    """rasa-sdk's Sanic app with this project's actions and the guard in front of it."""
    if len(token) < 16:
        raise ValueError("the action server token must have at least 16 characters")
    from rasa_sdk.endpoint import create_app
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("tendik.actions")
    app = create_app(executor, cors_origins="")  # no CORS: the action server is not for browsers
    app.config.REQUEST_MAX_SIZE = max_body
    app.config.REQUEST_TIMEOUT = request_timeout
    # Longer than the idle time of Rasa's HTTP client (aiohttp keeps a connection 15 s): a server
    # that closed first raced Rasa's next request on that connection ("Cannot write to closing
    # transport" under load: the action failed and the user was told the service was unavailable).
    app.config.KEEP_ALIVE_TIMEOUT = 30
    expected = token.encode()

    @app.on_request(priority=100)
    async def guard(request: Request) -> HTTPResponse | None:
        where = f"{request.method} {request.path}"
        if request.headers.get("origin") is not None or request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
            logger.warning("refused %s from %s: a browser request (Origin header)", where, request.ip)
            return response.json({"error": "browser requests are not accepted"}, status=403)
        if request.path in PUBLIC:
            return None
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), expected):
            logger.warning("refused %s from %s: %s", where, request.ip, "wrong token" if given else "no token")
            return response.json({"error": "authentication required"}, status=401, headers={"WWW-Authenticate": "Bearer"})
        if request.body and too_deep(request.body):
            logger.warning("refused %s from %s: JSON nested deeper than %d levels", where, request.ip, MAX_DEPTH)
            return response.json({"error": "malformed request"}, status=400)
        return None

    async def internal_error(request: Request, exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500) or 500
        if status >= 500:
            frames = "".join(traceback.format_tb(exception.__traceback__)[-3:])
            logger.error("%s %s failed: %s\n%s", request.method, request.path, type(exception).__name__, frames)
            return response.json({"error": "internal error"}, status=500)
        return response.json({"error": type(exception).__name__}, status=status)

    # replaces rasa-sdk's handler for Exception (Sanic refuses a second add() for the same key)
    app.error_handler.cached_handlers[(Exception, None)] = internal_error
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tendik.action_server", description="Tendik action server (rasa-sdk), secured")
    parser.add_argument("--host", default=os.environ.get("TENDIK_ACTION_HOST") or "127.0.0.1",
                        help="interface (TENDIK_ACTION_HOST, 127.0.0.1)")
    parser.add_argument("--port", type=int, default=_int_env("TENDIK_ACTION_PORT", 5055), help="port (TENDIK_ACTION_PORT, 5055)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("sanic.access", "sanic.root", "sanic.error", "sanic.server"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    token = os.environ.get("TENDIK_ACTION_TOKEN", "").strip()
    if len(token) < 16:
        print("TENDIK_ACTION_TOKEN is not set (or shorter than 16 characters). Start the assistant with "
              "`make run`, which generates it, or set it in .env (see .env.example).", file=sys.stderr)
        raise SystemExit(2)
    timeout = float(os.environ.get("TENDIK_HTTP_REQUEST_TIMEOUT") or 15)
    app = build_app(token, _int_env("TENDIK_ACTION_MAX_BODY_BYTES", DEFAULT_MAX_BODY), timeout)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning("listening on %s: the action server must not be reachable from outside (see SECURITY.md)", args.host)
    logger.info("action server on http://%s:%d (token required)", args.host, args.port)
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False,
            protocol=deadline_protocol(timeout))


if __name__ == "__main__":
    main()
