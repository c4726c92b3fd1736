"""Exports that improve the bot, as reproducible files (same database -> same bytes):

* NLU training examples from reviewed corrections, one YAML file per language in the project's
  format (``nlu_data/data/nlu/<lang>/*.yml``: ``version: "3.1"``, ``nlu:``, ``- intent:`` with an
  ``examples: |`` block), intents and examples sorted;
* test stories (``nlu_data/tests/`` format): each corrected message with its right intent and the
  action that intent should lead to;
* questions the knowledge base could not answer ("not sure" answers, fallbacks, and answers judged
  wrong with no right intent or knowledge id), grouped and counted, as CSV and Markdown;
* the list view as CSV;
* the verdicts with their reason codes and content-fix flags as CSV (no user text, conversations
  pseudonymised).

User text is masked again (:func:`tendik.redact.redact`: whatever the channel did when it was
stored) in every file, and a message that still *looks* like personal data afterwards
(:func:`tendik.redact.looks_personal`: nine or more digits in a run, anything e-mail-like) is
left out and counted, never written; :func:`write_exports` checks every user text of a file once
more and refuses to write the file if one slipped through. The training files are meant to be
copied into ``nlu_data/`` (a public repository). Conversations are named by a pseudonym (a hash of
the sender id), never by the sender id itself. Answers to the self-check's free-text question and
to draft questions are never exported (the index holds no text for them:
:data:`tendik.review.tables.HIDDEN_TEXT`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, and_, or_, select

from tendik.redact import looks_personal, redact
from tendik.review import project
from tendik.review import tables as t
from tendik.review.queries import Filters, iter_all

logger = logging.getLogger(__name__)

LANGUAGES = ("kk", "ru")
_SPACES = re.compile(r"\s+")
WITHHELD = "[withheld: looks like personal data]"


class ExportRefused(RuntimeError):
    """A file would have contained text that looks like personal data: nothing was written."""


def pseudonym(sender_id: str) -> str:
    return "conv-" + hashlib.sha256(sender_id.encode()).hexdigest()[:12]


def example_text(text: str, refused: list[int] | None = None) -> str:
    """A user message as one safe training-example line: masked, on one line, and with Rasa's
    entity-annotation syntax (``[x](y)``, ``[x]{...}``) broken so it stays plain text. Empty (and
    counted in ``refused``) when the masked text still looks like personal data."""
    text = _SPACES.sub(" ", redact(text or "")).strip()
    if looks_personal(text):
        if refused is not None:
            refused.append(1)
        return ""
    return text.replace("](", "] (").replace("]{", "] {").replace("][", "] [")


def assert_clean(texts: Iterable[str], what: str) -> None:
    """Raise :class:`ExportRefused` if any user text of a file looks like personal data."""
    bad = sum(1 for x in texts if looks_personal(x))
    if bad:
        logger.error("export %s refused: %d text(s) still look like personal data after masking", what, bad)
        raise ExportRefused(f"{what}: {bad} text(s) still look like personal data after masking; nothing was written")


@dataclass(frozen=True)
class Correction:
    sender_id: str
    event_id: int
    language: str
    text: str
    intent: str
    predicted: str | None
    updated_at: float


def corrections(engine: Engine, include_confirmed: bool = False, refused: list[int] | None = None) -> list[Correction]:
    """Judged messages with the intent they should have had: "wrong" with a right intent, and
    (``include_confirmed``) "correct" ones with their predicted intent. Messages that still look
    like personal data after masking are left out (counted in ``refused``)."""
    j, m = t.judgements.c, t.messages.c
    cond = and_(j.verdict == "wrong", j.right_intent.is_not(None))
    if include_confirmed:
        cond = or_(cond, and_(j.verdict == "correct", m.intent.is_not(None), m.intent != "nlu_fallback"))
    q = (
        select(j.sender_id, j.turn_event_id, j.verdict, j.right_intent, j.updated_at, m.language, m.text, m.intent)
        .join(t.messages, and_(m.sender_id == j.sender_id, m.event_id == j.turn_event_id))
        .where(cond, m.text != t.HIDDEN_TEXT)  # never a hidden answer (tendik.review.tracker.HIDDEN_REQUESTS)
        .order_by(j.sender_id, j.turn_event_id)
    )
    out = []
    with engine.connect() as conn:
        for r in conn.execute(q):
            text = example_text(r.text, refused)
            if not text or text.startswith("/"):
                continue  # button payloads carry their intent already
            intent = r.right_intent if r.verdict == "wrong" else r.intent
            if intent not in project.intents():
                continue
            out.append(Correction(r.sender_id, r.turn_event_id, r.language if r.language in LANGUAGES else "ru", text, intent,
                                  r.intent, r.updated_at))
    return out


def _latest_per_text(items: Iterable[Correction]) -> dict[tuple[str, str], Correction]:
    """One intent per (language, text): the most recent judgement wins (ties: by id)."""
    best: dict[tuple[str, str], Correction] = {}
    for c in items:
        key = (c.language, c.text.casefold())
        old = best.get(key)
        if old is None or (c.updated_at, c.sender_id, c.event_id) > (old.updated_at, old.sender_id, old.event_id):
            best[key] = c
    return best


def _block_line(text: str) -> str:
    return "    - " + text


def nlu_yaml(engine: Engine, include_confirmed: bool = False, refused: list[int] | None = None) -> dict[str, str]:
    """language -> YAML text of NLU training examples (only languages with examples)."""
    by_lang: dict[str, dict[str, set[str]]] = {}
    for c in _latest_per_text(corrections(engine, include_confirmed, refused)).values():
        by_lang.setdefault(c.language, {}).setdefault(c.intent, set()).add(c.text)
    out = {}
    for lang in sorted(by_lang):
        lines = ['version: "3.1"', "nlu:"]
        for intent in sorted(by_lang[lang]):
            lines += [f"- intent: {intent}", "  examples: |"]
            lines += [_block_line(x) for x in sorted(by_lang[lang][intent], key=lambda s: (s.casefold(), s))]
        out[lang] = "\n".join(lines) + "\n"
    return out


def stories_yaml(engine: Engine, refused: list[int] | None = None) -> dict[str, str]:
    """language -> YAML text of test stories: one story per corrected message."""
    by_lang: dict[str, list[Correction]] = {}
    for c in _latest_per_text(corrections(engine, refused=refused)).values():
        by_lang.setdefault(c.language, []).append(c)
    out = {}
    for lang in sorted(by_lang):
        lines = ['version: "3.1"', "stories:"]
        for c in sorted(by_lang[lang], key=lambda c: (c.intent, c.text.casefold(), c.text)):
            name = f"review {lang} - {pseudonym(c.sender_id)} message {c.event_id}: {c.predicted or 'none'} -> {c.intent}"
            lines += [
                f"- story: {json.dumps(name, ensure_ascii=False)}",
                "  steps:",
                "  - user: |",
                f"      {c.text}",
                f"    intent: {c.intent}",
                f"  - action: {project.expected_action(c.intent)}",
            ]
        out[lang] = "\n".join(lines) + "\n"
    return out


@dataclass
class Unanswered:
    language: str
    question: str
    count: int
    first_seen: str
    last_seen: str


def unanswered(engine: Engine, refused: list[int] | None = None) -> list[Unanswered]:
    """Questions the knowledge base could not answer, grouped by (language, text)."""
    m, j = t.messages.c, t.judgements.c
    no_answer = and_(
        j.verdict == "wrong", j.right_intent.is_(None), or_(j.right_knowledge_ids.is_(None), j.right_knowledge_ids == "[]")
    )
    q = (
        select(m.language, m.text, m.ts)
        .select_from(t.messages.outerjoin(t.judgements, and_(j.sender_id == m.sender_id, j.turn_event_id == m.event_id)))
        .where(m.text != t.HIDDEN_TEXT, or_(m.answered.is_(False), and_(m.intent == "nlu_fallback", m.answered.is_not(True)), no_answer))
    )
    groups: dict[tuple[str, str], list[float]] = {}
    display: dict[tuple[str, str], str] = {}
    with engine.connect() as conn:
        for r in conn.execute(q):
            text = example_text(r.text, refused)
            if not text or text.startswith("/"):
                continue
            key = (r.language or "", text.casefold())
            groups.setdefault(key, []).append(r.ts)
            display[key] = min(display.get(key, text), text)
    day = lambda ts: datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")  # noqa: E731
    items = [Unanswered(k[0], display[k], len(v), day(min(v)), day(max(v))) for k, v in groups.items()]
    items.sort(key=lambda u: (u.language, -u.count, u.question.casefold(), u.question))
    return items


def unanswered_csv(items: list[Unanswered]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["language", "count", "first_seen", "last_seen", "question"])
    for u in items:
        w.writerow([u.language, u.count, u.first_seen, u.last_seen, _csv_safe(u.question)])
    return buf.getvalue()


def unanswered_md(items: list[Unanswered]) -> str:
    lines = ["# Questions the knowledge base could not answer", "",
             "Grouped by language, most frequent first. Personal data is masked. Use them to write new explanations.", ""]
    for lang in sorted({u.language for u in items}):
        lines += [f"## {lang or 'unknown language'}", ""]
        for u in (x for x in items if x.language == lang):
            q = u.question.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*").replace("_", "\\_").replace("<", "&lt;")
            lines.append(f"- {q} (×{u.count}, {u.first_seen} – {u.last_seen})")
        lines.append("")
    return "\n".join(lines)


def _shown(text: str) -> str:
    """User text for a file: masked, or withheld when it still looks like personal data."""
    masked = redact(text or "")
    return WITHHELD if looks_personal(masked) else masked


def user_texts(kind: str, content: str) -> list[str]:
    """The user texts in an export file's content (what :func:`assert_clean` checks)."""
    if kind == "nlu":
        return [line[6:] for line in content.splitlines() if line.startswith("    - ")]
    if kind == "stories":
        return [line[6:] for line in content.splitlines() if line.startswith("      ")]
    return [content]


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading = + - @ becomes text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


CSV_FIELDS = ["conversation", "channel", "language", "first_message", "last_message", "user_messages", "answers",
              "not_sure", "intents", "min_confidence", "fallback", "not_helpful", "votes", "reviewed", "judged", "first_question"]


def conversations_csv(engine: Engine, filters: Filters, chunk: int = 1000) -> Iterator[str]:
    """The list view (with its filters) as CSV text, streamed in pieces of ``chunk`` rows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    day = lambda ts: datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
    n = 0
    for r in iter_all(engine, filters, chunk):
        w.writerow([
            pseudonym(r["sender_id"]), _csv_safe(r["channel"]), _csv_safe(r["language"]), day(r["first_ts"]), day(r["last_ts"]),
            r["n_user"], r["n_answers"], r["n_unanswered"], _csv_safe(" ".join(r["intent_list"])),
            "" if r["min_confidence"] is None else f"{r['min_confidence']:.3f}", int(bool(r["fallback"])),
            int(bool(r["not_helpful"])), r["n_votes"], int(bool(r["reviewed"])), r["n_judged"], _csv_safe(_shown(r["preview"])),
        ])
        n += 1
        if n % chunk == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def write_exports(engine: Engine, kind: str, out: Path, include_confirmed: bool = False,
                  refused: list[int] | None = None) -> list[Path]:
    """Write ``kind`` (nlu | stories | unanswered | verdicts | all) under ``out``; returns the files written.
    Every file is checked before it is written (:class:`ExportRefused`); messages left out because
    they still look like personal data are counted in ``refused``."""
    written: list[Path] = []
    refused = refused if refused is not None else []
    files: list[tuple[str, str]] = []
    if kind in ("nlu", "all"):
        for lang, content in nlu_yaml(engine, include_confirmed, refused).items():
            assert_clean(user_texts("nlu", content), f"nlu/{lang}")
            files.append((f"nlu/{lang}/review_corrections.yml", content))
    if kind in ("stories", "all"):
        for lang, content in stories_yaml(engine, refused).items():
            assert_clean(user_texts("stories", content), f"stories/{lang}")
            files.append((f"tests/test_review_{lang}.yml", content))
    if kind in ("unanswered", "all"):
        items = unanswered(engine, refused)
        assert_clean((u.question for u in items), "unanswered")
        files += [("unanswered.csv", unanswered_csv(items)), ("unanswered.md", unanswered_md(items))]
    if kind in ("verdicts", "all"):
        files.append(("verdicts.csv", verdicts_csv(verdicts(engine))))
    for rel, content in files:  # only once every file passed the check
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    if refused:
        logger.warning("export: %d message(s) left out because they still look like personal data", len(refused))
    return written


VERDICT_FIELDS = ["conversation", "turn", "answer_id", "language", "intent", "verdict", "reason", "content_fix", "content_fixed",
                  "right_intent", "right_knowledge_ids", "judged"]


@dataclass
class Verdict:
    conversation: str
    turn: int
    answer_id: str
    language: str
    intent: str
    verdict: str
    reason: str
    content_fix: bool
    content_fixed: str
    right_intent: str
    right_knowledge_ids: str
    judged: str


def verdicts(engine: Engine) -> list[Verdict]:
    """Every verdict with its reason code (``wrong_topic``, ... tendik.review.judgements.REASONS) and
    content-fix flag, by pseudonym and turn; no user text or comment, no reviewer name."""
    j, m = t.judgements.c, t.messages.c
    q = (
        select(j.sender_id, j.turn_event_id, j.answer_id, j.verdict, j.reason, j.content_fix, j.content_fixed_at, j.right_intent,
               j.right_knowledge_ids, j.updated_at, m.language, m.intent)
        .select_from(t.judgements.outerjoin(t.messages, and_(m.sender_id == j.sender_id, m.event_id == j.turn_event_id)))
    )
    day = lambda ts: datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d") if ts else ""  # noqa: E731
    with engine.connect() as conn:
        items = [
            Verdict(pseudonym(r.sender_id), r.turn_event_id, r.answer_id or "", r.language or "", r.intent or "", r.verdict,
                    r.reason or "", bool(r.content_fix), day(r.content_fixed_at), r.right_intent or "",
                    " ".join(json.loads(r.right_knowledge_ids or "[]")), day(r.updated_at))
            for r in conn.execute(q)
        ]
    items.sort(key=lambda v: (v.conversation, v.turn))
    return items


def verdicts_csv(items: list[Verdict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(VERDICT_FIELDS)
    for v in items:
        w.writerow([v.conversation, v.turn, _csv_safe(v.answer_id), v.language, v.intent, v.verdict, v.reason, int(v.content_fix),
                    v.content_fixed, v.right_intent, _csv_safe(v.right_knowledge_ids), v.judged])
    return buf.getvalue()
