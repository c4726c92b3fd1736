"""The bot's tables and the resumable broadcast on PostgreSQL (TENDIK_DB_URL=postgresql://...), with
a throw-away PostgreSQL database (tests/conftest.py) and the broadcast sent through the local Bot API
server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tendik.common.db import delete_user_data, make_engine
from tendik.common.feedback import record_vote, votes_for
from tendik.db.migrate import ensure_schema
from tendik.knowledge.explanations import load_knowledge
from tendik.telegram.app import create_bot
from tendik.telegram.broadcast import BroadcastBusy, BroadcastRunner
from tendik.telegram.cards import CardDeck
from tendik.telegram.config import TelegramSettings
from tendik.telegram.storage import Store
from tests.fakes.telegram_api import LocalBotAPI, LoopThread


@pytest.fixture(scope="module")
def pg_url(pg_server) -> Iterator[str]:  # noqa: ANN001  (tests/conftest.py: a throw-away cluster)
    url = pg_server.create_db("tendik_telegram")
    yield url
    pg_server.drop_db("tendik_telegram")


@pytest.fixture(scope="module")
def store(pg_url: str) -> Store:
    engine = make_engine(pg_url)
    ensure_schema(engine)
    return Store(engine)


def test_users_subscriptions_and_deletion_on_postgresql(store: Store) -> None:
    sid, other = "tg-" + "a" * 32, "tg-" + "b" * 32
    store.set_language.sync(store, sid, "kk")
    store.set_pending_comment.sync(store, sid, "f" * 32)
    state = store.get_user.sync(store, sid)
    assert state.language == "kk" and state.pending_comment == "f" * 32
    assert store.subscribe.sync(store, sid, 9_000_000_001, "kk") is True
    assert store.subscribe.sync(store, sid, 9_000_000_001, "kk") is False
    assert store.subscribe.sync(store, other, 9_000_000_002, "ru") is True
    store.set_language.sync(store, sid, "ru")
    assert store.get_subscription.sync(store, sid).language == "ru"
    assert store.subscriber_counts.sync(store) == {"ru": 2}
    store.set_blocked.sync(store, other, True)
    assert store.subscriber_counts.sync(store) == {"ru": 1, "blocked": 1}
    record_vote(store.engine, sid, "c" * 32, "helpful", "telegram", "ru")
    deleted = delete_user_data(store.engine, sid)
    assert deleted == {"tendik_tg_users": 1, "tendik_tg_subscriptions": 1, "tendik_feedback": 1}
    assert store.get_user.sync(store, sid) is None and votes_for(store.engine, sid) == []
    assert store.get_subscription.sync(store, other) is not None  # nobody else touched
    assert store.set_meta_if_absent.sync(store, "k", "1") == "1" and store.set_meta_if_absent.sync(store, "k", "2") == "1"


def test_broadcast_on_postgresql_resumes_exactly(store: Store, pg_url: str, tmp_path: Path) -> None:
    lt = LoopThread("pg-broadcast")
    api = LocalBotAPI()
    lt.run(api.start())
    deck = CardDeck(load_knowledge())
    settings = TelegramSettings(telegram_token=api.token, telegram_api_url=api.url, db_url=pg_url, data_dir=tmp_path)
    users = [9_100_000_000 + i for i in range(25)]
    for i, uid in enumerate(users):
        api.ensure_private_chat(uid)
        store.subscribe.sync(store, f"tg-pg{uid}", uid, "kk" if i % 2 else "ru")
    api.block_chat(users[0])
    bot = create_bot(settings)
    try:
        bid, created = store.create_broadcast.sync(store, "test")
        assert created and store.get_broadcast.sync(store, bid)["total"] == 25  # the blocked one of the test before is left out

        async def half() -> object:
            import asyncio

            stop = asyncio.Event()
            runner = BroadcastRunner(bot, store, deck, rate=50, workers=4,
                                     on_progress=lambda state, sent, _t: stop.set() if sent >= 8 else None)
            return await runner.run(bid, stop)

        report = lt.run(half())
        assert not report.finished and report.counts.get("pending")
        # Another process cannot take it while this one's lease is alive.
        store.claim.sync(store, bid, "someone-else", 60)
        busy = BroadcastRunner(bot, store, deck, owner="third")
        assert store.claim.sync(store, bid, "third", 60) is False
        with pytest.raises(BroadcastBusy):
            lt.run(busy.run(bid))
        store.release.sync(store, bid, "someone-else")
        report = lt.run(BroadcastRunner(bot, store, deck, rate=50, workers=4).run(bid))
        assert report.finished
        assert report.counts == {"sent": 24, "blocked": 1}
        assert store.get_broadcast.sync(store, bid)["status"] == "done"
        for uid in users[1:]:
            assert len(api.bot_messages(uid)) == 1, uid  # exactly once
        assert api.bot_messages(users[0]) == []
        assert store.get_subscription.sync(store, f"tg-pg{users[0]}").blocked_at is not None
        sub = store.get_subscription.sync(store, f"tg-pg{users[1]}")
        assert sub.cards_sent == 1 and sub.last_card == deck.ids[0] and sub.seen_cards == [deck.ids[0]]
    finally:
        lt.run(bot.session.close())
        lt.run(api.stop())
        lt.close()
