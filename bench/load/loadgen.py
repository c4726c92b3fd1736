"""Open-loop load test through the local Bot API and the widget service (issue 15 items 3 and 4).

Simulated users, half Telegram (their messages are updates injected into the local Bot API fake,
which runs in this process; the real bot fetches them with getUpdates, or gets them on its webhook)
and half widget (``POST /api/chat`` to the widget service, each user with its own conversation key
and X-Forwarded-For); half Kazakh, half Russian; questions from the dev set's ``tune`` split.

Open loop: each user sends a message after an exponential pause (mean ``users / rate`` seconds),
whether or not its previous message was answered. Users start one by one over the ramp-up, send
through the steady phase, then the run drains: replies are awaited until ``--drain`` seconds after
the last message (then a message with no reply is lost). Everything is bounded in count and time
and talks to 127.0.0.1 only. How replies are attributed to messages and what lost / answered twice
/ out of order mean: bench/load/accounting.py.

    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python -m bench.load.loadgen run --users 1000 --rate 33 --steady 180
    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python -m bench.load.loadgen saturate --rates 5,10,15,20,30,40 --step 45
    ... run --faults "60:kill:actions,90:restart:actions,120:botapi:429:10,150:botapi:500:10"

The system under test is started here (today's Services: Rasa, action server, widget, bot; see
bench/load/target.py), or attached to a running ``tendik stack`` (``--stack-state FILE``).
Writes a JSON report (``--json``) and prints a Markdown summary (``--md`` to write it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import random
import secrets
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from bench.load.accounting import (
    Accounting,
    ChatEvent,
    ReplyPart,
    Sent,
    Turn,
    account,
    dist_ms,
    faults_report,
    is_unavailable_text,
    stored_although_refused,
    summary,
    telegram_turns,
    timeline,
)
from bench.load.botapi import WindowedBotAPI
from bench.load.procstat import ProcSampler
from bench.load.target import ServicesTarget, StackTarget, Target
from tendik.ops.services import free_port

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TG_USER_BASE = 8_200_000_000
P95_LIMIT_S = 1.5
MAX_MESSAGES = 200_000  # a hard bound on one run, whatever the arguments
HARNESS = "harness (load generator + local Bot API)"


def load_questions() -> dict[str, list[str]]:
    """The dev set's ``tune`` questions by language (only read; never used for training here)."""
    data = yaml.safe_load((ROOT / "bench" / "devset" / "questions.yml").read_text(encoding="utf-8"))
    out: dict[str, list[str]] = defaultdict(list)
    for q in data["questions"]:
        if q.get("split") == "tune":
            out[q["lang"]].append(q["text"])
    return out


@dataclass
class User:
    key: str  # "tg:<id>" / "web:<n>"
    channel: str
    lang: str
    tg_id: int = 0
    conversation_key: str = ""
    forwarded_for: str = ""
    seq: int = 0
    inflight: asyncio.Task | None = None  # the widget user's unanswered request


@dataclass
class Fault:
    at_s: float  # seconds after the phase started
    action: str  # kill:<component> | restart:<component> | botapi:<code>:<seconds>

    @classmethod
    def parse(cls, spec: str) -> list[Fault]:
        out = []
        for item in filter(None, (s.strip() for s in spec.split(","))):
            at, action = item.split(":", 1)
            out.append(cls(float(at), action))
        return out


@dataclass
class Phase:
    """The records of one run (or one saturation step)."""

    rate: float
    users: list[User]
    sent: list[Sent] = field(default_factory=list)
    web_turns: list[Turn] = field(default_factory=list)
    faults: list[dict] = field(default_factory=list)
    web_rasa_s: list[float] = field(default_factory=list)  # the widget service's Server-Timing: its Rasa call
    # widget calls that got no HTTP answer at all: (user, seq, seconds after sending, exception class)
    web_transport: list[tuple[str, int, float, str]] = field(default_factory=list)
    call_index: int = 0  # the Bot API call log from here on belongs to this phase
    started: float = 0.0
    send_ended: float = 0.0
    drained: float = 0.0


class LoadGenerator:
    def __init__(self, target: Target, telegram: bool = True, web: bool = True, seed: int = 7,
                 bot_api_port: int = 0, widget_waits: bool = False) -> None:
        self.target = target
        # The real widget does not send while a reply is pending (its send button is busy): with
        # this a widget user waits for its previous reply before sending the next message (the
        # schedule goes on after it); without it the widget API gets concurrent messages of one
        # user (as from two tabs or a scripted client), the brief's strict open loop.
        self.widget_waits = widget_waits
        self.telegram, self.web = telegram, web
        self.rng = random.Random(seed)
        self.questions = load_questions()
        self.api: WindowedBotAPI | None = WindowedBotAPI() if telegram else None
        self.bot_api_port = bot_api_port
        self.session: aiohttp.ClientSession | None = None
        self._next_user = 0
        self._tasks: set[asyncio.Task] = set()

    # ------------------------------------------------------------ set-up
    async def start(self) -> None:
        bot_url = token = None
        if self.api:
            bot_url = await self.api.start(port=self.bot_api_port)
            token = self.api.token
            logger.info("local Bot API at %s", bot_url)
        await asyncio.to_thread(self.target.start, bot_url, token)
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=False),
                                             timeout=aiohttp.ClientTimeout(total=None))
        if self.api:
            await self.api.wait_until(lambda: self.api.getupdates_active > 0 or self.api.webhook is not None, 120)

    def _components(self) -> dict[str, list[int]]:
        return {**self.target.components(), HARNESS: [os.getpid()]}

    async def close(self) -> None:
        for t in list(self._tasks):
            t.cancel()
        if self.session:
            await self.session.close()
        if self.api:
            await self.api.stop()

    def new_users(self, n: int) -> list[User]:
        """``n`` fresh users: channel alternates (Telegram, widget), language alternates in pairs."""
        out = []
        channels = [c for c, on in (("telegram", self.telegram), ("web", self.web)) if on]
        for _ in range(n):
            i = self._next_user
            self._next_user += 1
            channel = channels[i % len(channels)]
            lang = "kk" if (i // len(channels)) % 2 else "ru"
            if channel == "telegram":
                out.append(User(f"tg:{TG_USER_BASE + i}", channel, lang, tg_id=TG_USER_BASE + i))
            else:
                out.append(User(f"web:{i}", channel, lang, conversation_key=secrets.token_hex(32),
                                forwarded_for=f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"))
        return out

    # ------------------------------------------------------------ sending
    async def _send(self, phase: Phase, user: User, deadline: float) -> None:
        text = self.rng.choice(self.questions[user.lang])
        seq = user.seq
        user.seq += 1
        if user.channel == "telegram":
            assert self.api is not None
            sent = Sent(user.key, seq, "telegram", user.lang, time.monotonic())
            await self.api.send_text(user.tg_id, text, user.lang)
            sent.message_id = self.api.chats[user.tg_id][-1].message_id if self.api.chats.get(user.tg_id) else None
            # the message the fake just added is this user's (one user sends one message at a time)
            phase.sent.append(sent)
            return
        assert self.session is not None and self.target.web_url
        if self.widget_waits and user.inflight is not None and not user.inflight.done():
            await asyncio.wait([user.inflight], timeout=max(0.0, deadline - time.monotonic()))
        sent = Sent(user.key, seq, "web", user.lang, time.monotonic())
        phase.sent.append(sent)
        task = asyncio.create_task(self._post(phase, user, sent, text, deadline))
        user.inflight = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(self, phase: Phase, user: User, sent: Sent, text: str, deadline: float) -> None:
        assert self.session is not None
        # numbered as the widget API allows (tendik/web/ordering.py): two messages sent in the same instant
        # over two connections are taken in the order they were sent, not the order they arrived
        body = {"conversation_key": user.conversation_key, "message": text, "language": user.lang, "seq": sent.seq}
        headers = {"Origin": str(self.target.web_url), "X-Forwarded-For": user.forwarded_for, "Accept-Language": user.lang}
        try:
            async with self.session.post(f"{self.target.web_url}/api/chat", json=body, headers=headers,
                                         timeout=aiohttp.ClientTimeout(total=max(1.0, deadline - time.monotonic()))) as resp:
                raw = await resp.read()
                at = time.monotonic()
                status = resp.status
                timing = resp.headers.get("Server-Timing", "")
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            # no reply: lost (unless the deadline comes first anyway); what failed is recorded
            phase.web_transport.append((user.key, sent.seq, round(time.monotonic() - sent.at, 3), type(exc).__name__))
            return
        try:
            data = json.loads(raw)
            texts = " ".join(str(m.get("text") or "") for m in data.get("messages") or [])
        except (ValueError, AttributeError):
            texts = ""
        phase.web_turns.append(Turn(user.key, sent.seq, [ReplyPart(at, texts, status)]))
        if status == 200 and timing.startswith("rasa;dur="):
            try:
                phase.web_rasa_s.append(float(timing.split("=", 1)[1]) / 1000)
            except ValueError:
                pass

    async def _user_loop(self, phase: Phase, user: User, start_at: float, end_at: float, mean: float, deadline: float) -> None:
        t = start_at + self.rng.expovariate(1 / mean)
        while t < end_at and len(phase.sent) < MAX_MESSAGES:
            await asyncio.sleep(max(0.0, t - time.monotonic()))
            await self._send(phase, user, deadline)
            t += self.rng.expovariate(1 / mean)

    async def _run_faults(self, phase: Phase, faults: list[Fault]) -> None:
        for f in sorted(faults, key=lambda f: f.at_s):
            await asyncio.sleep(max(0.0, phase.started + f.at_s - time.monotonic()))
            kind, _, arg = f.action.partition(":")
            at = time.monotonic()
            record: dict[str, Any] = {"name": f.action, "at": at, "at_s": f.at_s}
            try:
                if kind == "kill":
                    await asyncio.to_thread(self.target.kill, arg)
                elif kind == "restart":
                    await asyncio.to_thread(self.target.restart, arg)
                    record["until"] = time.monotonic()
                elif kind == "botapi":
                    assert self.api is not None
                    code, seconds = arg.split(":")
                    self.api.fail_for(float(seconds), int(code))
                    record["until"] = at + float(seconds)
                elif kind == "call":  # programmatic faults: see run_phase(custom=...)
                    pass
                else:
                    raise ValueError(f"unknown fault action {f.action!r}")
            except Exception as exc:  # noqa: BLE001 (report it, keep the load going)
                record["failed"] = type(exc).__name__
                logger.error("fault %s failed: %s", f.action, type(exc).__name__)
            phase.faults.append(record)

    def _telegram_events(self, phase: Phase) -> dict[int, list[ChatEvent]]:
        out: dict[int, list[ChatEvent]] = defaultdict(list)
        if not self.api:
            return out
        for c in self.api.calls[phase.call_index:]:
            m = c.method.lower()
            if m not in ("sendchataction", "sendmessage", "senddocument"):
                continue
            try:
                chat = int(c.params.get("chat_id") or 0)
            except (TypeError, ValueError):
                continue
            if m == "sendchataction":
                out[chat].append(ChatEvent(c.at, "typing", c.status))
                continue
            rp = c.params.get("reply_parameters") or {}
            reply_to = rp.get("message_id") if isinstance(rp, dict) else None
            reply_to = reply_to or c.params.get("reply_to_message_id")
            out[chat].append(ChatEvent(c.at, "message", c.status, str(c.params.get("text") or c.params.get("caption") or ""),
                                       int(reply_to) if reply_to else None))
        return out

    def turns(self, phase: Phase) -> list[Turn]:
        events = self._telegram_events(phase)
        by_user: dict[str, list[Sent]] = defaultdict(list)
        for s in phase.sent:
            if s.channel == "telegram":
                by_user[s.user].append(s)
        turns = list(phase.web_turns)
        for u in phase.users:
            if u.channel == "telegram":
                turns += telegram_turns(u.key, events.get(u.tg_id, []), by_user.get(u.key, []))
        return turns

    def _outstanding(self, phase: Phase) -> int:
        """Messages still without a reply (Telegram: fewer turns with a message than messages)."""
        web = sum(1 for t in self._tasks if not t.done())
        tg = 0
        if self.api:
            answered: dict[int, int] = defaultdict(int)
            events = self._telegram_events(phase)
            for chat, evs in events.items():
                turns = telegram_turns("x", evs, [])
                answered[chat] = sum(1 for t in turns if t.parts)
            counts: dict[str, int] = defaultdict(int)
            for s in phase.sent:
                if s.channel == "telegram":
                    counts[s.user] += 1
            for user, n in counts.items():
                tg += max(0, n - answered.get(int(user.split(":")[1]), 0))
        return web + tg

    async def run_phase(self, users: int, rate: float, ramp_s: float, steady_s: float, drain_s: float,
                        faults: list[Fault] | None = None, grace_s: float = 3.0,
                        on_start: Callable[[Phase], None] | None = None) -> dict:
        """One open-loop run; returns its report (see :func:`report`)."""
        phase = Phase(rate, self.new_users(users))
        phase.call_index = len(self.api.calls) if self.api else 0
        mean = users / rate
        load_before = [round(x, 2) for x in os.getloadavg()]
        sampler = ProcSampler(self._components, every=2.0, without_children=frozenset({HARNESS}))
        sampler.start()
        phase.started = time.monotonic()
        end_at = phase.started + ramp_s + steady_s
        deadline = end_at + drain_s
        order = list(range(users))
        self.rng.shuffle(order)
        loops = [asyncio.create_task(self._user_loop(phase, phase.users[i], phase.started + ramp_s * k / users, end_at, mean, deadline))
                 for k, i in enumerate(order)]
        fault_task = asyncio.create_task(self._run_faults(phase, faults or []))
        if on_start:
            on_start(phase)
        await asyncio.gather(*loops)
        phase.send_ended = time.monotonic()
        while time.monotonic() < deadline and self._outstanding(phase) > 0:
            await asyncio.sleep(1.0)
        await asyncio.sleep(grace_s)  # a reply sent twice would show up now
        phase.drained = time.monotonic()
        if not fault_task.done():
            fault_task.cancel()
        for t in list(self._tasks):
            t.cancel()
        procs = sampler.stop()
        load_after = [round(x, 2) for x in os.getloadavg()]
        acc = account(phase.sent, self.turns(phase), deadline=deadline)
        out = report(acc, phase, procs, load_before, load_after, users=users, ramp_s=ramp_s, steady_s=steady_s, drain_s=drain_s)
        out["store"] = await asyncio.to_thread(self.store_counts, phase)
        per_user = out["store"].pop("per_user", None)
        if per_user is not None:
            out["store"].update(stored_although_refused(acc.results, per_user, phase.started))
        # the Bot API calls in the users' chats, to re-check the attribution later:
        # [chat id, seconds from the start, "typing"|"message", HTTP status, unavailable text?, reply_to]
        out["telegram_calls"] = [
            [chat, round(e.at - phase.started, 3), e.kind, e.status, int(is_unavailable_text(e.text)), e.reply_to]
            for chat, evs in self._telegram_events(phase).items() for e in evs
        ]
        return out

    def store_counts(self, phase: Phase) -> dict:
        """User messages stored by Rasa per sender (the tracker store's ``events``) against the
        messages sent: a second count of lost / duplicated turns that needs no attribution."""
        if not self.target.db_url:
            return {"checked": False}
        try:
            from sqlalchemy import bindparam, create_engine, text

            from tendik.telegram.ids import SenderIds
            from tendik.web.validate import sender_id as web_sender
        except ImportError:
            return {"checked": False}
        ids = SenderIds(self.target.telegram_id_secret) if self.target.telegram_id_secret else None
        senders: dict[str, str] = {}
        for u in phase.users:
            if u.channel == "web":
                senders[web_sender(u.conversation_key)] = u.key
            elif ids:
                senders[ids.sender_id(u.tg_id)] = u.key
        sent: dict[str, int] = defaultdict(int)
        for s in phase.sent:
            sent[s.user] += 1
        engine = create_engine(self.target.db_url)
        try:
            query = text("SELECT sender_id, count(*) FROM events WHERE type_name = 'user' AND sender_id IN :s GROUP BY sender_id")
            query = query.bindparams(bindparam("s", expanding=True))
            stored: dict[str, int] = {}
            keys = list(senders)
            with engine.connect() as conn:
                for i in range(0, len(keys), 500):
                    for sender, n in conn.execute(query, {"s": keys[i:i + 500]}):
                        stored[senders[sender]] = int(n)
        finally:
            engine.dispose()
        users = [u.key for u in phase.users if u.channel == "web" or ids]
        fewer = sum(max(0, sent[u] - stored.get(u, 0)) for u in users)
        more = sum(max(0, stored.get(u, 0) - sent[u]) for u in users)
        return {"checked": True, "sent": sum(sent[u] for u in users), "stored": sum(stored.values()),
                "missing_from_store": fewer, "stored_more_than_sent": more, "per_user": stored}


def report(acc: Accounting, phase: Phase, procs: dict, load_before: list[float], load_after: list[float], **params: Any) -> dict:
    s = summary(acc, phase.started, phase.send_ended)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "params": {"rate_msg_per_s": phase.rate, **params},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_avg_before": load_before, "load_avg_after": load_after},
        "wall_s": {"sending": round(phase.send_ended - phase.started, 1), "until_drained": round(phase.drained - phase.started, 1)},
        **s,
        "web_rasa_call_ms": dist_ms(phase.web_rasa_s),
        "web_transport_failures": [list(f) for f in phase.web_transport],
        "meets_targets": bool(s["messages"]) and s["lost"] == 0 and s["duplicated"] == 0 and s["out_of_order"] == 0
        and s["unavailable"] == 0 and s["errors"] == 0
        and (s["latency_complete_ms"]["p95"] or 0) <= P95_LIMIT_S * 1000,
        "timeline_10s": timeline(acc, phase.started),
        "processes": procs,
        "faults": faults_report(acc, phase.faults) if phase.faults else [],
        "fault_schedule": [{**{k: v for k, v in f.items() if k not in ("at", "until")},
                            "until_s": round(f.get("until", f["at"]) - phase.started, 2)} for f in phase.faults],
        # one row per message: user, seq, channel, lang, sent at (s from start), first/complete reply (s), turns, flags
        "messages_detail": [
            [r.sent.user, r.sent.seq, r.sent.channel, r.sent.lang, round(r.sent.at - phase.started, 3),
             None if r.first_s is None else round(r.first_s, 3), None if r.complete_s is None else round(r.complete_s, 3),
             r.turns, int(r.unavailable), int(r.error), int(r.out_of_order)]
            for r in acc.results
        ],
    }


# ---------------------------------------------------------------- Markdown
def md_run(r: dict, title: str) -> str:
    lc, lf = r["latency_complete_ms"], r["latency_first_ms"]
    p = r["params"]
    lines = [
        f"### {title}",
        "",
        f"{r['date']}; {p['users']} users, offered {p['rate_msg_per_s']} msg/s (ramp {p['ramp_s']} s, steady {p['steady_s']} s, "
        f"drain ≤ {p['drain_s']} s); load average before {r['machine']['load_avg_before']}, after {r['machine']['load_avg_after']}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| messages sent / answered | {r['messages']} / {r['answered']} |",
        f"| offered / answered per s (sending phase) | {r['offered_per_s']} / {r['answered_per_s']} |",
        f"| reply latency, first message p50 / p95 / p99 | {lf['p50']} / {lf['p95']} / {lf['p99']} ms |",
        f"| reply latency, complete reply p50 / p95 / p99 / max | {lc['p50']} / {lc['p95']} / {lc['p99']} / {lc['max']} ms |",
        f"| lost / answered twice / out of order | {r['lost']} / {r['duplicated']} / {r['out_of_order']} |",
        f"| \"temporarily unavailable\" / other errors | {r['unavailable']} / {r['errors']} |",
    ]
    st = r.get("store") or {}
    if st.get("checked"):
        lines.append(f"| tracker store: user messages stored / sent (missing, extra) | {st['stored']} / {st['sent']} "
                     f"({st['missing_from_store']}, {st['stored_more_than_sent']}) |")
        if "stored_although_refused" in st:
            lines.append(f"| tracker store: stored although told to resend (of which pinned to a message) | "
                         f"{st['stored_although_refused']} ({len(st['pinned'])}) |")
    if r.get("web_rasa_call_ms", {}).get("n"):
        w = r["web_rasa_call_ms"]
        lines.append(f"| widget: of which its Rasa call (Server-Timing) p50 / p95 / p99 | {w['p50']} / {w['p95']} / {w['p99']} ms |")
    if r.get("web_transport_failures"):
        kinds: dict[str, int] = defaultdict(int)
        for f in r["web_transport_failures"]:
            kinds[f[3]] += 1
        lines.append("| widget calls with no HTTP answer (exception: count) | " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())) + " |")
    lines.append(f"| **meets the targets** (p95 ≤ 1.5 s, 0 lost/dup/out of order/unavailable) | **{r['meets_targets']}** |")
    lines += ["", "| channel | messages | answered | lost | dup | ooo | unavailable | errors | p50 / p95 / p99 ms |", "|---|---|---|---|---|---|---|---|---|"]
    for ch, c in r["by_channel"].items():
        d = c["latency_complete_ms"]
        lines.append(f"| {ch} | {c['messages']} | {c['answered']} | {c['lost']} | {c['duplicated']} | {c['out_of_order']} | "
                     f"{c['unavailable']} | {c['errors']} | {d['p50']} / {d['p95']} / {d['p99']} |")
    lines += ["", "| process | CPU s | CPU % (of one core) | RSS last / peak MiB | processes |", "|---|---|---|---|---|"]
    for name, pr in r["processes"].items():
        lines.append(f"| {name} | {pr['cpu_s']} | {pr['cpu_pct']} | {pr['rss_mib_last']} / {pr['rss_mib_peak']} | {pr['processes']} |")
    if r["faults"]:
        lines += ["", "| fault | messages | lost | dup | ooo | unavailable | errors | recovered after |", "|---|---|---|---|---|---|---|---|"]
        for f in r["faults"]:
            lines.append(f"| {f['name']} | {f['messages']} | {f['lost']} | {f['duplicated']} | {f['out_of_order']} | {f['unavailable']} | "
                         f"{f['errors']} | {f['recover_s']} s |")
    lines += ["", "<details><summary>timeline (10 s buckets)</summary>", "", "| t s | offered/s | answered/s | unavailable+errors | p95 ms (sent in bucket) |",
              "|---|---|---|---|---|"]
    for row in r["timeline_10s"]:
        lines.append(f"| {row['t_s']} | {row['offered_per_s']} | {row['answered_per_s']} | {row['unavailable_or_error']} | {row['p95_ms_of_sent']} |")
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def md_saturation(steps: list[dict], last_good: float | None) -> str:
    lines = ["| offered msg/s | answered msg/s | p50 / p95 / p99 ms | lost | dup | ooo | unavailable | errors | load avg after | ok |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in steps:
        lc = r["latency_complete_ms"]
        lines.append(f"| {r['params']['rate_msg_per_s']} | {r['answered_per_s']} | {lc['p50']} / {lc['p95']} / {lc['p99']} | {r['lost']} | "
                     f"{r['duplicated']} | {r['out_of_order']} | {r['unavailable']} | {r['errors']} | {r['machine']['load_avg_after'][0]} | "
                     f"{'yes' if r['meets_targets'] else 'no'} |")
    lines += ["", f"**Saturation point (last rate meeting the targets): {last_good if last_good is not None else 'none'} msg/s**", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- CLI
COMMAND_PREFIX = "python -m bench.load.loadgen "  # the command as run from the repository (no machine path)


def stack_target(replicas: int, actions: int) -> StackTarget:
    """A `tendik stack` of its own (a throw-away data folder: its own PostgreSQL cluster, Redis and
    secrets), started after the harness's Bot API so the bot's webhook is registered there, and
    removed with its data at the end."""
    data = Path(tempfile.mkdtemp(prefix="tendik-load-stack-"))
    os.environ.setdefault("TENDIK_TELEGRAM_ID_SECRET", secrets.token_urlsafe(32))  # the harness and the bot alike
    env = ["env", f"TENDIK_DATA_DIR={data}"]
    cli = [sys.executable, "-m", "tendik.ops.cli", "stack"]
    up = [*env, *cli, "up", "--rasa", str(replicas), "--actions", str(actions), "--telegram", "--web",
          "--port", str(free_port()), "--internal-port", str(free_port())]
    return StackTarget(data / "stack" / "state.json", up_cmd=up, restart_cmd=[*env, *cli, "restart"],
                       down_cmd=[*env, *cli, "down", "--purge"])


def make_target(args: argparse.Namespace) -> Target:
    if args.stack_up:
        return stack_target(args.stack_up, args.stack_actions)
    if args.stack_state:
        return StackTarget(Path(args.stack_state))
    return ServicesTarget(telegram=not args.no_telegram, web=not args.no_web, postgres=args.postgres)


async def main_async(args: argparse.Namespace) -> dict:
    target = make_target(args)
    gen = LoadGenerator(target, telegram=not args.no_telegram, web=not args.no_web, seed=args.seed, bot_api_port=args.bot_api_port,
                        widget_waits=args.widget_waits)
    try:
        await gen.start()
        if args.warmup:
            await gen.run_phase(20, 2.0, 0, args.warmup, 30)
        if args.cmd == "run":
            r = await gen.run_phase(args.users, args.rate, args.ramp, args.steady, args.drain, Fault.parse(args.faults or ""))
            result: dict = {"kind": "run", "command": COMMAND_PREFIX + " ".join(sys.argv[1:]), "run": r}
            r["params"]["widget_waits"] = args.widget_waits
            result["markdown"] = md_run(r, f"{args.users} users, {args.rate} msg/s")
        else:
            steps, last_good = [], None
            for rate in [float(x) for x in args.rates.split(",")]:
                logger.info("saturation step: %s msg/s for %s s", rate, args.step)
                r = await gen.run_phase(args.users, rate, args.ramp, args.step, args.drain)
                steps.append(r)
                logger.info("  answered %s/s p95 %s ms lost %s unavailable %s errors %s", r["answered_per_s"],
                            r["latency_complete_ms"]["p95"], r["lost"], r["unavailable"], r["errors"])
                if not r["meets_targets"]:
                    break
                last_good = rate
                await asyncio.sleep(args.pause)
            result = {"kind": "saturation", "command": COMMAND_PREFIX + " ".join(sys.argv[1:]), "steps": steps, "last_good_rate": last_good}
            result["markdown"] = md_saturation(steps, last_good) + "\n" + "\n".join(
                md_run(s, f"step {s['params']['rate_msg_per_s']} msg/s") for s in steps)
        return result
    finally:
        await gen.close()
        await asyncio.to_thread(target.stop)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("run", "saturate"):
        p = sub.add_parser(name)
        p.add_argument("--users", type=int, default=1000)
        p.add_argument("--ramp", type=float, default=10.0 if name == "saturate" else 30.0, help="seconds to start all users")
        p.add_argument("--drain", type=float, default=60.0, help="seconds after the last message to wait for replies")
        p.add_argument("--warmup", type=float, default=0.0, help="seconds of light load first (not reported)")
        p.add_argument("--widget-waits", action="store_true",
                       help="a widget user sends its next message only after the previous reply, as the real widget does")
        p.add_argument("--no-telegram", action="store_true")
        p.add_argument("--no-web", action="store_true")
        p.add_argument("--postgres", action="store_true", help="Services on a throw-away PostgreSQL cluster instead of SQLite")
        p.add_argument("--stack-state", help="attach to a running `tendik stack` (its state.json) instead of starting Services")
        p.add_argument("--stack-up", type=int, default=0, metavar="N",
                       help="start a `tendik stack` of its own with N Rasa replicas (nginx, PostgreSQL, Redis, bot webhook, widget)")
        p.add_argument("--stack-actions", type=int, default=1, metavar="M", help="action servers of --stack-up (1)")
        p.add_argument("--bot-api-port", type=int, default=0, help="port of the local Bot API (0: a free one)")
        p.add_argument("--seed", type=int, default=7)
        p.add_argument("--json", help="write the JSON report here")
        p.add_argument("--md", help="write the Markdown summary here")
    run = sub.choices["run"]
    run.add_argument("--rate", type=float, default=33.3, help="offered messages per second (all users)")
    run.add_argument("--steady", type=float, default=180.0, help="seconds of steady load")
    run.add_argument("--faults", help='"SECONDS:ACTION,...": kill:<component>, restart:<component>, botapi:<429|500|502>:<seconds>')
    sat = sub.choices["saturate"]
    sat.add_argument("--rates", default="5,10,15,20,30,40")
    sat.add_argument("--step", type=float, default=45.0, help="seconds of steady load per rate")
    sat.add_argument("--pause", type=float, default=5.0, help="seconds between steps")
    args = parser.parse_args(argv)
    if args.steady if args.cmd == "run" else args.step:
        bound = (args.rate if args.cmd == "run" else max(float(x) for x in args.rates.split(","))) * (
            args.ramp + (args.steady if args.cmd == "run" else args.step))
        if bound > MAX_MESSAGES:
            parser.error(f"about {bound:.0f} messages: more than the bound of {MAX_MESSAGES}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    result = asyncio.run(main_async(args))
    md = result.pop("markdown")
    print(md)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.md:
        Path(args.md).write_text(md + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
