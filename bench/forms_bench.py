"""The guided self-check and the draft form measured through the REST channel:
`python -m bench.forms_bench [--conversations 20]` (.venv; starts Rasa and the action server from the
current build on free ports, with a fresh SQLite tracker store).

Each conversation (kk and ru in turn, one client at a time, so the numbers are per turn on this
machine, not under load) runs the self-check from a typed request to its result (choices by button,
what happened and the dates typed), then a draft from the result's button to the final message (its
values typed, one left for "fill in by hand"), and then makes the draft's files as a front end does
(tendik.drafts.files.files_for, DOCX and PDF). Reported: turn latency p50/p95 of the self-check's
questions, its result, the draft's questions and the draft's last turn; file generation p50/p95 and
sizes. Writes bench/FORMS.md (the part above the notes marker).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import socket
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.metrics import percentile
from tendik.payload import AnswerPayload, DraftOrder

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "bench" / "FORMS.md"
NOTES_MARKER = "<!-- notes: everything below is kept when bench/forms_bench.py rewrites this file -->"
# Typed answers for the questions that take text (the rest are answered by their first button).
TYPED = {
    "kk": {"sc_what": "бастық жүктілігіңе байланысты бізге керек емессің деді", "sc_order_date": "20.11.2026",
           "sc_learned_date": "білмеймін"},
    "ru": {"sc_what": "начальник сказал, что беременные им не нужны", "sc_order_date": "20.11.2026", "sc_learned_date": "не знаю"},
}
VALUES = {
    "kk": {"worker_name": "Қасымова Әсел Нұрланқызы", "employer_name": "«Алма Сервис» ЖШС", "position": "бухгалтер",
           "demands": "жұмысқа қайта алу", "court_name": "Алмалы аудандық соты", "employer_address": "Алматы, Төле би 5"},
    "ru": {"worker_name": "Иванова Мария Петровна", "employer_name": "ТОО «Алма Сервис»", "position": "бухгалтер",
           "demands": "восстановить на работе", "court_name": "Алмалинский районный суд", "employer_address": "Алматы, Толе би 5"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_conversation(services: Any, lang: str, template: str, timings: dict[str, list[float]]) -> DraftOrder:
    from tendik.ops.services import http_json

    sender = f"bench-forms-{uuid.uuid4().hex[:10]}"

    def say(message: str, phase: str) -> list[dict[str, Any]]:
        started = time.perf_counter()
        reply = http_json(services.rest_url, {"sender": sender, "message": message, "metadata": {"language": lang}}, timeout=120)
        timings[phase].append((time.perf_counter() - started) * 1000)
        assert isinstance(reply, list), reply
        return reply

    def slots() -> dict[str, Any]:
        state = services.api(f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker", timeout=30)
        return state["slots"]

    def buttons(reply: list[dict[str, Any]]) -> list[str]:
        return [b["payload"] for m in reply for b in m.get("buttons") or []]

    reply = say("проверить мою ситуацию" if lang == "ru" else "жағдайымды тексеру", "selfcheck question")
    for _ in range(12):
        state = slots()
        requested = state.get("requested_slot")
        if not requested:
            break
        if requested in TYPED[lang]:
            message = TYPED[lang][requested]
        elif requested == "sc_employer_kind":  # a company of any size: every template is offered
            message = '/inform_sc{"sc_employer_kind":"other"}'
        else:
            message = next(p for p in buttons(reply) if p.startswith("/inform_sc"))
        last = requested == "sc_evidence"
        reply = say(message, "selfcheck result" if last else "selfcheck question")
    draft_button = next(p for p in buttons(reply) if f'"draft_template":"{template}"' in p)
    reply = say(draft_button, "draft question")
    for _ in range(15):
        state = slots()
        field = state.get("draft_field")
        if state.get("requested_slot") != "draft_value" or not field:
            break
        message = VALUES[lang].get(field, "/draft_skip")
        remaining_phase = "draft question"
        reply = say(message, remaining_phase)
    # the last timed turn produced the draft: count it as the final turn
    timings["draft last turn"].append(timings["draft question"].pop())
    orders = [p.draft for m in reply if (p := AnswerPayload.from_dict(m.get("custom"))) and p.draft]
    assert orders, [m.get("text") for m in reply]
    return orders[0]


def file_timings(orders: list[DraftOrder]) -> dict[str, dict[str, float]]:
    from tendik.drafts.files import files_for

    out: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, list[int]] = defaultdict(list)
    for order in orders:
        for fmt in ("docx", "pdf"):
            started = time.perf_counter()
            [made] = files_for(order, today=dt.date(2026, 12, 1), formats=(fmt,))
            out[fmt].append((time.perf_counter() - started) * 1000)
            sizes[fmt].append(len(made.data))
    return {fmt: {"p50": percentile(v, 0.5), "p95": percentile(v, 0.95), "n": len(v), "kb": round(sum(sizes[fmt]) / len(sizes[fmt]) / 1024, 1)}
            for fmt, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.forms_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    from tendik.ops.services import Services

    templates = ["request-reasons", "commission-application", "inspection-complaint", "claim-outline"]
    timings: dict[str, list[float]] = defaultdict(list)
    orders: list[DraftOrder] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        services = Services(free_port(), free_port(), f"sqlite:///{tmp}/forms.db", Path(tmp) / "logs")
        try:
            print("[forms] starting Rasa + action server ...", flush=True)
            services.start()
            run_conversation(services, "ru", "request-reasons", defaultdict(list))  # warm-up, not counted
            for i in range(args.conversations):
                lang = ("kk", "ru")[i % 2]
                orders.append(run_conversation(services, lang, templates[(i // 2) % len(templates)], timings))
                print(f"[forms] {i + 1}/{args.conversations}", flush=True)
        finally:
            services.stop()
    files = file_timings(orders)
    load_after = os.getloadavg()[0]
    lines = [
        "# The self-check and the draft form: turn latency and files",
        "",
        f"`python -m bench.forms_bench --conversations {args.conversations}` ({dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}): "
        f"{args.conversations} conversations (kk and ru in turn, the four templates in turn), one client at a time through the REST "
        f"channel (Rasa + action server, SQLite tracker store). Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"1-minute load average {load_before:.2f} before and {load_after:.2f} after.",
        "",
        "| turn | n | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for phase in ("selfcheck question", "selfcheck result", "draft question", "draft last turn"):
        v = timings[phase]
        lines.append(f"| {phase} | {len(v)} | {percentile(v, 0.5)} | {percentile(v, 0.95)} | {round(max(v), 1) if v else 0} |")
    every = [x for v in timings.values() for x in v]
    lines.append(f"| every form turn | {len(every)} | {percentile(every, 0.5)} | {percentile(every, 0.95)} | {round(max(every), 1)} |")
    lines += ["", "Files made from the conversations' draft orders (tendik.drafts.files.files_for, what Telegram and the widget call):", "",
              "| format | n | p50 ms | p95 ms | mean KB |", "|---|---|---|---|---|"]
    for fmt, s in files.items():
        lines.append(f"| {fmt} | {s['n']} | {s['p50']} | {s['p95']} | {s['kb']} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if not args.no_write:
        previous = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
        notes = previous[previous.index(NOTES_MARKER):] if NOTES_MARKER in previous else NOTES_MARKER + "\n"
        REPORT.write_text(report + "\n" + notes, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
