"""Situation answers in `make eval` (issue 11, item 5): bench/devset/situations.yml through the REST channel.

Each dev-set message starts two fresh conversations with the running assistant:
  A. the message, then its follow-ups in order; after every turn the tracker's slots are read
     through Rasa's HTTP API (``grounds``, ``stage``, ``employer_kind``, ``employer_size``,
     ``event_date``);
  B. the message, then every button of the first reply pressed once (its payload sent), so every
     view one tap away is measured for length.
Per split (tune, heldout) and language:
  * ground accuracy: the predicted set of grounds equals the labelled set; ``grounds_found``: every
    labelled ground is among the predicted ones;
  * stage accuracy: the ``stage`` slot equals the label (a null label: no stage expected);
  * employer accuracy where labelled: kind equal, and size equal when the label has one; date
    accuracy where labelled (see :func:`expected_date`); spurious employer/date slots on messages
    labelled without them are counted apart;
  * first reply names the ground and quotes a paragraph that names it: the first legal answer's
    plain text, outside the paragraphs it quotes, contains the name
    (``load_situations().grounds[g].name[lang]``, whole words, case-insensitive, ё = е) of every
    labelled ground AND one of its ``law`` sections quotes one of the labelled ``paragraphs`` (a
    payload without sections, the old format, counts its citations as quoted);
  * first-message visible length: the ``text`` of the first message of the reply to the first
    message (buttons are a separate field, so excluded): median, p95, max; and the longest message
    of all replies (first, follow-ups, button views) against Telegram's 4,096 characters;
  * follow-ups: every ``expect`` key checked after its turn (``paragraphs``: one of them quoted or
    cited in the reply; ``grounds``: the slot's set equals; ``employer``: as above).
Predicted values come from the tracker's slots; where the model has no such slot (a build from
before the situation slots) from the ``situation`` of the first payload, and where neither exists
they are empty (``situation_source`` says which, per message). Held-out messages are listed by id
only; their texts never leave bench/devset.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import statistics
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bench.metrics import percentile
from tendik.payload import AnswerPayload
from tendik.situation import parse_date

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "bench" / "devset" / "situations.yml"
TIMEZONE = ZoneInfo("Asia/Almaty")  # the zone tendik.rasa.situation resolves "сегодня" in
TELEGRAM_LIMIT = 4096
MAX_PRESSES = 20  # buttons pressed per message at most (a topic menu has ~15)
SLOTS = ("grounds", "stage", "employer_kind", "employer_size", "event_date")
TARGETS = {
    "ground_accuracy": 0.93,
    "stage_accuracy": 0.90,
    "first_reply_ok": 0.95,
    "first_message_median": 700,
    "first_message_p95": 1000,
    "max_message": TELEGRAM_LIMIT,
}
START, END = "<!-- situations:start -->", "<!-- situations:end -->"

Send = Callable[[str, str], list[dict[str, Any]]]  # (sender, text) -> the REST channel's reply
Slots = Callable[[str], dict[str, Any]]  # sender -> the tracker's slots


def load(path: Path = DEVSET) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["questions"])


def today_almaty() -> dt.date:
    return dt.datetime.now(TIMEZONE).date()


# ------------------------------------------------------------------------------------------------
# Reading one reply of the REST channel.


def answers(reply: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The legal payloads (``custom.type == "tendik_answer"``) of one reply, in order."""
    out = []
    for m in reply:
        custom = m.get("custom") if isinstance(m, Mapping) else None
        if isinstance(custom, dict) and custom.get("type") == "tendik_answer":
            out.append(custom)
    return out


def texts(reply: Iterable[Mapping[str, Any]]) -> list[str]:
    """The visible text of each message of one reply (buttons excluded)."""
    return [m["text"] for m in reply if isinstance(m, Mapping) and isinstance(m.get("text"), str) and m["text"]]


def button_payloads(reply: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every button of one reply (the REST messages' and the typed payloads'), each once, in order."""
    out: list[str] = []
    for m in reply:
        if not isinstance(m, Mapping):
            continue
        custom = m.get("custom")
        if not isinstance(custom, Mapping):
            custom = {}
        for b in [*(m.get("buttons") or []), *(custom.get("buttons") or [])]:
            payload = b.get("payload") if isinstance(b, Mapping) else None
            if isinstance(payload, str) and payload and payload not in out:
                out.append(payload)
    return out


def requested_view(button: str) -> str | None:
    """The view a ``/show_more{"view": ...}`` button asks for (None for any other payload)."""
    name, brace, rest = button.partition("{")
    if name.strip() != "/show_more" or not brace:
        return None
    try:
        entities = json.loads(brace + rest)
    except ValueError:
        return None
    view = entities.get("view") if isinstance(entities, dict) else None
    return view if isinstance(view, str) else None


def first_answer_text(reply: Sequence[Mapping[str, Any]]) -> tuple[str, dict[str, Any] | None]:
    """The plain text of the reply's first legal answer and its payload. The text is the REST
    message just before the payload (Rasa sends them apart); without one, the payload rendered
    (:meth:`AnswerPayload.plain_text`). ("", None) when the reply has no legal answer."""
    last_text = ""
    for m in reply:
        if not isinstance(m, Mapping):
            continue
        custom = m.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "tendik_answer":
            if not last_text:
                payload = AnswerPayload.from_dict(custom)
                last_text = payload.plain_text() if payload else ""
            return last_text, custom
        last_text = m["text"] if isinstance(m.get("text"), str) else ""
    return "", None


def _citations(custom: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [c for c in custom.get("citations") or [] if isinstance(c, dict)]


def quoted(custom: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The citations the payload's ``law`` sections quote verbatim. A payload without sections
    (the format before the typed payload) quoted every citation it carries."""
    cites = _citations(custom)
    sections = [s for s in custom.get("sections") or [] if isinstance(s, Mapping)]
    if not sections:
        return cites
    out = []
    for s in sections:
        if s.get("kind") != "law":
            continue
        for i in s.get("citations") or []:
            if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(cites) and cites[i] not in out:
                out.append(cites[i])
    return out


def covers(citation: Mapping[str, Any], label: str) -> bool:
    """Whether a citation shows the labelled paragraph ``"tk-006:2"`` (norm id : paragraph key; key
    "0" is the whole article). A whole-article citation (paragraph None) shows every paragraph of
    it; a paragraph shows its items ("tk-022:1" shows "tk-022:1.15")."""
    norm_id, _, key = label.partition(":")
    if citation.get("norm_id") != norm_id:
        return False
    shown = citation.get("paragraph")
    if shown in (None, "", "0"):
        return True
    shown = str(shown)
    return key == shown or key.startswith(shown + ".")


def any_covered(citations: Iterable[Mapping[str, Any]], labels: Iterable[str]) -> bool:
    cites = list(citations)
    return any(covers(c, label) for label in labels for c in cites)


def _fold(s: str) -> str:
    return " ".join(s.casefold().replace("ё", "е").split())


def own_words(text: str, custom: Mapping[str, Any] | None) -> str:
    """``text`` without the verbatim paragraphs it quotes: TK art. 6(2) lists every ground, so a
    name found only inside a quote does not show that the reply named the worker's ground."""
    for c in _citations(custom or {}):
        quote = c.get("text")
        if isinstance(quote, str) and quote:
            text = text.replace(quote, " ")
    return text


def names_grounds(text: str, grounds: Iterable[str], lang: str, names: Mapping[str, Mapping[str, str]]) -> bool:
    """Every labelled ground's name in ``lang`` appears in ``text`` as written (whole words,
    case-insensitive, ё = е: «жас» inside «жасқа» does not count). A ground without a name in the
    knowledge base counts as not named."""
    folded = _fold(text)
    for g in grounds:
        name = names.get(g, {}).get(lang)
        if not name or not re.search(rf"(?<!\w){re.escape(_fold(name))}(?!\w)", folded):
            return False
    return True


# ------------------------------------------------------------------------------------------------
# Checks against the labels.


def expected_date(label: str | None, today: dt.date) -> tuple[str, dt.date | None]:
    """What the ``event_date`` slot should hold for a date label, as ("none" | "day" | "month", day).

    A label is the expression as written in the message ("вчера", «екі апта бұрын», "12.03"); it is
    resolved against ``today`` (Asia/Almaty, the day the message was sent) with the extractor's own
    :func:`tendik.situation.parse_date`, so "what the expression means" is computed once. A label
    that names only a month ("с марта", «өткен айда») expects no day: the slot stays empty (the
    assistant asks for the day)."""
    if not label:
        return "none", None
    parsed = parse_date(str(label), today)
    if parsed is None:
        return "month", None
    return "day", parsed[0]


def date_ok(label: str | None, slot: Any, today: dt.date) -> bool:
    kind, day = expected_date(label, today)
    if kind == "day" and day is not None:
        return isinstance(slot, str) and slot[:10] == day.isoformat()
    return slot in (None, "")


def employer_ok(label: Mapping[str, Any] | None, kind: Any, size: Any) -> bool:
    """Kind equal, and size equal when the label has one (sizes compared as integers)."""
    label = label or {}
    if label.get("kind") != kind:
        return False
    if label.get("size") is None:
        return True
    try:
        return int(label["size"]) == int(size)
    except (TypeError, ValueError):
        return False


def situation_of(slots: Mapping[str, Any] | None, payload: Mapping[str, Any] | None) -> tuple[dict[str, Any], str]:
    """The predicted situation and where it came from: the tracker's slots when the model has them
    ("slots"), else the first payload's ``situation`` ("payload"), else nothing ("none")."""
    if slots is not None and any(name in slots for name in SLOTS):
        grounds = slots.get("grounds")
        return {
            "grounds": sorted(str(g) for g in grounds) if isinstance(grounds, list) else ([str(grounds)] if grounds else []),
            "stage": slots.get("stage"),
            "employer_kind": slots.get("employer_kind"),
            "employer_size": slots.get("employer_size"),
            "date": slots.get("event_date"),
        }, "slots"
    situation = (payload or {}).get("situation")
    if isinstance(situation, Mapping) and situation:
        grounds = situation.get("grounds")
        return {
            "grounds": sorted(str(g) for g in grounds) if isinstance(grounds, list) else [],
            "stage": situation.get("stage"),
            "employer_kind": situation.get("employer_kind"),
            "employer_size": situation.get("employer_size"),
            "date": situation.get("date"),
        }, "payload"
    return {"grounds": [], "stage": None, "employer_kind": None, "employer_size": None, "date": None}, "none"


def check_followup(expect: Mapping[str, Any], reply: Sequence[Mapping[str, Any]], slots: Mapping[str, Any] | None) -> list[str]:
    """The ``expect`` keys a follow-up's reply and the slots after it fail (empty: all met).
    ``paragraphs``: one of them quoted or cited in any legal payload of the reply; ``grounds``: the
    predicted set equals; ``employer``: kind (and size) equal."""
    payloads = answers(reply)
    predicted, _ = situation_of(slots, payloads[0] if payloads else None)
    failed = []
    if "paragraphs" in expect:
        cites = [c for p in payloads for c in _citations(p)]
        if not any_covered(cites, expect.get("paragraphs") or []):
            failed.append("paragraphs")
    if "grounds" in expect and set(predicted["grounds"]) != set(expect.get("grounds") or []):
        failed.append("grounds")
    if "employer" in expect and not employer_ok(expect.get("employer"), predicted["employer_kind"], predicted["employer_size"]):
        failed.append("employer")
    return failed


def score_item(q: Mapping[str, Any], reply: Sequence[Mapping[str, Any]], slots: Mapping[str, Any] | None, today: dt.date,
               names: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """One dev-set message's row (no text of the message): the checks on its first reply."""
    lang = q["lang"]
    labelled = list(q.get("grounds") or [])
    text, payload = first_answer_text(reply)
    shown = texts(reply)
    predicted, source = situation_of(slots, payload)
    grounds_ok = set(predicted["grounds"]) == set(labelled)
    named = names_grounds(own_words(text, payload), labelled, lang, names) if payload else False
    quotes = any_covered(quoted(payload), q.get("paragraphs") or []) if payload else False
    employer = q.get("employer")
    row: dict[str, Any] = {
        "id": q["id"], "lang": lang, "split": q["split"], "style": q.get("style"),
        "grounds": sorted(labelled), "predicted_grounds": predicted["grounds"],
        "grounds_ok": grounds_ok, "grounds_found": set(labelled) <= set(predicted["grounds"]),
        "stage": q.get("stage"), "predicted_stage": predicted["stage"], "stage_ok": predicted["stage"] == q.get("stage"),
        "employer_labelled": bool(employer),
        "employer_ok": employer_ok(employer, predicted["employer_kind"], predicted["employer_size"]) if employer else None,
        "employer_spurious": (not employer) and bool(predicted["employer_kind"] or predicted["employer_size"] is not None),
        "predicted_employer": [predicted["employer_kind"], predicted["employer_size"]],
        "date_labelled": bool(q.get("date")),
        "date_expected": (lambda e: e[1].isoformat() if e[1] else e[0])(expected_date(q.get("date"), today)),
        "predicted_date": predicted["date"],
        "date_ok": date_ok(q.get("date"), predicted["date"], today) if q.get("date") else None,
        "date_spurious": (not q.get("date")) and bool(predicted["date"]),
        "today": today.isoformat(),
        "situation_source": source,
        "answered": payload is not None,
        "reply_lang": (payload or {}).get("lang"),
        "typed_payload": bool(payload and payload.get("sections")),
        "names_grounds": named,
        "quotes_paragraph": quotes,
        "first_reply_ok": named and quotes,
        "quoted": [f"{c.get('norm_id')}:{c.get('paragraph') or 0}" for c in quoted(payload or {})],
        "first_message_chars": len(shown[0]) if shown else 0,
        "reply_chars": [len(t) for t in shown],
    }
    return row


# ------------------------------------------------------------------------------------------------
# Talking to the assistant.


def run(send: Send, get_slots: Slots, questions: Sequence[Mapping[str, Any]], names: Mapping[str, Mapping[str, str]],
        today: Callable[[], dt.date] = today_almaty, press_buttons: bool = True) -> list[dict[str, Any]]:
    """Send every dev-set message (and its follow-ups, and its first reply's buttons) and score it."""
    rows = []
    for n, q in enumerate(questions, 1):
        sender = f"eval-sit-{uuid.uuid4().hex[:10]}"
        day = today()
        t0 = time.perf_counter()
        reply = send(sender, q["text"])
        ms = [round((time.perf_counter() - t0) * 1000, 1)]
        row = score_item(q, reply, get_slots(sender), day, names)
        longest = max(row["reply_chars"], default=0)
        followups = []
        for i, fu in enumerate(q.get("followups") or []):
            t0 = time.perf_counter()
            fu_reply = send(sender, fu["text"])
            ms.append(round((time.perf_counter() - t0) * 1000, 1))
            longest = max([longest, *(len(t) for t in texts(fu_reply))])
            failed = check_followup(fu.get("expect") or {}, fu_reply, get_slots(sender))
            followups.append({"n": i, "expect": sorted(fu.get("expect") or {}), "ok": not failed, "failed": failed,
                              "cited": sorted({f"{c.get('norm_id')}:{c.get('paragraph') or 0}" for p in answers(fu_reply) for c in _citations(p)})})
        views = []
        if press_buttons:
            buttons = button_payloads(reply)[:MAX_PRESSES]
            if buttons:
                other = f"eval-sit-{uuid.uuid4().hex[:10]}"
                send(other, q["text"])
                for payload in buttons:
                    t0 = time.perf_counter()
                    view = send(other, payload)
                    ms.append(round((time.perf_counter() - t0) * 1000, 1))
                    chars = [len(t) for t in texts(view)]
                    shown = answers(view)
                    views.append({"payload": payload, "chars": max(chars, default=0), "answered": bool(shown),
                                  "view": shown[0].get("view") if shown else None})
                    longest = max([longest, *chars])
        row.update(followups=followups, views=views, max_message_chars=longest, ms=ms)
        rows.append(row)
        if n % 20 == 0:
            logger.info("situations: %d/%d messages", n, len(questions))
    return rows


def rest_sender(services: Any) -> Send:
    from tendik.ops.services import http_json

    def send(sender: str, text: str) -> list[dict[str, Any]]:
        reply = http_json(services.rest_url, {"sender": sender, "message": text}, timeout=60)
        return reply if isinstance(reply, list) else []

    return send


def tracker_slots(services: Any) -> Slots:
    def get(sender: str) -> dict[str, Any]:
        quoted_id = urllib.parse.quote(sender, safe="")
        tracker = services.api(f"/conversations/{quoted_id}/tracker?include_events=NONE", timeout=30)
        slots = tracker.get("slots") if isinstance(tracker, dict) else None
        return slots if isinstance(slots, dict) else {}

    return get


def ground_names() -> dict[str, dict[str, str]]:
    from tendik.knowledge.situations import load_situations

    return {g: dict(v.name) for g, v in load_situations().grounds.items()}


def run_services(services: Any, questions: Sequence[Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The whole situation run against started :class:`tendik.ops.services.Services`."""
    return run(rest_sender(services), tracker_slots(services), questions if questions is not None else load(), ground_names())


# ------------------------------------------------------------------------------------------------
# Summaries.




def _rate(flags: Sequence[bool | None]) -> float | None:
    values = [bool(f) for f in flags if f is not None]
    return round(sum(values) / len(values), 3) if values else None


CHECKS = ("grounds_ok", "stage_ok", "employer_ok", "date_ok", "first_reply_ok")


def misses(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every failed check, by message id (no texts)."""
    out = []
    for r in rows:
        failed = [c for c in CHECKS if r.get(c) is False]
        if r.get("first_reply_ok") is False:
            failed += [c for c in ("names_grounds", "quotes_paragraph") if not r.get(c)]
        failed += [f"followup{f['n']}:{k}" for f in r.get("followups") or [] for k in f["failed"]]
        if r.get("max_message_chars", 0) > TELEGRAM_LIMIT:
            failed.append("over_4096")
        if failed:
            out.append({"id": r["id"], "split": r["split"], "failed": failed})
    return out


def summarise_rows(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The metrics of one group of rows (one split, one language)."""
    firsts = [r["first_message_chars"] for r in rows]
    fus = [f for r in rows for f in r.get("followups") or []]
    by_style: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        by_style[str(r.get("style"))].append(bool(r["grounds_ok"] and r["stage_ok"] and r["first_reply_ok"]))
    return {
        "messages": len(rows),
        "ground_accuracy": _rate([r["grounds_ok"] for r in rows]),
        "grounds_found": _rate([r["grounds_found"] for r in rows]),
        "stage_accuracy": _rate([r["stage_ok"] for r in rows]),
        "employer_accuracy": _rate([r["employer_ok"] for r in rows]),
        "employer_labelled": sum(1 for r in rows if r["employer_ok"] is not None),
        "employer_spurious": sum(1 for r in rows if r["employer_spurious"]),
        "date_accuracy": _rate([r["date_ok"] for r in rows]),
        "date_labelled": sum(1 for r in rows if r["date_ok"] is not None),
        "date_spurious": sum(1 for r in rows if r["date_spurious"]),
        "first_reply_ok": _rate([r["first_reply_ok"] for r in rows]),
        "names_grounds": _rate([r["names_grounds"] for r in rows]),
        "quotes_paragraph": _rate([r["quotes_paragraph"] for r in rows]),
        "answered": _rate([r["answered"] for r in rows]),
        "reply_language_ok": _rate([r["reply_lang"] == r["lang"] for r in rows]),
        "followups": len(fus),
        "followups_ok": _rate([f["ok"] for f in fus]),
        "first_message_chars": {"median": percentile(firsts, 0.5), "p95": percentile(firsts, 0.95), "max": max(firsts, default=0)},
        "max_message_chars": max((r.get("max_message_chars", 0) for r in rows), default=0),
        "all_ok_by_style": {s: f"{sum(v)}/{len(v)}" for s, v in sorted(by_style.items())},
    }


def summarise(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for split in ("tune", "heldout"):
        chosen = [r for r in rows if r["split"] == split]
        out[split] = {lang: summarise_rows([r for r in chosen if r["lang"] == lang]) for lang in ("kk", "ru")}
    ms = [m for r in rows for m in r.get("ms") or []]
    firsts = [r["ms"][0] for r in rows if r.get("ms")]
    out["latency_ms"] = {"turns": len(ms), "p50": percentile(ms, 0.5), "p95": percentile(ms, 0.95),
                         "first_p95": percentile(firsts, 0.95), "mean": round(statistics.mean(ms), 1) if ms else 0.0}
    out["max_message_chars"] = max((r.get("max_message_chars", 0) for r in rows), default=0)
    views = [v for r in rows for v in r.get("views") or []]
    asked = [v for v in views if requested_view(v["payload"])]
    out["views_pressed"] = len(views)
    # "more" buttons answered with the view they ask for (a model without the /show_more intent answers "short")
    out["views_as_requested"] = f"{sum(1 for v in asked if v.get('view') == requested_view(v['payload']))}/{len(asked)}"
    out["situation_source"] = dict(sorted(Counter(r["situation_source"] for r in rows).items()))
    out["typed_payloads"] = sum(1 for r in rows if r["typed_payload"])
    out["targets"] = dict(TARGETS)
    out["misses"] = misses(rows)
    out["rows"] = list(rows)
    return out


# ------------------------------------------------------------------------------------------------
# bench/RESULTS.md


def markdown(s: Mapping[str, Any] | None) -> list[str]:
    """The situation section of bench/RESULTS.md (between markers, so a --situations-only run can
    replace it alone). Numbers only: held-out texts never appear."""
    lines = [
        START,
        "## Situation answers (bench/devset/situations.yml)",
        "",
        "Each message in a fresh conversation through the REST channel; slots read from the tracker after each turn;",
        "follow-ups in the same conversation; every button of the first reply pressed once in a second conversation.",
        "Ground accuracy: predicted set == labelled set (*found*: every labelled ground predicted); stage: slot == label;",
        "employer (kind, and size when labelled) and date where labelled: the date label is resolved against the run",
        "day in Asia/Almaty with tendik.situation.parse_date and compared with the `event_date` slot (a month-only label",
        "expects no day); *first reply ok*: its plain text, outside the paragraphs it quotes, names every labelled ground",
        "(the name in the reply language, whole words) AND a `law` section quotes one of the labelled paragraphs;",
        "lengths: visible characters of the REST `text` (buttons excluded). Misses by id in bench/results.json",
        "(`situations.misses`; held-out texts never appear here). This part alone, on the current build:",
        "`.venv/bin/python -m bench.eval --situations-only`.",
        "",
    ]
    if not s:
        return [*lines, "Numbers: filled by the next `make eval`.", END]
    for split in ("heldout", "tune"):
        d = s[split]
        k, r = d["kk"], d["ru"]

        def cell(key: str, k: Mapping[str, Any] = k, r: Mapping[str, Any] = r) -> str:
            return f"{k[key]} | {r[key]}"

        lines += [
            f"### {'Held-out' if split == 'heldout' else 'Tune'} split ({k['messages']} kk + {r['messages']} ru messages)",
            "",
            "| metric | kk | ru | target |",
            "|---|---|---|---|",
            f"| ground accuracy (exact set) | {cell('ground_accuracy')} | >= 0.93 |",
            f"| all labelled grounds found | {cell('grounds_found')} | |",
            f"| stage accuracy | {cell('stage_accuracy')} | >= 0.90 |",
            f"| employer accuracy (labelled: {k['employer_labelled']} / {r['employer_labelled']}) | {cell('employer_accuracy')} | |",
            f"| employer set though not labelled | {cell('employer_spurious')} | |",
            f"| date accuracy (labelled: {k['date_labelled']} / {r['date_labelled']}) | {cell('date_accuracy')} | |",
            f"| date set though not labelled | {cell('date_spurious')} | |",
            f"| first reply names the ground and quotes its paragraph | {cell('first_reply_ok')} | >= 0.95 |",
            f"| … names every labelled ground | {cell('names_grounds')} | |",
            f"| … quotes a labelled paragraph | {cell('quotes_paragraph')} | |",
            f"| reply in the labelled language | {cell('reply_language_ok')} | |",
            f"| follow-up expectations met ({k['followups']} / {r['followups']}) | {cell('followups_ok')} | |",
            f"| first message chars median / p95 / max | {k['first_message_chars']['median']} / {k['first_message_chars']['p95']} / "
            f"{k['first_message_chars']['max']} | {r['first_message_chars']['median']} / {r['first_message_chars']['p95']} / "
            f"{r['first_message_chars']['max']} | <= 700 / <= 1000 / - |",
            f"| longest message (all replies, views included) | {cell('max_message_chars')} | <= 4096 |",
            f"| all checks by spelling | {k['all_ok_by_style']} | {r['all_ok_by_style']} | |",
            "",
        ]
    lat = s["latency_ms"]
    held = sum(1 for m in s["misses"] if m["split"] == "heldout")
    lines += [
        f"REST turns: {lat['turns']} (p50 {lat['p50']} ms, p95 {lat['p95']} ms; first messages p95 {lat['first_p95']} ms); "
        f"{s['views_pressed']} buttons pressed ({s['views_as_requested']} views opened as asked); predicted situation from: {s['situation_source']}; "
        f"typed payloads: {s['typed_payloads']}. Held-out messages with a miss: {held}.",
        END,
    ]
    return lines


def replace_section(document: str, section: Sequence[str], notes_marker: str) -> str:
    """``document`` with the situation section replaced (or inserted before ``notes_marker``, or appended)."""
    block = "\n".join(section)
    if START in document and END in document:
        head, rest = document.split(START, 1)
        return head + block + rest.split(END, 1)[1]
    if notes_marker in document:
        head, tail = document.split(notes_marker, 1)
        return head.rstrip("\n") + "\n\n" + block + "\n\n" + notes_marker + tail
    return document.rstrip("\n") + "\n\n" + block + "\n"


def run_only(rasa_port: int, action_port: int, write: bool, notes_marker: str) -> int:
    """``python -m bench.eval --situations-only``: the situation answers alone; updates only their
    key of bench/results.json and their section of bench/RESULTS.md."""
    from tendik.ops.services import throwaway_services

    print("[eval] starting Rasa + action server ...", flush=True)
    with throwaway_services(rasa_port, action_port) as (services, _):
        print("[eval] situation answers through REST ...", flush=True)
        summary = summarise(run_services(services))
    summary["finished"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = markdown(summary)
    print("\n".join(section))
    if write:
        results_json = ROOT / "bench" / "results.json"
        result = json.loads(results_json.read_text(encoding="utf-8")) if results_json.exists() else {}
        result["situations"] = summary
        results_json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        results_md = ROOT / "bench" / "RESULTS.md"
        previous = results_md.read_text(encoding="utf-8") if results_md.exists() else ""
        results_md.write_text(replace_section(previous, section, notes_marker), encoding="utf-8")
    return 0
