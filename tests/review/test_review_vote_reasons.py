"""The users' reasons for 👎 (issue 14 item 7) on the dashboard, beside the verdicts' reasons: the
count of each reason and its share of the "not helpful" votes. Through the real review server on
SQLite and PostgreSQL; and record_reason / reason_stats on both databases."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_i18n_support import database_with_conversations
from review_support import REVIEWER, Client

from tendik.common.db import make_engine
from tendik.common.feedback import VOTE_REASONS, reason_stats, record_reason, record_vote, votes_for
from tendik.db.migrate import ensure_schema
from tendik.review.judgements import REASONS
from tendik.review.ui_texts import ui


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    url = f"sqlite:///{tmp_path / 'v.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    eng = make_engine(url)
    ensure_schema(eng)
    yield eng
    eng.dispose()


def test_the_codes_are_the_verdicts_codes() -> None:
    assert VOTE_REASONS == REASONS


def test_record_reason_only_for_the_users_own_not_helpful(engine) -> None:  # noqa: ANN001
    record_vote(engine, "u1", "a1", "not_helpful", "web", "ru")
    record_vote(engine, "u1", "a2", "helpful", "web", "ru")
    assert record_reason(engine, "u1", "a1", "wrong_norm") is True
    assert record_reason(engine, "u1", "a2", "wrong_norm") is False  # a 👍
    assert record_reason(engine, "u2", "a1", "wrong_norm") is False  # someone else's
    assert record_reason(engine, "u1", "a9", "wrong_norm") is False  # no vote
    for bad in ("bribery", "", "WRONG_NORM"):
        with pytest.raises(ValueError):
            record_reason(engine, "u1", "a1", bad)
    assert {v["answer_id"]: v["reason"] for v in votes_for(engine, "u1")} == {"a1": "wrong_norm", "a2": None}
    record_vote(engine, "u1", "a1", "not_helpful", "web", "ru")  # the same 👎 again keeps its reason
    assert votes_for(engine, "u1")[0]["reason"] == "wrong_norm"
    record_vote(engine, "u1", "a1", "helpful", "web", "ru")  # a 👍 takes it away
    assert votes_for(engine, "u1")[0]["reason"] is None


def test_reason_stats_counts_not_helpful_votes_by_reason(engine) -> None:  # noqa: ANN001
    for i, reason in enumerate(["unclear", "unclear", "harmful", None]):
        record_vote(engine, f"s{i}", "a", "not_helpful", "telegram", "kk")
        if reason:
            record_reason(engine, f"s{i}", "a", reason)
    record_vote(engine, "s9", "a", "helpful", "telegram", "kk")
    stats = reason_stats(engine)
    assert stats["not_helpful"] == 4 and stats["without"] == 1
    assert [r["reason"] for r in stats["reasons"]] == list(VOTE_REASONS)
    assert {r["reason"]: r["count"] for r in stats["reasons"] if r["count"]} == {"unclear": 2, "harmful": 1}
    assert reason_stats(engine, since=10**12)["not_helpful"] == 0


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, review_data, db_copy, start_server):  # noqa: ANN001, ANN201
    return start_server(database_with_conversations(request, review_data, db_copy))


def test_dashboard_shows_the_users_reasons_beside_the_verdicts(server) -> None:  # noqa: ANN001
    engine = make_engine(server.db_url)
    try:
        before = reason_stats(engine)
        for i, reason in enumerate(["outdated_law", "outdated_law", "wrong_topic", None]):
            record_vote(engine, f"reason-user-{i}", "a" * 32, "not_helpful", "web", "ru")
            if reason:
                assert record_reason(engine, f"reason-user-{i}", "a" * 32, reason)
        after = reason_stats(engine)
    finally:
        engine.dispose()
    assert after["not_helpful"] == before["not_helpful"] + 4
    reviewer = Client(server)
    assert reviewer.login(*REVIEWER).status_code == 302
    dash = reviewer.get("/dashboard").text
    assert ui("dash.user_reasons", "en") in html.unescape(dash)
    verdicts_at, users_at = dash.index('id="reasons"'), dash.index('id="user-reasons"')
    assert verdicts_at < users_at  # next to the verdicts' table
    total = after["not_helpful"]
    for r in after["reasons"]:
        row = re.search(rf'<tr data-user-reason="{r["reason"]}"><td>([^<]+)</td><td>(\d+)</td><td>([^<]+)</td>', dash)
        assert row, r
        assert row.group(1) == ui(f"reason.{r['reason']}", "en")
        assert int(row.group(2)) == r["count"]
        assert row.group(3) == f"{100 * r['count'] / total:.0f}%"
    outdated = re.search(r'<tr data-user-reason="outdated_law"><td>[^<]+</td><td>(\d+)</td>', dash)
    assert int(outdated.group(1)) >= 2
    none_row = re.search(r'<tr data-user-reason=""><td>[^<]+</td><td>(\d+)</td><td>([^<]+)</td>', dash)
    assert none_row and int(none_row.group(1)) == after["without"]
