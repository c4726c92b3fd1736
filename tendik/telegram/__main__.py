"""``python -m tendik.telegram [--webhook]``: start the Telegram bot (long polling by default).

Without a token it exits with instructions for getting one from @BotFather.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from tendik.telegram.config import HOW_TO_GET_A_TOKEN, TelegramSettings

logger = logging.getLogger("tendik.telegram")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tendik.telegram", description="Теңдік Telegram bot")
    parser.add_argument("--webhook", action="store_true", help="webhook mode (TENDIK_TELEGRAM_WEBHOOK_URL required) instead of long polling")
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING (default INFO)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)

    try:
        settings = TelegramSettings()
    except ValidationError as exc:
        print(f"invalid settings:\n{exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if not settings.token:
        print(HOW_TO_GET_A_TOKEN, file=sys.stderr)
        raise SystemExit(2)
    if args.webhook and not settings.telegram_webhook_url:
        print(
            "Webhook mode needs the public https address Telegram should post to:\n"
            "  TENDIK_TELEGRAM_WEBHOOK_URL=https://bot.example.org   (the bot adds TENDIK_TELEGRAM_WEBHOOK_PATH,\n"
            "  default /telegram/webhook, and listens on TENDIK_TELEGRAM_WEBHOOK_HOST:PORT, default 127.0.0.1:8443)\n"
            "or run without --webhook for long polling.",
            file=sys.stderr,
        )
        raise SystemExit(2)

    from tendik.telegram.app import TokenRefused, describe, run_polling, run_webhook

    logger.info("starting: %s", describe(settings))
    try:
        asyncio.run(run_webhook(settings) if args.webhook else run_polling(settings))
    except TokenRefused:
        print("Telegram refused the token (401 Unauthorized): check TENDIK_TELEGRAM_TOKEN (copy it again from @BotFather, "
              "or /revoke there and use the new one).", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
