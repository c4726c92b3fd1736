"""Handing a conversation to a person, end to end as a worker and an operator see it:
`python -m bench.handoff_e2e_bench [--cases 10] [--poll 0.1]` (.venv; starts Rasa, the action server and
the widget service from the current build, and the review server, on free ports with a fresh SQLite
database).

Per case, through the widget's own API (POST /api/chat) and the review app's own forms:
* **consent -> inbox**: from sending the consent button (``/handoff_consent{"handoff_share":"yes"}``,
  after ``/request_human``) to the case being listed on the operator's inbox page (GET /inbox, polled
  every ``--poll`` seconds);
* **reply -> delivered**: from the operator's reply POST (the case already claimed) to the reply coming
  back from the widget's update call (POST /api/handoff/updates, polled every ``--poll`` seconds; the
  widget itself polls every 3 s, which adds up to 3 s to what a user sees).
Writes the section between the markers in bench/HANDOFF.md and prints it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.forms_bench import free_port
from bench.handoff_bench import OPERATOR, Server
from bench.metrics import percentile
from tendik.common.db import make_engine
from tendik.db import migrate
from tendik.handoff import store
from tendik.review import auth
from tendik.web.validate import sender_id

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "bench" / "HANDOFF.md"
START, END = "<!-- e2e:start -->", "<!-- e2e:end -->"


def post(base: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Origin": base})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())


def run(cases: int, poll: float, tmp: Path) -> dict[str, list[float]]:
    from tendik.ops.services import Services

    db_url = f"sqlite:///{tmp}/handoff.db"
    migrate.upgrade(db_url)
    engine = make_engine(db_url)
    auth.add_user(engine, OPERATOR[0], OPERATOR[1], "operator")
    services = Services(free_port(), free_port(), db_url, tmp / "logs", web_port=free_port(),
                        extra_env={"TENDIK_HANDOFF_HOURS": "always"})
    consent_to_inbox: list[float] = []
    reply_to_delivered: list[float] = []
    review = None
    try:
        print("[handoff] starting Rasa, the action server, the widget service and the review app ...", flush=True)
        services.start()  # with web_port: the widget service too
        review = Server(db_url, tmp / "review.log")
        web = services.web_url
        for i in range(cases):
            key = secrets.token_hex(32)
            lang = ("kk", "ru")[i % 2]
            post(web, "/api/chat", {"conversation_key": key, "message": "/request_human", "language": lang})
            started = time.perf_counter()
            post(web, "/api/chat", {"conversation_key": key, "message": '/handoff_consent{"handoff_share":"yes"}', "language": lang})
            case = store.open_case_for(engine, sender_id(key))
            assert case is not None, "the consent opened no case"
            while f'data-case="{case.id}"' not in review.http.get(review.base + "/inbox").text:
                time.sleep(poll)
            consent_to_inbox.append(time.perf_counter() - started)
            review.post(f"/inbox/{case.id}/claim")
            after = post(web, "/api/handoff/updates", {"conversation_key": key, "after": 0, "language": lang})["handoff"]["after"]
            text = f"Ответ оператора {i}"
            started = time.perf_counter()
            review.post(f"/inbox/{case.id}/reply", text=text)
            while True:
                got = post(web, "/api/handoff/updates", {"conversation_key": key, "after": after, "language": lang})
                if any(text in (m.get("text") or "") for m in got["messages"]):
                    break
                after = got["handoff"]["after"]
                time.sleep(poll)
            reply_to_delivered.append(time.perf_counter() - started)
            review.post(f"/inbox/{case.id}/close")
            print(f"[handoff] {i + 1}/{cases}", flush=True)
    finally:
        if review is not None:
            review.stop()
        services.stop()
        engine.dispose()
    return {"consent -> on the operator's inbox page": consent_to_inbox, "operator's reply -> delivered to the widget": reply_to_delivered}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.handoff_e2e_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--poll", type=float, default=0.1)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        result = run(args.cases, args.poll, Path(tmp))
    lines = [START, "## End to end: the worker's consent to the inbox, the operator's reply to the worker", "",
             f"`python -m bench.handoff_e2e_bench --cases {args.cases} --poll {args.poll}` "
             f"({dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; SQLite; the widget's API and the review app's forms "
             f"through their real servers; polled every {args.poll} s; 1-minute load average {load:.2f} before). The widget polls "
             "every 3 s and the Telegram bot looks for replies every 2 s (TENDIK_TELEGRAM_HANDOFF_EVERY): a user sees a reply up "
             "to that much later than measured here.", "",
             "| step | n | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|"]
    for step, values in result.items():
        ms = [v * 1000 for v in values]
        lines.append(f"| {step} | {len(ms)} | {percentile(ms, 0.5)} | {percentile(ms, 0.95)} | {round(max(ms), 1)} |")
    lines.append(END)
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        current = REPORT.read_text(encoding="utf-8")
        if START in current:
            current = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: section, current, flags=re.S)
        else:
            marker = "<!-- notes:"
            head, sep, tail = current.partition(marker)
            current = head.rstrip("\n") + "\n\n" + section + "\n\n" + sep + tail
        REPORT.write_text(current, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
