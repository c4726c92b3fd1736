"""The bot's own tables, in the same database as Rasa's tracker store (``TENDIK_DB_URL``).

Every per-user row is keyed by ``sender_id`` (the hashed Rasa sender id), so
``tendik.common.db.delete_user_data`` erases a user here too. The Telegram chat id, needed to send
cards, is stored only in ``tendik_tg_subscriptions`` and goes with that row (/unsubscribe, /delete).

- ``tendik_tg_users``: chosen language; the answer awaiting an optional "not helpful" comment.
- ``tendik_tg_subscriptions``: subscribers, their chat id, card rotation state, blocked flag.
- ``tendik_tg_broadcasts`` / ``tendik_tg_deliveries``: each card broadcast and, per subscriber, its
  delivery state (pending, sending, sent, blocked, failed, uncertain), which makes sending resumable.
- ``tendik_tg_meta``: small key/value state (the schedule's anchor time).

The engine is synchronous (SQLAlchemy 2); the async methods run it in a worker thread.
"""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from tendik.common.db import metadata

P = ParamSpec("P")
R = TypeVar("R")

users = Table(
    "tendik_tg_users",
    metadata,
    Column("sender_id", String(64), primary_key=True),
    Column("language", String(8), nullable=True),
    Column("pending_comment", String(64), nullable=True),
    Column("pending_since", Float, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

subscriptions = Table(
    "tendik_tg_subscriptions",
    metadata,
    Column("sender_id", String(64), primary_key=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("language", String(8), nullable=False),
    Column("subscribed_at", Float, nullable=False),
    Column("blocked_at", Float, nullable=True),
    Column("last_card", String(64), nullable=True),
    Column("seen_cards", Text, nullable=False, default=""),
    Column("cards_sent", Integer, nullable=False, default=0),
)

broadcasts = Table(
    "tendik_tg_broadcasts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("origin", String(16), nullable=False),
    Column("topic", String(64), nullable=True),
    Column("status", String(16), nullable=False),
    Column("total", Integer, nullable=False, default=0),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", Float, nullable=True),
    Column("finished_at", Float, nullable=True),
)

deliveries = Table(
    "tendik_tg_deliveries",
    metadata,
    Column("broadcast_id", String(32), primary_key=True),
    Column("sender_id", String(64), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("card_id", String(64), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", String(64), nullable=True),
    Column("updated_at", Float, nullable=False),
    Index("ix_tendik_tg_deliveries_state", "broadcast_id", "state"),
)

meta = Table(
    "tendik_tg_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=True),
)

DELIVERY_STATES = ("pending", "sending", "sent", "blocked", "failed", "uncertain")


def in_thread(fn: Callable[P, R]) -> Callable[P, Any]:
    """Run a blocking database method in a worker thread; ``.sync`` is the blocking original."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return await asyncio.to_thread(fn, *args, **kwargs)

    wrapper.sync = fn  # type: ignore[attr-defined]
    return wrapper


@dataclass
class UserState:
    sender_id: str
    language: str | None = None
    pending_comment: str | None = None
    pending_since: float | None = None


@dataclass
class Subscription:
    sender_id: str
    chat_id: int
    language: str
    subscribed_at: float
    blocked_at: float | None
    last_card: str | None
    seen_cards: list[str]
    cards_sent: int


@dataclass
class Delivery:
    """A pending delivery joined with its subscriber's current state."""

    sender_id: str
    chat_id: int
    language: str
    last_card: str | None
    seen_cards: list[str]
    attempts: int


def _subscription(row: Any) -> Subscription:
    return Subscription(
        sender_id=row.sender_id, chat_id=int(row.chat_id), language=row.language, subscribed_at=row.subscribed_at,
        blocked_at=row.blocked_at, last_card=row.last_card, seen_cards=(row.seen_cards or "").split(),
        cards_sent=row.cards_sent or 0,
    )


class Store:
    """Database access for the bot, the scheduler and the broadcast CLI."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------ users
    @in_thread
    def get_user(self, sender_id: str) -> UserState | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.sender_id == sender_id)).first()
        if row is None:
            return None
        return UserState(sender_id, row.language, row.pending_comment, row.pending_since)

    def _upsert_user(self, sender_id: str, **values: Any) -> None:
        now = time.time()
        with self.engine.begin() as conn:
            done = conn.execute(update(users).where(users.c.sender_id == sender_id).values(updated_at=now, **values)).rowcount
            if done:
                return
            try:
                with conn.begin_nested():
                    conn.execute(insert(users).values(sender_id=sender_id, created_at=now, updated_at=now, **values))
            except IntegrityError:  # created meanwhile by a concurrent update
                conn.execute(update(users).where(users.c.sender_id == sender_id).values(updated_at=now, **values))

    @in_thread
    def set_language(self, sender_id: str, language: str) -> None:
        self._upsert_user(sender_id, language=language)
        with self.engine.begin() as conn:
            conn.execute(update(subscriptions).where(subscriptions.c.sender_id == sender_id).values(language=language))

    @in_thread
    def set_pending_comment(self, sender_id: str, answer_id: str | None) -> None:
        self._upsert_user(sender_id, pending_comment=answer_id, pending_since=time.time() if answer_id else None)

    # ------------------------------------------------------------ subscriptions
    @in_thread
    def get_subscription(self, sender_id: str) -> Subscription | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(subscriptions).where(subscriptions.c.sender_id == sender_id)).first()
        return _subscription(row) if row else None

    @in_thread
    def subscribe(self, sender_id: str, chat_id: int, language: str) -> bool:
        """Subscribe (or re-activate); False when already an active subscriber."""
        with self.engine.begin() as conn:
            row = conn.execute(select(subscriptions).where(subscriptions.c.sender_id == sender_id)).first()
            if row is not None:
                conn.execute(
                    update(subscriptions).where(subscriptions.c.sender_id == sender_id)
                    .values(chat_id=chat_id, language=language, blocked_at=None)
                )
                return row.blocked_at is not None
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(subscriptions).values(
                            sender_id=sender_id, chat_id=chat_id, language=language, subscribed_at=time.time(),
                            blocked_at=None, last_card=None, seen_cards="", cards_sent=0,
                        )
                    )
            except IntegrityError:
                return False
        return True

    @in_thread
    def unsubscribe(self, sender_id: str) -> bool:
        """Delete the subscription (and with it the chat id) and the user's undelivered cards."""
        with self.engine.begin() as conn:
            gone = conn.execute(delete(subscriptions).where(subscriptions.c.sender_id == sender_id)).rowcount
            conn.execute(delete(deliveries).where(deliveries.c.sender_id == sender_id, deliveries.c.state == "pending"))
        return bool(gone)

    @in_thread
    def set_blocked(self, sender_id: str, blocked: bool) -> bool:
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    update(subscriptions).where(subscriptions.c.sender_id == sender_id)
                    .values(blocked_at=time.time() if blocked else None)
                ).rowcount
            )

    def _record_card(self, conn: Any, sender_id: str, card_id: str, all_cards: list[str]) -> None:
        row = conn.execute(select(subscriptions.c.seen_cards).where(subscriptions.c.sender_id == sender_id)).first()
        if row is None:
            return
        seen = [c for c in (row.seen_cards or "").split() if c in all_cards]
        if card_id not in seen:
            seen.append(card_id)
        if set(all_cards) <= set(seen):  # every card sent once: a new round starts (last_card prevents a repeat)
            seen = []
        conn.execute(
            update(subscriptions).where(subscriptions.c.sender_id == sender_id)
            .values(last_card=card_id, seen_cards=" ".join(seen), cards_sent=subscriptions.c.cards_sent + 1)
        )

    @in_thread
    def record_card_sent(self, sender_id: str, card_id: str, all_cards: list[str]) -> None:
        with self.engine.begin() as conn:
            self._record_card(conn, sender_id, card_id, all_cards)

    @in_thread
    def subscriber_counts(self) -> dict[str, int]:
        """Active subscribers per language, plus "blocked"."""
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(subscriptions.c.language, subscriptions.c.blocked_at.is_(None), func.count())
                .group_by(subscriptions.c.language, subscriptions.c.blocked_at.is_(None))
            ).all()
        for language, active, count in rows:
            key = language if active else "blocked"
            out[key] = out.get(key, 0) + count
        return out

    @in_thread
    def active_subscriptions(self) -> list[Subscription]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(subscriptions).where(subscriptions.c.blocked_at.is_(None)).order_by(subscriptions.c.sender_id)
            ).all()
        return [_subscription(r) for r in rows]

    # ------------------------------------------------------------ broadcasts
    @in_thread
    def unfinished_broadcast(self) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(broadcasts).where(broadcasts.c.status == "sending").order_by(broadcasts.c.created_at)
            ).mappings().first()
        return dict(row) if row else None

    @in_thread
    def create_broadcast(self, origin: str, topic: str | None = None) -> tuple[str, bool]:
        """A new broadcast to every active subscriber, or the unfinished one: (id, created)."""
        now = time.time()
        with self.engine.begin() as conn:
            row = conn.execute(select(broadcasts.c.id).where(broadcasts.c.status == "sending")).first()
            if row is not None:
                return row.id, False
            bid = uuid.uuid4().hex
            conn.execute(insert(broadcasts).values(id=bid, created_at=now, origin=origin, topic=topic, status="sending", total=0))
            conn.execute(
                insert(deliveries).from_select(
                    ["broadcast_id", "sender_id", "state", "attempts", "updated_at"],
                    select(
                        literal(bid, String(32)), subscriptions.c.sender_id, literal("pending", String(16)),
                        literal(0, Integer), literal(now, Float),
                    ).where(subscriptions.c.blocked_at.is_(None)),
                )
            )
            total = conn.execute(select(func.count()).select_from(deliveries).where(deliveries.c.broadcast_id == bid)).scalar_one()
            conn.execute(update(broadcasts).where(broadcasts.c.id == bid).values(total=total))
        return bid, True

    @in_thread
    def get_broadcast(self, broadcast_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(broadcasts).where(broadcasts.c.id == broadcast_id)).mappings().first()
        return dict(row) if row else None

    @in_thread
    def recent_broadcasts(self, limit: int = 10) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(broadcasts).order_by(broadcasts.c.created_at.desc()).limit(limit)).mappings().all()
        return [dict(r) for r in rows]

    @in_thread
    def claim(self, broadcast_id: str, owner: str, lease: float) -> bool:
        """Take (or renew) the right to send this broadcast; False while another live process has it."""
        now = time.time()
        with self.engine.begin() as conn:
            result = conn.execute(
                update(broadcasts)
                .where(
                    broadcasts.c.id == broadcast_id,
                    broadcasts.c.status == "sending",
                    (broadcasts.c.lease_owner.is_(None)) | (broadcasts.c.lease_owner == owner) | (broadcasts.c.lease_until < now),
                )
                .values(lease_owner=owner, lease_until=now + lease)
            )
        return bool(result.rowcount)

    @in_thread
    def release(self, broadcast_id: str, owner: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(broadcasts).where(broadcasts.c.id == broadcast_id, broadcasts.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )

    @in_thread
    def recover_in_flight(self, broadcast_id: str) -> int:
        """Deliveries left "sending" by a process that died mid-request: Telegram may or may not have
        delivered them, so they are marked "uncertain" and not sent again (never twice)."""
        with self.engine.begin() as conn:
            return conn.execute(
                update(deliveries).where(deliveries.c.broadcast_id == broadcast_id, deliveries.c.state == "sending")
                .values(state="uncertain", error="interrupted", updated_at=time.time())
            ).rowcount

    def _pending(self, broadcast_id: str, among: Any, close_among: Any, limit: int | None = None) -> list[Delivery]:
        """The pending deliveries matching ``among`` (by sender id) with their subscriber's state,
        after closing those matching ``close_among`` (None: all) whose subscriber is gone or blocked."""
        now = time.time()
        pending = (deliveries.c.broadcast_id == broadcast_id, deliveries.c.state == "pending")
        with self.engine.begin() as conn:
            active = select(subscriptions.c.sender_id).where(subscriptions.c.blocked_at.is_(None))
            closing = (*pending, deliveries.c.sender_id.not_in(active), *(() if close_among is None else (close_among,)))
            conn.execute(update(deliveries).where(*closing).values(state="blocked", error="unsubscribed_or_blocked", updated_at=now))
            query = (
                select(deliveries.c.sender_id, deliveries.c.attempts, subscriptions)
                .join(subscriptions, subscriptions.c.sender_id == deliveries.c.sender_id)
                .where(*pending, among)
                .order_by(deliveries.c.sender_id)
            )
            rows = conn.execute(query if limit is None else query.limit(limit)).all()
        return [
            Delivery(r.sender_id, int(r.chat_id), r.language, r.last_card, (r.seen_cards or "").split(), r.attempts) for r in rows
        ]

    @in_thread
    def pending(self, broadcast_id: str, limit: int, after: str = "") -> list[Delivery]:
        """The next pending deliveries (by sender id, after ``after``) with their subscriber's state.
        Deliveries whose subscriber is gone or blocked meanwhile are closed here."""
        return self._pending(broadcast_id, deliveries.c.sender_id > after, None, limit)

    @in_thread
    def mark_sending(self, broadcast_id: str, sender_id: str, card_id: str) -> bool:
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    update(deliveries)
                    .where(deliveries.c.broadcast_id == broadcast_id, deliveries.c.sender_id == sender_id, deliveries.c.state == "pending")
                    .values(state="sending", card_id=card_id, attempts=deliveries.c.attempts + 1, updated_at=time.time())
                ).rowcount
            )

    @in_thread
    def mark_done(
        self, broadcast_id: str, sender_id: str, state: str, error: str | None = None, all_cards: list[str] | None = None
    ) -> None:
        """Close a delivery: "sent" (and advance the subscriber's card rotation), "blocked" (and
        mark the subscriber blocked), "failed"; or "pending" to try again later."""
        assert state in DELIVERY_STATES
        now = time.time()
        with self.engine.begin() as conn:
            card = conn.execute(
                select(deliveries.c.card_id).where(deliveries.c.broadcast_id == broadcast_id, deliveries.c.sender_id == sender_id)
            ).scalar()
            conn.execute(
                update(deliveries)
                .where(deliveries.c.broadcast_id == broadcast_id, deliveries.c.sender_id == sender_id)
                .values(state=state, error=error, updated_at=now)
            )
            if state == "sent" and card and all_cards:
                self._record_card(conn, sender_id, card, all_cards)
            elif state == "blocked":
                conn.execute(update(subscriptions).where(subscriptions.c.sender_id == sender_id).values(blocked_at=now))

    # ------------------------------------------------------------ broadcasts through the job queue
    @in_thread
    def pending_ids(self, broadcast_id: str) -> list[str]:
        """Every pending delivery's sender id, in order (the queue cuts them into batches)."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(deliveries.c.sender_id)
                    .where(deliveries.c.broadcast_id == broadcast_id, deliveries.c.state == "pending")
                    .order_by(deliveries.c.sender_id)
                ).scalars()
            )

    @in_thread
    def batch_pending(self, broadcast_id: str, sender_ids: list[str]) -> list[Delivery]:
        """The still pending deliveries among ``sender_ids`` with their subscriber's state; those
        whose subscriber is gone or blocked meanwhile are closed here."""
        among = deliveries.c.sender_id.in_(sender_ids)
        return self._pending(broadcast_id, among, among)

    @in_thread
    def mark_uncertain(self, broadcast_id: str, sender_ids: list[str]) -> int:
        """Those of ``sender_ids`` left "sending" by a worker that died mid-request: "uncertain"."""
        with self.engine.begin() as conn:
            return conn.execute(
                update(deliveries)
                .where(deliveries.c.broadcast_id == broadcast_id, deliveries.c.state == "sending", deliveries.c.sender_id.in_(sender_ids))
                .values(state="uncertain", error="interrupted", updated_at=time.time())
            ).rowcount

    @in_thread
    def sent_since(self, broadcast_id: str, since: float) -> int:
        """Deliveries closed as sent since ``since`` (the recent send rate)."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(deliveries)
                .where(deliveries.c.broadcast_id == broadcast_id, deliveries.c.state == "sent", deliveries.c.updated_at >= since)
            ).scalar_one()

    @in_thread
    def progress(self, broadcast_id: str) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(deliveries.c.state, func.count()).where(deliveries.c.broadcast_id == broadcast_id).group_by(deliveries.c.state)
            ).all()
        return {state: count for state, count in rows}

    @in_thread
    def finish_if_complete(self, broadcast_id: str) -> bool:
        with self.engine.begin() as conn:
            open_ = conn.execute(
                select(func.count()).select_from(deliveries)
                .where(deliveries.c.broadcast_id == broadcast_id, deliveries.c.state.in_(("pending", "sending")))
            ).scalar_one()
            if open_:
                return False
            conn.execute(
                update(broadcasts).where(broadcasts.c.id == broadcast_id)
                .values(status="done", finished_at=time.time(), lease_owner=None, lease_until=None)
            )
        return True

    @in_thread
    def delivered_cards(self, broadcast_id: str) -> dict[str, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(deliveries.c.sender_id, deliveries.c.card_id)
                .where(and_(deliveries.c.broadcast_id == broadcast_id, deliveries.c.state == "sent"))
            ).all()
        return {r.sender_id: r.card_id for r in rows}

    @in_thread
    def last_broadcast_at(self) -> float | None:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(broadcasts.c.created_at))).scalar()

    # ------------------------------------------------------------ meta
    @in_thread
    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()

    @in_thread
    def set_meta_if_absent(self, key: str, value: str) -> str:
        with self.engine.begin() as conn:
            existing = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
            if existing is not None:
                return existing
            try:
                with conn.begin_nested():
                    conn.execute(insert(meta).values(key=key, value=value))
            except IntegrityError:
                return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one()
        return value
