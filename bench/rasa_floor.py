"""Rasa's own floor: the CPU time of one turn of a stock Rasa 3.6 server that does (almost) nothing.

    .venv/bin/python -m bench.rasa_floor [--turns 200] [--store sqlite|memory] [--write]

Issue 15 asks for Rasa + action server <= 40 ms of CPU per turn, and 33 messages/s on 2 cores for the
whole stack (about 60 ms of CPU per message for everything: Rasa, the action server, the bot, the
widget service, PostgreSQL, Redis, nginx). This script measures what Rasa itself costs before any of
Tendik's work: a throw-away Rasa project with one intent, the cheapest classifier Rasa has
(``KeywordIntentClassifier`` + ``FallbackClassifier``, no tokenizer, no featurizer, no model
weights), ``RulePolicy`` alone, one static response (no custom action, so no action server), the
same SQL tracker store on SQLite as ``make run`` (or Rasa's in-memory store with ``--store memory``)
and the REST channel. It is trained with the project's Rasa (``.rasa-venv``), served by the stock
``rasa run`` with one OpenMP thread, and sent the same dev-set questions in the same way as
``bench/cpu_turn.py`` (half as a new conversation's first message, half as its follow-up; 20 warm-up
turns not counted); Rasa's process CPU time (user + system, all threads and children) is read before
and after. With ``--write`` the result is added to bench/cpu_turn.json under "floor: ..." and
bench/CPU.md's table is regenerated.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.cpu_turn import RESULTS, cpu_seconds, questions, write_report
from tendik.ops.env import RASA_VENV
from tendik.ops.services import free_port, http_json, wait_for

CONFIG = """\
recipe: default.v1
assistant_id: tendik-floor
language: xx
pipeline:
  - name: KeywordIntentClassifier
  - name: FallbackClassifier
    threshold: 0.3
policies:
  - name: RulePolicy
"""
DOMAIN = """\
version: "3.1"
intents:
  - greet
  - nlu_fallback
responses:
  utter_ok:
    - text: "ok"
session_config:
  session_expiration_time: 60
  carry_over_slots_to_new_session: true
"""
NLU = """\
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - salem
      - privet
"""
RULES = """\
version: "3.1"
rules:
  - rule: greet
    steps:
      - intent: greet
      - action: utter_ok
  - rule: anything else
    steps:
      - intent: nlu_fallback
      - action: utter_ok
"""


def endpoints(store: str, db: Path) -> str:
    if store == "memory":
        return "tracker_store:\n  type: InMemoryTrackerStore\n"
    return f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {db}\n"


def rasa_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env.update(RASA_TELEMETRY_ENABLED="false", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               TF_CPP_MIN_LOG_LEVEL="3", PATH=f"{RASA_VENV / 'bin'}:{env.get('PATH', '')}")
    return env


def measure(turns: int, store: str) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="tendik-floor-"))
    proc = None
    log = None
    try:
        (tmp / "data").mkdir()
        for name, text in (("config.yml", CONFIG), ("domain.yml", DOMAIN), ("data/nlu.yml", NLU),
                           ("data/rules.yml", RULES), ("endpoints.yml", endpoints(store, tmp / "tracker.db"))):
            (tmp / name).write_text(text, encoding="utf-8")
        rasa = [str(RASA_VENV / "bin" / "python"), "-m", "rasa"]
        print("training the floor project ...", flush=True)
        subprocess.run([*rasa, "train", "--fixed-model-name", "floor", "--out", "models"], cwd=tmp, env=rasa_env(),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        port = free_port()
        log = (tmp / "rasa.log").open("w", encoding="utf-8")
        proc = subprocess.Popen([*rasa, "run", "--enable-api", "--model", "models/floor.tar.gz", "--endpoints", "endpoints.yml",
                                 "--interface", "127.0.0.1", "--port", str(port)],
                                cwd=tmp, env=rasa_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{url}/version", 180, proc, "floor Rasa server")
        except SystemExit:
            log.flush()
            print((tmp / "rasa.log").read_text(encoding="utf-8", errors="replace")[-3000:])
            raise
        rest = f"{url}/webhooks/rest/webhook"
        qs = questions()

        def send(sender: str, text: str) -> tuple[float, int]:
            started = time.perf_counter()
            reply = http_json(rest, {"sender": sender, "message": text}, timeout=120)
            return (time.perf_counter() - started) * 1000, len(reply) if isinstance(reply, list) else 0

        for i, (_, text) in enumerate(qs[:20]):  # warm-up, not counted
            send(f"warm-{i}", text)
        before = cpu_seconds(proc.pid)
        latencies: list[float] = []
        replies = 0
        sender = ""
        for i in range(turns):
            _, text = qs[(20 + i) % len(qs)]
            if i % 2 == 0:
                sender = f"floor-{uuid.uuid4().hex[:12]}"
            ms, n = send(sender, text)
            latencies.append(ms)
            replies += n > 0
        after = cpu_seconds(proc.pid)
        latencies.sort()
        rasa_ms = round((after - before) / turns * 1000, 2)
        return {
            "turns": turns,
            "answered": replies,
            "cpu_ms_per_turn": {"rasa": rasa_ms, "actions": 0},
            "cpu_ms_per_turn_total": rasa_ms,
            "wall_ms_p50": round(latencies[len(latencies) // 2], 1),
            "wall_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1], 1),
            "load_average": os.getloadavg()[0],
            "store": store,
            "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        }
    finally:
        if proc and proc.poll() is None:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
        if log:
            log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--store", choices=("sqlite", "memory"), default="sqlite")
    parser.add_argument("--write", action="store_true", help="add to bench/cpu_turn.json and regenerate bench/CPU.md")
    args = parser.parse_args()
    result = measure(args.turns, args.store)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if result["answered"] != args.turns:
        raise SystemExit(f"only {result['answered']} of {args.turns} turns were answered: not a valid floor")
    if args.write:
        results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        results[f"floor: stock Rasa, keyword classifier, RulePolicy, {args.store} store"] = result
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        write_report(results)


if __name__ == "__main__":
    main()
