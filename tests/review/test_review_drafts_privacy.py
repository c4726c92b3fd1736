"""The review app never shows, indexes or exports what a worker typed for a draft or for the
self-check's free-text question (issue 12 item 4), on SQLite and on PostgreSQL.

The conversations are written by Rasa itself: its ``SQLTrackerStore`` saves trackers built from
Rasa's own event classes (in the Rasa virtual environment), so the rows are exactly what the
running assistant stores: ``active_loop`` events when a form starts and ends, ``slot`` events for
``requested_slot`` (``sc_what``: the self-check's free-text question; ``draft_value``: a draft
question), the ``draft_values`` dict, and a bot message whose payload carries the draft order.

Conversation "forms" (Russian): a legal question, the self-check up to its free-text question
(answered with a story naming the director), a draft form (name, address, employer answered one at
a time), the draft message (whose text repeats the name and the employer), then an ordinary
question. Conversation "carry" (Kazakh): a draft question answered with a name, the form left
unfinished, a new session that carries the slots over (``requested_slot`` is still
``draft_value``, no form is active), then an ordinary message that must show.

Checked: the transcript page, the list and its search, the dashboard, the list's CSV and every
export (through the real review server), and the index itself; then an index as an older version
left it (the answers' texts in it) is cleaned by ``rescrub``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from review_support import ADMIN, RASA_PY, ROOT, Client, cli
from sqlalchemy import select, update

from tendik.common.db import make_engine
from tendik.compose import short_topic_answer
from tendik.knowledge.explanations import load_knowledge
from tendik.lang import fold
from tendik.payload import AnswerPayload, Button, DraftOrder, Section
from tendik.review import exports, queries, views
from tendik.review import tables as t
from tendik.review.judgements import save_judgement
from tendik.review.rescrub import rescrub
from tendik.review.sync import sync
from tendik.review.tracker import read_turns
from tendik.texts import text

FORMS, CARRY = "web-drafts-forms", "tg-drafts-carry"

QUESTION = "меня уволили из-за беременности"
WHAT = "Директор Серик Ахметов сказал, что беременные ему не нужны"
NAME = "Карлыгаш Тулегенова"
ADDRESS = "г. Шымкент, ул. Тауке хана 45, кв 12"
EMPLOYER = "ТОО «Жетысу-Агро»"
AFTER = "спасибо, а куда жаловаться на работодателя?"
KK_NAME = "Жанар Бекова"
KK_AFTER = "жұмысқа алмады, жасым үлкен деп"
# what must never appear, and a fragment of each that search could find
PRIVATE = [WHAT, NAME, ADDRESS, EMPLOYER, KK_NAME]
PRIVATE_WORDS = ["Ахметов", "Тулегенова", "Тауке", "Жетысу", "Бекова"]


# ------------------------------------------------------------------ the rows, written by Rasa
RASA_WRITE = r"""
import asyncio, json, sys
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

custom = [{"type": "custom"}]
domain = Domain.from_dict({
    "version": "3.1",
    "intents": ["ask_pregnant_dismissal", "ask_how_to_complain", "start_selfcheck", "inform_sc", "request_draft", "nlu_fallback"],
    "slots": {
        "language": {"type": "text", "influence_conversation": False, "mappings": custom},
        "sc_stage": {"type": "text", "influence_conversation": False, "mappings": custom},
        "sc_what": {"type": "text", "influence_conversation": False, "mappings": custom},
        "draft_field": {"type": "text", "influence_conversation": False, "mappings": custom},
        "draft_value": {"type": "text", "influence_conversation": False, "mappings": custom},
        "draft_values": {"type": "any", "influence_conversation": False, "mappings": custom},
    },
    "forms": {"selfcheck_form": {"required_slots": ["sc_stage", "sc_what"]},
              "draft_form": {"required_slots": ["draft_value"]}},
})
store = SQLTrackerStore(domain, host=sys.argv[1])
for sender_id, steps in json.load(sys.stdin).items():
    evs = []
    for kind, *a in steps:
        if kind == "session":
            evs += [ActionExecuted("action_session_start"), SessionStarted()]
            evs += [SlotSet(k, v) for k, v in a[0].items()]
            evs.append(ActionExecuted("action_listen"))
        elif kind == "user":
            text, intent, lang, channel = a
            parsed = {"name": intent, "confidence": 0.9}
            evs.append(UserUttered(text, parsed, [], {"intent": parsed, "entities": [], "text": text,
                                                      "intent_ranking": [parsed]},
                                   input_channel=channel, metadata={"language": lang, "channel": channel}))
        elif kind == "action":
            evs.append(ActionExecuted(a[0]))
        elif kind == "bot":
            evs.append(BotUttered(a[0], a[1]))
        elif kind == "slot":
            evs.append(SlotSet(a[0], a[1]))
        elif kind == "loop":
            evs.append(ActiveLoop(a[0]))
    asyncio.run(store.save(DialogueStateTracker.from_events(sender_id, evs, slots=domain.slots)))
"""


def bot(payload: AnswerPayload, text_: str | None = None) -> list:
    return ["bot", payload.plain_text() if text_ is None else text_,
            {"buttons": [b.to_dict() for b in payload.buttons], "custom": payload.to_dict()}]


def ask(form: str, slot: str, question: str, *before: list) -> list[list]:
    """The form's turn: its action, the slot events it returns, the next question, listen."""
    return [["action", form], *before, ["slot", "requested_slot", slot], ["bot", question, {}], ["action", "action_listen"]]


def conversations() -> dict[str, list[list]]:
    kb = load_knowledge()
    legal = short_topic_answer(kb, kb.explanations["exp-pregnant-dismissal"], "ru")
    result = AnswerPayload(lang="ru", sections=[Section("title", text="Итог проверки вашей ситуации")],
                           buttons=[Button("📝 Запрос о причине", '/request_draft{"draft_template":"request-reasons"}')])
    fields = {"worker_name": NAME, "worker_address": ADDRESS, "employer_name": EMPLOYER, "decision": "увольнение",
              "event": WHAT}
    draft = AnswerPayload(lang="ru", sections=[Section("title", text=f"Черновик для {NAME}: запрос в {EMPLOYER}")],
                          draft=DraftOrder("request-reasons", "ru", fields))
    draft_values = {}
    forms: list[list] = [
        ["session", {}],
        ["user", QUESTION, "ask_pregnant_dismissal", "ru", "web"], ["slot", "language", "ru"],
        ["action", "action_answer"], bot(legal), ["action", "action_listen"],
        ["user", "/start_selfcheck", "start_selfcheck", "ru", "web"],
        *ask("selfcheck_form", "sc_stage", "На каком этапе?", ["loop", "selfcheck_form"]),
        ['user', '/inform_sc{"sc_stage": "dismissal"}', "inform_sc", "ru", "web"],
        *ask("selfcheck_form", "sc_what", "Что сказал или сделал работодатель?", ["slot", "sc_stage", "dismissal"]),
        ["user", WHAT, "nlu_fallback", "ru", "web"],
        ["action", "selfcheck_form"], ["slot", "sc_what", WHAT], ["loop", None], ["slot", "requested_slot", None],
        ["action", "action_selfcheck_result"], bot(result), ["action", "action_listen"],
        ["user", '/request_draft{"draft_template":"request-reasons"}', "request_draft", "ru", "web"],
    ]
    before = [["loop", "draft_form"]]
    for field_, value, question in (("worker_name", NAME, "Как вас зовут (ФИО)?"),
                                    ("worker_address", ADDRESS, "Адрес для ответа?"),
                                    ("employer_name", EMPLOYER, "Как называется работодатель?")):
        forms += ask("draft_form", "draft_value", question, *before, ["slot", "draft_field", field_])
        forms.append(["user", value, "nlu_fallback", "ru", "web"])
        draft_values = {**draft_values, field_: value}
        before = [["slot", "draft_value", value], ["slot", "draft_values", draft_values], ["slot", "draft_value", None]]
    forms += [
        ["action", "draft_form"], *before, ["loop", None], ["slot", "requested_slot", None], ["slot", "draft_field", None],
        ["action", "action_draft"], bot(draft), ["action", "action_listen"],
        ["user", AFTER, "ask_how_to_complain", "ru", "web"], ["action", "action_answer"],
        ["bot", "Жаловаться можно в трудовую инспекцию.", {}], ["action", "action_listen"],
    ]
    carry: list[list] = [
        ["session", {}],
        ["user", '/request_draft{"draft_template":"request-reasons"}', "request_draft", "kk", "telegram"],
        ["slot", "language", "kk"],
        *ask("draft_form", "draft_value", "Аты-жөніңіз?", ["loop", "draft_form"], ["slot", "draft_field", "worker_name"]),
        ["user", KK_NAME, "nlu_fallback", "kk", "telegram"],
        *ask("draft_form", "draft_value", "Мекенжайыңыз?", ["slot", "draft_values", {"worker_name": KK_NAME}],
             ["slot", "draft_field", "worker_address"]),
        # the session expires; Rasa carries every slot over, requested_slot included (no form is active)
        ["session", {"language": "kk", "draft_values": {"worker_name": KK_NAME}, "draft_field": "worker_address",
                     "requested_slot": "draft_value"}],
        ["user", KK_AFTER, "nlu_fallback", "kk", "telegram"], ["action", "action_answer"],
        ["bot", "Кешіріңіз, бұл сұраққа сенімді жауап таппадым.", {}], ["action", "action_listen"],
    ]
    return {FORMS: forms, CARRY: carry}


def write_with_rasa(db_url: str) -> None:
    r = subprocess.run([RASA_PY, "-c", RASA_WRITE, db_url], cwd=ROOT, input=json.dumps(conversations(), ensure_ascii=False),
                       capture_output=True, text=True, timeout=300,
                       env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false", "HOME": "/tmp",
                            "SQLALCHEMY_SILENCE_UBER_WARNING": "1"})
    assert r.returncode == 0, r.stderr[-3000:]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'tracker.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    write_with_rasa(url)
    return url


# ------------------------------------------------------------------ checks
def leaks(content: str) -> list[str]:
    """The private values (or a word of one) found in ``content``, case and Kazakh letters folded."""
    folded = fold(content)
    return [v for v in PRIVATE + PRIVATE_WORDS if fold(v) in folded]


def turn_ids(engine) -> dict[str, int]:  # noqa: ANN001
    """The user event id of each message text."""
    with engine.connect() as conn:
        return {x.text: x.user_event_id for s in (FORMS, CARRY) for x in read_turns(conn, s) if x.user_event_id}


def judge_everything(engine) -> None:  # noqa: ANN001
    """Judgements that would put every message into an export if its text were there: the hidden
    answers and the ordinary questions wrong with a right intent (NLU examples, test stories) or
    with none (unanswered)."""
    ids = turn_ids(engine)
    for value in (WHAT, NAME, AFTER):
        save_judgement(engine, FORMS, ids[value], "wrong", "tester", right_intent="ask_how_to_complain")
    for value in (ADDRESS, EMPLOYER, QUESTION):
        save_judgement(engine, FORMS, ids[value], "wrong", "tester")
    for value in (KK_NAME, KK_AFTER):
        save_judgement(engine, CARRY, ids[value], "wrong", "tester")


def search(engine, q: str) -> set[str]:  # noqa: ANN001
    return {r["sender_id"] for r in queries.list_page(engine, queries.Filters(q=q), 50).rows}


def test_rasa_rows_mark_exactly_the_answers_to_hidden_questions(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        turns = {s: [x for x in read_turns(conn, s) if x.user_event_id] for s in (FORMS, CARRY)}
    assert [x.text for x in turns[FORMS] if x.hidden] == [WHAT, NAME, ADDRESS, EMPLOYER]
    assert {x.hidden for x in turns[FORMS] if x.hidden} == {"selfcheck", "draft"}
    assert next(x for x in turns[FORMS] if x.text == WHAT).hidden == "selfcheck"
    assert [x.text for x in turns[CARRY] if x.hidden] == [KK_NAME]  # not the message after the new session


def test_review_app_never_shows_indexes_or_exports_them(db_url: str, start_server, tmp_path: Path) -> None:
    server = start_server(db_url)  # creates the accounts and indexes (the real CLI)
    engine = make_engine(db_url)
    judge_everything(engine)
    admin = Client(server)
    assert admin.login(*ADMIN).status_code == 302

    # the transcript: placeholders in the conversation's language, ordinary messages as typed
    forms = admin.get(f"/transcript?id={FORMS}")
    carry = admin.get(f"/transcript?id={CARRY}")
    assert forms.status_code == 200 and carry.status_code == 200
    assert leaks(forms.text) == [] and leaks(carry.text) == []
    assert forms.text.count(text("review.hidden.draft", "ru")) == 3
    assert forms.text.count(text("review.hidden.selfcheck", "ru")) == 1
    assert carry.text.count(text("review.hidden.draft", "kk")) == 1
    assert QUESTION in forms.text and AFTER in forms.text and KK_AFTER in carry.text
    # the draft message repeats the name and the employer: masked; its draft order is not shown
    assert f"Черновик для {text('review.hidden.value', 'ru')}: запрос в {text('review.hidden.value', 'ru')}" in forms.text
    assert "request-reasons" not in forms.text
    # the legal answer keeps its words (a value taken from a button is not masked there)
    assert "[скрыто]" not in forms.text.split("Что сказал")[0]

    # the list, its search and its preview
    listing = admin.get("/conversations")
    assert leaks(listing.text) == [] and FORMS in listing.text and CARRY in listing.text
    for word in PRIVATE_WORDS:
        found = admin.get("/conversations", params={"q": word})
        assert FORMS not in found.text and CARRY not in found.text, word
        assert search(engine, word) == set(), word
    assert search(engine, "жаловаться работодателя") == {FORMS}
    assert search(engine, "жасым үлкен") == {CARRY}

    # the dashboard, the list as CSV, every export file
    dashboard = admin.get("/dashboard")
    assert dashboard.status_code == 200 and leaks(dashboard.text) == []
    assert KK_AFTER in dashboard.text  # the unanswered ordinary message is listed
    csv_ = admin.get("/admin/conversations.csv")
    assert csv_.status_code == 200 and leaks(csv_.text) == [] and QUESTION in csv_.text
    files = {}
    for name in ("nlu-ru.yml", "stories-ru.yml", "unanswered.csv", "unanswered.md"):
        r = admin.get(f"/admin/export/{name}")
        assert r.status_code == 200, name
        files[name] = r.text
    assert all(leaks(content) == [] for content in files.values())
    assert AFTER in files["nlu-ru.yml"] and AFTER in files["stories-ru.yml"]
    assert QUESTION in files["unanswered.csv"] and KK_AFTER in files["unanswered.md"]
    out = tmp_path / "export"
    cli(db_url, "export", "all", "--out", str(out), "--include-confirmed")
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) == 5 and "verdicts.csv" in {p.name for p in written}  # 4 exports + the verdicts' reasons
    assert all(leaks(p.read_text(encoding="utf-8")) == [] for p in written)
    assert any(AFTER in p.read_text(encoding="utf-8") for p in written)

    # the index itself holds none of them
    with engine.connect() as conn:
        texts = [r.text for r in conn.execute(select(t.messages.c.text))]
        convs = [(r.preview, r.search_text) for r in conn.execute(select(t.conversations.c.preview, t.conversations.c.search_text))]
    assert texts.count(t.HIDDEN_TEXT) == 5 and leaks(json.dumps([texts, convs], ensure_ascii=False)) == []
    assert admin.get(f"/transcript?id={FORMS}").text.count('class="tag" title="the user') == 4


def test_an_older_index_is_cleaned_by_rescrub(db_url: str) -> None:
    engine = make_engine(db_url)
    sync(engine)
    ids = turn_ids(engine)
    hidden = {FORMS: [WHAT, NAME, ADDRESS, EMPLOYER], CARRY: [KK_NAME]}
    # what an older version indexed: the answers' texts in the messages and in the search text
    with engine.begin() as conn:
        for sender, values in hidden.items():
            for value in values:
                conn.execute(update(t.messages).where(t.messages.c.sender_id == sender, t.messages.c.event_id == ids[value])
                             .values(text=value))
            conn.execute(update(t.conversations).where(t.conversations.c.sender_id == sender)
                         .values(search_text=" ".join(fold(v) for v in values), preview=values[0]))
    assert search(engine, "Тулегенова") == {FORMS} and search(engine, "Бекова") == {CARRY}  # found before

    dry = rescrub(engine, dry_run=True)
    assert dry.changed.get("review_messages") == 5
    assert search(engine, "Тулегенова") == {FORMS}  # a dry run changes nothing
    rescrub(engine)
    for word in PRIVATE_WORDS:
        assert search(engine, word) == set(), word
    with engine.connect() as conn:
        texts = [r.text for r in conn.execute(select(t.messages.c.text))]
        convs = [(r.preview, r.search_text) for r in conn.execute(select(t.conversations.c.preview, t.conversations.c.search_text))]
    assert leaks(json.dumps([texts, convs], ensure_ascii=False)) == []
    assert search(engine, "жаловаться работодателя") == {FORMS} and search(engine, "жасым үлкен") == {CARRY}
    assert rescrub(engine).changed == {}  # idempotent
    # the conversation itself (Rasa's tracker) keeps the answers: the draft needs them until it is deleted
    with engine.connect() as conn:
        assert NAME in [x.text for x in read_turns(conn, FORMS)]
    assert views.transcript(engine, FORMS) is not None and exports.unanswered(engine) is not None
