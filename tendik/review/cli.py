"""Command line of the review service: ``python -m tendik.review <command>``.

    serve                                   the web application (127.0.0.1:8090 by default)
    user add NAME [--role reviewer|operator|admin] [--language kk|ru|en]   password from a prompt, or one line on standard input
    user list | user disable NAME | user enable NAME | user passwd NAME | user role NAME ROLE
    sync                                    index new tracker events and votes now
    export nlu|stories|unanswered|all --out DIR [--include-confirmed]
    retention [--days N] [--dry-run]        delete conversations older than N days everywhere
    rescrub [--dry-run]                     mask personal data again in everything already stored

Passwords are never accepted as arguments (they would land in shell history and ``ps``).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from tendik.common.db import make_engine
from tendik.db.migrate import ensure_schema
from tendik.review import auth
from tendik.review.settings import ReviewSettings

logger = logging.getLogger("tendik.review")


def _read_password(confirm: bool = True) -> str:
    if sys.stdin.isatty():
        pw = getpass.getpass("Password (at least 10 characters): ")
        if confirm and getpass.getpass("Repeat the password: ") != pw:
            raise SystemExit("the passwords differ")
        return pw
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def cmd_serve(args: argparse.Namespace, settings: ReviewSettings) -> int:
    import os

    from aiohttp import web

    from tendik.common.http import server_options
    from tendik.review import inbox
    from tendik.review.web import AccessLogger, make_app

    host = args.host or settings.review_host
    port = args.port or settings.review_port
    if not os.environ.get("TENDIK_REVIEW_SECRET"):
        logger.warning("TENDIK_REVIEW_SECRET is not set: using a random one; sessions end when the server restarts")
    if host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning("listening on %s: put it behind HTTPS and set TENDIK_REVIEW_COOKIE_SECURE=true", host)
    engine = make_engine(settings.db_url)
    app = make_app(settings, engine, features=[inbox.register])  # /inbox..., /admin/audit (issue 14)
    if auth.count_admins(engine) == 0:
        logger.warning("no admin account yet: create one with `python -m tendik.review user add NAME --role admin`")
    print(f"[tendik-review] serving on http://{host}:{port} (database: {engine.url.render_as_string(hide_password=True)})", flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log_class=AccessLogger, shutdown_timeout=5,
                **server_options(settings.http_request_timeout))
    return 0


def cmd_user(args: argparse.Namespace, settings: ReviewSettings) -> int:
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    try:
        if args.action == "add":
            user = auth.add_user(engine, args.name, _read_password(), args.role, args.language)
            print(f"created {user.username} ({user.role}, interface {user.language})")
        elif args.action == "list":
            for u in auth.list_users(engine):
                state = "disabled" if u["disabled"] else "active"
                print(f"{u['username']:24s} {u['role']:9s} {u['language']:3s} {state}")
        elif args.action in ("disable", "enable"):
            auth.set_disabled(engine, args.name, args.action == "disable")
            print(f"{args.name} {args.action}d")
        elif args.action == "passwd":
            auth.set_password(engine, args.name, _read_password())
            print(f"password of {args.name} changed; its sessions are closed")
        elif args.action == "role":
            auth.set_role(engine, args.name, args.role_value)
            print(f"{args.name} is now {args.role_value}")
        elif args.action == "language":
            auth.set_language(engine, args.name, args.language_value)
            print(f"{args.name} now sees the interface in {args.language_value}")
    except auth.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_sync(args: argparse.Namespace, settings: ReviewSettings) -> int:
    from tendik.review.sync import sync

    engine = make_engine(settings.db_url)
    total = sync(engine)
    print(f"indexed {total.events} events ({total.conversations} conversations, {total.messages} messages), "
          f"{total.votes} vote changes in {total.seconds:.1f} s")
    return 0


def cmd_export(args: argparse.Namespace, settings: ReviewSettings) -> int:
    from tendik.review.exports import ExportRefused, write_exports
    from tendik.review.sync import sync

    engine = make_engine(settings.db_url)
    sync(engine)
    refused: list[int] = []
    try:
        files = write_exports(engine, args.kind, Path(args.out), include_confirmed=args.include_confirmed, refused=refused)
    except ExportRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    for f in files:
        print(f)
    if refused:
        print(f"left out {len(refused)} message(s) that still look like personal data (an IIN, phone, card or e-mail) "
              "after masking", file=sys.stderr)
    if not files:
        print("nothing to export yet (no reviewed corrections)")
    return 0


def cmd_retention(args: argparse.Namespace, settings: ReviewSettings) -> int:
    from tendik.review.retention import purge

    days = args.days if args.days is not None else settings.retention_days
    if not days or days < 1:
        print("retention is off: give --days N or set TENDIK_RETENTION_DAYS", file=sys.stderr)
        return 2
    engine = make_engine(settings.db_url)
    result = purge(engine, days, dry_run=args.dry_run)
    cutoff = datetime.fromtimestamp(result.cutoff, UTC).strftime("%Y-%m-%d %H:%M UTC")
    if args.dry_run:
        print(f"dry run: {result.conversations} conversations last active before {cutoff} would be deleted")
    else:
        rows = ", ".join(f"{k}: {v}" for k, v in sorted(result.deleted.items())) or "nothing"
        print(f"deleted {result.conversations} conversations last active before {cutoff} ({rows})")
    return 0


def cmd_rescrub(args: argparse.Namespace, settings: ReviewSettings) -> int:
    from tendik.review.rescrub import rescrub

    result = rescrub(make_engine(settings.db_url), dry_run=args.dry_run)
    rows = ", ".join(f"{k}: {v}" for k, v in sorted(result.changed.items())) or "nothing"
    print(f"{'would mask' if args.dry_run else 'masked'} personal data again in: {rows}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tendik.review", description="Tendik operator transcript review")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="start the web application")
    s.add_argument("--host", default=None, help="interface (TENDIK_REVIEW_HOST, 127.0.0.1)")
    s.add_argument("--port", type=int, default=None, help="port (TENDIK_REVIEW_PORT, 8090)")
    u = sub.add_parser("user", help="manage operator accounts")
    us = u.add_subparsers(dest="action", required=True)
    ua = us.add_parser("add", help="create an account (password from a prompt or standard input)")
    ua.add_argument("name")
    ua.add_argument("--role", choices=auth.ROLES, default="reviewer")
    ua.add_argument("--language", choices=auth.LANGUAGES, default="en", help="interface language (kk, ru, en; the user can change it)")
    us.add_parser("list", help="list accounts")
    for name in ("disable", "enable", "passwd"):
        x = us.add_parser(name, help=f"{name} an account")
        x.add_argument("name")
    ur = us.add_parser("role", help="change an account's role")
    ur.add_argument("name")
    ur.add_argument("role_value", choices=auth.ROLES)
    ul = us.add_parser("language", help="change an account's interface language")
    ul.add_argument("name")
    ul.add_argument("language_value", choices=auth.LANGUAGES)
    sub.add_parser("sync", help="index new tracker events and votes")
    e = sub.add_parser("export", help="write reproducible export files")
    e.add_argument("kind", choices=("nlu", "stories", "unanswered", "verdicts", "all"))
    e.add_argument("--out", required=True, help="output folder")
    e.add_argument("--include-confirmed", action="store_true", help="also export answers judged correct as NLU examples")
    r = sub.add_parser("retention", help="delete conversations older than N days")
    r.add_argument("--days", type=int, default=None, help="TENDIK_RETENTION_DAYS when not given")
    r.add_argument("--dry-run", action="store_true", help="only count")
    rs = sub.add_parser("rescrub", help="mask personal data again in everything stored (after an upgrade of the masking)")
    rs.add_argument("--dry-run", action="store_true", help="only count")
    return p


COMMANDS = {"serve": cmd_serve, "user": cmd_user, "sync": cmd_sync, "export": cmd_export, "retention": cmd_retention,
            "rescrub": cmd_rescrub}


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return COMMANDS[args.cmd](args, ReviewSettings())
