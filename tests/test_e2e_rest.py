"""End to end over the REST channel: the real Rasa server and the real action server, started once
for this module (ports 5405/5455, a throw-away SQLite tracker store), talked to over HTTP.

Covers both languages, the explicit language switch, out-of-scope questions, the hardened
channel (empty, huge, emoji, control characters, malformed JSON), the action server being down
and coming back, and the conversation surviving a Rasa restart in the tracker store.
"""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tendik.ops.services import Services, http_json
from tendik.texts import section, system_message
from tests.conftest import started_assistant

ROOT = Path(__file__).resolve().parents[1]

MESSAGES = section("system")
KAZAKH_LETTERS = set("әғқңөұүһі")
BOT_NAME = "Теңдік"  # the bot's name is written the Kazakh way in both languages
REPLY_TIMEOUT = 120


# ---------------------------------------------------------------- fixtures and helpers
@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory):
    """A private assistant: these tests stop and restart its servers."""
    with started_assistant(tmp_path_factory.mktemp("e2e-rest")) as svc:
        yield svc


def new_sender(prefix: str) -> str:
    return f"e2e-{prefix}-{uuid.uuid4().hex[:10]}"


def send(services: Services, sender: str, text: str, **extra) -> list[dict]:
    reply = http_json(services.rest_url, {"sender": sender, "message": text, **extra}, timeout=REPLY_TIMEOUT)
    assert isinstance(reply, list), reply
    return reply


def post_raw(url: str, body: bytes, content_type: str = "application/json") -> tuple[int, object]:
    """POST raw bytes; (HTTP status, parsed JSON body) also for 4xx/5xx answers."""
    req = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=REPLY_TIMEOUT) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            return err.code, json.loads(raw or b"null")
        except ValueError:
            return err.code, raw.decode(errors="replace")


def text_of(messages: list[dict]) -> str:
    return "\n\n".join(m["text"] for m in messages if m.get("text"))


def answers(messages: list[dict]) -> list[dict]:
    return [m["custom"] for m in messages if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "tendik_answer"]


def cited_norms(messages: list[dict]) -> set[str]:
    return {c["norm_id"] for a in answers(messages) for c in a.get("citations") or []}


def has_kazakh_letters(text: str) -> bool:
    return bool(KAZAKH_LETTERS & set(text.lower()))


def is_cyrillic_word_text(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum("\u0400" <= ch <= "\u04ff" for ch in letters) / len(letters) > 0.9


def tracker(services: Services, sender: str) -> dict:
    quoted = urllib.parse.quote(sender, safe="")
    result = services.api(f"/conversations/{quoted}/tracker", timeout=30)
    assert isinstance(result, dict), result
    return result


def user_texts(services: Services, sender: str) -> list[str]:
    return [e.get("text") for e in tracker(services, sender).get("events") or [] if e.get("event") == "user"]


def db_path(services: Services) -> Path:
    return Path(services.db_url.removeprefix("sqlite:///"))


def db_event_rows(services: Services, sender: str) -> list[tuple[str, str]]:
    con = sqlite3.connect(f"file:{db_path(services)}?mode=ro", uri=True)
    try:
        return con.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
    finally:
        con.close()


def assert_legal_answer(messages: list[dict]) -> dict:
    found = answers(messages)
    assert found, f"no tendik_answer payload in {messages!r}"[:2000]
    payload = found[0]
    assert payload["knowledge_ids"], payload
    assert payload["citations"], payload
    for c in payload["citations"]:
        assert c["norm_id"] and c["citation"] and c["edition"] and c["text"], c
    return payload


# ---------------------------------------------------------------- 1-4: conversations
def test_russian_conversation(services: Services) -> None:
    sender = new_sender("ru")

    greeting = send(services, sender, "привет")
    greet_text = text_of(greeting)
    assert greet_text, greeting
    assert "Здравствуйте" in greet_text
    assert is_cyrillic_word_text(greet_text), greet_text
    assert not has_kazakh_letters(greet_text.replace(BOT_NAME, "")), greet_text
    assert not cited_norms(greeting)

    reply = send(services, sender, "меня уволили когда я была беременна")
    payload = assert_legal_answer(reply)
    assert "tk-054" in cited_norms(reply), payload
    text = text_of(reply)
    assert "статья 54 трудового кодекса рк" in text.lower(), text
    assert "редакция от" in text, text
    assert not has_kazakh_letters(text.replace(BOT_NAME, "")), text
    tk054 = [c for c in payload["citations"] if c["norm_id"] == "tk-054"]
    assert all(c["edition"].startswith("редакция от") for c in tk054), tk054

    thanks = send(services, sender, "спасибо")
    thanks_text = text_of(thanks)
    assert "Пожалуйста" in thanks_text, thanks
    assert not has_kazakh_letters(thanks_text), thanks_text
    assert not cited_norms(thanks)


def test_kazakh_conversation(services: Services) -> None:
    sender = new_sender("kk")
    reply = send(services, sender, "жүкті болғаным үшін жұмысқа алмады")
    assert_legal_answer(reply)
    assert "tk-025" in cited_norms(reply), reply
    text = text_of(reply)
    assert "Еңбек кодексінің 25-бабы" in text, text
    assert "редакциясы" in text, text

    latin = send(services, sender, "jumys berushi jalaqyny erlerge koby tolaidy")
    assert_legal_answer(latin)
    assert {"tk-022", "tk-023"} & cited_norms(latin), latin
    assert has_kazakh_letters(text_of(latin)), text_of(latin)
    assert "Еңбек кодексінің" in text_of(latin)


@pytest.mark.parametrize(
    ("lang", "question", "note"),
    [
        ("ru", "я работала у ИП, нас 5 человек, меня уволили. сколько времени у меня есть чтобы подать в суд на восстановление?", "№ 88-НП"),
        ("kk", "ЖК-да 5 адам істейміз, мені жұмыстан шығарды. жұмысқа қайта алу үшін сотқа қанша уақыт ішінде беруім керек?", "№ 88-НҚ"),
    ],
)
def test_reinstatement_time_limit_is_the_law_as_of_2026(services: Services, lang: str, question: str, note: str) -> None:
    """The case that started the law refresh: a worker who may go straight to court (art. 159(1)) is
    never told "three months"; TK art. 160 comes with the Constitutional Court's notes."""
    from bench.content_check import Rendering, flat, three_month_findings

    reply = send(services, new_sender(f"limits-{lang}"), question, metadata={"language": lang})
    payload = assert_legal_answer(reply)
    assert "tk-160" in cited_norms(reply), payload["knowledge_ids"]
    text = text_of(reply)
    assert note in text
    verbatim = [flat(c["text"]) for c in payload["citations"]]
    assert not three_month_findings(Rendering("REST", lang, flat(text), verbatim)), text


@pytest.mark.parametrize(
    "question",
    [
        "jumys berushi aielderge erlerden az aqy toleidi",  # Latin script
        "айелдерге ерлерге караганда аз жалакы толейди",  # Cyrillic without the Kazakh-only letters
    ],
)
def test_kazakh_equal_pay_without_kazakh_letters(services: Services, question: str) -> None:
    reply = send(services, new_sender("kk-plain"), question)
    assert_legal_answer(reply)
    assert {"tk-022", "tk-023"} & cited_norms(reply), reply
    text = text_of(reply)
    assert has_kazakh_letters(text), text
    assert "Еңбек кодексінің" in text, text


def test_kazakh_hiring_refusal_without_kazakh_letters(services: Services) -> None:
    reply = send(services, new_sender("kk-plain"), "жукти болганым ушин жумыска алмады")
    assert "tk-025" in cited_norms(reply), reply
    assert "Еңбек кодексінің 25-бабы" in text_of(reply)


@pytest.mark.parametrize("switch", ["на казахском", "қазақша"])
def test_language_override_sticks_then_switches_back(services: Services, switch: str) -> None:
    sender = new_sender("switch")
    switched = send(services, sender, switch)
    assert has_kazakh_letters(text_of(switched)), switched
    assert "қазақша" in text_of(switched).lower(), switched

    reply = send(services, sender, "меня уволили когда я была беременна")
    assert "tk-054" in cited_norms(reply), reply
    text = text_of(reply)
    assert has_kazakh_letters(text), text
    assert "Еңбек кодексінің 54-бабы" in text, text
    assert "статья 54" not in text.lower(), text

    # the preference sticks for a second Russian-written message too
    again = send(services, sender, "женщинам платят меньше чем мужчинам")
    assert_legal_answer(again)
    assert has_kazakh_letters(text_of(again)), text_of(again)

    back = send(services, sender, "орысша")
    back_text = text_of(back)
    assert "по-русски" in back_text, back
    assert not has_kazakh_letters(back_text), back_text

    reply = send(services, sender, "меня уволили когда я была беременна")
    assert "tk-054" in cited_norms(reply), reply
    text = text_of(reply)
    assert "статья 54 трудового кодекса рк" in text.lower(), text
    assert "Еңбек кодексінің" not in text, text


@pytest.mark.parametrize(
    ("question", "lang"),
    [("какой рецепт плова", "ru"), ("ертең ауа райы қандай", "kk")],
)
def test_out_of_scope_has_no_citation(services: Services, question: str, lang: str) -> None:
    reply = send(services, new_sender("oos"), question)
    text = text_of(reply)
    assert text, reply
    assert not cited_norms(reply), reply
    assert all(not a.get("citations") for a in answers(reply)), reply
    if lang == "kk":
        assert has_kazakh_letters(text), text
    else:
        assert is_cyrillic_word_text(text) and not has_kazakh_letters(text.replace(BOT_NAME, "")), text


# ---------------------------------------------------------------- 5: robustness of the channel
@pytest.mark.parametrize("blank", ["", "   \t\n  "])
def test_empty_message_gets_a_hint_and_no_tracker_write(services: Services, blank: str) -> None:
    sender = new_sender("empty")
    status, reply = post_raw(services.rest_url, json.dumps({"sender": sender, "message": blank}).encode())
    assert status == 200, reply
    assert isinstance(reply, list) and reply, reply
    assert text_of(reply) in {system_message("empty", lang) for lang in (None, "kk", "ru")}, reply
    assert reply[0]["recipient_id"] == sender
    assert user_texts(services, sender) == []
    assert db_event_rows(services, sender) == []


def test_very_long_message_is_cut_with_a_notice(services: Services) -> None:
    sender = new_sender("long")
    unit = "меня уволили когда я была беременна "
    huge = (unit * (20_000 // len(unit) + 1))[:20_000]
    assert len(huge) == 20_000
    status, reply = post_raw(services.rest_url, json.dumps({"sender": sender, "message": huge}).encode())
    assert status == 200, reply
    assert isinstance(reply, list) and len(reply) >= 2, reply
    limit = 2000
    notices = {system_message("too_long", lang, limit=limit) for lang in (None, "kk", "ru")}
    assert reply[0]["text"] in notices, reply[0]
    assert reply[0]["text"] == MESSAGES["too_long"]["ru"].format(limit=limit)
    assert any(m.get("text") or m.get("custom") for m in reply[1:]), reply
    stored = user_texts(services, sender)
    assert len(stored) == 1 and 0 < len(stored[0]) <= limit, [len(t) for t in stored]
    assert huge.startswith(stored[0])

    # the server is still alive and answers the same conversation
    assert services.procs["rasa"].poll() is None
    follow = send(services, sender, "меня уволили когда я была беременна")
    assert "tk-054" in cited_norms(follow), follow


def test_emoji_only_message_gets_a_polite_reply(services: Services) -> None:
    status, reply = post_raw(services.rest_url, json.dumps({"sender": new_sender("emoji"), "message": "😀🙏🔥"}).encode())
    assert status == 200, reply
    text = text_of(reply)
    assert text and "Traceback" not in text and "error" not in text.lower(), reply
    assert not cited_norms(reply), reply


def test_control_characters_are_removed(services: Services) -> None:
    sender = new_sender("ctl")
    status, reply = post_raw(services.rest_url, json.dumps({"sender": sender, "message": "\x00\x07тест\x1b"}).encode())
    assert status == 200, reply
    assert text_of(reply), reply
    assert user_texts(services, sender) == ["тест"]


@pytest.mark.parametrize(
    "body",
    [b'{"sender": "x", "message": ', b"\xff\xfe", b'["not", "an", "object"]', b"", b"null"],
    ids=["truncated", "invalid-utf8", "json-array", "empty-body", "json-null"],
)
def test_malformed_json_gets_400_and_the_server_keeps_answering(services: Services, body: bytes) -> None:
    status, reply = post_raw(services.rest_url, body)
    assert status == 400, reply
    assert isinstance(reply, list) and len(reply) == 1, reply
    bilingual = system_message("malformed", None)
    assert reply[0]["text"] == bilingual
    assert MESSAGES["malformed"]["kk"] in bilingual and MESSAGES["malformed"]["ru"] in bilingual

    follow = send(services, new_sender("after-bad"), "меня уволили когда я была беременна")
    assert "tk-054" in cited_norms(follow), follow


@pytest.mark.parametrize(
    "payload",
    [{"message": "привет"}, {"sender": "", "message": "привет"}, {"sender": None, "message": "привет"},
     {"sender": "x" * 500, "message": "привет"}, {"sender": ["a"], "message": "привет"}],
    ids=["missing", "empty", "null", "too-long", "list"],
)
def test_missing_or_invalid_sender_gets_400(services: Services, payload: dict) -> None:
    status, reply = post_raw(services.rest_url, json.dumps(payload).encode())
    assert status == 400, reply
    assert isinstance(reply, list) and reply[0]["text"] == system_message("malformed", None), reply
    assert services.procs["rasa"].poll() is None
    assert text_of(send(services, new_sender("after-400"), "привет"))


@pytest.mark.parametrize(
    "garbage",
    [
        "\ufffd\u00ff\u00fe\u2603 漢字 ⊕∑ ☃☃",
        "\udfff\ud800\ud83d abc",  # lone surrogates (valid JSON escapes, invalid Unicode)
        "".join(chr(c) for c in range(0x20, 0x300)),
        "\u202e\u200bmixed \U0001f600 Ω≈ç√ \x7f\x9f end",
    ],
    ids=["symbols", "lone-surrogates", "latin-range", "bidi-controls"],
)
def test_unicode_garbage_gets_a_reply(services: Services, garbage: str) -> None:
    sender = new_sender("garbage")
    status, reply = post_raw(services.rest_url, json.dumps({"sender": sender, "message": garbage}).encode())
    assert status == 200, reply
    assert isinstance(reply, list) and text_of(reply), reply
    for stored in user_texts(services, sender):
        assert not any("\ud800" <= ch <= "\udfff" or ord(ch) < 0x20 for ch in stored), repr(stored)


# ---------------------------------------------------------------- 6: the action server is down
def test_action_server_down_then_back(services: Services) -> None:
    earlier = new_sender("down-earlier")  # a conversation that was going on when the action server went down
    assert send(services, earlier, "привет")
    services.stop("actions")
    try:
        kk_sender = new_sender("down-kk")
        kk = send(services, kk_sender, "жүкті болғаным үшін жұмысқа алмады")
        assert MESSAGES["unavailable"]["kk"] in text_of(kk), kk
        assert MESSAGES["unavailable"]["ru"] not in text_of(kk), kk
        assert not cited_norms(kk)

        ru_sender = new_sender("down-ru")
        ru = send(services, ru_sender, "меня уволили когда я была беременна")
        assert MESSAGES["unavailable"]["ru"] in text_of(ru), ru
        assert MESSAGES["unavailable"]["kk"] not in text_of(ru), ru
        assert not cited_norms(ru)

        later = send(services, earlier, "меня уволили когда я была беременна")
        assert MESSAGES["unavailable"]["ru"] in text_of(later), later

        # told "send it again", so nothing of these turns is stored (the resend below is stored once)
        assert user_texts(services, kk_sender) == [] and user_texts(services, ru_sender) == []
        assert user_texts(services, earlier) == ["привет"]

        assert services.procs["rasa"].poll() is None
        status = services.api("/status", timeout=10)
        assert isinstance(status, dict) and status.get("model_file"), status
    finally:
        if "actions" not in services.procs:
            services.start_actions()

    back = send(services, ru_sender, "меня уволили когда я была беременна")  # the user sends it again
    assert_legal_answer(back)
    assert "tk-054" in cited_norms(back), back
    assert "статья 54 трудового кодекса рк" in text_of(back).lower()
    assert user_texts(services, ru_sender) == ["меня уволили когда я была беременна"]
    assert "tk-054" in cited_norms(send(services, earlier, "меня уволили когда я была беременна"))
    assert user_texts(services, earlier) == ["привет", "меня уволили когда я была беременна"]


# ---------------------------------------------------------------- 7: persistence
def test_conversation_is_stored_and_survives_a_rasa_restart(services: Services) -> None:
    sender = new_sender("persist")
    said = ["привет", "меня уволили когда я была беременна", "спасибо"]
    for text in said:
        assert send(services, sender, text)

    assert user_texts(services, sender) == said
    rows = db_event_rows(services, sender)
    assert rows, f"no events for {sender} in {db_path(services)}"
    stored_user = [json.loads(data).get("text") for type_name, data in rows if type_name == "user"]
    assert stored_user == said
    assert "bot" in {type_name for type_name, _ in rows}

    services.stop("rasa")
    try:
        assert db_event_rows(services, sender) == rows
    finally:
        services.start_rasa()

    assert user_texts(services, sender) == said
    events = tracker(services, sender)["events"]
    assert any(e.get("event") == "slot" and e.get("name") == "language" and e.get("value") == "ru" for e in events)
    # and the restarted server carries on the same conversation
    reply = send(services, sender, "меня уволили когда я была беременна")
    assert "tk-054" in cited_norms(reply), reply
    assert user_texts(services, sender) == [*said, "меня уволили когда я была беременна"]


# ---------------------------------------------------------------- channel-made messages follow the sticky preference
# Kept last: these exercise the same preference rule as action_detect_language (an explicit
# "қазақша" wins over the language a later message is written in) for the texts the channel
# itself writes (the too_long notice, the unavailable text).
def test_too_long_notice_follows_the_language_preference(services: Services) -> None:
    sender = new_sender("pref-long")
    assert has_kazakh_letters(text_of(send(services, sender, "қазақша")))
    unit = "меня уволили когда я была беременна "
    reply = send(services, sender, (unit * 600)[:20_000])
    assert "tk-054" in cited_norms(reply), reply
    assert "Еңбек кодексінің 54-бабы" in text_of(reply[1:]), reply  # the answer itself is in Kazakh
    assert reply[0]["text"] == MESSAGES["too_long"]["kk"].format(limit=2000), reply[0]


def test_unavailable_text_follows_the_language_preference(services: Services) -> None:
    sender = new_sender("pref-down")
    assert has_kazakh_letters(text_of(send(services, sender, "қазақша")))
    services.stop("actions")
    try:
        reply = send(services, sender, "меня уволили когда я была беременна")
        assert MESSAGES["unavailable"]["kk"] in text_of(reply), reply
        assert user_texts(services, sender) == ["қазақша"]
    finally:
        if "actions" not in services.procs:
            services.start_actions()
