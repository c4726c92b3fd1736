"""Broadcasts sent by several worker processes through a job queue on Redis (national scale).

    python -m tendik.telegram.broadcast send --workers     # the operator: enqueue (or resume) and watch
    python -m tendik.telegram.broadcast_worker             # each worker process (or: tendik-broadcast-worker)
    python -m tendik.telegram.broadcast status             # sent / pending / failed / uncertain, rate, ETA

The queue is arq (https://github.com/python-arq/arq): asyncio-native like aiogram, so a worker runs
many sends concurrently in one event loop with the bot's own aiohttp session; Redis only, which the
project already runs (the flood limiter); small (jobs are coroutines, no broker of its own) and it
re-runs jobs cut off by a worker's graceful stop. RQ forks a process per job (a new Bot API session
per batch) and Dramatiq's asyncio support is an add-on; both would need a wrapper around aiogram.

How it stays exact:

- The database is the truth. The operator's ``send`` creates the broadcast (one delivery row per
  subscriber, state ``pending``) and cuts the pending rows into batches; each batch is a Redis hash
  entry plus one arq job ``send_batch(broadcast, batch, generation)``.
- A worker takes a batch under a lease (a Redis key it refreshes every few seconds) and sends its
  rows one by one; each row is claimed just before its request (``pending -> sending``, an atomic
  ``UPDATE ... WHERE state = 'pending'`` on SQLite and PostgreSQL) and closed after it. A job that
  runs twice (re-delivered, or taken again) therefore never sends a card twice.
- A worker killed with ``kill -9`` stops refreshing its lease; after ``LEASE_SECONDS`` the sweeper
  (a background task in every worker, one at a time through a Redis lock) gives the batch a new
  generation and enqueues it again: its pending rows are sent by another worker. The rows the dead
  worker had marked ``sending`` (at most one per job it was running: the request in flight) are
  marked ``uncertain``: Telegram may or may not have delivered them, they are never resent, and
  ``status`` shows how many.
- The global rate (``TENDIK_TELEGRAM_BROADCAST_RATE`` messages per second, Telegram allows about
  30) is one GCRA schedule in Redis, reserved by a Lua script, shared by every worker; the per-chat
  interval (``TENDIK_TELEGRAM_CHAT_INTERVAL``) is a Redis key per chat in the same script. A 429
  "retry after" from Telegram sets one shared pause in Redis that every worker waits out; the row
  goes back to pending and is sent after the pause. 5xx and network errors are retried with
  backoff (``MAX_ATTEMPTS``); users who blocked the bot are marked and skipped from then on.
- The last batch finished (or the sweeper) closes the broadcast. While the queue sends it, the
  broadcast's database lease is held by the queue, so the bot's own scheduler does not send it too.

Settings: ``TENDIK_REDIS_URL`` (required), ``TENDIK_TELEGRAM_BROADCAST_BATCH`` (rows per job, 50),
``TENDIK_TELEGRAM_BROADCAST_JOBS`` (jobs a worker runs at once, 4), ``TENDIK_TELEGRAM_BROADCAST_LEASE``
(seconds without a heartbeat before a batch is given to another worker, 30: a worker starved of
CPU for that long loses its batches too; that costs no duplicate, see bench/broadcast/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware

from tendik.telegram.bot import create_bot
from tendik.telegram.broadcast_delivery import MAX_ATTEMPTS, deliver
from tendik.telegram.cards import CardDeck
from tendik.telegram.storage import Store

logger = logging.getLogger(__name__)

QUEUE_NAME = "tendik:broadcast:queue"
PREFIX = "tendik:broadcast"
QUEUE_OWNER = "queue"  # the broadcast's database lease while the queue sends it
LEASE_SECONDS = float(os.environ.get("TENDIK_TELEGRAM_BROADCAST_LEASE", "30"))
SWEEP_EVERY = 5.0
DB_LEASE_SECONDS = 600.0
JOB_TIMEOUT = 6 * 3600  # arq's own limit; the batch lease above is what detects a dead worker
IN_PROGRESS_SECONDS = JOB_TIMEOUT + 10  # how long arq marks a job taken by a worker (arq.worker: timeout + 10)


def batch_size() -> int:
    return max(1, int(os.environ.get("TENDIK_TELEGRAM_BROADCAST_BATCH", "50")))


def jobs_per_worker() -> int:
    return max(1, int(os.environ.get("TENDIK_TELEGRAM_BROADCAST_JOBS", "4")))


class Keys:
    """The Redis keys of one broadcast."""

    def __init__(self, broadcast_id: str) -> None:
        base = f"{PREFIX}:{broadcast_id}"
        self.batches = f"{base}:batches"  # batch number -> JSON list of sender ids
        self.gens = f"{base}:gens"  # batch number -> generation (bumped when a batch is taken again)
        self.started = f"{base}:started"  # batch number -> generation, while a worker holds it
        self.base = base

    def lease(self, n: int | str) -> str:
        return f"{self.base}:lease:{n}"


ACTIVE = f"{PREFIX}:active"  # broadcast ids the queue is sending
RATE_KEY = f"{PREFIX}:rate:tat"
PAUSE_KEY = f"{PREFIX}:rate:pause"
SWEEP_LOCK = f"{PREFIX}:sweep-lock"
LATE = 0.05  # seconds a sender may be late for its slot before it takes a new one
SLOT: contextvars.ContextVar[float] = contextvars.ContextVar("tendik_broadcast_slot")


def job_id(broadcast_id: str, n: int, gen: int) -> str:
    return f"{PREFIX}:{broadcast_id}:{n}:{gen}"


# ---------------------------------------------------------------- the shared rate limit
# GCRA as a schedule: each call reserves the next slot (at least ``step`` ms after the previous
# one, not before a 429 pause ends, not before the chat's own interval) and returns how many ms
# to wait for it. Redis's clock, so workers on several machines agree.
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local step = tonumber(ARGV[1])
local chat_interval = tonumber(ARGV[2])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then slot = math.max(slot, now + pause) end
redis.call('SET', KEYS[1], string.format('%.3f', slot + step), 'PX', math.ceil(slot + step - now) + 1000)
local at = math.max(slot, tonumber(redis.call('GET', KEYS[3]) or '0'))
if chat_interval > 0 then
  redis.call('SET', KEYS[3], string.format('%.3f', at + chat_interval), 'PX', math.ceil(at + chat_interval - now) + 1000)
end
return string.format('%.3f', at - now)
"""

# A 429: every worker waits ``ARGV[1]`` ms from now (a longer pause already set is kept).
PAUSE = """
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
"""


class SharedLimiter:
    """The broadcast rate and the per-chat interval across all workers (see :data:`RESERVE`)."""

    def __init__(self, redis: Any, rate: float, chat_interval: float) -> None:
        self.redis = redis
        self.step_ms = 1000.0 / rate if rate > 0 else 0.0
        self.chat_ms = chat_interval * 1000.0
        self._reserve = redis.register_script(RESERVE)
        self._pause = redis.register_script(PAUSE)
        self.pauses = 0
        self.late = 0

    async def wait(self, chat_id: int, chat: bool = True) -> None:
        chat_key = f"{PREFIX}:chat:{chat_id}" if chat else f"{PREFIX}:chat:-"
        while True:
            args = [self.step_ms, self.chat_ms if chat else 0]
            wait_ms = float(await self._reserve(keys=[RATE_KEY, PAUSE_KEY, chat_key], args=args))
            SLOT.set(time.monotonic() + max(0.0, wait_ms) / 1000.0)
            if wait_ms > 0:
                await asyncio.sleep(wait_ms / 1000.0)
            if await self.redis.pttl(PAUSE_KEY) <= 0:  # a 429 while waiting: reserve a slot after it
                return

    async def before_request(self, chat_id: int) -> None:
        """Right before the request: a sender that got its slot but was held up (CPU, the database)
        past ``LATE`` takes a new slot instead of sending late, so late sends do not bunch up with
        punctual ones above the rate. And no request while a 429 pause holds."""
        while (ms := await self.redis.pttl(PAUSE_KEY)) > 0:
            await asyncio.sleep(ms / 1000.0)
            SLOT.set(0.0)
        slot = SLOT.get(None)
        if slot is not None and time.monotonic() > slot + LATE:
            self.late += 1
            await self.wait(chat_id, chat=False)

    async def pause(self, seconds: float) -> None:
        self.pauses += 1
        logger.warning("Telegram flood control: every broadcast worker pauses %.0f s", seconds)
        await self._pause(keys=[PAUSE_KEY], args=[int(seconds * 1000) + 50])


# ---------------------------------------------------------------- batches
TAKE = """
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return false end
if not redis.call('SET', KEYS[4], ARGV[3], 'NX', 'PX', ARGV[4]) then return false end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
return redis.call('HGET', KEYS[1], ARGV[1])
"""
RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""
# done=1: the batch is finished (forget it); done=0: given back (graceful stop), queued again.
RELEASE = """
if redis.call('GET', KEYS[4]) ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[4])
redis.call('HDEL', KEYS[3], ARGV[1])
if ARGV[3] == '1' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return 1
"""
# The sweeper takes back a batch whose worker is gone (started, lease expired) or whose job is
# lost (not started, no arq job): a new generation; returns it, or false.
RECLAIM = """
local started = redis.call('HGET', KEYS[3], ARGV[1])
if ARGV[2] == 'started' then
  if not started or redis.call('EXISTS', KEYS[4]) == 1 then return false end
else
  if started then return false end
end
if not redis.call('HGET', KEYS[1], ARGV[1]) then return false end
local gen = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('HDEL', KEYS[3], ARGV[1])
return gen
"""


@dataclass
class Enqueued:
    broadcast_id: str
    batches: int
    rows: int
    resumed: bool


async def enqueue(redis: Any, store: Store, broadcast_id: str, size: int | None = None) -> Enqueued:
    """Put the broadcast's pending rows into the queue as batches, unless it is queued already.
    Rows left "sending" with no batch to own them (the queue's Redis state was lost) are uncertain."""
    size = size or batch_size()
    keys = Keys(broadcast_id)
    await redis.sadd(ACTIVE, broadcast_id)
    if await redis.hlen(keys.batches):
        return Enqueued(broadcast_id, await redis.hlen(keys.batches), 0, True)
    lost = await store.recover_in_flight(broadcast_id)
    if lost:
        logger.warning("broadcast %s: %d deliveries were interrupted mid-request; marked uncertain, not resent", broadcast_id, lost)
    ids = await store.pending_ids(broadcast_id)
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    if chunks:
        pipe = redis.pipeline(transaction=False)
        for n, chunk in enumerate(chunks):
            pipe.hset(keys.batches, str(n), json.dumps(chunk))
            pipe.hset(keys.gens, str(n), "0")
        await pipe.execute()
        for n in range(len(chunks)):
            await redis.enqueue_job("send_batch", broadcast_id, n, 0, _job_id=job_id(broadcast_id, n, 0), _queue_name=QUEUE_NAME)
    return Enqueued(broadcast_id, len(chunks), len(ids), False)


async def finish_if_done(redis: Any, store: Store, broadcast_id: str) -> bool:
    keys = Keys(broadcast_id)
    if await redis.hlen(keys.batches):
        return False
    if not await store.finish_if_complete(broadcast_id):
        return False
    await redis.srem(ACTIVE, broadcast_id)
    await redis.delete(keys.batches, keys.gens, keys.started)
    logger.info("broadcast %s: finished", broadcast_id)
    return True


async def sweep(redis: Any, store: Store, check_jobs: bool = False) -> dict[str, int]:
    """Take back abandoned batches of every active broadcast and close finished broadcasts.
    Returns counts for the log and the tests: reclaimed batches, rows marked uncertain."""
    from arq.constants import in_progress_key_prefix, job_key_prefix

    out = {"reclaimed": 0, "uncertain": 0, "requeued": 0}
    reclaim = redis.register_script(RECLAIM)
    for raw in await redis.smembers(ACTIVE):
        bid = raw.decode() if isinstance(raw, bytes) else raw
        keys = Keys(bid)
        info = await store.get_broadcast(bid)
        if not info or info.get("status") != "sending":
            await redis.srem(ACTIVE, bid)
            continue
        await store.claim(bid, QUEUE_OWNER, DB_LEASE_SECONDS)
        for n_raw in await redis.hkeys(keys.started):
            n = n_raw.decode() if isinstance(n_raw, bytes) else n_raw
            gen = await reclaim(keys=[keys.batches, keys.gens, keys.started, keys.lease(n)], args=[n, "started"])
            if not gen:
                continue
            ids = json.loads(await redis.hget(keys.batches, n) or "[]")
            lost = await store.mark_uncertain(bid, ids)
            out["reclaimed"] += 1
            out["uncertain"] += lost
            logger.warning(
                "broadcast %s: batch %s was abandoned by a worker that stopped answering; sent again from where it was "
                "(%d delivery(ies) interrupted mid-request: uncertain, not resent)", bid, n, lost,
            )
            await redis.enqueue_job("send_batch", bid, int(n), int(gen), _job_id=job_id(bid, int(n), int(gen)), _queue_name=QUEUE_NAME)
        if check_jobs:  # batches neither running nor queued (arq gave up on a job, or its worker died taking it): again
            gens = await redis.hgetall(keys.gens)
            started = await redis.hgetall(keys.started)
            for n_raw, gen_raw in gens.items():
                if n_raw in started:
                    continue
                n, gen = int(n_raw), int(gen_raw)
                jid = job_id(bid, n, gen)
                if await _job_alive(redis, job_key_prefix + jid, in_progress_key_prefix + jid):
                    continue
                new_gen = await reclaim(keys=[keys.batches, keys.gens, keys.started, keys.lease(n)], args=[str(n), "queued"])
                if new_gen:
                    out["requeued"] += 1
                    logger.warning("broadcast %s: batch %d had no job that would run it; queued again", bid, n)
                    await redis.enqueue_job("send_batch", bid, n, int(new_gen), _job_id=job_id(bid, n, int(new_gen)), _queue_name=QUEUE_NAME)
        if not await redis.hlen(keys.batches):
            if not await finish_if_done(redis, store, bid):
                # rows with no batch (e.g. given back as pending by hand): queue them again
                await enqueue(redis, store, bid)
    return out


async def _job_alive(redis: Any, job_key: str, in_progress_key: str) -> bool:
    """Whether a batch that is not started still has a job that will run it: one waiting in the
    queue, or one a worker took less than ``LEASE_SECONDS`` ago. A worker takes the batch at once
    when arq gives it the job; a job arq marked "in progress" for longer with no batch taken was
    given to a worker that died in between (``kill -9``), and arq would not give it to another
    worker before its in-progress key expires (``JOB_TIMEOUT``, hours)."""
    left_ms = await redis.pttl(in_progress_key)
    if left_ms > 0:  # arq sets the key for its job timeout + 10 s when a worker takes the job
        return (IN_PROGRESS_SECONDS * 1000 - left_ms) < LEASE_SECONDS * 1000
    return bool(await redis.exists(job_key))


# ---------------------------------------------------------------- the worker's job
class Batch:
    """One run of ``send_batch``: the lease, its heartbeat, the sends."""

    def __init__(self, ctx: dict[str, Any], broadcast_id: str, n: int, gen: int) -> None:
        self.ctx, self.bid, self.n, self.gen = ctx, broadcast_id, n, gen
        self.redis = ctx["redis"]
        self.keys = Keys(broadcast_id)
        self.token = f"{ctx['worker_name']}:{uuid.uuid4().hex[:8]}"
        self.lost = asyncio.Event()

    def _keys(self) -> list[str]:
        return [self.keys.batches, self.keys.gens, self.keys.started, self.keys.lease(self.n)]

    async def take(self) -> list[str] | None:
        raw = await self.redis.eval(TAKE, 4, *self._keys(), str(self.n), str(self.gen), self.token, int(LEASE_SECONDS * 1000))
        return json.loads(raw) if raw else None

    async def heartbeat(self) -> None:
        while True:
            await asyncio.sleep(LEASE_SECONDS / 6)
            ok = await self.redis.eval(RENEW, 1, self.keys.lease(self.n), self.token, int(LEASE_SECONDS * 1000))
            if not ok:
                logger.error("broadcast %s: batch %d was taken over (this worker was too slow); stopping it", self.bid, self.n)
                self.lost.set()
                return

    async def release(self, done: bool) -> None:
        await self.redis.eval(RELEASE, 4, *self._keys(), str(self.n), self.token, "1" if done else "0")

    async def run(self) -> dict[str, Any]:
        ids = await self.take()
        if ids is None:
            return {"batch": self.n, "skipped": True}  # superseded, finished, or another worker has it
        store: Store = self.ctx["store"]
        limiter: SharedLimiter = self.ctx["limiter"]
        info = self.ctx["topics"].get(self.bid)
        if info is None:
            info = self.ctx["topics"][self.bid] = (await store.get_broadcast(self.bid) or {}).get("topic") or ""
        topic = info or None
        beat = asyncio.create_task(self.heartbeat())
        states: dict[str, int] = {}
        done = False
        try:
            for attempt in range(MAX_ATTEMPTS + 1):
                rows = await store.batch_pending(self.bid, ids)
                if not rows or self.lost.is_set():
                    break
                if attempt:
                    await asyncio.sleep(min(30.0, 2.0 ** attempt))  # 5xx / network trouble: back off, then again
                for d in rows:
                    if self.lost.is_set():
                        break
                    # each send and its bookkeeping run to the end even if the job is cancelled
                    # (a graceful stop), so a stop never leaves a delivery whose fate is unknown
                    task = asyncio.ensure_future(
                        deliver(self.ctx["bot"], store, self.ctx["deck"], limiter, self.bid, topic, d, on_retry_after=limiter.pause)
                    )
                    try:
                        state = await asyncio.shield(task)
                    except asyncio.CancelledError:
                        await task
                        raise
                    if state:
                        states[state] = states.get(state, 0) + 1
            done = not self.lost.is_set()
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
            if not self.lost.is_set():
                await asyncio.shield(self.release(done))
        if done:
            await finish_if_done(self.redis, store, self.bid)
        return {"batch": self.n, "states": states}


async def send_batch(ctx: dict[str, Any], broadcast_id: str, n: int, gen: int) -> dict[str, Any]:
    return await Batch(ctx, broadcast_id, n, gen).run()


# ---------------------------------------------------------------- the worker process
async def _sweeper(ctx: dict[str, Any]) -> None:
    redis, store = ctx["redis"], ctx["store"]
    rounds = 0
    while True:
        await asyncio.sleep(SWEEP_EVERY)
        try:
            if await redis.set(SWEEP_LOCK, ctx["worker_name"], nx=True, px=int(SWEEP_EVERY * 1000) - 200):
                rounds += 1
                await sweep(redis, store, check_jobs=rounds % 6 == 0)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - Redis or the database busy: next round
            logger.exception("broadcast sweeper: a round failed")


class SharedPauseMiddleware(BaseRequestMiddleware):
    """Right before each request: :meth:`SharedLimiter.before_request` (the limiter was asked
    before the row's claim in the database, which can take a while)."""

    def __init__(self, limiter: SharedLimiter) -> None:
        self.limiter = limiter

    async def __call__(self, make_request: Any, bot: Bot, method: Any) -> Any:
        await self.limiter.before_request(int(getattr(method, "chat_id", 0) or 0))
        return await make_request(bot, method)


def make_bot(settings: Any, limiter: SharedLimiter) -> Bot:
    """The workers' bot: no retrying middleware (a 429 pauses every worker through Redis instead)."""
    return create_bot(settings, SharedPauseMiddleware(limiter))


async def startup(ctx: dict[str, Any]) -> None:
    from tendik.common.db import make_engine
    from tendik.db.migrate import ensure_schema
    from tendik.knowledge.explanations import load_knowledge
    from tendik.telegram.config import TelegramSettings

    settings = TelegramSettings()
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    ctx["engine"] = engine
    ctx["store"] = Store(engine)
    ctx["deck"] = CardDeck(load_knowledge())
    ctx["limiter"] = SharedLimiter(ctx["redis"], settings.telegram_broadcast_rate, settings.telegram_chat_interval)
    ctx["bot"] = make_bot(settings, ctx["limiter"])
    ctx["topics"] = {}
    ctx["worker_name"] = f"{socket.gethostname()}:{os.getpid()}"
    ctx["sweeper"] = asyncio.create_task(_sweeper(ctx))
    logger.info("broadcast worker %s ready (rate %.1f/s shared)", ctx["worker_name"], settings.telegram_broadcast_rate)


async def shutdown(ctx: dict[str, Any]) -> None:
    task = ctx.get("sweeper")
    if task:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if ctx.get("bot"):
        await ctx["bot"].session.close()
    if ctx.get("engine"):
        ctx["engine"].dispose()


def redis_settings(url: str) -> Any:
    from arq.connections import RedisSettings

    return RedisSettings.from_dsn(url)


def redis_url() -> str:
    from tendik.telegram.config import TelegramSettings

    url = TelegramSettings().redis_url
    if not url:
        raise SystemExit("the broadcast queue needs Redis: set TENDIK_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    return url


async def connect(url: str) -> Any:
    from arq import create_pool

    return await create_pool(redis_settings(url), default_queue_name=QUEUE_NAME)


def new_worker(url: str, max_jobs: int | None = None, job: Callable[..., Awaitable[Any]] | None = None) -> Any:
    """The queue's arq worker (create it in the running event loop). ``job``: what runs as
    ``send_batch`` (:func:`send_batch`; a test replaces it to kill the worker at a given moment)."""
    from arq.worker import Worker, func

    return Worker(
        functions=[func(job or send_batch, name="send_batch", max_tries=1000)],
        queue_name=QUEUE_NAME,
        redis_settings=redis_settings(url),
        on_startup=startup,
        on_shutdown=shutdown,
        max_jobs=max_jobs or jobs_per_worker(),
        job_timeout=JOB_TIMEOUT,
        keep_result=0,
        poll_delay=0.2,
        handle_signals=True,
    )


async def run_worker(url: str, max_jobs: int | None = None) -> None:
    worker = new_worker(url, max_jobs)
    try:
        await worker.async_run()
    finally:
        await worker.close()


async def queue_status(redis: Any, broadcast_id: str) -> dict[str, int]:
    keys = Keys(broadcast_id)
    return {"batches": await redis.hlen(keys.batches), "running": await redis.hlen(keys.started)}


def progress_line(counts: dict[str, int], rate: float, total: int) -> str:
    """sent / pending / failed / uncertain, the rate over the last minute and the time left."""
    pending = counts.get("pending", 0) + counts.get("sending", 0)
    eta = f"{pending / rate / 60:.1f} min" if rate > 0 else ("—" if pending else "0")
    parts = [f"{k} {counts.get(k, 0)}" for k in ("sent", "pending", "sending", "failed", "blocked", "uncertain")]
    return f"{', '.join(parts)} of {total}; {rate:.1f}/s over the last minute; ETA {eta}"
