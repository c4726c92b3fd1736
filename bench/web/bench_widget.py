"""Benchmark of the website chat widget (writes bench/web/RESULTS.md and bench/web/results.json).

    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python bench/web/bench_widget.py

1. Bundle size: the widget file raw and gzip-compressed as the service sends it; the demo page too.
2. Time to interactive on the demo page in headless Chromium (Debian's /usr/bin/chromium): from the
   start of navigation until the widget's launcher is in the page and working (the
   ``tendik-widget-ready`` performance mark), median and p95 of N cold loads (each in a fresh
   browser context, empty cache) and N warm reloads; plus the time to open the panel.
3. Reply latency for C concurrent "browser-like" clients: each one does what the widget does for
   a visitor (demo page, widget file, then M chat messages, a vote on a legal answer, a history
   read as after a reload), over aiohttp against the real service in front of the real assistant,
   all clients starting together, no think time. Questions come from the dev set
   (bench/devset/questions.yml), in their own language. The service runs with
   TENDIK_WEB_TRUST_PROXY=true and each client sends its own X-Forwarded-For, as real visitors
   behind a reverse proxy would be: the default rate limit applies per client.

Starts its own assistant (Rasa + action server, throw-away SQLite) and web service on spare ports
unless --rasa-url/--db-url point at a running one. Numbers are measured, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import yaml

from tendik.ops.services import Services, free_port
from tendik.web.assets import DEMO, WIDGET

ROOT = Path(__file__).resolve().parents[2]

OUT = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
READY_JS = "() => !!window.TendikWidget && performance.getEntriesByName('tendik-widget-ready').length > 0"



def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return round(ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo), 1)


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
        "max": round(max(values), 1) if values else None,
        "mean": round(statistics.fmean(values), 1) if values else None,
    }


# ---------------------------------------------------------------- 1. bundle size
def bundle_sizes() -> dict:
    def sizes(path: Path) -> dict:
        raw = path.read_bytes()
        return {"raw": len(raw), "gzip": len(gzip.compress(raw, compresslevel=9, mtime=0))}

    page = {"raw": 0, "gzip": 0}
    for name in ("index.html", "demo.css", "logo.svg"):
        s = sizes(DEMO / name)
        page = {k: page[k] + s[k] for k in page}
    return {"widget": sizes(WIDGET), "demo_page_with_assets": page}


# ---------------------------------------------------------------- services
class WebProcess:
    def __init__(self, rasa_url: str, db_url: str, log: Path, rasa_timeout: float) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            PYTHONPATH=str(ROOT), TENDIK_RASA_URL=rasa_url, TENDIK_DB_URL=db_url, TENDIK_WEB_PORT=str(self.port),
            TENDIK_WEB_TRUST_PROXY="true", TENDIK_RASA_TIMEOUT=str(rasa_timeout),
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tendik.web"], cwd=ROOT, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"the web service exited; see {log}") from None
                time.sleep(0.2)
        raise SystemExit(f"the web service did not start; see {log}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(15)


# ---------------------------------------------------------------- 2. time to interactive
def time_to_interactive(base: str, loads: int) -> dict:
    from playwright.sync_api import sync_playwright

    cold, warm, opened, dcl, load = [], [], [], [], []
    measure = """() => { const nav = performance.getEntriesByType('navigation')[0];
        return {ready: performance.getEntriesByName('tendik-widget-ready')[0].startTime,
                dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd}; }"""
    open_js = """async () => { const t0 = performance.now(); window.TendikWidget.open();
        await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        const root = document.querySelector('tendik-widget').shadowRoot;
        return {ms: performance.now() - t0, focused: root.activeElement && root.activeElement.tagName}; }"""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(loads):  # cold: a new context each time (empty cache, empty storage)
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                page = ctx.new_page()
                page.goto(base + "/", wait_until="load")
                page.wait_for_function(READY_JS)
                page.wait_for_timeout(50)  # let loadEventEnd be recorded
                m = page.evaluate(measure)
                cold.append(m["ready"])
                dcl.append(m["dcl"])
                load.append(m["load"])
                o = page.evaluate(open_js)
                assert o["focused"] == "TEXTAREA", o
                opened.append(o["ms"])
                ctx.close()
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            page = ctx.new_page()
            page.goto(base + "/")
            page.wait_for_function(READY_JS)
            for _ in range(loads):  # warm: reloads with the HTTP cache (ETag revalidation)
                page.reload(wait_until="load")
                page.wait_for_function(READY_JS)
                warm.append(page.evaluate(measure)["ready"])
            ctx.close()
        finally:
            browser.close()
    return {
        "cold_ready_ms": summary(cold), "warm_ready_ms": summary(warm), "open_panel_ms": summary(opened),
        "dom_content_loaded_ms": summary(dcl), "load_event_ms": summary(load), "loads": loads,
    }


# ---------------------------------------------------------------- 3. concurrent clients
def load_questions() -> list[dict]:
    data = yaml.safe_load((ROOT / "bench" / "devset" / "questions.yml").read_text(encoding="utf-8"))
    return [{"text": q["text"], "lang": q["lang"]} for q in data["questions"]]


async def client(
    n: int, base: str, questions: list[dict], messages: int, start: asyncio.Event, out: dict
) -> None:
    """One visitor: the page and the widget file, then the widget's API calls."""
    headers = {"Origin": base, "X-Forwarded-For": f"10.{n // 250}.{n % 250}.{7}", "Accept-Encoding": "gzip"}
    cid = secrets.token_hex(32)  # a conversation key, as the widget makes it
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
        await start.wait()
        for path in ("/", "/widget/tendik-widget.js"):
            t0 = time.perf_counter()
            async with session.get(base + path) as resp:
                await resp.read()
            out["static"].append((time.perf_counter() - t0) * 1000)
        answer_id = None
        for i in range(messages):
            q = questions[(n * messages + i) % len(questions)]
            body = {"conversation_key": cid, "message": q["text"], "language": q["lang"]}
            t0 = time.perf_counter()
            async with session.post(base + "/api/chat", json=body, headers={"Accept-Language": q["lang"]}) as resp:
                data = await resp.json()
                elapsed = (time.perf_counter() - t0) * 1000
                timing = resp.headers.get("Server-Timing", "")
            out["status"][resp.status] = out["status"].get(resp.status, 0) + 1
            if resp.status != 200:
                out["errors"].append(data.get("error"))
                continue
            out["chat"].append(elapsed)
            if timing.startswith("rasa;dur="):
                rasa = float(timing.split("=", 1)[1])
                out["rasa"].append(rasa)
                out["overhead"].append(elapsed - rasa)
            for m in data["messages"]:
                if (m.get("answer") or {}).get("answer_id"):
                    answer_id = m["answer"]["answer_id"]
                    out["legal"] += 1
        if answer_id:
            t0 = time.perf_counter()
            vote = {"conversation_key": cid, "answer_id": answer_id, "vote": random.choice(["helpful", "not_helpful"]), "language": "ru"}
            async with session.post(base + "/api/vote", json=vote) as resp:
                await resp.read()
                out["status_vote"][resp.status] = out["status_vote"].get(resp.status, 0) + 1
            out["vote"].append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        async with session.get(f"{base}/api/history", params={"conversation_key": cid}) as resp:
            history = await resp.json()
        out["history"].append((time.perf_counter() - t0) * 1000)
        out["restored"] += len(history.get("messages", []))


async def load_test(base: str, clients: int, messages: int) -> dict:
    questions = load_questions()
    random.Random(7).shuffle(questions)
    out: dict = {"chat": [], "rasa": [], "overhead": [], "vote": [], "history": [], "static": [], "status": {},
                 "status_vote": {}, "errors": [], "legal": 0, "restored": 0}
    start = asyncio.Event()
    tasks = [asyncio.create_task(client(n, base, questions, messages, start, out)) for n in range(clients)]
    await asyncio.sleep(0.5)
    t0 = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - t0
    return {
        "clients": clients, "messages_per_client": messages, "wall_s": round(wall, 1),
        "chat_per_s": round(len(out["chat"]) / wall, 2),
        "chat_ms": summary(out["chat"]), "rasa_ms": summary(out["rasa"]), "service_overhead_ms": summary(out["overhead"]),
        "vote_ms": summary(out["vote"]), "history_ms": summary(out["history"]), "static_ms": summary(out["static"]),
        "chat_status": {str(k): v for k, v in sorted(out["status"].items())},
        "vote_status": {str(k): v for k, v in sorted(out["status_vote"].items())},
        "errors": sorted(set(filter(None, out["errors"]))), "legal_answers": out["legal"], "restored_messages": out["restored"],
    }


async def baseline(base: str, messages: int) -> dict:
    """One visitor alone, messages one after another: the reply latency without queueing."""
    questions = load_questions()
    random.Random(11).shuffle(questions)
    chat_ms, rasa_ms = [], []
    cid = secrets.token_hex(32)  # a conversation key, as the widget makes it
    async with aiohttp.ClientSession(headers={"Origin": base, "X-Forwarded-For": "10.255.0.1"}) as session:
        for q in questions[:messages]:
            body = {"conversation_key": cid, "message": q["text"], "language": q["lang"]}
            t0 = time.perf_counter()
            async with session.post(base + "/api/chat", json=body) as resp:
                await resp.read()
                chat_ms.append((time.perf_counter() - t0) * 1000)
                rasa_ms.append(float(resp.headers.get("Server-Timing", "rasa;dur=nan").split("=", 1)[1]))
    return {"messages": messages, "chat_ms": summary(chat_ms), "rasa_ms": summary(rasa_ms)}


async def warm_up(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        for text, lang in (("привет", "ru"), ("сәлем", "kk")):
            body = {"conversation_key": secrets.token_hex(32), "message": text, "language": lang}
            async with session.post(base + "/api/chat", json=body) as resp:
                await resp.read()


# ---------------------------------------------------------------- report
def kib(n: int) -> str:
    return f"{n / 1024:.1f} KiB ({n:,} B)"


def markdown(r: dict, command: str) -> str:
    b, t, c = r["bundle"], r.get("tti"), r.get("load")
    lines = [
        "# Website chat widget: benchmark",
        "",
        f"Measured {r['finished']} on {r['machine']} (load average when it started: "
        f"{', '.join(map(str, r['load_average_at_start']))}: other work was running). Command (from the repository root):",
        "",
        "```bash",
        command,
        "```",
        "",
        "The script starts its own Rasa server, action server (throw-away SQLite store) and widget service",
        "(`python -m tendik.web`) on spare ports; see the docstring of `bench/web/bench_widget.py` for what each",
        "number means. The machine is shared (2 cores for Rasa, the action server, the service, Chromium and the",
        "load generator together), so latencies are higher than on a dedicated server. Numbers are measured, not targets.",
        "",
        "## Bundle size",
        "",
        "| file | raw | gzip (as served) |",
        "|---|---|---|",
        f"| `tendik/web/static/tendik-widget.js` (the whole widget: code, styles, kk/ru texts) | {kib(b['widget']['raw'])} | {kib(b['widget']['gzip'])} |",
        f"| demo page (`index.html` + `demo.css` + `logo.svg`) | {kib(b['demo_page_with_assets']['raw'])} | "
        f"{kib(b['demo_page_with_assets']['gzip'])} |",
        "",
        "No other request is made: no CDN, no web font, no framework.",
        "",
    ]
    if t:
        lines += [
            f"## Time to interactive (demo page, headless Chromium, {t['loads']} loads each)",
            "",
            "From the start of navigation until the widget's launcher is in the page and working",
            "(`performance.mark('tendik-widget-ready')`, set after the widget has built its shadow DOM and",
            "bound its handlers; the script tag is `defer`).",
            "",
            "| | median | p95 | max |",
            "|---|---|---|---|",
            f"| widget ready, cold (new browser context, empty cache) | {t['cold_ready_ms']['p50']} ms | {t['cold_ready_ms']['p95']} ms | {t['cold_ready_ms']['max']} ms |",
            f"| widget ready, warm (reload, cached) | {t['warm_ready_ms']['p50']} ms | {t['warm_ready_ms']['p95']} ms | {t['warm_ready_ms']['max']} ms |",
            f"| page DOMContentLoaded, cold | {t['dom_content_loaded_ms']['p50']} ms | {t['dom_content_loaded_ms']['p95']} ms | {t['dom_content_loaded_ms']['max']} ms |",
            f"| page load event, cold | {t['load_event_ms']['p50']} ms | {t['load_event_ms']['p95']} ms | {t['load_event_ms']['max']} ms |",
            f"| open the panel (click → panel painted, input focused) | {t['open_panel_ms']['p50']} ms | {t['open_panel_ms']['p95']} ms | {t['open_panel_ms']['max']} ms |",
            "",
        ]
    if c:
        lines += [
            f"## Reply latency: {c['clients']} concurrent browser-like clients",
            "",
            f"Each client: demo page + widget file, then {c['messages_per_client']} chat messages (dev-set questions, kk and ru),",
            "a vote on its last legal answer, and a history read (as after a reload). All start together, no think time.",
            f"{sum(int(v) for v in c['chat_status'].values())} chat requests in {c['wall_s']} s "
            f"({c['chat_per_s']} replies/s); chat HTTP statuses: {c['chat_status']}; votes: {c['vote_status']};"
            f" legal answers: {c['legal_answers']}; messages restored by the history reads: {c['restored_messages']}.",
            "",
            "| request | n | p50 | p95 | max |",
            "|---|---|---|---|---|",
            f"| POST /api/chat (reply latency seen by the widget) | {c['chat_ms']['n']} | {c['chat_ms']['p50']} ms | {c['chat_ms']['p95']} ms | {c['chat_ms']['max']} ms |",
            f"| … of which Rasa + action server (`Server-Timing: rasa`) | {c['rasa_ms']['n']} | {c['rasa_ms']['p50']} ms | {c['rasa_ms']['p95']} ms | {c['rasa_ms']['max']} ms |",
            f"| … of which the web service itself | {c['service_overhead_ms']['n']} | {c['service_overhead_ms']['p50']} ms | {c['service_overhead_ms']['p95']} ms | {c['service_overhead_ms']['max']} ms |",
            f"| POST /api/chat, one client alone (baseline, no queueing) | {r['baseline']['chat_ms']['n']} | "
            f"{r['baseline']['chat_ms']['p50']} ms | {r['baseline']['chat_ms']['p95']} ms | {r['baseline']['chat_ms']['max']} ms |",
            f"| POST /api/vote | {c['vote_ms']['n']} | {c['vote_ms']['p50']} ms | {c['vote_ms']['p95']} ms | {c['vote_ms']['max']} ms |",
            f"| GET /api/history | {c['history_ms']['n']} | {c['history_ms']['p50']} ms | {c['history_ms']['p95']} ms | {c['history_ms']['max']} ms |",
            f"| GET demo page / widget file | {c['static_ms']['n']} | {c['static_ms']['p50']} ms | {c['static_ms']['p95']} ms | {c['static_ms']['max']} ms |",
            "",
            "Rasa answers the messages of all clients on the shared cores, so under this burst the reply latency is",
            "mostly queueing in Rasa and the action server (compare the one-client baseline); the service's own share is the third row.",
            "",
        ]
    if c and c["errors"]:
        lines += [f"Errors returned: {', '.join(c['errors'])}.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--messages", type=int, default=3, help="chat messages per client (default 3)")
    parser.add_argument("--loads", type=int, default=15, help="page loads for time to interactive (default 15)")
    parser.add_argument("--rasa-url", help="use a running Rasa instead of starting one (with --db-url)")
    parser.add_argument("--db-url", help="its tracker store URL")
    parser.add_argument("--rasa-timeout", type=float, default=300.0, help="TENDIK_RASA_TIMEOUT for the service (300 s)")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    result: dict = {"bundle": bundle_sizes(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    print(f"[bench] widget {result['bundle']['widget']}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        services = None
        rasa_url, db_url = args.rasa_url, args.db_url
        if not rasa_url:
            services = Services(free_port(), free_port(), f"sqlite:///{tmp}/bench.db", Path(tmp) / "logs")
            print("[bench] starting Rasa + action server ...", flush=True)
            services.start()
            rasa_url, db_url = services.rasa_url, services.db_url
        web = WebProcess(rasa_url, db_url or f"sqlite:///{tmp}/bench.db", Path(tmp) / "web.log", args.rasa_timeout)
        try:
            if not args.skip_browser:
                print(f"[bench] time to interactive: {args.loads} cold + {args.loads} warm loads ...", flush=True)
                result["tti"] = time_to_interactive(web.url, args.loads)
                print(f"[bench] {result['tti']['cold_ready_ms']}", flush=True)
            if not args.skip_load:
                asyncio.run(warm_up(web.url))
                print("[bench] one client alone, 10 messages ...", flush=True)
                result["baseline"] = asyncio.run(baseline(web.url, 10))
                print(f"[bench] {args.clients} concurrent clients x {args.messages} messages ...", flush=True)
                result["load"] = asyncio.run(load_test(web.url, args.clients, args.messages))
                print(f"[bench] chat {result['load']['chat_ms']} statuses {result['load']['chat_status']}", flush=True)
        finally:
            web.stop()
            if services:
                services.stop()

    result["finished"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    result["machine"] = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    command = "PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python bench/web/bench_widget.py " + " ".join(sys.argv[1:])
    text = markdown(result, command.strip())
    print(text)
    if not args.no_write:
        (OUT / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        (OUT / "RESULTS.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
