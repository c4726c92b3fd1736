"""A broadcast worker that dies (``kill -9`` of itself) the moment arq gives it a job: after arq
marked the job "in progress", before the job could take its batch. Run as
``python -m tests.fakes.dying_broadcast_worker`` with the queue tests' environment: the queue's own
worker (:func:`tendik.telegram.broadcast_queue.new_worker`, one job at a time), only the job differs."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

from tendik.telegram.broadcast_queue import new_worker, redis_url


async def die(ctx: dict[str, Any], broadcast_id: str, n: int, gen: int) -> None:
    print(f"taken: batch {n} gen {gen}; dying", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


async def main() -> None:
    await new_worker(redis_url(), max_jobs=1, job=die).async_run()


if __name__ == "__main__":
    asyncio.run(main())
