"""CPU time per turn by the turn's place in a conversation: Rasa and the action server, measured as
process CPU time while ``--users`` conversations each take ``--turns`` dev-set questions, one turn of
every conversation after another (so each bucket of turns is measured over all conversations).

    .venv/bin/python -m bench.cpu_growth [--users 10] [--turns 40] [--label now] [--env KEY=VALUE] [--write]

Rasa reloads a conversation's events from the tracker store on every turn and (before
tendik/rasa/speedups.py's window) sent all of them to the action server, so a turn's cost grows with
the conversation. The report gives the mean CPU per turn for turns 1-5, 6-10, 11-20 and 21-40; with
``--write`` the row goes to bench/cpu_growth.json under ``--label``. A/B of the changes:
``--env TENDIK_RASA_FAST_LOAD=0 --env TENDIK_RASA_ACTION_EVENTS=0`` (trackers read and sent as Rasa does).
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from typing import Any

from bench.cpu_turn import cpu_seconds, questions, send, warm_services
from tendik.paths import ROOT

RESULTS = ROOT / "bench" / "cpu_growth.json"
BUCKETS = ((1, 5), (6, 10), (11, 20), (21, 40))


def measure(users: int, turns: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    qs = questions()
    with warm_services(env, prefix="tendik-growth-") as (services, pids):
        senders = [f"growth-{uuid.uuid4().hex[:12]}" for _ in range(users)]
        per_turn: list[dict[str, float]] = []
        j = 20
        for turn in range(turns):
            before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            for sender in senders:
                lang, text = qs[j % len(qs)]
                j += 1
                send(services, sender, text, lang)
            after = {name: cpu_seconds(pid) for name, pid in pids.items()}
            per_turn.append({name: (after[name] - before[name]) / users * 1000 for name in pids})
            print(f"turn {turn + 1}: " + ", ".join(f"{n} {v:.1f} ms" for n, v in per_turn[-1].items()), flush=True)
    buckets: dict[str, dict[str, float]] = {}
    for lo, hi in BUCKETS:
        rows = per_turn[lo - 1: min(hi, turns)]
        if rows:
            buckets[f"{lo}-{hi}"] = {name: round(sum(r[name] for r in rows) / len(rows), 1) for name in pids}
    return {
        "users": users,
        "turns": turns,
        "cpu_ms_per_turn_by_turn": buckets,
        "env": env or {},
        "load_average": os.getloadavg()[0],
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--label", default="now")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="extra environment for both services")
    parser.add_argument("--write", action="store_true", help="add the row to bench/cpu_growth.json")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    result = measure(args.users, args.turns, env or None)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.write:
        results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        results[args.label] = result
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
