"""The widget's reasons after a 👎 (issue 14 item 7): the vote endpoint offers them with a "not
helpful" vote and stores one sent back with it (same validation and rate limit as any vote), on the
real web service in front of the real assistant; and the chips in a real Chromium."""

from __future__ import annotations

from web_browser import ROOT_JS, ask, open_demo, storage
from web_helpers import chat, db_rows, legal_answers, new_cid, request, sender_of

from tendik.common.feedback import VOTE_REASONS
from tendik.texts import label
from tendik.web.texts import text as web_text

REASON = 9  # tendik_feedback.reason: the last column (migration 0006)


def _vote(base: str, body: dict):  # noqa: ANN202
    return request(f"{base}/api/vote", body)


def _reasons(db_url: str, cid: str) -> list[tuple]:
    return [(r[3], r[REASON - 1]) for r in db_rows(db_url, "tendik_feedback", sender_of(cid))]


def test_not_helpful_offers_the_reasons_and_one_is_stored_with_the_vote(web, assistant) -> None:  # noqa: ANN001
    cid = new_cid()
    answer_id = legal_answers(chat(web.url, cid, "женщинам платят меньше чем мужчинам", "kk").json())[0]["answer_id"]
    resp = _vote(web.url, {"conversation_key": cid, "answer_id": answer_id, "vote": "not_helpful", "language": "kk"})
    assert resp.status == 200
    data = resp.json()
    assert data["reason"] is None and data["reason_question"] == label("feedback.reason_question", "kk")
    assert data["reasons"] == [{"code": c, "label": label(f"feedback.reason.{c}", "kk")} for c in VOTE_REASONS]
    assert _reasons(assistant.db_url, cid) == [("not_helpful", None)]

    resp = _vote(web.url, {"conversation_key": cid, "answer_id": answer_id, "vote": "not_helpful", "reason": "outdated_law",
                           "language": "kk"})
    assert resp.status == 200 and resp.json()["reason"] == "outdated_law"
    assert resp.json()["message"] == label("feedback.reason_saved", "kk")
    assert _reasons(assistant.db_url, cid) == [("not_helpful", "outdated_law")]

    # a 👍 takes the reason away, and has no reasons to offer
    resp = _vote(web.url, {"conversation_key": cid, "answer_id": answer_id, "vote": "helpful", "language": "kk"})
    assert resp.status == 200 and "reasons" not in resp.json()
    assert _reasons(assistant.db_url, cid) == [("helpful", None)]


def test_unknown_reasons_and_reasons_with_a_thumbs_up_are_refused(web, assistant) -> None:  # noqa: ANN001
    cid = new_cid()
    answer_id = legal_answers(chat(web.url, cid, "меня уволили когда я была беременна", "ru").json())[0]["answer_id"]
    for vote, reason in (("not_helpful", "bribery"), ("not_helpful", ""), ("not_helpful", 3), ("not_helpful", ["unclear"]),
                         ("not_helpful", "UNCLEAR"), ("helpful", "unclear")):
        resp = _vote(web.url, {"conversation_key": cid, "answer_id": answer_id, "vote": vote, "reason": reason, "language": "ru"})
        assert resp.status == 400, (vote, reason)
        assert resp.json()["error"] == "bad_reason" and resp.json()["message"] == web_text("bad_reason", "ru")
    assert _reasons(assistant.db_url, cid) == []  # nothing stored, not even the vote
    # the answer must be in the conversation, as for any vote
    other = new_cid()
    resp = _vote(web.url, {"conversation_key": other, "answer_id": answer_id, "vote": "not_helpful", "reason": "unclear",
                           "language": "ru"})
    assert resp.status == 404 and resp.json()["error"] == "answer_not_found"
    assert db_rows(assistant.db_url, "tendik_feedback", sender_of(other)) == []


def test_reasons_share_the_vote_endpoints_rate_limit(web, strict_web, assistant) -> None:  # noqa: ANN001
    """The reason goes to /api/vote itself: the same per-client limit counts it (429 once spent)."""
    cid = new_cid()
    answer_id = legal_answers(chat(web.url, cid, "меня не взяли на работу из-за возраста", "ru").json())[0]["answer_id"]
    client = {"X-Forwarded-For": "203.0.113.77"}
    statuses = []
    for i in range(10):  # the strict instance: 3 chat calls, 3 x 3 other API calls (votes) per client
        code = VOTE_REASONS[i % len(VOTE_REASONS)]
        resp = request(f"{strict_web.url}/api/vote", {"conversation_key": cid, "answer_id": answer_id, "vote": "not_helpful",
                                                      "reason": code, "language": "ru"}, headers=client)
        statuses.append(resp.status)
    assert statuses == [200] * 9 + [429]
    assert resp.json()["error"] == "rate_limited" and resp.headers.get("retry-after")
    assert _reasons(assistant.db_url, cid) == [("not_helpful", VOTE_REASONS[8 % len(VOTE_REASONS)])]  # the refused one changed nothing


def test_chips_under_the_thumbs_down_store_the_reason_in_chromium(page, web, assistant) -> None:  # noqa: ANN001
    open_demo(page, web.url, "/ru")
    page.locator(".tw-launcher").click()
    ask(page, "меня уволили когда я была беременна")
    msg = page.locator(".tw-msg-bot:has(.tw-vote)").last
    reasons = msg.locator(".tw-reasons")
    assert reasons.is_hidden()
    msg.locator(".tw-vote-btn[data-vote=not_helpful]").click()
    reasons.locator(".tw-reason").first.wait_for()
    chips = reasons.locator(".tw-reason")
    assert chips.all_inner_texts() == [label(f"feedback.reason.{c}", "ru") for c in VOTE_REASONS]
    assert reasons.locator(".tw-reasons-q").inner_text() == label("feedback.reason_question", "ru")
    reasons.locator(".tw-reason[data-reason=wrong_topic]").click()
    page.wait_for_function(
        f"() => {ROOT_JS}.querySelector('.tw-reason[data-reason=wrong_topic]').getAttribute('aria-pressed') === 'true'")
    assert msg.locator(".tw-vote-status").inner_text() == label("feedback.reason_saved", "ru")
    cid = storage(page)["key"]
    assert _reasons(assistant.db_url, cid) == [("not_helpful", "wrong_topic")]
    # a 👍 hides the chips again
    msg.locator(".tw-vote-btn[data-vote=helpful]").click()
    page.wait_for_function(f"() => {ROOT_JS}.querySelector('.tw-reasons').hidden")
    assert _reasons(assistant.db_url, cid) == [("helpful", None)]
    assert page.problems == [], page.problems
