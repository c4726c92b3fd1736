"""``tendik run``: build, start the assistant (Rasa, the action server, the widget service, and the
Telegram bot when a token is set) and chat in the terminal; Ctrl-C or SIGTERM stops everything."""

from __future__ import annotations

import argparse
import signal
import sys
import time
import urllib.error
import uuid

from tendik.common import keys
from tendik.ops.env import fail, say
from tendik.ops.services import Services, http_json
from tendik.paths import data_dir, setting


def chat(services: Services) -> None:
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    say("chat: write in Kazakh or Russian; /exit or Ctrl-D to stop")
    while True:
        try:
            text = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if text.strip() in ("/exit", "/quit"):
            return
        try:
            replies = http_json(services.rest_url, {"sender": sender, "message": text, "metadata": {"channel": "terminal"}}, 60)
        except (urllib.error.URLError, TimeoutError) as exc:
            print(f"bot> (the assistant did not answer: {exc})")
            continue
        for m in replies if isinstance(replies, list) else []:
            if m.get("text"):
                print("bot> " + m["text"].replace("\n", "\n     "))
            for b in m.get("buttons") or []:
                print(f"     [{b['title']}]  -> type {b['payload']}")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-chat", action="store_true", help="serve only, no terminal chat")
    p.add_argument("--rasa-port", type=int, default=5005, help="Rasa server port (5005)")
    p.add_argument("--action-port", type=int, default=5055, help="action server port (5055)")
    p.add_argument("--db-url", default=None, help="tracker store URL (TENDIK_DB_URL or SQLite in data/)")
    p.add_argument("--web-port", type=int, default=int(setting("TENDIK_WEB_PORT") or 8080),
                   help="website chat widget + demo page port (TENDIK_WEB_PORT, 8080)")
    p.add_argument("--no-web", action="store_true", help="do not start the website chat widget service")


def run(args: argparse.Namespace) -> None:
    # `kill <pid>` (SIGTERM) stops the services too, like Ctrl-C, instead of orphaning them.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    data = keys.private_dir(data_dir())  # conversations, logs and secrets: this user only
    services = Services(rasa_port=args.rasa_port, action_port=args.action_port, db_url=args.db_url,
                        web_port=None if args.no_web else args.web_port)
    say("starting the action server and the Rasa server ...")
    try:
        ready = services.start()
        say(f"assistant ready in {ready:.1f} s: REST {services.rest_url}, HTTP API {services.rasa_url} "
            f"(needs ?token=: TENDIK_RASA_TOKEN or {data / keys.RASA_TOKEN[1]}; see SECURITY.md)")
        if services.web_port:
            say(f"website widget: demo page {services.web_url}/ (Russian {services.web_url}/ru), "
                f"script {services.web_url}/widget/tendik-widget.js")
        say(f"conversations are stored in {services.db_url}; logs in {services.log_dir}")
        if setting("TENDIK_TELEGRAM_TOKEN").strip():
            services.start_telegram()
            say(f"Telegram bot started (long polling); log: {services.log_dir / 'telegram.log'}")
        else:
            say("Telegram bot not started: no TENDIK_TELEGRAM_TOKEN. Get one from @BotFather in Telegram "
                "(/newbot), put TENDIK_TELEGRAM_TOKEN=... in .env and run again (see tendik/telegram/README.md)")
        say("operator review app: `make review` (http://127.0.0.1:8090; see tendik/review/README.md)")
        if args.no_chat or not sys.stdin.isatty():
            say("running; Ctrl-C to stop")
            # the bot may stop (a refused token, say) without taking the assistant down
            while all(p.poll() is None for name, p in services.procs.items() if name != "telegram"):
                time.sleep(1)
            fail("a service stopped; see the logs")
        else:
            chat(services)
    except KeyboardInterrupt:
        pass
    finally:
        services.stop()
        say("stopped")
