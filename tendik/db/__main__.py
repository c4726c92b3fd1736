"""``python -m tendik.db current|check|draft MESSAGE``: the migrations, for maintainers.

(``make migrate`` / ``tendik migrate [--down REV]`` upgrade and downgrade.)
"""

from __future__ import annotations

import argparse
import sys

from tendik.db import migrate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tendik.db", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", help="database URL (default: TENDIK_DB_URL, else data/tracker.db)")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("current", help="the database's revision and the newest one")
    sub.add_parser("check", help="compare the database with the code's tables (exit 1 on a difference)")
    d = sub.add_parser("draft", help="write an autogenerate draft of the next revision (review it by hand)")
    d.add_argument("message")
    args = parser.parse_args(argv)
    if args.cmd == "current":
        print(f"database: {migrate.current(args.url) or 'no revision'}; newest: {migrate.head()}")
    elif args.cmd == "check":
        differences = migrate.diff(args.url)
        for item in differences:
            print(item)
        if differences:
            return 1
        print("the database matches the code's tables")
    elif args.cmd == "draft":
        print(f"draft written: {migrate.draft(args.message)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
