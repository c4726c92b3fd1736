"""Telegram front-end benchmark: N simulated users (default 200) each send M messages (default 5)
through the local Bot API server to the real bot (aiogram, long polling, in its own event loop
thread) and on to the real Rasa + action server.

Each user sends its next message once the previous one is fully answered (the bot finished the
update); all users start together. Questions are the project's dev set (bench/devset/questions.yml),
half the users Kazakh, half Russian. Reported: throughput, reply latency p50/p95/max (to the first
reply message and to the complete reply), and the checks that no message was lost or answered
twice: every update handled exactly once, every message got a reply, every message reached Rasa
exactly once (the tracker store), and the same question always got the same number of reply
messages.

    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python bench/telegram/bench_telegram.py [--users 200 --messages 5]

Starts the assistant itself on free ports with a throw-away database (or use --rasa-url/--db-url).
Writes bench/telegram/results.json and bench/telegram/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import yaml
from aiogram import BaseMiddleware

from tendik.common.rasa_client import RasaClient
from tendik.ops.services import free_port
from tendik.telegram.app import create_bot, create_dispatcher, start_polling
from tendik.telegram.config import TelegramSettings
from tendik.telegram.context import create_context
from tests.fakes.telegram_api import LocalBotAPI, LoopThread

ROOT = Path(__file__).resolve().parents[2]

HERE = Path(__file__).resolve().parent
USER_ID_BASE = 8_100_000_000


class Counting(BaseMiddleware):
    """Outermost update middleware: how many times each update was handled, and when it finished."""

    def __init__(self) -> None:
        self.count: Counter = Counter()
        self.finished: dict[int, float] = {}
        self.events: dict[int, asyncio.Event] = {}
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, handler, event, data):  # noqa: ANN001, ANN204
        try:
            return await handler(event, data)
        finally:
            self.count[event.update_id] += 1
            self.finished.setdefault(event.update_id, time.monotonic())
            waiter = self.events.get(event.update_id)
            if waiter is not None and self.loop is not None:
                self.loop.call_soon_threadsafe(waiter.set)


class TimedRasaClient(RasaClient):
    """The real Rasa client, timing each call (to tell the bot's own overhead from the assistant's)."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.durations: dict[str, list[float]] = defaultdict(list)

    async def send(self, sender, text, language=None, channel=None):  # noqa: ANN001, ANN201
        started = time.monotonic()
        try:
            return await super().send(sender, text, language=language, channel=channel)
        finally:
            self.durations[sender].append(time.monotonic() - started)



def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def load_questions() -> dict[str, list[str]]:
    data = yaml.safe_load((ROOT / "bench" / "devset" / "questions.yml").read_text(encoding="utf-8"))
    out: dict[str, list[str]] = defaultdict(list)
    for q in data["questions"]:
        out[q["lang"]].append(q["text"])
    return out


async def user_session(api: LocalBotAPI, counting: Counting, user_id: int, lang: str, texts: list[str], samples: list[dict]) -> None:
    for text in texts:
        before = len(api.bot_messages(user_id))
        waiter = asyncio.Event()
        sent_at = time.monotonic()
        update_id = await api.send_text(user_id, text, lang)
        counting.events[update_id] = waiter
        if update_id in counting.finished:
            waiter.set()
        await asyncio.wait_for(waiter.wait(), 600)
        done_at = counting.finished[update_id]
        replies = api.bot_messages(user_id)[before:]
        samples.append({
            "user": user_id, "lang": lang, "text": text, "update_id": update_id, "replies": len(replies),
            "first_reply_s": (replies[0].sent_at - sent_at) if replies else None, "complete_s": done_at - sent_at,
            "unavailable": any("временно недоступен" in m.text or "уақытша қолжетімсіз" in m.text for m in replies),
        })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--rasa-url", help="use a running assistant (default: start one)")
    parser.add_argument("--db-url", help="its database (sqlite:///...), with --rasa-url")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print only; do not write results.json / RESULTS.md")
    args = parser.parse_args()

    services = None
    tmp = Path(tempfile.mkdtemp(prefix="tendik-tg-bench-"))
    if args.rasa_url:
        rasa_url, db_url = args.rasa_url, args.db_url
    else:
        from tendik.ops.services import Services

        services = Services(rasa_port=free_port(), action_port=free_port(), db_url=f"sqlite:///{tmp / 'tracker.db'}", log_dir=tmp / "logs")
        print("starting the assistant ...", flush=True)
        ready = services.start()
        print(f"assistant ready in {ready:.1f} s", flush=True)
        rasa_url, db_url = services.rasa_url, services.db_url

    questions = load_questions()
    rng = random.Random(args.seed)
    plan = []
    for i in range(args.users):
        lang = "kk" if i % 2 else "ru"
        plan.append((USER_ID_BASE + i, lang, [rng.choice(questions[lang]) for _ in range(args.messages)]))

    client_loop, bot_loop = LoopThread("bench-clients"), LoopThread("bench-bot")
    api = LocalBotAPI()
    client_loop.run(api.start())
    settings = TelegramSettings(
        telegram_token=api.token, telegram_api_url=api.url, rasa_url=rasa_url, db_url=db_url, data_dir=tmp,
        telegram_id_secret="bench-secret", telegram_card_every=0, telegram_polling_timeout=10, rasa_timeout=120,
    )
    counting = Counting()
    counting.loop = client_loop.loop

    async def build():  # noqa: ANN202
        ctx = create_context(settings)
        ctx.rasa = TimedRasaClient(settings.rasa_url, settings.rasa_timeout)
        return ctx, create_bot(settings), create_dispatcher(ctx, observers=[counting])

    ctx, bot, dp = bot_loop.run(build())
    polling = bot_loop.submit(start_polling(bot, dp, settings, handle_signals=False))
    client_loop.run(api.wait_until(lambda: api.getupdates_active > 0, 60))

    # Unloaded reply latency first: one user, one message at a time.
    baseline: list[dict] = []
    warm = questions["ru"][:5] + questions["kk"][:5]
    client_loop.run(user_session(api, counting, USER_ID_BASE - 1, "ru", warm, []), timeout=600)  # warm-up, not counted
    for i, text in enumerate(questions["ru"][5:15] + questions["kk"][5:15]):
        client_loop.run(user_session(api, counting, USER_ID_BASE - 2 - i % 2, "ru" if i < 10 else "kk", [text], baseline), timeout=600)

    samples: list[dict] = []

    async def run_all() -> float:
        started = time.monotonic()
        await asyncio.gather(*(user_session(api, counting, uid, lang, texts, samples) for uid, lang, texts in plan))
        return time.monotonic() - started

    print(f"{args.users} users x {args.messages} messages ...", flush=True)
    wall = client_loop.run(run_all(), timeout=7200)
    time.sleep(2.0)  # anything sent twice would show up now

    bot_loop.run(dp.stop_polling(), timeout=60)
    try:
        polling.result(60)
    except Exception:  # noqa: BLE001
        pass
    sent_by_bot = len(api.calls_of("sendMessage"))
    client_loop.run(api.stop())

    # ---------------------------------------------------------------- checks
    total = args.users * args.messages
    update_ids = [s["update_id"] for s in samples]
    handled_once = all(counting.count[u] == 1 for u in update_ids)
    lost = [s for s in samples if s["replies"] == 0]
    counts_by_question: dict[tuple[str, str], set[int]] = defaultdict(set)
    for s in samples:
        if not s["unavailable"]:
            counts_by_question[(s["lang"], s["text"])].add(s["replies"])
    inconsistent = {k: sorted(v) for k, v in counts_by_question.items() if len(v) > 1}
    messages_in_chats = sum(len(api.bot_messages(uid)) for uid, _, _ in plan)
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        senders = [ctx.ids.sender_id(uid) for uid, _, _ in plan]
        marks = ",".join("?" * len(senders))
        rasa_user_events = conn.execute(
            f"SELECT count(*) FROM events WHERE type_name = 'user' AND sender_id IN ({marks})", senders
        ).fetchone()[0]
    unavailable = sum(1 for s in samples if s["unavailable"])

    first = [s["first_reply_s"] * 1000 for s in samples if s["first_reply_s"] is not None]
    complete = [s["complete_s"] * 1000 for s in samples]
    rasa_times = ctx.rasa.durations
    overhead, rasa_ms = [], []
    seen: Counter = Counter()
    for s in samples:
        sender = ctx.ids.sender_id(s["user"])
        k = seen[sender]
        seen[sender] += 1
        if k < len(rasa_times[sender]):
            rasa_ms.append(rasa_times[sender][k] * 1000)
            overhead.append(s["complete_s"] * 1000 - rasa_times[sender][k] * 1000)
    base = [b["complete_s"] * 1000 for b in baseline]

    def dist(values: list[float]) -> dict:
        return {"p50": round(percentile(values, 0.5)), "p95": round(percentile(values, 0.95)), "max": round(max(values))}

    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python bench/telegram/bench_telegram.py"
        + ("" if (args.users, args.messages) == (200, 5) else f" --users {args.users} --messages {args.messages}"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_1m_at_end": round(os.getloadavg()[0], 2)},
        "users": args.users, "messages_per_user": args.messages, "messages": total,
        "wall_s": round(wall, 1),
        "throughput_msg_per_s": round(total / wall, 2),
        "bot_messages_sent": sent_by_bot,
        "latency_first_reply_ms": {"p50": round(percentile(first, 0.5)), "p95": round(percentile(first, 0.95)), "max": round(max(first))},
        "latency_complete_ms": {"p50": round(percentile(complete, 0.5)), "p95": round(percentile(complete, 0.95)), "max": round(max(complete)),
                                "mean": round(statistics.mean(complete))},
        "rasa_call_ms_under_load": dist(rasa_ms),
        "bot_overhead_ms_under_load": dist(overhead),
        "unloaded_latency_ms": {**dist(base), "messages": len(base)},
        "checks": {
            "updates_answered": len(samples),
            "every_update_handled_exactly_once": handled_once,
            "messages_without_reply": len(lost),
            "messages_reaching_rasa": rasa_user_events,
            "questions_with_inconsistent_reply_counts": len(inconsistent),
            "bot_messages_in_chats": messages_in_chats,
            "temporarily_unavailable_replies": unavailable,
        },
    }
    result["checks"]["no_message_lost_or_answered_twice"] = (
        handled_once and not lost and rasa_user_events == total and not inconsistent and len(samples) == total
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if services:
        services.stop()
    client_loop.close()
    bot_loop.close()
    if not args.no_write:
        (HERE / "results.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        write_markdown(result)


def write_markdown(r: dict) -> None:
    c = r["checks"]
    lines = [
        "# Telegram front end: load benchmark",
        "",
        f"Measured {r['date']} on this machine ({r['machine']['cpus']} CPUs shared with other work; "
        f"1-minute load average at the end: {r['machine']['load_avg_1m_at_end']}), Python {r['machine']['python']}.",
        "",
        "Command (starts the real Rasa server and action server on free ports with a throw-away SQLite store):",
        "",
        "```bash",
        r["command"],
        "```",
        "",
        f"{r['users']} simulated Telegram users (half Kazakh, half Russian) each send {r['messages_per_user']} questions from "
        "the dev set through the local Bot API server (`tests/fakes/telegram_api.py`, real HTTP) to the real bot "
        "(aiogram 3, long polling) and on to the real Rasa + action server. Each user sends the next question when the "
        "previous one is fully answered; all users start at once.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| messages | {r['messages']} |",
        f"| wall time | {r['wall_s']} s |",
        f"| throughput | {r['throughput_msg_per_s']} messages/s answered |",
        f"| bot messages in these users' chats | {c['bot_messages_in_chats']} (answers split under 4,096 characters count as several; "
        f"{r['bot_messages_sent']} sent in all, with the unloaded-latency phase) |",
        f"| reply latency, first message: p50 / p95 / max | {r['latency_first_reply_ms']['p50']} / {r['latency_first_reply_ms']['p95']} / {r['latency_first_reply_ms']['max']} ms |",
        f"| reply latency, complete reply: p50 / p95 / max | {r['latency_complete_ms']['p50']} / {r['latency_complete_ms']['p95']} / {r['latency_complete_ms']['max']} ms |",
        f"| of which the Rasa REST call: p50 / p95 / max | {r['rasa_call_ms_under_load']['p50']} / {r['rasa_call_ms_under_load']['p95']} / {r['rasa_call_ms_under_load']['max']} ms |",
        f"| the bot's own time (complete reply minus the Rasa call): p50 / p95 / max | {r['bot_overhead_ms_under_load']['p50']} / {r['bot_overhead_ms_under_load']['p95']} / {r['bot_overhead_ms_under_load']['max']} ms |",
        f"| unloaded reply latency (one user, {r['unloaded_latency_ms']['messages']} messages one by one): p50 / p95 / max | {r['unloaded_latency_ms']['p50']} / {r['unloaded_latency_ms']['p95']} / {r['unloaded_latency_ms']['max']} ms |",
        "",
        "Checks (no message lost or answered twice):",
        "",
        "| check | result |",
        "|---|---|",
        f"| every update handled exactly once | {c['every_update_handled_exactly_once']} ({c['updates_answered']} updates) |",
        f"| messages without a reply | {c['messages_without_reply']} |",
        f"| user messages stored by Rasa for these users | {c['messages_reaching_rasa']} of {r['messages']} |",
        f"| questions whose reply had a different number of messages for different users | {c['questions_with_inconsistent_reply_counts']} |",
        f"| \"temporarily unavailable\" replies | {c['temporarily_unavailable_replies']} |",
        f"| **no message lost or answered twice** | **{c['no_message_lost_or_answered_twice']}** |",
        "",
        "With all users sending at once, the reply latency is queueing: the assistant (Rasa NLU + the action server, "
        "whose retrieval answers run the e5 encoder) answers about as many messages per second as the throughput above "
        "on 2 shared cores, so 200 users in flight wait about 200 / throughput seconds (Little's law). The bot's own "
        "share (receiving the update, rendering, splitting, sending through the local Bot API server, database reads "
        "and writes) is the \"bot's own time\" row. Numbers are measurements, not targets.",
        "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
