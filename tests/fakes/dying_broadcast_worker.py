"""A broadcast worker that dies (``kill -9`` of itself) the moment arq gives it a job: after arq
marked the job "in progress", before the job could take its batch. Run as
``python -m tests.fakes.dying_broadcast_worker`` with the queue tests' environment; the real arq
worker loop and the real queue settings, only the job function differs."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

from arq.worker import Worker, func

from tendik.telegram.broadcast_queue import JOB_TIMEOUT, QUEUE_NAME, redis_settings, redis_url


async def send_batch(ctx: dict[str, Any], broadcast_id: str, n: int, gen: int) -> None:
    print(f"taken: batch {n} gen {gen}; dying", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


async def main() -> None:
    worker = Worker(
        functions=[func(send_batch, name="send_batch", max_tries=1000)],
        queue_name=QUEUE_NAME,
        redis_settings=redis_settings(redis_url()),
        max_jobs=1,
        job_timeout=JOB_TIMEOUT,
        keep_result=0,
        poll_delay=0.2,
    )
    await worker.async_run()


if __name__ == "__main__":
    asyncio.run(main())
