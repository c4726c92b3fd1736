"""Benchmark: a broadcast to N simulated subscribers through the job queue on Redis, sent by K
worker processes (python -m tendik.telegram.broadcast_worker) to the local Bot API server
(tests/fakes/telegram_api.py, in a process of its own, counting what it receives), optionally with
one worker killed with SIGKILL in the middle.

    .venv/bin/python bench/broadcast/bench_broadcast.py --subscribers 100000 --workers 4 --rate 30 --kill-at 0.3
    .venv/bin/python bench/broadcast/bench_broadcast.py --subscribers 20000 --workers 4 --rate 300

It starts its own throw-away Redis and PostgreSQL (tests/helpers/pg_cluster.py; ``--db sqlite``
for a SQLite file), inserts the subscribers, enqueues with ``broadcast send --workers --no-wait``
and measures at the Bot API server: cards per chat (duplicates must be 0), chats that got none
(skipped: only rows the database calls uncertain), sends per minute; and CPU and memory of the
workers and of Redis (from /proc). Results: a JSON file (``--out``) and a summary on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
FIRST_CHAT = 5_000_000_000
TICK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- the Bot API server process
def serve(port: int) -> None:
    """A LocalBotAPI that knows every chat, keeps only counts and send times (100k chats cheaply),
    and answers GET /stats."""
    from aiohttp import web

    from tests.fakes.telegram_api import APIError, LocalBotAPI

    class CountingBotAPI(LocalBotAPI):
        def __init__(self) -> None:
            super().__init__()
            self.cards: Counter = Counter()
            self.sent_at: list[float] = []
            self.statuses: Counter = Counter()

        def _chat(self, chat_id: int) -> dict[str, Any]:
            return {"id": chat_id, "type": "private", "first_name": "Subscriber"}

        async def m_sendmessage(self, params: dict) -> dict:
            chat_id = int(params.get("chat_id") or 0)
            if chat_id in self.blocked:
                raise APIError(403, "Forbidden: bot was blocked by the user")
            self.cards[chat_id] += 1
            self.sent_at.append(time.time())
            return {"message_id": self.cards[chat_id], "date": int(time.time()), "chat": self._chat(chat_id),
                    "from": self.me(), "text": "card"}

        async def _handle(self, request: web.Request) -> web.Response:
            response = await super()._handle(request)
            for call in self.calls:
                self.statuses[call.status] += 1
            self.calls.clear()  # keep nothing per request
            return response

        async def stats(self, request: web.Request) -> web.Response:
            dup = {c: n for c, n in self.cards.items() if n > 1}
            return web.json_response({
                "chats_with_a_card": len(self.cards), "cards": sum(self.cards.values()), "duplicates": len(dup),
                "statuses": {str(k): v for k, v in self.statuses.items()}, "sent_at": self.sent_at,
                "chats": sorted(self.cards) if request.query.get("chats") else None,
            })

    async def run() -> None:
        api = CountingBotAPI()
        api._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_get("/stats", api.stats)
        app.router.add_route("*", "/bot{token}/{method}", api._handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        print(f"ready {api.token}", flush=True)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        await runner.cleanup()

    asyncio.run(run())


# ---------------------------------------------------------------- helpers
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port}")


def proc_usage(pid: int) -> tuple[float, int]:
    """(CPU seconds, resident memory in KiB) of a process, 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICK
        rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:"))
        return cpu, rss
    except (OSError, StopIteration, IndexError):
        return 0.0, 0


def fetch_stats(port: int, chats: bool = False) -> dict[str, Any]:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats{'?chats=1' if chats else ''}", timeout=120) as r:
        return json.loads(r.read())


def insert_subscribers(db_url: str, n: int, blocked_every: int) -> list[int]:
    from sqlalchemy import insert

    from tendik.common.db import make_engine
    from tendik.db.migrate import ensure_schema
    from tendik.telegram.storage import subscriptions

    engine = make_engine(db_url)
    ensure_schema(engine)
    now = time.time()
    rows = [{"sender_id": f"tg-b{FIRST_CHAT + i}", "chat_id": FIRST_CHAT + i, "language": "kk" if i % 2 else "ru", "subscribed_at": now,
             "blocked_at": None, "last_card": None, "seen_cards": "", "cards_sent": 0} for i in range(n)]
    with engine.begin() as conn:
        for i in range(0, n, 5000):
            conn.execute(insert(subscriptions), rows[i:i + 5000])
    engine.dispose()
    return [FIRST_CHAT + i for i in range(n)]


def db_rows(db_url: str, bid: str) -> dict[str, Any]:
    from sqlalchemy import select

    from tendik.common.db import make_engine
    from tendik.telegram.storage import deliveries, subscriptions

    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(subscriptions.c.chat_id, deliveries.c.state, deliveries.c.error)
            .join(subscriptions, subscriptions.c.sender_id == deliveries.c.sender_id).where(deliveries.c.broadcast_id == bid)
        ).all()
    engine.dispose()
    return {"states": Counter(r.state for r in rows), "by_chat": {int(r.chat_id): r.state for r in rows}}


# ---------------------------------------------------------------- the run
def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--subscribers", type=int, default=100_000)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--jobs", type=int, default=4, help="jobs at once per worker")
    p.add_argument("--batch", type=int, default=50)
    p.add_argument("--rate", type=float, default=30.0)
    p.add_argument("--kill-at", type=float, default=0.0, help="kill -9 one worker when this share of cards is sent (0: no kill)")
    p.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.serve:
        serve(args.serve)
        return

    tmp = Path(tempfile.mkdtemp(prefix="tendik-bench-broadcast-"))
    procs: list[subprocess.Popen] = []
    cluster = None
    result: dict[str, Any] = {"subscribers": args.subscribers, "workers": args.workers, "jobs_per_worker": args.jobs,
                              "batch": args.batch, "rate": args.rate, "db": args.db, "kill_at": args.kill_at}
    try:
        redis_port = free_port()
        redis = subprocess.Popen([shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no", "--dir", str(tmp)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        procs.append(redis)
        wait_port(redis_port)
        if args.db == "postgresql":
            from tests.helpers.pg_cluster import PgCluster

            cluster = PgCluster().start()
            db_url = cluster.create_db("bench_broadcast")
        else:
            db_url = f"sqlite:///{tmp / 'bot.db'}"
        api_port = free_port()
        api = subprocess.Popen([sys.executable, __file__, "--serve", str(api_port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        procs.append(api)
        token = api.stdout.readline().split()[1]  # "ready <token>"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TENDIK_")}
        env.update(TENDIK_DB_URL=db_url, TENDIK_REDIS_URL=f"redis://127.0.0.1:{redis_port}/0", TENDIK_TELEGRAM_TOKEN=token,
                   TENDIK_TELEGRAM_API_URL=f"http://127.0.0.1:{api_port}", TENDIK_TELEGRAM_BROADCAST_RATE=str(args.rate),
                   TENDIK_TELEGRAM_BROADCAST_BATCH=str(args.batch), TENDIK_TELEGRAM_BROADCAST_JOBS=str(args.jobs),
                   TENDIK_DATA_DIR=str(tmp / "data"), TENDIK_TELEGRAM_ID_SECRET="bench-secret")

        t0 = time.time()
        chats = insert_subscribers(db_url, args.subscribers, 0)
        result["insert_s"] = round(time.time() - t0, 1)
        t0 = time.time()
        out = subprocess.run([sys.executable, "-m", "tendik.telegram.broadcast", "send", "--workers", "--yes", "--no-wait"], cwd=ROOT, env=env,
                             capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stdout + out.stderr)
        result["enqueue_s"] = round(time.time() - t0, 1)
        print(out.stdout.strip(), flush=True)
        bid = out.stdout.split("broadcast ", 1)[1].split(":", 1)[0].split()[0]

        workers = []
        for i in range(args.workers):
            log = open(tmp / f"worker{i}.log", "w")  # noqa: SIM115
            workers.append(subprocess.Popen([sys.executable, "-m", "tendik.telegram.broadcast_worker"], cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT))
        procs.extend(workers)
        started = time.time()
        killed: dict[str, Any] | None = None
        samples = []
        peak_rss = {"workers": 0, "redis": 0}
        while True:
            time.sleep(5)
            stats = fetch_stats(api_port)
            sent = stats["cards"]
            rss_workers = sum(proc_usage(w.pid)[1] for w in workers if w.poll() is None)
            rss_redis = proc_usage(redis.pid)[1]
            peak_rss["workers"] = max(peak_rss["workers"], rss_workers)
            peak_rss["redis"] = max(peak_rss["redis"], rss_redis)
            samples.append({"t": round(time.time() - started, 1), "sent": sent})
            if args.kill_at and killed is None and sent >= args.kill_at * args.subscribers:
                victim = workers[0]
                cpu_before = proc_usage(victim.pid)[0]
                os.kill(victim.pid, signal.SIGKILL)
                victim.wait()
                killed = {"at_s": round(time.time() - started, 1), "sent_at_kill": sent, "victim_cpu_s": cpu_before}
                print(f"killed worker {victim.pid} after {killed['at_s']} s, {sent} sent", flush=True)
            if len(samples) % 12 == 0:
                print(f"{samples[-1]['t']:>7.0f} s  sent {sent}  ({(sent - samples[-12]['sent']) / 60:.1f}/s last minute)", flush=True)
            if sent >= args.subscribers or all(w.poll() is not None for w in workers):
                # the database's word: finished?
                rows = db_rows(db_url, bid)
                if not rows["states"].get("pending") and not rows["states"].get("sending"):
                    break
        finished = time.time() - started
        cpu = {f"worker{i}": round(proc_usage(w.pid)[0], 1) for i, w in enumerate(workers) if w.poll() is None}
        cpu["redis"] = round(proc_usage(redis.pid)[0], 1)
        # the broadcast row is closed by the last batch or the sweeper within a few seconds
        stats = fetch_stats(api_port, chats=True)
        rows = db_rows(db_url, bid)
        got = set(stats["chats"])
        uncertain = {c for c, s in rows["by_chat"].items() if s == "uncertain"}
        skipped = set(chats) - got
        per_minute = Counter(int((t - stats["sent_at"][0]) // 60) for t in stats["sent_at"])
        result.update({
            "time_to_finish_s": round(finished, 1),
            "first_to_last_send_s": round(stats["sent_at"][-1] - stats["sent_at"][0], 1) if stats["sent_at"] else 0,
            "first_send_after_start_s": round(stats["sent_at"][0] - started, 1) if stats["sent_at"] else 0,
            "cards_received": stats["cards"], "chats_with_a_card": stats["chats_with_a_card"], "duplicates": stats["duplicates"],
            "skipped": len(skipped), "skipped_not_uncertain": len(skipped - uncertain),
            "uncertain": len(uncertain), "uncertain_delivered": len(uncertain & got), "db_states": dict(rows["states"]),
            "statuses_at_server": stats["statuses"],
            "rate_overall_per_s": round(stats["cards"] / max(1e-9, stats["sent_at"][-1] - stats["sent_at"][0]), 2) if stats["sent_at"] else 0,
            "per_minute": [per_minute.get(m, 0) for m in range(max(per_minute) + 1)] if per_minute else [],
            "max_in_1s_window": max_per_window(stats["sent_at"]), "kill": killed,
            "cpu_s": cpu, "peak_rss_mib": {k: round(v / 1024, 1) for k, v in peak_rss.items()},
        })
        status = subprocess.run([sys.executable, "-m", "tendik.telegram.broadcast", "status"], cwd=ROOT, env=env, capture_output=True, text=True)
        result["status_output"] = status.stdout.strip().splitlines()[:3]
        text = json.dumps(result, indent=1)
        print(text)
        if args.out:
            args.out.write_text(text + "\n")
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if cluster is not None:
            cluster.stop()
        print(f"worker logs: {tmp}", flush=True)


def max_per_window(times: list[float], window: float = 1.0) -> int:
    """The most sends in any ``window`` seconds (sliding, starting at each send); the tests use it too."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] < t - window + 1e-9:
            j += 1
        best = max(best, i - j + 1)
    return best


if __name__ == "__main__":
    main()
