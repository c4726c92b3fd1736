"""Benchmark of the operator review service with 100,000 synthetic conversations.

1. Generates N conversations directly in Rasa's ``events`` schema (the same columns and JSON as
   Rasa 3.6 writes: session start, user messages with parse_data/intent_ranking/metadata, language
   slots, actions, bot messages with the tendik_answer payload, action_listen), with user texts
   drawn from the project's own NLU examples, spread over 180 days, plus votes in tendik_feedback.
2. Runs the review index ``sync`` (timed), then an incremental sync of 1% more conversations.
3. Starts the real server (``python -m tendik.review serve``), logs in over HTTP and measures the
   response time of the list, each filter, full-text search, deep keyset pagination, a transcript,
   the dashboard and the CSV export: p50/p95 over repeated requests.

    PYTHONPATH=. .venv/bin/python bench/review/bench_review.py --conversations 100000
    PYTHONPATH=. .venv/bin/python bench/review/bench_review.py --conversations 100000 --postgres   (throw-away cluster)
    PYTHONPATH=. .venv/bin/python bench/review/bench_review.py --db-url postgresql://...              (an empty database)

Writes a Markdown table to stdout and JSON to ``--json`` (default bench/review/results-<dialect>.json).
Numbers only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import yaml
from sqlalchemy import func, select, text

from tendik.common.db import make_engine
from tendik.common.feedback import feedback
from tendik.db.migrate import ensure_schema
from tendik.ops.services import free_port
from tendik.review import tables as t
from tendik.review.sync import sync
from tendik.review.tracker import events

ROOT = Path(__file__).resolve().parents[2]

DAY = 86400
CHANNELS = [("telegram", 0.5), ("web", 0.4), ("rest", 0.1)]
LEGAL = ["ask_discrimination_definition", "ask_protected_grounds", "ask_lawful_distinctions", "ask_hiring_refusal",
         "ask_pregnant_dismissal", "ask_equal_pay", "ask_job_ads", "ask_religion_nationality_language", "ask_sexual_harassment",
         "ask_how_to_complain", "ask_time_limits", "ask_employer_liability", "ask_constitution", "ask_ilo_conventions"]
SMALL = {"greet": "utter_greet", "thanks": "utter_thanks", "goodbye": "utter_goodbye", "out_of_scope": "utter_out_of_scope",
         "chitchat": "utter_chitchat", "help": "utter_help"}
META = {"model_id": "bench0model", "assistant_id": "tendik"}


def load_examples() -> dict[str, dict[str, list[str]]]:
    """language -> intent -> the project's own training examples."""
    out: dict[str, dict[str, list[str]]] = {}
    for lang in ("kk", "ru"):
        for f in sorted((ROOT / "nlu_data" / "data" / "nlu" / lang).glob("*.yml")):
            for item in yaml.safe_load(f.read_text(encoding="utf-8")).get("nlu") or []:
                if "intent" in item:
                    ex = [x[2:].strip() for x in item["examples"].splitlines() if x.startswith("- ")]
                    out.setdefault(lang, {}).setdefault(item["intent"], []).extend(ex)
    return out


def pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    r, acc = rng.random(), 0.0
    for v, w in weighted:
        acc += w
        if r < acc:
            return v
    return weighted[-1][0]


def ev(sender: str, kind: str, ts: float, data: dict, intent: str | None = None, action: str | None = None) -> dict:
    data = {"event": kind, "timestamp": ts, "metadata": META, **data}
    return {"sender_id": sender, "type_name": kind, "timestamp": ts, "intent_name": intent, "action_name": action,
            "data": json.dumps(data)}


def conversation(rng: random.Random, sender: str, start: float, examples, all_intents: list[str]) -> tuple[list[dict], list[dict]]:
    lang = "kk" if rng.random() < 0.5 else "ru"
    channel = pick(rng, CHANNELS)
    out = [
        ev(sender, "slot", start, {"name": "session_started_metadata", "value": {"channel": channel}}),
        ev(sender, "action", start, {"name": "action_session_start", "policy": None, "confidence": 1.0}, action="action_session_start"),
        ev(sender, "session_started", start, {}),
        ev(sender, "action", start, {"name": "action_listen", "policy": None, "confidence": None}, action="action_listen"),
    ]
    votes = []
    ts = start
    for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5])):
        ts += rng.uniform(5, 120)
        intent = rng.choice(LEGAL) if rng.random() < 0.7 else rng.choice(list(SMALL))
        pool = examples[lang].get(intent) or examples["ru"][intent]
        text_ = rng.choice(pool)
        if rng.random() < 0.3:
            text_ += " " + rng.choice(pool).split()[0]
        conf = min(1.0, max(0.05, rng.betavariate(5, 1.2)))
        fallback = conf < 0.45
        predicted = "nlu_fallback" if fallback else intent
        ranking = [{"name": intent, "confidence": conf}] + [
            {"name": n, "confidence": (1 - conf) / 4} for n in rng.sample(all_intents, 4) if n != intent][:4]
        if fallback:
            ranking.insert(0, {"name": "nlu_fallback", "confidence": 0.45})
        md = {"language": lang, "channel": channel} if rng.random() < 0.8 else {"channel": channel}
        parse = {"intent": {"name": predicted, "confidence": 0.45 if fallback else conf}, "entities": [], "text": text_,
                 "message_id": uuid.UUID(int=rng.getrandbits(128)).hex, "metadata": md, "intent_ranking": ranking}
        out.append(ev(sender, "user", ts, {"text": text_, "parse_data": parse, "input_channel": channel,
                                           "message_id": parse["message_id"], "metadata": md}, intent=predicted))
        out.append(ev(sender, "slot", ts + 0.01, {"name": "language", "value": lang}, action="language"))
        out.append(ev(sender, "slot", ts + 0.01, {"name": "language_pref", "value": None}, action="language_pref"))
        legal = intent in LEGAL or fallback
        action = "action_answer" if legal else SMALL[intent]
        out.append(ev(sender, "action", ts + 0.02, {"name": action, "policy": "RulePolicy", "confidence": 1.0}, action=action))
        if legal:
            unsure = fallback and rng.random() < 0.5
            kids = [] if unsure else [f"exp-{intent[4:].replace('_', '-')}", f"tk-{rng.randint(1, 200):03d}"]
            answer_id = uuid.UUID(int=rng.getrandbits(128)).hex
            custom = {"type": "tendik_answer", "answer_id": answer_id, "source": "retrieval" if fallback else "intent",
                      "knowledge_ids": kids,
                      "citations": [{"norm_id": k, "citation": f"статья {k[3:]} Трудового кодекса РК", "paragraph": "1",
                                     "edition": "ред. от 02.03.2026", "edition_date": "02.03.2026", "text": "…", "text_lang": lang,
                                     "source_url": "", "stale": False} for k in kids[1:]],
                      "scores": {"intent_confidence": round(conf, 4)}}
            out.append(ev(sender, "bot", ts + 0.03, {"text": "📌 " + ("Ответ по теме " if lang == "ru" else "Тақырып бойынша жауап ") + intent,
                                                     "data": {"buttons": None, "custom": custom}}))
            out.append(ev(sender, "slot", ts + 0.03, {"name": "last_knowledge", "value": kids or None}, action="last_knowledge"))
            if kids and rng.random() < 0.12:
                votes.append({"sender_id": sender, "answer_id": answer_id, "vote": "not_helpful" if rng.random() < 0.3 else "helpful",
                              "comment": None, "channel": channel, "language": lang, "created_at": ts + 30})
        else:
            out.append(ev(sender, "bot", ts + 0.03, {"text": "…", "data": {"buttons": [{"title": "?", "payload": "/help"}]}}))
        out.append(ev(sender, "action", ts + 0.04, {"name": "action_listen", "policy": "RulePolicy", "confidence": 1.0},
                      action="action_listen"))
    return out, votes


def generate(engine, n: int, seed: int, now: float, prefix: str = "bench") -> tuple[int, float]:
    rng = random.Random(seed)
    examples = load_examples()
    all_intents = sorted(set(examples["ru"]) | set(examples["kk"]))
    events.create(engine, checkfirst=True)
    ensure_schema(engine)
    started = time.perf_counter()
    buf, vbuf, total = [], [], 0
    # conversations in time order, like real traffic (ids grow with time)
    starts = sorted(now - rng.uniform(0, 180 * DAY) for _ in range(n))
    for i, start in enumerate(starts):
        evs, votes = conversation(rng, f"{prefix}-{i:07d}", start, examples, all_intents)
        buf += evs
        vbuf += votes
        if len(buf) >= 20000:
            with engine.begin() as conn:
                conn.execute(events.insert(), buf)
                if vbuf:
                    conn.execute(feedback.insert(), vbuf)
            total += len(buf)
            buf, vbuf = [], []
            print(f"\r  generated {i + 1:,}/{n:,} conversations ({total:,} events)", end="", file=sys.stderr, flush=True)
    with engine.begin() as conn:
        if buf:
            conn.execute(events.insert(), buf)
        if vbuf:
            conn.execute(feedback.insert(), vbuf)
    total += len(buf)
    print(file=sys.stderr)
    return total, time.perf_counter() - started



def timed(session: requests.Session, url: str, **params) -> tuple[float, requests.Response]:
    t0 = time.perf_counter()
    r = session.get(url, params=params, timeout=300)
    dt = (time.perf_counter() - t0) * 1000
    r.raise_for_status()
    return dt, r


def stats(samples: list[float]) -> dict:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    return {"n": len(s), "p50_ms": round(statistics.median(s), 1), "p95_ms": round(p95, 1), "max_ms": round(s[-1], 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--conversations", type=int, default=100_000)
    ap.add_argument("--db-url", default=None, help="an empty database (default: a new SQLite file in a temp folder)")
    ap.add_argument("--repeat", type=int, default=20, help="requests per measurement")
    ap.add_argument("--pages", type=int, default=300, help="pages walked by 'next' links for deep pagination")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the SQLite file")
    ap.add_argument("--postgres", action="store_true", help="run on a throw-away PostgreSQL cluster (tests/helpers/pg_cluster.py)")
    args = ap.parse_args()
    if args.postgres:
        from tests.helpers.pg_cluster import throwaway_cluster

        with throwaway_cluster("tendik_bench", settings=("shared_buffers=256MB",)) as url:
            args.db_url = url
            run(args)
    else:
        run(args)


def run(args: argparse.Namespace) -> None:

    tmp = Path(tempfile.mkdtemp(prefix="tendik-review-bench-"))
    db_url = args.db_url or f"sqlite:///{tmp / 'tracker.db'}"
    engine = make_engine(db_url)
    dialect = engine.dialect.name
    now = time.time()
    results: dict = {"dialect": dialect, "conversations": args.conversations, "cpu_count": os.cpu_count(),
                     "load_average_at_start": [round(x, 1) for x in os.getloadavg()]}
    print(f"[bench] {dialect}: generating {args.conversations:,} conversations ...", file=sys.stderr)
    n_events, gen_s = generate(engine, args.conversations, args.seed, now)
    results["events"] = n_events
    results["generate_s"] = round(gen_s, 1)
    print(f"[bench] {n_events:,} events in {gen_s:.0f} s; initial sync ...", file=sys.stderr)
    r = sync(engine)
    results["sync_initial"] = {"events": r.events, "conversations": r.conversations, "seconds": round(r.seconds, 1),
                               "events_per_s": round(r.events / r.seconds)}
    print(f"[bench] initial sync {r.seconds:.0f} s; incremental ...", file=sys.stderr)
    extra = max(1, args.conversations // 100)
    generate(engine, extra, args.seed + 1, now + 10, prefix="late")
    r = sync(engine)
    results["sync_incremental"] = {"conversations": r.conversations, "events": r.events, "seconds": round(r.seconds, 2)}
    # some reviewed conversations, for the reviewed filter
    with engine.begin() as conn:
        ids = [x[0] for x in conn.execute(select(t.conversations.c.sender_id).order_by(t.conversations.c.sender_id).limit(300))]
        conn.execute(t.conversations.update().where(t.conversations.c.sender_id.in_(ids)).values(reviewed=True, n_judged=1))
        total = conn.execute(select(func.count()).select_from(t.conversations)).scalar()
    results["indexed_conversations"] = total
    if dialect == "sqlite":
        results["db_size_mb"] = round(Path(db_url.removeprefix("sqlite:///")).stat().st_size / 2**20)
    else:
        with engine.connect() as conn:
            results["db_size_mb"] = round(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() / 2**20)

    # the real server
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TENDIK_DB_URL": db_url, "TENDIK_REVIEW_SECRET": uuid.uuid4().hex,
           "TENDIK_REVIEW_SYNC_SECONDS": "0"}
    password = uuid.uuid4().hex
    subprocess.run([sys.executable, "-m", "tendik.review", "user", "add", "bench", "--role", "admin"], input=password + "\n", text=True,
                   env=env, cwd=ROOT, check=True, capture_output=True)
    log = open(tmp / "server.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "tendik.review", "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(base + "/login", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        s = requests.Session()
        page = s.get(base + "/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        s.post(base + "/login", data={"csrf_token": token, "username": "bench", "password": password},
               headers={"Origin": base}, allow_redirects=False).raise_for_status()
        link = re.compile(r'href="([^"]+)" rel="next"')
        day = time.strftime("%Y-%m-%d", time.gmtime(now - 90 * DAY))
        day2 = time.strftime("%Y-%m-%d", time.gmtime(now - 83 * DAY))
        scenarios = {
            "list, first page": {},
            "channel=telegram": {"channel": "telegram"},
            "language=kk": {"language": "kk"},
            "date range (7 days, 90 days ago)": {"date_from": day, "date_to": day2},
            "intent=ask_equal_pay": {"intent": "ask_equal_pay"},
            "intent=nlu_fallback": {"intent": "nlu_fallback"},
            "min confidence < 0.5": {"max_confidence": "0.5"},
            "fallback reached": {"fallback": "1"},
            "not helpful vote": {"not_helpful": "1"},
            "not reviewed": {"reviewed": "no"},
            "reviewed (300 conversations)": {"reviewed": "yes"},
            "combined: telegram + kk + not helpful": {"channel": "telegram", "language": "kk", "not_helpful": "1"},
            "search: common word (жұмыс)": {"q": "жұмыс"},
            "search: two words (уволили беременность)": {"q": "уволили беременн"},
            "search: rare word": {"q": "конвенция"},
            "search: no match (full scan)": {"q": "zzqxj"},
            "search + filter: kk + not helpful + 'жұмыс'": {"q": "жұмыс", "language": "kk", "not_helpful": "1"},
        }
        timings: dict[str, dict] = {}
        for name, params in scenarios.items():
            samples, rows = [], 0
            timed(s, base + "/conversations", **params)  # warm
            for _ in range(args.repeat):
                dt, resp = timed(s, base + "/conversations", **params)
                samples.append(dt)
                rows = resp.text.count('href="/transcript?id=')
            timings[name] = {**stats(samples), "rows_on_page": rows}
            print(f"[bench] {name}: {timings[name]}", file=sys.stderr)
        # second page of each filter (keyset cursor)
        samples = []
        for params in scenarios.values():
            _, resp = timed(s, base + "/conversations", **params)
            m = link.search(resp.text)
            if m:
                dt, _ = timed(s, base + m.group(1).replace("&amp;", "&"))
                samples.append(dt)
        timings["next page of every filter above"] = stats(samples)
        # deep pagination by following "Older" links
        url, samples, pages = base + "/conversations", [], 0
        while url and pages < args.pages:
            dt, resp = timed(s, url)
            samples.append(dt)
            pages += 1
            m = link.search(resp.text)
            url = base + m.group(1).replace("&amp;", "&") if m else None
        timings[f"walk {pages} pages by 'Older' links ({pages * 50:,} rows deep)"] = stats(samples)
        # jump near the end: the cursor of the 99,000th conversation
        from tendik.review.queries import encode_cursor

        with engine.connect() as conn:
            row = conn.execute(select(t.conversations.c.last_ts, t.conversations.c.sender_id)
                               .order_by(t.conversations.c.last_ts.desc(), t.conversations.c.sender_id.desc())
                               .offset(max(0, total - 1000)).limit(1)).first()
        cursor = encode_cursor(row[0], row[1])
        samples = [timed(s, base + "/conversations", after=cursor)[0] for _ in range(args.repeat)]
        timings[f"page at position {total - 1000:,} (cursor)"] = stats(samples)
        timed(s, base + "/transcript", id="bench-0000000")  # warm (loads the knowledge titles once)
        samples = [timed(s, base + "/transcript", id=f"bench-{random.randrange(args.conversations):07d}")[0] for _ in range(args.repeat)]
        timings["transcript (random conversation)"] = stats(samples)
        from tendik.review.queries import dashboard

        for days in (30, 180):
            samples = []
            for _ in range(3):  # the aggregate queries themselves (the server caches them until the next sync)
                t0 = time.perf_counter()
                dashboard(engine, days)
                samples.append((time.perf_counter() - t0) * 1000)
            timings[f"dashboard queries, {days} days (uncached, in process)"] = stats(samples)
            timed(s, base + "/dashboard", days=days)
            samples = [timed(s, base + "/dashboard", days=days)[0] for _ in range(args.repeat)]
            timings[f"dashboard page, {days} days (cached)"] = stats(samples)
        dt, resp = timed(s, base + "/admin/conversations.csv", channel="telegram")
        timings["CSV export, channel=telegram (all rows)"] = {"n": 1, "p50_ms": round(dt, 1), "rows": resp.text.count("\n") - 1}
        results["http"] = timings
    finally:
        server.terminate()
        server.wait(10)
        log.close()
    results["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    out = Path(args.json) if args.json else Path(__file__).with_name(f"results-{dialect}.json")
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"\n### {dialect}: {args.conversations:,} conversations ({results['events']:,} events, {results['db_size_mb']} MB)\n")
    print(f"- machine: {results['cpu_count']} cores shared with other work; load average (1/5/15 min) "
          f"{results['load_average_at_start']} at start, {results['load_average_at_end']} at the end\n")
    print(f"- generate: {results['generate_s']} s; initial sync: {results['sync_initial']['seconds']} s "
          f"({results['sync_initial']['events_per_s']:,} events/s); incremental sync of {extra:,} conversations: "
          f"{results['sync_incremental']['seconds']} s\n")
    print("| request | p50 ms | p95 ms | max ms | rows on page |\n|---|---:|---:|---:|---:|")
    for name, v in results["http"].items():
        print(f"| {name} | {v['p50_ms']} | {v.get('p95_ms', '')} | {v.get('max_ms', '')} | {v.get('rows_on_page', v.get('rows', ''))} |")
    engine.dispose()
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
