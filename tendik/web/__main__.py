"""``python -m tendik.web [--host H] [--port P]``: serve the widget, the demo page and the API."""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from tendik.common.http import server_options
from tendik.web.app import AccessLogger, create_app
from tendik.web.settings import WebSettings

logger = logging.getLogger("tendik.web")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tendik.web", description="Tendik website chat widget service")
    parser.add_argument("--host", help="interface to listen on (TENDIK_WEB_HOST, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (TENDIK_WEB_PORT, 8080)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    overrides = {k: v for k, v in {"web_host": args.host, "web_port": args.port}.items() if v is not None}
    settings = WebSettings(**overrides)
    if settings.web_host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning("listening on %s: put the service behind a TLS reverse proxy (see SECURITY.md)", settings.web_host)
    base = f"http://{settings.web_host}:{settings.web_port}"
    logger.info(
        "serving on %s: demo page %s/ (Russian %s/ru), widget %s/widget/tendik-widget.js; Rasa %s; allowed origins: %s",
        base, base, base, base, settings.rasa_url, ", ".join(sorted(settings.allowed_origins)) or "this service only",
    )
    web.run_app(
        create_app(settings), host=settings.web_host, port=settings.web_port,
        access_log_class=AccessLogger, print=None, handle_signals=True, **server_options(settings.http_request_timeout),
    )


if __name__ == "__main__":
    main()
