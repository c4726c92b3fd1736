"""Broadcasting "know your rights" cards to subscribers, resumably, within Telegram's limits; and
the operator's command line:

    python -m tendik.telegram.broadcast preview [--topic ID] [--lang kk|ru] [--all]
    python -m tendik.telegram.broadcast send [--topic ID] [--dry-run] [--yes] [--workers [--no-wait]]
    python -m tendik.telegram.broadcast status

``send`` sends from this one process; ``send --workers`` puts the broadcast into the job queue on
Redis for worker processes (``python -m tendik.telegram.broadcast_worker``, national scale: see
:mod:`tendik.telegram.broadcast_queue`) and shows their progress.

A broadcast is a row in ``tendik_tg_broadcasts`` plus one delivery row per subscriber (state
pending -> sending -> sent | blocked | failed). Sending marks a delivery "sending" before the
request and its outcome after it, so a restart continues with the pending ones: nobody is skipped
and nobody gets the card twice. A graceful stop (Ctrl-C, SIGTERM) finishes the requests in flight;
only a hard kill in the middle of a request leaves "sending" rows, which are then marked
"uncertain" and not sent again. Only one process sends a broadcast at a time (a lease).

Rate: about ``TENDIK_TELEGRAM_BROADCAST_RATE`` messages per second overall, at most one message per
``TENDIK_TELEGRAM_CHAT_INTERVAL`` seconds per chat; 429 "retry after" pauses every request of the
bot (see :class:`tendik.telegram.middlewares.RetryAfterMiddleware`). Users who blocked the bot are
marked and skipped from then on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from aiogram import Bot

from tendik.telegram.bot import create_bot
from tendik.telegram.broadcast_delivery import MAX_ATTEMPTS, Pacer, deliver  # noqa: F401 (re-exported)
from tendik.telegram.cards import CardDeck
from tendik.telegram.html_text import parse_html, utf16_len
from tendik.telegram.storage import Delivery, Store

logger = logging.getLogger(__name__)

LEASE_SECONDS = 60.0
BATCH = 200


class BroadcastBusy(Exception):
    """Another live process is sending this broadcast."""


class Limiter:
    """``rate`` messages per second overall (evenly spaced) and ``chat_interval`` seconds between
    two messages to the same chat."""

    def __init__(self, rate: float, chat_interval: float) -> None:
        self.step = 1.0 / rate if rate > 0 else 0.0
        self.chat_interval = chat_interval
        self._next = 0.0
        self._last_by_chat: dict[int, float] = {}

    async def wait(self, chat_id: int) -> None:
        now = time.monotonic()
        slot = max(now, self._next, self._last_by_chat.get(chat_id, -1e9) + self.chat_interval)
        self._next = max(self._next, slot) + self.step
        self._last_by_chat[chat_id] = slot
        if len(self._last_by_chat) > 50000:
            horizon = now - self.chat_interval
            self._last_by_chat = {c: t for c, t in self._last_by_chat.items() if t > horizon}
        if slot > now:
            await asyncio.sleep(slot - now)


@dataclass
class Report:
    broadcast_id: str
    counts: dict[str, int] = field(default_factory=dict)
    recovered_uncertain: int = 0
    finished: bool = False
    sent_now: int = 0

    def summary(self) -> str:
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        status = "finished" if self.finished else "stopped (run again to resume)"
        return f"broadcast {self.broadcast_id}: {status}; {states or 'no subscribers'}"


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class BroadcastRunner:
    """Sends one broadcast; ``run`` can be called again after a stop or crash to resume it."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        deck: CardDeck,
        rate: float = 25.0,
        chat_interval: float = 1.0,
        workers: int = 8,
        owner: str | None = None,
        on_progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        self.bot, self.store, self.deck = bot, store, deck
        self.limiter = Limiter(rate, chat_interval)
        self.workers = max(1, workers)
        self.owner = owner or owner_name()
        self.on_progress = on_progress  # (state, done, total)

    async def run(self, broadcast_id: str, stop: asyncio.Event | None = None) -> Report:
        stop = stop or asyncio.Event()
        if not await self.store.claim(broadcast_id, self.owner, LEASE_SECONDS):
            raise BroadcastBusy(broadcast_id)
        info = await self.store.get_broadcast(broadcast_id) or {}
        topic = info.get("topic")
        report = Report(broadcast_id)
        report.recovered_uncertain = await self.store.recover_in_flight(broadcast_id)
        if report.recovered_uncertain:
            logger.warning(
                "broadcast %s: %d deliveries were interrupted mid-request by a crash; marked uncertain, not resent",
                broadcast_id, report.recovered_uncertain,
            )
        lost_lease = asyncio.Event()
        heartbeat = asyncio.create_task(self._heartbeat(broadcast_id, lost_lease))
        queue: asyncio.Queue[Delivery | None] = asyncio.Queue(maxsize=self.workers * 2)
        halt = asyncio.Event()  # stop asked or lease lost
        workers = [asyncio.create_task(self._worker(broadcast_id, topic, queue, report)) for _ in range(self.workers)]
        try:
            await self._produce(broadcast_id, queue, stop, lost_lease, halt)
        except BaseException:
            halt.set()
            raise
        finally:
            if halt.is_set():  # queued but not started: they stay pending for the next run
                while not queue.empty():
                    queue.get_nowait()
                    queue.task_done()
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers, return_exceptions=True)
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            report.counts = await self.store.progress(broadcast_id)
            if not halt.is_set():
                report.finished = await self.store.finish_if_complete(broadcast_id)
            if not report.finished:
                await self.store.release(broadcast_id, self.owner)
        logger.info("%s", report.summary())
        return report

    async def _produce(
        self, broadcast_id: str, queue: asyncio.Queue, stop: asyncio.Event, lost_lease: asyncio.Event, halt: asyncio.Event
    ) -> None:
        passes = 0
        while True:
            after = ""
            fetched = 0
            while True:
                if stop.is_set() or lost_lease.is_set():
                    halt.set()
                    return
                batch = await self.store.pending(broadcast_id, BATCH, after)
                if not batch:
                    break
                fetched += len(batch)
                after = batch[-1].sender_id
                for delivery in batch:
                    if stop.is_set() or lost_lease.is_set():
                        halt.set()
                        return
                    await queue.put(delivery)
            await queue.join()  # every fetched delivery is closed or back to pending
            if not fetched:
                return
            counts = await self.store.progress(broadcast_id)
            if not counts.get("pending"):
                return
            passes += 1  # some went back to pending (network trouble): another pass, after a pause
            await asyncio.sleep(min(30.0, 2.0**passes))

    async def _heartbeat(self, broadcast_id: str, lost: asyncio.Event) -> None:
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            if not await self.store.claim(broadcast_id, self.owner, LEASE_SECONDS):
                logger.error("broadcast %s: lost the lease to another process; stopping", broadcast_id)
                lost.set()
                return

    async def _worker(self, broadcast_id: str, topic: str | None, queue: asyncio.Queue, report: Report) -> None:
        while True:
            delivery = await queue.get()
            try:
                if delivery is None:
                    return
                # The send and its bookkeeping run to the end even if this task is cancelled, so a
                # stop never leaves a delivery whose fate is unknown.
                job = asyncio.ensure_future(self._deliver(broadcast_id, topic, delivery, report))
                try:
                    await asyncio.shield(job)
                except asyncio.CancelledError:
                    await job
                    raise
                except Exception:  # noqa: BLE001 - e.g. the database was busy: log, keep going
                    logger.exception("broadcast %s: a delivery failed unexpectedly", broadcast_id)
            finally:
                queue.task_done()

    async def _deliver(self, broadcast_id: str, topic: str | None, d: Delivery, report: Report) -> None:
        state = await deliver(self.bot, self.store, self.deck, self.limiter, broadcast_id, topic, d)
        if state is None:
            return  # no longer pending
        if state == "sent":
            report.sent_now += 1
        if self.on_progress:
            self.on_progress(state, report.sent_now, 0)


async def start_broadcast(store: Store, origin: str, topic: str | None = None) -> tuple[str, bool]:
    return await store.create_broadcast(origin, topic)


# ---------------------------------------------------------------- dry run and preview
@dataclass
class Plan:
    by_card: Counter = field(default_factory=Counter)
    by_lang: Counter = field(default_factory=Counter)
    total: int = 0
    longest: int = 0


async def plan(store: Store, deck: CardDeck, topic: str | None, progress: Callable[[], None] | None = None) -> Plan:
    """What a broadcast would send now, rendered and checked, without sending or writing anything."""
    out = Plan()
    for sub in await store.active_subscriptions():
        card_id = deck.next_card(sub.last_card, sub.seen_cards, preferred=topic)
        card = deck.card(card_id, sub.language)
        visible = parse_html(card.html)  # Telegram's HTML rules
        out.longest = max(out.longest, utf16_len(visible))
        out.by_card[(card_id, sub.language)] += 1
        out.by_lang[sub.language] += 1
        out.total += 1
        if progress:
            progress()
    return out


def _plain(card_html: str) -> str:
    return parse_html(card_html)


# ---------------------------------------------------------------- command line
def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tendik.telegram.broadcast", description="Preview and send 'know your rights' cards.")
    sub = p.add_subparsers(dest="command", required=True)
    pv = sub.add_parser("preview", help="show subscribers and the cards the next broadcast would send")
    pv.add_argument("--topic", help="preferred card (explanation id, e.g. exp-equal-pay)")
    pv.add_argument("--lang", choices=("kk", "ru"), help="show the cards in this language only")
    pv.add_argument("--all", action="store_true", help="show every card of the knowledge base")
    sd = sub.add_parser("send", help="send (or resume) a broadcast, with a progress bar")
    sd.add_argument("--topic", help="preferred card (explanation id); subscribers who got it last get their next one")
    sd.add_argument("--dry-run", action="store_true", help="render and check every card, send nothing, write nothing")
    sd.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sd.add_argument("--workers", action="store_true",
                    help="send through the job queue on Redis (TENDIK_REDIS_URL) by worker processes (python -m tendik.telegram.broadcast_worker)")
    sd.add_argument("--no-wait", action="store_true", help="with --workers: enqueue and return (see progress with `status`)")
    sub.add_parser("status", help="recent broadcasts and their delivery states")
    return p


async def _cli(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from tendik.common.db import make_engine
    from tendik.db.migrate import ensure_schema
    from tendik.knowledge.explanations import load_knowledge
    from tendik.telegram.config import HOW_TO_GET_A_TOKEN, TelegramSettings

    settings = TelegramSettings()
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    store = Store(engine)
    deck = CardDeck(load_knowledge())
    topic = getattr(args, "topic", None)
    if topic and topic not in deck.ids:
        print(f"unknown topic {topic!r}; known: {', '.join(deck.ids)}", file=sys.stderr)
        return 2

    if args.command == "status":
        from tendik.telegram.broadcast_queue import progress_line

        for b in await store.recent_broadcasts():
            counts = await store.progress(b["id"])
            created = time.strftime("%Y-%m-%d %H:%M", time.localtime(b["created_at"]))
            rate = await store.sent_since(b["id"], time.time() - 60) / 60.0 if b["status"] == "sending" else 0.0
            print(f"{b['id']}  {created}  {b['origin']:<8} {b['status']:<8} {progress_line(counts, rate, b['total'])}")
            if counts.get("uncertain"):
                print(f"    uncertain {counts['uncertain']}: a sender stopped hard in the middle of these requests; "
                      "Telegram may or may not have delivered them; they are not sent again")
        return 0

    counts = await store.subscriber_counts()
    unfinished = await store.unfinished_broadcast()
    print(f"subscribers: kk {counts.get('kk', 0)}, ru {counts.get('ru', 0)}; blocked (skipped) {counts.get('blocked', 0)}")
    if unfinished:
        progress = await store.progress(unfinished["id"])
        print(f"unfinished broadcast {unfinished['id']} (topic {unfinished['topic'] or 'rotation'}): {dict(sorted(progress.items()))}")

    if args.command == "preview":
        langs = [args.lang] if args.lang else ["kk", "ru"]
        if args.all:
            shown = [(c, lang) for c in deck.ids for lang in langs]
        else:
            p = await plan(store, deck, topic)
            print(f"the next broadcast would send {p.total} cards:")
            for (card_id, lang), n in sorted(p.by_card.items()):
                print(f"  {card_id} [{lang}]: {n}")
            shown = [key for key in sorted(p.by_card) if key[1] in langs] or [(topic or deck.ids[0], lang) for lang in langs]
        for card_id, lang in shown:
            print(f"\n───── {card_id} [{lang}] ─────")
            print(_plain(deck.card(card_id, lang).html))
        return 0

    # send
    if args.dry_run:
        total = sum(v for k, v in counts.items() if k != "blocked")
        with tqdm(total=total, desc="dry run", unit="card") as bar:
            p = await plan(store, deck, topic, progress=bar.update)
        print(f"dry run: {p.total} cards would be sent ({dict(p.by_lang)}), longest {p.longest} characters; nothing was sent")
        return 0
    if not settings.token:
        print(HOW_TO_GET_A_TOKEN, file=sys.stderr)
        return 2
    if not unfinished and not args.yes and sys.stdin.isatty():
        answer = input(f"send a card to {counts.get('kk', 0) + counts.get('ru', 0)} subscribers? [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "д", "да", "и", "иә"):
            print("nothing sent")
            return 1
    broadcast_id, created = await start_broadcast(store, "cli", topic)
    if not created:
        print(f"resuming broadcast {broadcast_id} (a new one starts only after it is finished)")
    if args.workers:
        return await _send_with_workers(store, settings, broadcast_id, args.no_wait)
    info = await store.get_broadcast(broadcast_id) or {}
    done_before = sum(v for k, v in (await store.progress(broadcast_id)).items() if k not in ("pending", "sending"))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def _stop(*_: object) -> None:
        if stop.is_set():
            os._exit(130)  # a second Ctrl-C: leave now
        print("\nstopping after the messages in flight (Ctrl-C again to quit at once) ...", file=sys.stderr)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, _stop)
    bot = create_bot(settings)
    with tqdm(total=info.get("total", 0), initial=done_before, desc="sending", unit="card") as bar:
        states: Counter = Counter()

        def progress(state: str, _sent: int, _total: int) -> None:
            states[state] += 1
            if state != "pending":
                bar.update(1)
            bar.set_postfix(dict(states), refresh=False)

        runner = BroadcastRunner(
            bot, store, deck, rate=settings.telegram_broadcast_rate, chat_interval=settings.telegram_chat_interval,
            workers=settings.telegram_broadcast_workers, on_progress=progress,
        )
        try:
            report = await runner.run(broadcast_id, stop)
        except BroadcastBusy:
            print(f"broadcast {broadcast_id} is being sent by another process (the bot's scheduler?); try later", file=sys.stderr)
            return 3
        finally:
            await bot.session.close()
    print(report.summary())
    return 0 if report.finished else 4


async def _send_with_workers(store: Store, settings: object, broadcast_id: str, no_wait: bool) -> int:
    """Enqueue the broadcast for the workers (or find it queued) and show its progress until done."""
    from tqdm import tqdm

    from tendik.telegram import broadcast_queue as bq

    url = getattr(settings, "redis_url", "")
    if not url:
        print("send --workers needs Redis: set TENDIK_REDIS_URL (e.g. redis://127.0.0.1:6379/0)", file=sys.stderr)
        return 2
    if not await store.claim(broadcast_id, bq.QUEUE_OWNER, bq.DB_LEASE_SECONDS):
        print(f"broadcast {broadcast_id} is being sent by another process (the bot's scheduler?); try later", file=sys.stderr)
        return 3
    redis = await bq.connect(url)
    try:
        queued = await bq.enqueue(redis, store, broadcast_id)
        if queued.resumed:
            print(f"broadcast {broadcast_id} is in the queue already ({queued.batches} batches left)")
        else:
            print(f"broadcast {broadcast_id}: {queued.rows} deliveries queued in {queued.batches} batches")
        print("workers send it: python -m tendik.telegram.broadcast_worker (as many as wanted; TENDIK_REDIS_URL as here)")
        if no_wait:
            return 0
        info = await store.get_broadcast(broadcast_id) or {}
        total = int(info.get("total", 0))
        with tqdm(total=total, desc="sent by the workers", unit="card") as bar:
            try:
                while True:
                    counts = await store.progress(broadcast_id)
                    closed = sum(v for k, v in counts.items() if k not in ("pending", "sending"))
                    bar.update(closed - bar.n)
                    rate = await store.sent_since(broadcast_id, time.time() - 60) / 60.0
                    bar.set_postfix_str(bq.progress_line(counts, rate, total), refresh=True)
                    if (await store.get_broadcast(broadcast_id) or {}).get("status") == "done":
                        break
                    await asyncio.sleep(2.0)
            except (KeyboardInterrupt, asyncio.CancelledError):
                print("\nstopped watching; the workers go on (see `status`)", file=sys.stderr)
                return 0
        counts = await store.progress(broadcast_id)
        print(f"broadcast {broadcast_id}: finished; {dict(sorted(counts.items()))}")
        return 0
    finally:
        await redis.aclose()


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    raise SystemExit(asyncio.run(_cli(args)))


if __name__ == "__main__":
    main()
