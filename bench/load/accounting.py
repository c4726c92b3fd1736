"""Accounting of an open-loop load run: which reply belongs to which message, and the counts
(lost, answered twice, out of order, "temporarily unavailable"), latencies and the timeline.

Pure functions over plain records, so that the test can feed them a made-up reply stream.

Attribution of replies to messages:

- **Widget**: exact. Each ``POST /api/chat`` answers one message; its response is that message's
  reply (one "turn"). A 503 ``unavailable`` body is a "temporarily unavailable" reply; any other
  non-200 status is an error reply; no response before the deadline (timeout, connection refused)
  leaves the message without a reply (lost).
- **Telegram**: replies are ``sendMessage`` / ``sendDocument`` calls to the user's chat on the local
  Bot API. The bot (``tendik/telegram/conversation.py`` ``ask``) sends ``sendChatAction(typing)``
  before it asks the assistant, once per message, and handles one update at a time per user
  (``UserMiddleware``). So the chat's call log is cut into *turns* at each ``sendChatAction`` (a typing
  action right after a refused one (429 or 5xx: the bot retries both) is the same turn, also when
  the bot gave up): the j-th turn is the reply to
  the user's j-th message. A reply that carries ``reply_parameters.message_id`` /
  ``reply_to_message_id`` is attributed to that message instead (exact: the bot's error reply,
  "temporarily unavailable, send it again", answers the message that failed, sent with or without
  a typing action before it), and the turns cut at typing actions go to the other messages in
  order. Limits of order attribution: a message the bot never handled shifts the later turns (the
  count of lost messages is right, which message it was may not be); out of order cannot be seen
  (the bot's per-user lock is what prevents it); a turn more than the messages sent is "answered
  twice". A second, independent count comes from the tracker store (user events per sender,
  :func:`store_counts` in ``loadgen``).

Definitions (per user, messages numbered 0, 1, 2 ... in the order sent):

- *lost*: no reply (no turn with at least one message) by the deadline after the run;
- *answered twice*: a message with two or more turns (Telegram) / replies;
- *out of order*: the first reply to message k arrives after the first reply to message k+1 (or any
  later message) of the same user; a later message's error reply (a refusal at the door, such as the
  widget's "too many messages at once" 429, sent at once by design) does not count as that later
  reply: it is counted under errors, and the replies to the earlier messages still come in order;
- *unavailable*: a turn whose messages include the "temporarily unavailable" text (or the widget's
  503 ``unavailable``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

UNAVAILABLE_MARKERS = ("временно недоступен", "уақытша қолжетімсіз")


def is_unavailable_text(text: str) -> bool:
    return any(m in text for m in UNAVAILABLE_MARKERS)


@dataclass
class Sent:
    """One message a simulated user sent."""

    user: str  # "tg:<id>" / "web:<n>"
    seq: int  # 0, 1, 2 ... per user
    channel: str  # "telegram" | "web"
    lang: str
    at: float  # monotonic seconds
    message_id: int | None = None  # Telegram: the user's message id in the chat


@dataclass
class ReplyPart:
    """One message the user received (a Telegram message, or one widget response)."""

    at: float
    text: str = ""
    status: int = 200  # widget: the HTTP status; Telegram: 200
    reply_to: int | None = None  # Telegram message id it replies to, when the bot says so


@dataclass
class Turn:
    """A reply to one message: one or more parts (Telegram splits long answers)."""

    user: str
    seq: int | None  # which message it answers (None: could not be attributed)
    parts: list[ReplyPart] = field(default_factory=list)

    @property
    def first_at(self) -> float | None:
        return min((p.at for p in self.parts), default=None)

    @property
    def last_at(self) -> float | None:
        return max((p.at for p in self.parts), default=None)

    @property
    def unavailable(self) -> bool:
        return any(is_unavailable_text(p.text) or p.status == 503 for p in self.parts)

    @property
    def error(self) -> bool:
        return any(p.status not in (200, 503) for p in self.parts)


@dataclass
class ChatEvent:
    """A Bot API call the bot made in one chat: ``kind`` "typing" (a turn starts) or "message"."""

    at: float
    kind: str
    status: int = 200
    text: str = ""
    reply_to: int | None = None


def telegram_turns(user: str, events: Sequence[ChatEvent], sent: Sequence[Sent]) -> list[Turn]:
    """Cut one chat's call log into turns and attribute them to ``sent`` (this user's messages,
    in the order sent); see the module docstring."""
    by_message_id = {s.message_id: s.seq for s in sent if s.message_id is not None}
    turns: list[Turn] = []
    current: Turn | None = None
    stray: list[ReplyPart] = []
    retrying = False  # the last call was a refused typing action (the bot retries it: 429 and 5xx)
    for ev in sorted(events, key=lambda e: e.at):
        if ev.kind == "typing":
            if not (retrying and current is not None and not current.parts):
                current = Turn(user, None)
                turns.append(current)
            retrying = ev.status != 200
            continue
        retrying = False
        if ev.status != 200:
            continue  # the user never saw it
        part = ReplyPart(ev.at, ev.text, 200, ev.reply_to)
        if ev.reply_to is not None and ev.reply_to in by_message_id:
            if current is not None and current.seq is None and not current.parts and turns and turns[-1] is current:
                turns.pop()  # a turn that failed after its typing action: the error reply answers it
                current = None
            turns.append(Turn(user, by_message_id[ev.reply_to], [part]))
        elif current is not None:
            current.parts.append(part)
        else:
            stray.append(part)
    ordered = [t for t in turns if t.seq is None]
    answered = {t.seq for t in turns if t.seq is not None}  # the bot said which message they answer
    seqs = [s.seq for s in sorted(sent, key=lambda s: s.seq) if s.seq not in answered]
    for i, turn in enumerate(ordered):
        turn.seq = seqs[i] if i < len(seqs) else None  # more turns than messages: answered twice
    out = [t for t in turns if t.parts or t.seq is not None]
    if stray:
        out.append(Turn(user, None, stray))
    return out


@dataclass
class MessageResult:
    sent: Sent
    turns: int = 0  # turns with at least one part
    first_s: float | None = None  # latency to the first part of the first turn
    complete_s: float | None = None  # latency to the last part of the first turn
    unavailable: bool = False
    error: bool = False
    out_of_order: bool = False

    @property
    def answered(self) -> bool:
        """Got a real answer (not "unavailable", not an error)."""
        return self.turns > 0 and not self.unavailable and not self.error

    @property
    def refused(self) -> bool:
        """Got an error reply that is not "temporarily unavailable" (counted under errors)."""
        return self.error and not self.unavailable


@dataclass
class Accounting:
    results: list[MessageResult]
    unattributed_turns: int  # turns more than the messages, or parts before any turn started

    @property
    def lost(self) -> int:
        return sum(1 for r in self.results if r.turns == 0)

    @property
    def duplicated(self) -> int:
        return sum(1 for r in self.results if r.turns > 1) + self.unattributed_turns

    @property
    def out_of_order(self) -> int:
        return sum(1 for r in self.results if r.out_of_order)

    @property
    def unavailable(self) -> int:
        return sum(1 for r in self.results if r.unavailable)

    @property
    def errors(self) -> int:
        return sum(1 for r in self.results if r.refused)


def account(sent: Iterable[Sent], turns: Iterable[Turn], deadline: float = math.inf) -> Accounting:
    """Match turns to messages; a part after ``deadline`` (monotonic) does not count."""
    by_key: dict[tuple[str, int], list[Turn]] = defaultdict(list)
    unattributed = 0
    for t in turns:
        parts = [p for p in t.parts if p.at <= deadline]
        if not parts:
            continue
        if t.seq is None:
            unattributed += 1
            continue
        by_key[(t.user, t.seq)].append(Turn(t.user, t.seq, parts))
    results: list[MessageResult] = []
    per_user: dict[str, list[MessageResult]] = defaultdict(list)
    for s in sent:
        got = sorted(by_key.pop((s.user, s.seq), []), key=lambda t: t.first_at or 0.0)
        r = MessageResult(s, turns=len(got))
        if got:
            first = got[0]
            r.first_s = (first.first_at or s.at) - s.at
            r.complete_s = (first.last_at or s.at) - s.at
            r.unavailable = first.unavailable
            r.error = first.error
        results.append(r)
        per_user[s.user].append(r)
    unattributed += sum(len(v) for v in by_key.values())  # turns for messages never sent
    for rs in per_user.values():
        rs.sort(key=lambda r: r.sent.seq)
        # out of order: the first reply to k after the first reply to any later message
        later_min = math.inf
        for r in reversed(rs):
            at = r.sent.at + r.first_s if r.first_s is not None else None
            if at is not None and at > later_min:
                r.out_of_order = True
            if at is not None and not r.refused:
                later_min = min(later_min, at)
    return Accounting(results, unattributed)


def stored_although_refused(results: Iterable[MessageResult], stored: dict[str, int], started: float) -> dict[str, Any]:
    """Messages that Rasa stored although their user was told "temporarily unavailable" (or got an
    error): per user, the stored user messages beyond the answered ones (a resend would store such a
    message twice). Where a user has exactly as many of them as refusals, they are pinned down:
    ``pinned`` lists [seconds from the start when sent, seconds until the refusal] of each."""
    by_user: dict[str, list[MessageResult]] = defaultdict(list)
    for r in results:
        by_user[r.sent.user].append(r)
    total, pinned = 0, []
    for user, rs in by_user.items():
        if user not in stored:
            continue
        told_to_resend = [r for r in rs if r.turns > 0 and not r.answered]  # "unavailable" or an error
        extra = stored[user] - sum(1 for r in rs if r.answered)
        if extra <= 0:
            continue
        total += extra
        if extra == len(told_to_resend):
            pinned += [[round(r.sent.at - started, 3), round(r.first_s or 0.0, 3)] for r in told_to_resend]
    return {"stored_although_refused": total, "pinned": sorted(pinned)}


def percentile(values: Sequence[float], q: float) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def dist_ms(values_s: Sequence[float]) -> dict[str, float | int | None]:
    def ms(v: float | None) -> float | None:
        return None if v is None else round(v * 1000, 1)

    return {"n": len(values_s), "p50": ms(percentile(values_s, 0.5)), "p95": ms(percentile(values_s, 0.95)),
            "p99": ms(percentile(values_s, 0.99)), "max": ms(max(values_s) if values_s else None)}


def summary(acc: Accounting, started: float, ended: float) -> dict:
    """Counts and latencies of one run (``started``/``ended``: the sending phase, monotonic)."""
    rs = acc.results
    answered = [r for r in rs if r.answered]
    wall = max(ended - started, 1e-9)
    out: dict = {
        "messages": len(rs),
        "offered_per_s": round(len(rs) / wall, 2),
        "answered": len(answered),
        "answered_per_s": round(len(answered) / wall, 2),
        "lost": acc.lost,
        "duplicated": acc.duplicated,
        "out_of_order": acc.out_of_order,
        "unavailable": acc.unavailable,
        "errors": acc.errors,
        "latency_first_ms": dist_ms([r.first_s for r in answered if r.first_s is not None]),
        "latency_complete_ms": dist_ms([r.complete_s for r in answered if r.complete_s is not None]),
        "by_channel": {},
    }
    for ch in sorted({r.sent.channel for r in rs}):
        sub = [r for r in rs if r.sent.channel == ch]
        ok = [r for r in sub if r.answered]
        out["by_channel"][ch] = {
            "messages": len(sub), "answered": len(ok), "lost": sum(1 for r in sub if r.turns == 0),
            "duplicated": sum(1 for r in sub if r.turns > 1), "out_of_order": sum(1 for r in sub if r.out_of_order),
            "unavailable": sum(1 for r in sub if r.unavailable),
            "errors": sum(1 for r in sub if r.refused),
            "latency_complete_ms": dist_ms([r.complete_s for r in ok if r.complete_s is not None]),
        }
    return out


def timeline(acc: Accounting, started: float, bucket: float = 10.0) -> list[dict]:
    """Per ``bucket`` seconds from ``started``: messages offered (sent), answered (a real answer
    completed in it), "unavailable"/errors, and the p95 complete latency of the messages sent in it."""
    rows: dict[int, dict] = defaultdict(lambda: {"offered": 0, "answered": 0, "unavailable": 0, "lat": []})
    for r in acc.results:
        b = int((r.sent.at - started) // bucket)
        rows[b]["offered"] += 1
        if r.answered and r.complete_s is not None:
            rows[b]["lat"].append(r.complete_s)
            done = int((r.sent.at + r.complete_s - started) // bucket)
            rows[done]["answered"] += 1
        elif r.unavailable or r.error:
            rows[b]["unavailable"] += 1
    out = []
    for b in sorted(rows):
        row = rows[b]
        p95 = percentile(row["lat"], 0.95)
        out.append({"t_s": round(b * bucket), "offered_per_s": round(row["offered"] / bucket, 2),
                    "answered_per_s": round(row["answered"] / bucket, 2), "unavailable_or_error": row["unavailable"],
                    "p95_ms_of_sent": None if p95 is None else round(p95 * 1000)})
    return out


def faults_report(acc: Accounting, faults: Sequence[dict], window: float = 60.0) -> list[dict]:
    """Per fault (``{"name", "at"}`` monotonic, optional ``"until"``): the messages sent from the
    fault until ``window`` seconds after it ended: lost, answered twice, out of order, unavailable;
    and the time to recover: from the fault's end to the first message sent after it that got a
    real answer (its answer's arrival)."""
    out = []
    for f in faults:
        start, end = f["at"], f.get("until", f["at"])
        sub = [r for r in acc.results if start <= r.sent.at <= end + window]
        recovered = [r.sent.at + (r.complete_s or 0.0) for r in acc.results if r.sent.at >= end and r.answered]
        out.append({
            "name": f["name"], "messages": len(sub), "lost": sum(1 for r in sub if r.turns == 0),
            "duplicated": sum(1 for r in sub if r.turns > 1), "out_of_order": sum(1 for r in sub if r.out_of_order),
            "unavailable": sum(1 for r in sub if r.unavailable), "errors": sum(1 for r in sub if r.refused),
            "recover_s": round(min(recovered) - end, 2) if recovered else None,
        })
    return out
