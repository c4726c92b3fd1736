"""Broadcasts through the job queue on Redis (tendik.telegram.broadcast_queue): real worker
processes (python -m tendik.telegram.broadcast_worker), a throw-away Redis, SQLite and PostgreSQL,
the local Bot API server over real HTTP. What is checked is what the Bot API server received: each
subscriber exactly one card, no send while a 429 pause holds, the global rate in every one-second
window, and after a ``kill -9`` of a worker nothing skipped except rows proven uncertain."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.broadcast.bench_broadcast import max_per_window
from tendik.common.db import make_engine
from tendik.db.migrate import ensure_schema
from tendik.telegram.storage import Store
from tests.conftest import stop_process
from tests.fakes.telegram_api import LocalBotAPI, LoopThread

ROOT = Path(__file__).resolve().parents[2]
RATE = 40.0
FIRST_CHAT = 9_300_000_000


@dataclass
class QueueRig:
    lt: LoopThread
    api: LocalBotAPI
    store: Store
    db_url: str
    redis_url: str
    tmp: Path
    chats: list[int] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TENDIK_")}
        env.update(
            TENDIK_DB_URL=self.db_url, TENDIK_REDIS_URL=self.redis_url, TENDIK_TELEGRAM_TOKEN=self.api.token,
            TENDIK_TELEGRAM_API_URL=self.api.url, TENDIK_TELEGRAM_BROADCAST_RATE=str(RATE), TENDIK_TELEGRAM_CHAT_INTERVAL="1",
            TENDIK_TELEGRAM_BROADCAST_LEASE="5", TENDIK_TELEGRAM_BROADCAST_BATCH="10", TENDIK_TELEGRAM_BROADCAST_JOBS="3",
            TENDIK_DATA_DIR=str(self.tmp / "data"), TENDIK_TELEGRAM_ID_SECRET="test-secret-of-the-queue-tests",
        )
        env.update(extra)
        return env

    def subscribe(self, n: int) -> None:
        start = FIRST_CHAT + len(self.chats)
        for i in range(n):
            chat = start + i
            self.api.ensure_private_chat(chat)
            self.store.subscribe.sync(self.store, f"tg-q{chat}", chat, "kk" if i % 2 else "ru")
            self.chats.append(chat)

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tendik.telegram.broadcast", *args], cwd=ROOT, env=self.env(),
                              capture_output=True, text=True, timeout=120)

    def start_workers(self, k: int) -> None:
        for _ in range(k):
            log = open(self.tmp / f"worker{len(self.workers)}.log", "w")  # noqa: SIM115 - closed with the process
            self.workers.append(subprocess.Popen([sys.executable, "-m", "tendik.telegram.broadcast_worker"], cwd=ROOT, env=self.env(),
                                                 stdout=log, stderr=subprocess.STDOUT))

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n" + p.read_text()[-3000:] for p in sorted(self.tmp.glob("worker*.log")))

    def wait_done(self, bid: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.store.get_broadcast.sync(self.store, bid)["status"] == "done":
                return
            time.sleep(0.3)
        pytest.fail(f"broadcast not finished: {self.store.progress.sync(self.store, bid)}\n{self.logs()}")

    def sends(self) -> list:
        return [c for c in self.api.calls_of("sendMessage")]

    def cards_per_chat(self) -> Counter:
        return Counter(int(c.params["chat_id"]) for c in self.sends() if c.status == 200)

    def states(self, bid: str) -> dict[str, str]:
        with self.store.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT s.chat_id, d.state FROM tendik_tg_deliveries d JOIN tendik_tg_subscriptions s ON s.sender_id = d.sender_id "
                "WHERE d.broadcast_id = ?" if self.db_url.startswith("sqlite") else
                "SELECT s.chat_id, d.state FROM tendik_tg_deliveries d JOIN tendik_tg_subscriptions s ON s.sender_id = d.sender_id "
                "WHERE d.broadcast_id = %s", (bid,),
            ).all()
        return {int(chat): state for chat, state in rows}

    def send(self) -> str:
        done = self.cli("send", "--workers", "--yes", "--no-wait")
        assert done.returncode == 0, done.stderr + done.stdout
        assert "queued" in done.stdout, done.stdout
        return self.store.unfinished_broadcast.sync(self.store)["id"]


@pytest.fixture(params=["sqlite", "postgresql"])
def rig(request: pytest.FixtureRequest, redis_url: str, tmp_path: Path) -> Iterator[QueueRig]:
    db_url = f"sqlite:///{tmp_path / 'bot.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    engine = make_engine(db_url)
    ensure_schema(engine)
    lt = LoopThread("queue-bot-api")
    api = LocalBotAPI()
    lt.run(api.start())
    r = QueueRig(lt, api, Store(engine), db_url, redis_url, tmp_path)
    try:
        yield r
    finally:
        for w in r.workers:
            stop_process(w)
        lt.run(api.stop())
        lt.close()
        engine.dispose()


def test_workers_send_each_subscriber_exactly_once_within_the_global_rate(rig: QueueRig) -> None:
    rig.subscribe(150)
    blocked = rig.chats[3::40]  # 4 users who blocked the bot
    for chat in blocked:
        rig.api.block_chat(chat)
    bid = rig.send()
    rig.api.fail_next("sendMessage", times=1, retry_after=3)  # the first send gets 429 retry_after 3
    rig.start_workers(3)
    rig.wait_done(bid)

    cards = rig.cards_per_chat()
    states = rig.states(bid)
    missing = set(rig.chats) - set(blocked) - set(cards)
    assert not missing, f"skipped: {[(c, states.get(c)) for c in missing]}\n{rig.logs()}"
    assert set(cards) == set(rig.chats) - set(blocked)
    assert max(cards.values()) == 1, [c for c, n in cards.items() if n > 1]
    assert {c for c, s in states.items() if s == "blocked"} == set(blocked)
    assert Counter(states.values()) == {"sent": 146, "blocked": 4}
    for chat in blocked:
        assert rig.store.get_subscription.sync(rig.store, f"tg-q{chat}").blocked_at is not None

    # The 429 paused every worker: nothing reached the server while it lasted (after the second the
    # worker that got it needs, on a loaded machine, to tell the others through Redis).
    assert len(rig.api.retry_after_hits) == 1
    hit = rig.api.retry_after_hits[0][1]
    during = [c.at for c in rig.sends() if hit + 1.0 < c.at < hit + 3 - 0.05]
    assert during == [], f"{len(during)} sends during the 429 pause"
    # Three workers together kept the one global rate (the server's clock, per one-second window).
    times = [c.at for c in rig.sends()]
    assert max_per_window(times) <= RATE * 1.15 + 2, max_per_window(times)
    assert len(times) == 146 + 4 + 1  # the 429 and the blocked ones were requests too

    out = rig.cli("status")
    assert out.returncode == 0 and f"{bid}" in out.stdout and "sent 146" in out.stdout and "done" in out.stdout, out.stdout


def test_a_worker_killed_hard_midway_costs_only_uncertain_rows(rig: QueueRig) -> None:
    rig.subscribe(240)
    rig.api.delays["sendmessage"] = 0.05  # requests take a while: the kill hits some in flight
    bid = rig.send()
    rig.start_workers(3)
    deadline = time.monotonic() + 60
    while len(rig.sends()) < 60 and time.monotonic() < deadline:
        time.sleep(0.05)
    victim = rig.workers[0]
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    sent_at_kill = len(rig.sends())
    assert sent_at_kill < 200, "the broadcast was nearly over before the kill"
    rig.wait_done(bid)

    cards = rig.cards_per_chat()
    states = rig.states(bid)
    uncertain = {c for c, s in states.items() if s == "uncertain"}
    assert max(cards.values()) == 1, "a card was sent twice"
    skipped = set(rig.chats) - set(cards)
    assert skipped <= uncertain, f"skipped without being uncertain: {skipped - uncertain}"
    assert all(states[c] == "sent" for c in set(rig.chats) - uncertain)
    assert len(uncertain) <= 3, uncertain  # at most one request in flight per job of the killed worker
    out = rig.cli("status")
    assert out.returncode == 0 and "done" in out.stdout, out.stdout
    if uncertain:
        assert f"uncertain {len(uncertain)}" in out.stdout, out.stdout


def test_a_worker_killed_between_taking_a_job_and_its_batch_is_recovered(rig: QueueRig) -> None:
    """arq marks a job "in progress" for its timeout (hours) when a worker takes it; a worker killed
    before the job took its batch left that batch neither queued nor started. The sweeper gives it
    to another worker once it has been in progress longer than the lease."""
    rig.subscribe(30)
    bid = rig.send()  # 3 batches of 10
    log = open(rig.tmp / "worker-dying.log", "w")  # noqa: SIM115 - closed below
    dying = subprocess.Popen([sys.executable, "-m", "tests.fakes.dying_broadcast_worker"], cwd=ROOT, env=rig.env(),
                             stdout=log, stderr=subprocess.STDOUT)
    try:
        assert dying.wait(60) == -signal.SIGKILL
    finally:
        stop_process(dying)
        log.close()
    assert "dying" in (rig.tmp / "worker-dying.log").read_text()
    assert rig.sends() == []
    rig.start_workers(2)
    rig.wait_done(bid, timeout=120)
    cards = rig.cards_per_chat()
    assert set(cards) == set(rig.chats), f"skipped: {set(rig.chats) - set(cards)}\n{rig.logs()}"
    assert max(cards.values()) == 1
    assert set(rig.states(bid).values()) == {"sent"}  # nothing was in flight: nothing uncertain
    assert "queued again" in rig.logs()


def test_send_with_workers_needs_redis(rig: QueueRig) -> None:
    rig.subscribe(2)
    done = subprocess.run([sys.executable, "-m", "tendik.telegram.broadcast", "send", "--workers", "--yes", "--no-wait"], cwd=ROOT,
                          env=rig.env(TENDIK_REDIS_URL=""), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "TENDIK_REDIS_URL" in done.stderr
