"""CPU time per turn: Rasa and the action server, measured as process CPU time (user + system, every
thread and child of each service) over dev-set questions sent one by one through Rasa's REST channel.

    .venv/bin/python -m bench.cpu_turn [--turns 300] [--profile DIR] [--label before] [--write]

CPU time is counted by the kernel per process, so it barely depends on what else the machine is doing
(unlike wall time). Each question is sent as a new conversation's first message and as a follow-up
(half and half), in both languages, the way workers write them. With ``--profile DIR`` py-spy samples
both services during the run (``pip install py-spy``; flame graphs and a top-functions table go to DIR).
With ``--write`` the result is added to bench/cpu_turn.json under ``--label`` and bench/CPU.md's table
is regenerated from that file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from bench.load.procstat import cpu_rss
from tendik.ops.services import Services, descendants, free_port, http_json
from tendik.paths import ROOT

RESULTS = ROOT / "bench" / "cpu_turn.json"
REPORT = ROOT / "bench" / "CPU.md"


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads and its live children."""
    return sum(usage[0] for p in [pid, *descendants(pid)] if (usage := cpu_rss(p)) is not None)


def questions() -> list[tuple[str, str]]:
    data = yaml.safe_load((ROOT / "bench" / "devset" / "questions.yml").read_text(encoding="utf-8"))
    return [(q["lang"], q["text"]) for q in data["questions"]]


def send(services: Services, sender: str, text: str, lang: str) -> tuple[float, int]:
    started = time.perf_counter()
    reply = http_json(services.rest_url, {"sender": sender, "message": text, "metadata": {"language": lang}}, timeout=120)
    return (time.perf_counter() - started) * 1000, len(reply) if isinstance(reply, list) else 0


def py_spy(pid: int, out: Path, seconds: int) -> subprocess.Popen:
    exe = shutil.which("py-spy") or str(Path(os.sys.executable).parent / "py-spy")
    return subprocess.Popen(
        [exe, "record", "--pid", str(pid), "--subprocesses", "--rate", "200", "--duration", str(seconds),
         "--format", "raw", "--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def top_functions(raw: Path, n: int = 25) -> list[tuple[str, float, float]]:
    """(function, self share, inclusive share) from py-spy's collapsed stacks."""
    own: dict[str, int] = defaultdict(int)
    incl: dict[str, int] = defaultdict(int)
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        k = int(count)
        total += k
        frames = stack.split(";")
        own[frames[-1]] += k
        for f in set(frames):
            incl[f] += k
    rows = sorted(own, key=lambda f: -own[f])[:n]
    return [(f, own[f] / max(total, 1), incl[f] / max(total, 1)) for f in rows]


# The Rasa-side changes switched off (bench/CPU.md "each change"): one OpenMP thread per core as
# before, and Rasa's own per-turn schema check.
BASELINE_ENV = {"TENDIK_RASA_OMP_THREADS": str(os.cpu_count() or 2), "OMP_WAIT_POLICY": "", "TENDIK_RASA_SPEEDUPS": "0"}


@contextmanager
def warm_services(env: dict[str, str] | None = None, prefix: str = "tendik-cpu-") -> Iterator[tuple[Services, dict[str, int]]]:
    """Rasa and the action server on free ports with a throw-away SQLite store, warmed up with 20
    dev-set questions (caches, lazy imports; not counted); (services, pid per service). Stopped and
    removed on the way out."""
    qs = questions()
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    services = Services(rasa_port=free_port(), action_port=free_port(), db_url=f"sqlite:///{tmp / 'tracker.db'}",
                        log_dir=tmp / "logs", extra_env=env)
    try:
        print("starting Rasa and the action server ...", flush=True)
        services.start()
        for i, (lang, text) in enumerate(qs[:20]):
            send(services, f"warm-{i}", text, lang)
        yield services, {name: proc.pid for name, proc in services.procs.items()}
    finally:
        services.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def measure(turns: int, profile: Path | None, env: dict[str, str] | None = None) -> dict[str, Any]:
    qs = questions()
    with warm_services(env) as (services, pids):
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        spies = {}
        if profile:
            profile.mkdir(parents=True, exist_ok=True)
            est = max(30, int(turns * 0.4))
            spies = {name: py_spy(pid, profile / f"{name}.txt", est) for name, pid in pids.items()}
        latencies: list[float] = []
        replies = 0
        sender = ""
        started = time.perf_counter()
        for i in range(turns):
            lang, text = qs[(20 + i) % len(qs)]
            if i % 2 == 0:
                sender = f"cpu-{uuid.uuid4().hex[:12]}"  # a new conversation, then one follow-up in it
            ms, n = send(services, sender, text, lang)
            latencies.append(ms)
            replies += n > 0
        wall = time.perf_counter() - started
        after = {name: cpu_seconds(pid) for name, pid in pids.items()}
        for spy in spies.values():
            spy.send_signal(signal.SIGINT)
            spy.wait(30)
        latencies.sort()
        cpu = {name: round((after[name] - before[name]) / turns * 1000, 2) for name in pids}
        result: dict[str, Any] = {
            "turns": turns,
            "answered": replies,
            "cpu_ms_per_turn": cpu,
            "cpu_ms_per_turn_total": round(sum(cpu.values()), 2),
            "wall_ms_p50": round(latencies[len(latencies) // 2], 1),
            "wall_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1], 1),
            "wall_s": round(wall, 1),
            "load_average": os.getloadavg()[0],
            "rss_mib": services.rss_mib(),
            "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        }
        if profile:
            result["profile_top"] = {}
            for name in pids:
                raw = profile / f"{name}.txt"
                if raw.exists():
                    result["profile_top"][name] = [(f, round(s, 3), round(c, 3)) for f, s, c in top_functions(raw)]
        return result


BEGIN, END = "<!-- cpu_turn table: regenerated by bench/cpu_turn.py --write -->", "<!-- end of table -->"


def write_report(results: dict[str, dict]) -> None:
    """Regenerate the table between the markers in bench/CPU.md (the prose around it is kept)."""
    lines = [
        BEGIN,
        "| label | measured | turns | Rasa ms/turn | actions ms/turn | total ms/turn | wall p50 / p95 ms | load avg |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, r in results.items():
        c = r["cpu_ms_per_turn"]
        lines.append(f"| {label} | {r['measured']} | {r['turns']} | {c.get('rasa')} | {c.get('actions')} | "
                     f"{r['cpu_ms_per_turn_total']} | {r['wall_ms_p50']} / {r['wall_ms_p95']} | {r['load_average']:.2f} |")
    lines.append(END)
    table = "\n".join(lines)
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# CPU time per turn\n\n" + BEGIN + "\n" + END + "\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + table + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + table + "\n"
    REPORT.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--profile", type=Path, help="py-spy the services into this folder")
    parser.add_argument("--label", default="now")
    parser.add_argument("--rasa-as-before", action="store_true",
                        help="switch the Rasa-side changes off (OpenMP threads, schema check) to measure their effect")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment for both services, e.g. TENDIK_INTENT_CASCADE=0 (the cascade off) or "
                             "TENDIK_RASA_DOMAIN_DIGEST=0 (the domain in every action call)")
    parser.add_argument("--write", action="store_true", help="add to bench/cpu_turn.json and regenerate bench/CPU.md")
    args = parser.parse_args()
    env = dict(BASELINE_ENV) if args.rasa_as_before else {}
    env.update(item.split("=", 1) for item in args.env)
    result = measure(args.turns, args.profile, env or None)
    print(json.dumps({k: v for k, v in result.items() if k != "profile_top"}, ensure_ascii=False, indent=1))
    for name, rows in result.get("profile_top", {}).items():
        print(f"\n== {name}: self share, inclusive share, function")
        for f, s, c in rows:
            print(f"{s:6.3f} {c:6.3f} {f[:150]}")
    if args.write:
        results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        results[args.label] = {k: v for k, v in result.items() if k != "profile_top"}
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        write_report(results)


if __name__ == "__main__":
    main()
