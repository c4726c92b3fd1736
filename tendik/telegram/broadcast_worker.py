"""A broadcast worker process: takes batches of a broadcast from the job queue on Redis and sends
them (see :mod:`tendik.telegram.broadcast_queue`). Run as many as wanted, on one or more machines:

    TENDIK_REDIS_URL=redis://... python -m tendik.telegram.broadcast_worker [--jobs N]

Same settings as the bot (TENDIK_TELEGRAM_TOKEN, TENDIK_DB_URL, TENDIK_TELEGRAM_BROADCAST_RATE ...).
SIGTERM / Ctrl-C: the sends in flight finish, the unfinished batches go back to the queue.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from tendik.telegram.broadcast_queue import jobs_per_worker, redis_url, run_worker


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m tendik.telegram.broadcast_worker", description=__doc__.split("\n\n")[0])
    p.add_argument("--jobs", type=int, default=jobs_per_worker(), help="batches sent at once by this worker (TENDIK_TELEGRAM_BROADCAST_JOBS)")
    p.add_argument("--verbose", action="store_true", help="log every job")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        logging.getLogger("tendik.telegram.broadcast_queue").setLevel(logging.INFO)
    from tendik.telegram.config import TelegramSettings

    if not TelegramSettings().token:
        from tendik.telegram.config import HOW_TO_GET_A_TOKEN

        raise SystemExit(HOW_TO_GET_A_TOKEN)
    asyncio.run(run_worker(redis_url(), args.jobs))


if __name__ == "__main__":
    main()
