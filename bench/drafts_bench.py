"""Draft document generation measured: `python -m bench.drafts_bench` (.venv).

For every template (knowledge/drafts/*.yml) and language, with every field filled (text values
carrying all Kazakh letters): the time to fill the template, and to produce the DOCX and the PDF
from the filled draft (each p50/p95 over ``--runs`` runs after ``--warmup`` ones, in one process),
the file sizes and the PDF's page count. The machine's load (1-minute load average before and
after, CPU count) is written with the numbers. Writes bench/DRAFTS.md (the part above the notes
marker) and prints the table.
"""

from __future__ import annotations

import argparse
import datetime
import io
import logging
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from tendik.drafts.docx_out import render_docx
from tendik.drafts.pdf_out import render_pdf
from tendik.drafts.render import FilledDraft, Template, fill, load_templates

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "bench" / "DRAFTS.md"
NOTES_MARKER = "<!-- notes: everything below is kept when bench/drafts_bench.py rewrites this file -->"
TODAY = datetime.date(2026, 7, 1)
KAZAKH = "әғқңөұүһі ӘҒҚҢӨҰҮҺІ"
logger = logging.getLogger(__name__)


def fields_for(template: Template) -> dict[str, object]:
    out: dict[str, object] = {}
    for name in template.fields:
        if name == "today":
            continue
        if name in template.date_fields():
            out[name] = "15.03.2026"
        else:
            out[name] = f"{template.fields[name].label['ru'][:40]} {KAZAKH}"
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(fn: Callable[[], object], runs: int, warmup: int) -> tuple[list[float], object]:
    result: object = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def run(runs: int, warmup: int) -> tuple[list[dict[str, object]], dict[str, object]]:
    load_before = os.getloadavg()[0]
    rows: list[dict[str, object]] = []
    for tid, template in sorted(load_templates().items()):
        values = fields_for(template)
        for lang in ("kk", "ru"):
            fill_times, draft = timed(lambda: fill(template, values, lang, today=TODAY), runs, warmup)  # noqa: B023
            assert isinstance(draft, FilledDraft)
            docx_times, docx_data = timed(lambda: render_docx(draft), runs, warmup)  # noqa: B023
            pdf_times, pdf_data = timed(lambda: render_pdf(draft), runs, warmup)  # noqa: B023
            assert isinstance(docx_data, bytes) and isinstance(pdf_data, bytes)
            rows.append({
                "template": tid, "lang": lang,
                "fill_p50": statistics.median(fill_times), "fill_p95": percentile(fill_times, 0.95),
                "docx_p50": statistics.median(docx_times), "docx_p95": percentile(docx_times, 0.95), "docx_kb": len(docx_data) / 1024,
                "pdf_p50": statistics.median(pdf_times), "pdf_p95": percentile(pdf_times, 0.95), "pdf_kb": len(pdf_data) / 1024,
                "pages": len(PdfReader(io.BytesIO(pdf_data)).pages),
            })
            print(f"{tid:24} {lang}  docx p50 {rows[-1]['docx_p50']:.1f} ms  pdf p50 {rows[-1]['pdf_p50']:.1f} ms", file=sys.stderr)
    machine = {
        "load_before": load_before, "load_after": os.getloadavg()[0], "cpus": os.cpu_count(),
        "python": platform.python_version(), "runs": runs, "warmup": warmup,
    }
    return rows, machine


def table(rows: list[dict[str, object]], machine: dict[str, object]) -> str:
    lines = [
        "# Draft documents: generation time and size",
        "",
        f"`python -m bench.drafts_bench` ({machine['runs']} runs after {machine['warmup']} warm-up runs per template, "
        "language and format, one process; every field filled, text values carrying all Kazakh letters).",
        f"Machine: {machine['cpus']} CPUs, Python {machine['python']}, 1-minute load average {machine['load_before']:.2f} "
        f"before and {machine['load_after']:.2f} after (other sessions share the machine: the p95 reflects them).",
        "",
        "| template | lang | fill p50 / p95 ms | DOCX p50 / p95 ms | DOCX KB | PDF p50 / p95 ms | PDF KB | PDF pages |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['template']} | {r['lang']} | {r['fill_p50']:.2f} / {r['fill_p95']:.2f} | {r['docx_p50']:.1f} / {r['docx_p95']:.1f} "
            f"| {r['docx_kb']:.1f} | {r['pdf_p50']:.1f} / {r['pdf_p95']:.1f} | {r['pdf_kb']:.1f} | {r['pages']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    rows, machine = run(args.runs, args.warmup)
    report = table(rows, machine)
    print(report)
    if not args.no_write:
        notes = ""
        if REPORT.exists() and NOTES_MARKER in REPORT.read_text(encoding="utf-8"):
            notes = REPORT.read_text(encoding="utf-8").split(NOTES_MARKER, 1)[1]
        REPORT.write_text(report + "\n" + NOTES_MARKER + (notes or "\n"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
