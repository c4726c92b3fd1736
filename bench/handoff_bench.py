"""The operators' inbox measured: `python -m bench.handoff_bench [--cases 50] [--db-url URL]` (.venv).

Against the real review server (``python -m tendik.review serve`` as its own process, on a free
port) and a fresh database (a temporary SQLite file, or ``--db-url``: an empty PostgreSQL database,
for example), for each of ``--cases`` cases one after another:

* **case -> inbox**: from ``tendik.handoff.store.open_case`` (what a front end does right after the
  user's consent) until the case is on the queue page (an operator's HTTP GET of ``/inbox`` through
  the server, polled every ``--poll`` seconds);
* **reply -> deliverable**: from the start of the operator's reply POST (the CSRF-protected form
  of the case page, the case already taken) until the reply is among ``store.undelivered`` for the
  case's channel (what the Telegram loop and the widget read).

Each case is then delivered and closed, so the queue holds only the case being measured. p50/p95
of both are printed and written to bench/HANDOFF.md (the part above the notes marker) with the
machine's load; ``--json`` also writes the raw numbers.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

from tendik.common.db import make_engine
from tendik.db import migrate
from tendik.handoff import store
from tendik.ops.services import free_port
from tendik.review import auth

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "bench" / "HANDOFF.md"
NOTES_MARKER = "<!-- notes: everything below is kept when bench/handoff_bench.py rewrites this file -->"
OPERATOR = ("bench-operator", "bench operator password 1")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SUMMARY = {"lang": "ru", "situation": "беременность, увольнение", "messages": ["меня уволили, когда узнали о беременности"]}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class Server:
    """The review server as a process of its own, and an operator's logged-in HTTP session."""

    def __init__(self, db_url: str, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TENDIK_")}
        env.update(PYTHONPATH=str(ROOT), TENDIK_DB_URL=db_url, TENDIK_REVIEW_SECRET="bench-" + uuid.uuid4().hex,
                   TENDIK_HANDOFF_HOURS="always", TENDIK_DATA_DIR=str(log.parent), TENDIK_REVIEW_SYNC_SECONDS="0")
        self._log = open(log, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "tendik.review", "serve", "--port", str(self.port)], cwd=ROOT, env=env,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while True:
            if self.proc.poll() is not None or time.time() > deadline:
                raise SystemExit("the review server did not start:\n" + log.read_text(errors="replace")[-3000:])
            try:
                requests.get(self.base + "/login", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        self.http = requests.Session()
        self.http.headers["Origin"] = self.base
        page = self.http.get(self.base + "/login")
        r = self.http.post(self.base + "/login", data={"username": OPERATOR[0], "password": OPERATOR[1], "next": "/inbox",
                                                        "csrf_token": CSRF.search(page.text).group(1)}, allow_redirects=False)
        if r.status_code != 302:
            raise SystemExit(f"login failed: {r.status_code}")
        self.csrf = CSRF.search(self.http.get(self.base + "/inbox").text).group(1)

    def post(self, path: str, **form: str) -> None:
        r = self.http.post(self.base + path, data={**form, "csrf_token": self.csrf}, allow_redirects=False)
        if r.status_code != 302:
            raise SystemExit(f"POST {path}: {r.status_code}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


def run(db_url: str, cases: int, poll: float, workdir: Path) -> dict:
    migrate.upgrade(db_url)
    engine = make_engine(db_url)
    if auth.get_user(engine, OPERATOR[0]) is None:
        auth.add_user(engine, OPERATOR[0], OPERATOR[1], "operator")
    server = Server(db_url, workdir / "review.log")
    to_inbox: list[float] = []
    to_delivery: list[float] = []
    gets = 0
    try:
        for i in range(cases):
            channel = "web" if i % 2 else "telegram"
            started = time.perf_counter()
            case, _ = store.open_case(engine, sender_id=f"bench-{uuid.uuid4().hex[:12]}", channel=channel, language="ru",
                                      summary=SUMMARY, chat_id=None if channel == "web" else 1000 + i)
            marker = f'data-case="{case.id}"'
            while True:
                gets += 1
                if marker in server.http.get(server.base + "/inbox").text:
                    break
                time.sleep(poll)
            to_inbox.append(time.perf_counter() - started)

            server.post(f"/inbox/{case.id}/claim")
            started = time.perf_counter()
            server.post(f"/inbox/{case.id}/reply", text=f"Ответ оператора номер {i}")
            while True:
                pending = [line for c, line in store.undelivered(engine, channel) if c.id == case.id and line.kind == "text"]
                if pending:
                    break
                time.sleep(poll)
            to_delivery.append(time.perf_counter() - started)

            server.post(f"/inbox/{case.id}/close")
            for _, line in store.undelivered(engine, channel):
                store.take_for_delivery(engine, line.id)
    finally:
        server.stop()
        engine.dispose()
    return {"cases": cases, "poll_s": poll, "queue_gets": gets, "case_to_inbox_s": to_inbox, "reply_to_deliverable_s": to_delivery}


def summary_table(result: dict, db_kind: str) -> str:
    def ms(values: list[float], q: float) -> str:
        return f"{1000 * percentile(values, q):.1f}"

    rows = [("case opened -> on the inbox page (GET /inbox polled)", result["case_to_inbox_s"]),
            ("operator's reply POST -> in store.undelivered", result["reply_to_deliverable_s"])]
    out = [f"| step ({db_kind}) | p50 ms | p95 ms | max ms |", "|---|---|---|---|"]
    out += [f"| {name} | {ms(v, 0.5)} | {ms(v, 0.95)} | {1000 * max(v):.1f} |" for name, v in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.handoff_bench", description=__doc__.split("\n")[0])
    p.add_argument("--cases", type=int, default=50)
    p.add_argument("--poll", type=float, default=0.02, help="seconds between two polls (default 0.02)")
    p.add_argument("--db-url", default="", help="an empty database instead of the temporary SQLite file")
    p.add_argument("--postgres", action="store_true", help="also on a throw-away PostgreSQL cluster (tests/helpers/pg_cluster.py)")
    p.add_argument("--json", type=Path, default=None, help="also write the raw numbers here")
    p.add_argument("--no-report", action="store_true", help="do not rewrite bench/HANDOFF.md")
    args = p.parse_args(argv)
    load_before = os.getloadavg()[0]
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        db_url = args.db_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        results.append({"db": db_url.split(":", 1)[0].split("+", 1)[0], **run(db_url, args.cases, args.poll, Path(tmp))})
        if args.postgres:
            sys.path.insert(0, str(ROOT))
            from tests.helpers.pg_cluster import throwaway_cluster

            with throwaway_cluster("tendik_handoff_bench") as url:
                results.append({"db": "postgresql", **run(url, args.cases, args.poll, Path(tmp))})
    load_after = os.getloadavg()[0]
    tables = "\n\n".join(summary_table(r, r["db"]) for r in results)
    print(tables)
    meta = {"load_before": load_before, "load_after": load_after, "cpus": os.cpu_count(), "python": platform.python_version(),
            "date": datetime.date.today().isoformat()}
    if args.json:
        args.json.write_text(json.dumps({**meta, "runs": results}, indent=1) + "\n")
    if not args.no_report:
        command = f"python -m bench.handoff_bench --cases {args.cases}" + (" --postgres" if args.postgres else "")
        head = (
            "# Handoff: from a case to the inbox, from a reply to delivery\n\n"
            f"`{command}` ({meta['date']}; {args.cases} cases one after another per database, polling every "
            f"{1000 * args.poll:.0f} ms; the real review server as its own process; "
            f"{', '.join(r['db'] for r in results)}{' (throw-away cluster, fsync off)' if args.postgres else ''}).\n"
            f"Machine: {meta['cpus']} CPUs, Python {meta['python']}, 1-minute load average {load_before:.2f} before and "
            f"{load_after:.2f} after (other sessions share the machine: the p95 reflects them).\n\n" + tables + "\n\n"
        )
        old = REPORT.read_text() if REPORT.exists() else ""
        notes = old.split(NOTES_MARKER, 1)[1] if NOTES_MARKER in old else "\n"
        REPORT.write_text(head + NOTES_MARKER + notes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
