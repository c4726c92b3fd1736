"""The widget's web service over HTTP: a real ``python -m tendik.web`` process in front of the real
Rasa server and action server (``assistant`` fixture), sharing their SQLite store.

Covers the JSON API (chat in both languages, buttons, votes, history, delete), what it refuses
(malformed, oversized, bad ids, other origins, too many requests), the static assets and their
headers, and that no user text reaches the service's log."""

from __future__ import annotations

import gzip
import json
import re
import time

import pytest
from web_helpers import (
    chat,
    db_rows,
    has_kazakh_letters,
    history,
    legal_answers,
    new_cid,
    request,
    sender_of,
)

from tendik.texts import system_message
from tendik.web.texts import text as web_text


def _post(base: str, path: str, body: object, **headers: str):  # noqa: ANN202
    return request(f"{base}{path}", body, headers=headers)


def _assert_error(resp, key: str, status: int, lang: str | None, **kwargs: object) -> None:  # noqa: ANN001
    assert resp.status == status, resp
    data = resp.json()
    expected = web_text(key, lang, **kwargs)
    assert data["error"] == key and data["message"] == expected, data
    assert data["messages"] == [{"role": "bot", "kind": "error", "text": expected}]


# ---------------------------------------------------------------- health and assets
def test_healthz_reports_rasa_actions_and_db(web) -> None:  # noqa: ANN001
    resp = request(web.url + "/healthz")
    assert resp.status == 200
    assert resp.json() == {"status": "ok", "rasa": True, "actions": True, "db": True}
    assert resp.headers["cache-control"] == "no-store"


def test_widget_bundle_served_with_cache_headers_and_gzip(web) -> None:  # noqa: ANN001
    plain = request(web.url + "/widget/tendik-widget.js")
    assert plain.status == 200
    assert plain.headers["content-type"].startswith("text/javascript")
    assert plain.headers["x-content-type-options"] == "nosniff"
    assert plain.headers["cross-origin-resource-policy"] == "cross-origin"
    assert b"TendikWidget" in plain.body
    zipped = request(web.url + "/widget/tendik-widget.js", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers.get("content-encoding") == "gzip"
    assert gzip.decompress(zipped.body) == plain.body
    assert len(zipped.body) < len(plain.body) / 2
    again = request(web.url + "/widget/tendik-widget.js", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status == 304 and again.body == b""


@pytest.mark.parametrize(("path", "lang"), [("/", "kk"), ("/ru", "ru")])
def test_demo_pages_served_with_a_strict_csp(web, path: str, lang: str) -> None:  # noqa: ANN001
    resp = request(web.url + path)
    assert resp.status == 200 and resp.headers["content-type"].startswith("text/html")
    html = resp.body.decode()
    assert f'<html lang="{lang}">' in html
    csp = resp.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    # every asset the page refers to is served by the service itself
    for ref in re.findall(r'(?:src|href)="(/[^"#]*)"', html):
        assert request(web.url + ref).status == 200, ref


def test_unknown_paths_and_methods_get_json_errors(web) -> None:  # noqa: ANN001
    _assert_error(request(web.url + "/api/nothing", headers={"Accept-Language": "kk"}), "not_found", 404, "kk")
    _assert_error(request(web.url + "/demo/../../secret.txt"), "not_found", 404, None)
    resp = request(web.url + "/api/chat", method="GET", headers={"Accept-Language": "ru"})
    _assert_error(resp, "method_not_allowed", 405, "ru")


# ---------------------------------------------------------------- chat
def test_russian_question_gets_a_cited_answer(web, assistant) -> None:  # noqa: ANN001
    cid = new_cid()
    resp = chat(web.url, cid, "меня уволили когда я была беременна", "ru")
    assert resp.status == 200, resp
    assert re.fullmatch(r"rasa;dur=\d+(\.\d+)?", resp.headers["server-timing"])
    data = resp.json()
    assert "conversation_key" not in data and data["language"] == "ru"  # the key is never echoed
    answers = legal_answers(data)
    assert len(answers) == 1, data
    answer = answers[0]
    assert re.fullmatch(r"[0-9a-f]{32}", answer["answer_id"]) and answer["vote"] is None
    norms = {c["norm_id"] for c in answer["citations"]}
    assert "tk-054" in norms, norms
    for c in answer["citations"]:
        assert c["citation"] and c["edition"].startswith("редакция от") and c["text"], c
        assert c["source_url"].startswith("https://")
    # the structure the widget renders: sections quoting the citations by index, the "more" buttons
    kinds = [s["kind"] for s in answer["sections"]]
    assert kinds.count("law") == 1 and kinds[-1] == "disclaimer" and answer["view"] == "short"
    law = next(s for s in answer["sections"] if s["kind"] == "law")
    assert law["citations"] and all(0 <= i < len(answer["citations"]) for i in law["citations"])
    assert "tk-054" in {answer["citations"][i]["norm_id"] for i in law["citations"]}
    assert "Это правовая информация" in answer["sections"][-1]["text"]  # the disclaimer stays
    message = next(m for m in data["messages"] if m.get("answer"))
    assert [b["payload"] for b in message["buttons"]][:3] == [
        f'/show_more{{"view":"{v}","topic":"{answer["topic"]}"}}' for v in ("law", "steps", "route")]
    # the service relayed with channel "web" and the toggle's language, under the web- sender
    events = db_rows(assistant.db_url, "events", sender_of(cid))
    user = [json.loads(e[-1]) for e in events if e[2] == "user"]
    assert user and user[0]["text"] == "меня уволили когда я была беременна"
    assert user[0]["input_channel"] == "web"
    assert user[0]["metadata"]["language"] == "ru" and user[0]["metadata"]["channel"] == "web"


def test_citations_are_passed_on_verbatim(web, assistant) -> None:  # noqa: ANN001
    """The same question through the service and straight through Rasa's REST channel gives the
    same norm texts, character for character: the service changes no law text."""
    question = "жүкті болғаным үшін жұмысқа алмады"
    via_web = legal_answers(chat(web.url, new_cid(), question, "kk").json())[0]["citations"]
    direct = request(
        assistant.rest_url, {"sender": f"direct-{new_cid()}", "message": question, "metadata": {"language": "kk"}}
    ).json()
    payload = next(m["custom"] for m in direct if isinstance(m.get("custom"), dict))
    assert [(c["norm_id"], c["citation"], c["edition"], c["text"]) for c in via_web] == [
        (c["norm_id"], c["citation"], c["edition"], c["text"]) for c in payload["citations"]
    ]


def test_kazakh_question_gets_a_kazakh_cited_answer(web) -> None:  # noqa: ANN001
    data = chat(web.url, new_cid(), "жүкті болғаным үшін жұмысқа алмады", "kk").json()
    answer = legal_answers(data)[0]
    assert "tk-025" in {c["norm_id"] for c in answer["citations"]}
    text = "\n".join(m["text"] for m in data["messages"])
    assert "Еңбек кодексінің 25-бабы" in text and has_kazakh_letters(text)
    assert any("редакциясы" in c["edition"] for c in answer["citations"])


def test_the_language_toggle_decides_the_reply_language(web) -> None:  # noqa: ANN001
    """A Russian question with the toggle on Kazakh is answered in Kazakh (and the other way)."""
    kk = chat(web.url, new_cid(), "меня уволили когда я была беременна", "kk").json()
    kk_text = "\n".join(m["text"] for m in kk["messages"])
    assert "Еңбек кодексінің 54-бабы" in kk_text and "статья 54" not in kk_text.lower()
    ru = chat(web.url, new_cid(), "жүкті болғаным үшін жұмысқа алмады", "ru").json()
    ru_text = "\n".join(m["text"] for m in ru["messages"])
    assert "статья 25 трудового кодекса рк" in ru_text.lower()


def test_buttons_and_their_payloads(web) -> None:  # noqa: ANN001
    cid = new_cid()
    hello = chat(web.url, cid, "сәлем", "kk").json()
    buttons = [b for m in hello["messages"] for b in m["buttons"]]
    assert len(buttons) >= 5 and all(b["title"] and b["payload"].startswith("/") for b in buttons), buttons
    assert not legal_answers(hello), "a greeting is not a legal answer: no vote buttons"
    equal_pay = next(b for b in buttons if b["payload"] == "/ask_equal_pay")
    answer = legal_answers(chat(web.url, cid, equal_pay["payload"], "kk").json())[0]
    assert {"tk-022", "tk-023"} & {c["norm_id"] for c in answer["citations"]}


def test_out_of_scope_question_has_no_citation_and_no_vote(web) -> None:  # noqa: ANN001
    data = chat(web.url, new_cid(), "какой рецепт плова", "ru").json()
    assert data["messages"] and not legal_answers(data)
    assert all(not (m.get("answer") or {}).get("citations") for m in data["messages"])


# ---------------------------------------------------------------- what the API refuses
@pytest.mark.parametrize(
    "cid",
    [None, "", "abc", "A" * 64, "web-" + "a" * 64, "2f1c7a52-8f0e-4b7a-9c1d-0a1b2c3d4e5f", "a" * 63, "x" * 10_000, 12345,
     ["a" * 64], {"a": 1}],
    ids=["null", "empty", "short", "upper", "prefixed", "old-uuid", "63-hex", "huge", "number", "list", "object"],
)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_bad_conversation_ids_are_refused_in_the_users_language(web, cid: object, lang: str) -> None:  # noqa: ANN001
    resp = _post(web.url, "/api/chat", {"conversation_key": cid, "message": "привет", "language": lang})
    _assert_error(resp, "bad_conversation", 400, lang)


@pytest.mark.parametrize("path", ["/api/vote", "/api/delete", "/api/comment"])
def test_bad_conversation_ids_everywhere(web, path: str) -> None:  # noqa: ANN001
    body = {"conversation_key": "../x", "answer_id": "ab" * 16, "vote": "helpful", "language": "kk"}
    _assert_error(_post(web.url, path, body), "bad_conversation", 400, "kk")
    _assert_error(history(web.url, "' OR 1=1", "ru"), "bad_conversation", 400, "ru")


@pytest.mark.parametrize(
    "body",
    [b'{"conversation_key": "x", "message": ', b"\xff\xfe\x00", b'["not", "an", "object"]', b"null", b"", b"42"],
    ids=["truncated", "invalid-utf8", "array", "null", "empty", "number"],
)
def test_malformed_json_is_refused(web, body: bytes) -> None:  # noqa: ANN001
    resp = request(web.url + "/api/chat", body, headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    _assert_error(resp, "malformed", 400, "ru")
    # without any language hint the message is in both languages, Kazakh first
    both = request(web.url + "/api/chat", body)
    _assert_error(both, "malformed", 400, None)


def test_wrong_content_type_is_refused(web) -> None:  # noqa: ANN001
    body = json.dumps({"conversation_key": new_cid(), "message": "привет", "language": "ru"}).encode()
    resp = request(web.url + "/api/chat", body, headers={"Content-Type": "text/plain", "Accept-Language": "kk"})
    _assert_error(resp, "not_json", 415, "kk")


@pytest.mark.parametrize("language", ["en", "", None, 1, ["kk"]])
def test_unknown_language_is_refused(web, language: object) -> None:  # noqa: ANN001
    resp = _post(web.url, "/api/chat", {"conversation_key": new_cid(), "message": "привет", "language": language})
    _assert_error(resp, "malformed", 400, None)


@pytest.mark.parametrize("message", [None, 42, ["привет"], {"text": "привет"}])
def test_non_text_messages_are_refused(web, message: object) -> None:  # noqa: ANN001
    resp = _post(web.url, "/api/chat", {"conversation_key": new_cid(), "message": message, "language": "kk"})
    _assert_error(resp, "malformed", 400, "kk")


@pytest.mark.parametrize("blank", ["", "   \n\t  "])
def test_empty_message_gets_a_hint_and_rasa_is_not_asked(web, assistant, blank: str) -> None:  # noqa: ANN001
    cid = new_cid()
    resp = _post(web.url, "/api/chat", {"conversation_key": cid, "message": blank, "language": "ru"})
    assert resp.status == 400 and resp.json()["message"] == system_message("empty", "ru")
    assert db_rows(assistant.db_url, "events", sender_of(cid)) == []


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_oversized_message_is_refused_with_the_limit(web, assistant, lang: str) -> None:  # noqa: ANN001
    cid = new_cid()
    resp = _post(web.url, "/api/chat", {"conversation_key": cid, "message": "я" * 2001, "language": lang})
    _assert_error(resp, "message_too_long", 413, lang, limit=2000)
    assert "2000" in resp.json()["message"]
    assert db_rows(assistant.db_url, "events", sender_of(cid)) == [], "Rasa must not see a refused message"


def test_message_at_the_limit_is_accepted(web) -> None:  # noqa: ANN001
    text = ("меня уволили когда я была беременна " * 60)[:2000]
    assert len(text) == 2000
    resp = chat(web.url, new_cid(), text, "ru")
    assert resp.status == 200 and resp.json()["messages"], resp


def test_oversized_body_is_refused(web) -> None:  # noqa: ANN001
    body = json.dumps({"conversation_key": new_cid(), "message": "a", "language": "kk", "pad": "x" * 40_000}).encode()
    _assert_error(request(web.url + "/api/chat", body, headers={"Accept-Language": "kk"}), "body_too_large", 413, "kk")
    # the service is fine afterwards
    assert request(web.url + "/healthz").status == 200


def test_emoji_and_markup_are_just_text(web) -> None:  # noqa: ANN001
    resp = chat(web.url, new_cid(), "😀🙏 <script>alert(1)</script> <img src=x onerror=alert(1)>", "ru")
    assert resp.status == 200 and resp.json()["messages"]
    assert resp.headers["content-type"].startswith("application/json")


# ---------------------------------------------------------------- votes
def test_vote_is_stored_like_telegrams_and_can_change(web, assistant) -> None:  # noqa: ANN001
    cid = new_cid()
    answer_id = legal_answers(chat(web.url, cid, "женщинам платят меньше чем мужчинам", "ru").json())[0]["answer_id"]
    resp = _post(web.url, "/api/vote", {"conversation_key": cid, "answer_id": answer_id, "vote": "helpful", "language": "ru"})
    assert resp.status == 200 and resp.json() == {
        "ok": True, "answer_id": answer_id, "vote": "helpful", "message": web_text("vote_saved", "ru"),
    }
    rows = db_rows(assistant.db_url, "tendik_feedback", sender_of(cid))
    assert len(rows) == 1
    _, sender, stored_answer, vote, comment, channel, language, _, _ = rows[0]
    assert (sender, stored_answer, vote, comment, channel, language) == (sender_of(cid), answer_id, "helpful", None, "web", "ru")
    _post(web.url, "/api/vote", {"conversation_key": cid, "answer_id": answer_id, "vote": "not_helpful", "language": "ru"})
    rows = db_rows(assistant.db_url, "tendik_feedback", sender_of(cid))
    assert [r[3] for r in rows] == ["not_helpful"], "one vote per answer and user"


def test_votes_on_answers_not_in_the_conversation_are_refused(web, assistant) -> None:  # noqa: ANN001
    mine, other = new_cid(), new_cid()
    answer_id = legal_answers(chat(web.url, other, "женщинам платят меньше чем мужчинам", "ru").json())[0]["answer_id"]
    for cid, aid in ((mine, answer_id), (other, "0123456789abcdef0123456789abcdef"), (other, answer_id[:16])):
        resp = _post(web.url, "/api/vote", {"conversation_key": cid, "answer_id": aid, "vote": "helpful", "language": "kk"})
        _assert_error(resp, "answer_not_found", 404, "kk")
    for bad in ("<script>", "", None, "x" * 100):
        resp = _post(web.url, "/api/vote", {"conversation_key": other, "answer_id": bad, "vote": "helpful", "language": "kk"})
        _assert_error(resp, "answer_not_found", 404, "kk")
    for vote in ("like", "", None, 1):
        resp = _post(web.url, "/api/vote", {"conversation_key": other, "answer_id": answer_id, "vote": vote, "language": "ru"})
        _assert_error(resp, "bad_vote", 400, "ru")
    assert db_rows(assistant.db_url, "tendik_feedback", sender_of(mine)) == []
    assert db_rows(assistant.db_url, "tendik_feedback", sender_of(other)) == []


def test_comment_after_a_vote_is_stored_with_personal_data_masked(web, assistant) -> None:  # noqa: ANN001
    cid = new_cid()
    answer_id = legal_answers(chat(web.url, cid, "меня уволили когда я была беременна", "ru").json())[0]["answer_id"]
    body = {"conversation_key": cid, "answer_id": answer_id, "comment": "Не хватило сроков. Мой телефон +7 701 123 45 67",
            "language": "kk"}
    _assert_error(_post(web.url, "/api/comment", body), "vote_first", 404, "kk")
    _post(web.url, "/api/vote", {"conversation_key": cid, "answer_id": answer_id, "vote": "not_helpful", "language": "kk"})
    resp = _post(web.url, "/api/comment", body)
    assert resp.status == 200 and resp.json()["message"] == web_text("comment_saved", "kk")
    [row] = db_rows(assistant.db_url, "tendik_feedback", sender_of(cid))
    assert row[3] == "not_helpful" and row[4].startswith("Не хватило сроков.")
    assert "123 45 67" not in row[4], "the phone number is masked before it is stored"
    too_long = dict(body, comment="x" * 1001)
    _assert_error(_post(web.url, "/api/comment", too_long), "comment_too_long", 413, "kk", limit=1000)
    for bad in (None, 5, ["a"]):
        _assert_error(_post(web.url, "/api/comment", dict(body, comment=bad)), "malformed", 400, "kk")
    assert _post(web.url, "/api/comment", dict(body, comment="  ")).json()["message"] == system_message("empty", "kk")


# ---------------------------------------------------------------- history and delete
def test_history_restores_the_conversation(web) -> None:  # noqa: ANN001
    cid = new_cid()
    hello = chat(web.url, cid, "сәлем", "kk").json()
    button = next(b for m in hello["messages"] for b in m["buttons"] if b["payload"] == "/ask_equal_pay")
    answer = legal_answers(chat(web.url, cid, button["payload"], "kk").json())[0]
    _post(web.url, "/api/vote", {"conversation_key": cid, "answer_id": answer["answer_id"], "vote": "helpful", "language": "kk"})
    ru = chat(web.url, cid, "меня уволили когда я была беременна", "ru").json()
    more = next(b for m in ru["messages"] for b in m["buttons"] if b["payload"].startswith('/show_more{"view":"law"'))
    law = legal_answers(chat(web.url, cid, more["payload"], "ru").json())[0]  # the API takes a button's payload
    assert law["view"] == "law" and len([i for s in law["sections"] if s["kind"] == "law" for i in s["citations"]]) >= 2

    data = history(web.url, cid, "kk").json()
    assert "conversation_key" not in data and data["language"] == "ru"
    roles = [m["role"] for m in data["messages"]]
    assert roles[0] == "user" and roles.count("user") == 4
    users = [m for m in data["messages"] if m["role"] == "user"]
    assert [u["text"] for u in users] == ["сәлем", button["title"], "меня уволили когда я была беременна", more["title"]]
    assert users[1]["payload"] == "/ask_equal_pay", "a pressed button is shown with its title"
    assert users[3]["payload"] == more["payload"] and not any("show_more" in u["text"] for u in users)
    assert [u["language"] for u in users] == ["kk", "kk", "ru", "ru"]
    restored = [m["answer"] for m in data["messages"] if m.get("answer")]
    assert restored[0]["answer_id"] == answer["answer_id"] and restored[0]["vote"] == "helpful"
    assert restored[0]["citations"] == answer["citations"]
    assert restored[1]["vote"] is None and "tk-054" in {c["norm_id"] for c in restored[1]["citations"]}
    assert restored[2]["view"] == "law" and restored[2]["sections"] == law["sections"]
    assert all(r.get("sections") for r in restored)
    assert any(m["buttons"] for m in data["messages"] if m["role"] == "bot")


def test_history_of_an_unknown_conversation_is_empty(web) -> None:  # noqa: ANN001
    data = history(web.url, new_cid()).json()
    assert data["messages"] == [] and data["language"] is None


def test_delete_removes_the_conversation_and_votes(web, assistant) -> None:  # noqa: ANN001
    cid, keep = new_cid(), new_cid()
    answer_id = legal_answers(chat(web.url, cid, "женщинам платят меньше чем мужчинам", "ru").json())[0]["answer_id"]
    _post(web.url, "/api/vote", {"conversation_key": cid, "answer_id": answer_id, "vote": "not_helpful", "language": "ru"})
    chat(web.url, keep, "привет", "ru")
    assert db_rows(assistant.db_url, "events", sender_of(cid)) and db_rows(assistant.db_url, "tendik_feedback", sender_of(cid))

    resp = _post(web.url, "/api/delete", {"conversation_key": cid, "language": "kk"})
    assert resp.status == 200, resp
    data = resp.json()
    assert data["ok"] and data["message"] == web_text("deleted", "kk")
    assert data["deleted"]["tendik_feedback"] == 1 and data["deleted"]["events"] > 5
    assert db_rows(assistant.db_url, "events", sender_of(cid)) == []
    assert db_rows(assistant.db_url, "tendik_feedback", sender_of(cid)) == []
    assert history(web.url, cid).json()["messages"] == []
    assert db_rows(assistant.db_url, "events", sender_of(keep)), "other conversations are untouched"
    # deleting again is harmless
    again = _post(web.url, "/api/delete", {"conversation_key": cid, "language": "ru"})
    assert again.status == 200 and again.json()["deleted"] == {}


# ---------------------------------------------------------------- CORS
def test_cors_preflight_from_an_allowed_origin(web, sites) -> None:  # noqa: ANN001
    origin = sites["allowed"].origin
    resp = request(web.url + "/api/chat", method="OPTIONS", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type",
    })
    assert resp.status == 204
    assert resp.headers["access-control-allow-origin"] == origin
    assert "POST" in resp.headers["access-control-allow-methods"]
    assert "content-type" in resp.headers["access-control-allow-headers"].lower()
    assert resp.headers["vary"] == "Origin"


def test_cors_allowed_origin_can_chat_and_read_errors(web, sites) -> None:  # noqa: ANN001
    origin = sites["allowed"].origin
    ok = chat(web.url, new_cid(), "привет", "ru", Origin=origin)
    assert ok.status == 200 and ok.headers["access-control-allow-origin"] == origin
    bad = chat(web.url, "nope", "привет", "ru", Origin=origin)
    assert bad.status == 400 and bad.headers["access-control-allow-origin"] == origin, "errors readable by the widget"
    # configured origins are compared without case or a trailing slash
    assert chat(web.url, new_cid(), "привет", "ru", Origin="HTTPS://NGO.example.kz").status == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1", "https://ngo.example.kz.evil.example"])
def test_cors_other_origins_are_refused(web, assistant, origin: str) -> None:  # noqa: ANN001
    pre = request(web.url + "/api/chat", method="OPTIONS", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert pre.status == 403 and "access-control-allow-origin" not in pre.headers
    cid = new_cid()
    resp = chat(web.url, cid, "привет", "ru", Origin=origin, **{"Accept-Language": "ru"})
    _assert_error(resp, "origin_not_allowed", 403, "ru")
    assert "access-control-allow-origin" not in resp.headers
    assert db_rows(assistant.db_url, "events", sender_of(cid)) == [], "a refused origin never reaches Rasa"


def test_same_origin_and_non_browser_clients_are_allowed(web) -> None:  # noqa: ANN001
    assert chat(web.url, new_cid(), "привет", "ru", Origin=web.url).status == 200
    assert chat(web.url, new_cid(), "привет", "ru").status == 200


# ---------------------------------------------------------------- rate limit
def test_rate_limit_per_client(strict_web) -> None:  # noqa: ANN001
    """3 chat calls per client (X-Forwarded-For behind the trusted proxy), then 429 with
    Retry-After and a message in the user's language; other clients are not affected."""
    client = {"X-Forwarded-For": "198.51.100.7, 10.0.0.1"}
    body = {"conversation_key": "not-a-uuid", "message": "x", "language": "kk"}  # cheap, still counted
    for _ in range(3):
        assert _post(strict_web.url, "/api/chat", body, **client).status == 400
    limited = _post(strict_web.url, "/api/chat", body, **client)
    seconds = int(limited.headers["retry-after"])
    assert 1 <= seconds <= 200
    _assert_error(limited, "rate_limited", 429, "kk", seconds=seconds)
    limited_ru = _post(strict_web.url, "/api/chat", dict(body, language="ru"), **client, **{"Accept-Language": "ru"})
    _assert_error(limited_ru, "rate_limited", 429, "ru", seconds=int(limited_ru.headers["retry-after"]))
    # another client, and the other API calls of the same client, have their own buckets
    assert _post(strict_web.url, "/api/chat", body, **{"X-Forwarded-For": "198.51.100.8"}).status == 400
    assert history(strict_web.url, new_cid(), **client).status == 200
    # the health check is never limited
    assert all(request(strict_web.url + "/healthz").status == 200 for _ in range(5))


def test_rate_limited_client_recovers(strict_web) -> None:  # noqa: ANN001
    client = {"X-Forwarded-For": "203.0.113.9"}
    body = {"conversation_key": "bad", "message": "x", "language": "ru"}
    statuses = [_post(strict_web.url, "/api/chat", body, **client).status for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    # window 600 s / 3 requests: one request every 200 s; not waited for here, only announced
    assert 150 <= int(_post(strict_web.url, "/api/chat", body, **client).headers["retry-after"]) <= 200


# ---------------------------------------------------------------- privacy of the logs
def test_service_log_has_no_user_text_and_no_conversation_id(web) -> None:  # noqa: ANN001
    cid = new_cid()
    secret = "мой ИИН 900101300123 меня уволили когда я была беременна"
    chat(web.url, cid, secret, "ru")
    history(web.url, cid)
    _post(web.url, "/api/delete", {"conversation_key": cid, "language": "ru"})
    time.sleep(0.5)
    log = web.log()
    assert "POST /api/chat 200" in log, "the access log works"
    assert "900101300123" not in log and "беременна" not in log
    assert cid not in log and cid[:8] not in log, "the conversation key is never logged"
    assert sender_of(cid)[4:12] in log, "log lines name the conversation by its stored (hashed) id"
    assert "127.0.0.1 " not in log.replace("http://127.0.0.1", ""), "no client addresses in the log"
    assert re.search(r"POST /api/chat 200 \d+ ms client [0-9a-f]{10}", log), "who: a pseudonym of the client"
