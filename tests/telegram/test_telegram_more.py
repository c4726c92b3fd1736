"""An answer's "more" buttons through the local Bot API server and the real assistant: the first
reply is short (one quoted paragraph) with buttons for the rest; pressing "the norms in full" sends
``/show_more{...}`` to Rasa for that user and renders the law view (every paragraph of the topic,
verbatim, in blockquotes, each message within Telegram's limit); forged or outdated "more" data is
refused politely in the user's language and never reaches Rasa; the vote buttons keep working next
to the "more" buttons."""

from __future__ import annotations

import json

import pytest
from conftest import TelegramBot, new_user_id, visible

from tendik.common.buttons import parse_show_more
from tendik.compose import view_answer
from tendik.knowledge.explanations import load_knowledge
from tendik.knowledge.situations import load_situations
from tendik.telegram.html_text import utf16_len
from tendik.texts import text as catalog_text
from tests.fakes.telegram_api import parse_telegram_html

KB = load_knowledge()
SK = load_situations()
QUESTIONS = {"ru": "женщинам платят меньше чем мужчинам за ту же работу", "kk": "әйелдерге ерлерден аз жалақы төлейді"}


def user_texts(tg: TelegramBot, user_id: int) -> list[str]:
    rows = tg.query("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", tg.sender_id(user_id))
    return [json.loads(r[0]).get("text") for r in rows]


def flat(text: str) -> str:
    return " ".join(text.split())


FORGED = [("kk", "m:law:exp-nothing-here:"), ("ru", "m:bogus:exp-equal-pay:"), ("ru", "m:law:exp-equal-pay:0"),
          ("ru", "m:law:exp-equal-pay:-3"), ("ru", "m:law:exp-equal-pay:100000")]
OUTDATED = [("kk", "m:law:exp-equal-pay"), ("ru", "m:law:exp-equal-pay:x"), ("ru", "m:law"), ("ru", "m:"),
            ("ru", "m:law:exp-equal-pay:1:2")]


@pytest.mark.parametrize(("lang", "data", "key"), [(lang, d, "ui.more.unknown") for lang, d in FORGED]
                         + [(lang, d, "telegram.outdated_button") for lang, d in OUTDATED])
def test_forged_more_buttons_are_refused_politely_and_never_reach_rasa(tg: TelegramBot, lang: str, data: str, key: str) -> None:
    """A known view of a topic in the knowledge base, or a polite refusal in the user's language
    (data that is not even a MoreView: an outdated button); Rasa never sees it."""
    user = new_user_id()
    tg.choose_language(user, lang)
    menu = tg.say(user, "/topics")[-1]
    before = user_texts(tg, user)
    answer, msgs = tg.press(user, menu, data)
    assert answer.get("text") == catalog_text(key, lang), data
    assert msgs == []
    assert user_texts(tg, user) == before  # nothing went to Rasa


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_law_button_round_trip(tg: TelegramBot, lang: str) -> None:
    user = new_user_id()
    tg.choose_language(user, lang)
    first = tg.say(user, QUESTIONS[lang])
    assert len(first) == 1, [m.text for m in first]  # the first reply is short: one message
    reply = first[-1]
    assert reply.html.count("<blockquote>") == 1  # one quoted paragraph, the rest one tap away
    law = reply.button("m:law:")
    steps = reply.button("m:steps:")
    assert law["text"] == catalog_text("answer.button.law", lang) and steps["text"] == catalog_text("answer.button.steps", lang)
    topic = law["callback_data"].split(":")[2]
    assert topic in KB.explanations
    assert reply.button("v:h:") and reply.button("v:n:")  # the votes are still there

    answer, msgs = tg.press(user, reply, law["callback_data"])
    assert answer.get("text") in (None, "")
    sent = user_texts(tg, user)[-1]
    more = parse_show_more(sent)
    assert more is not None and (more.view, more.topic) == ("law", topic)  # the button's payload went to Rasa
    assert msgs, "the law view was not sent"
    for m in msgs:
        assert utf16_len(m.text) <= 4096 and parse_telegram_html(m.html) == m.text
    shown = flat(visible(msgs))
    expected = view_answer(KB, SK, KB.explanations[topic], "law", lang)
    for c in expected.quoted():
        assert flat(c.text) in shown, c.citation  # every paragraph of the first law page verbatim
    assert sum(m.html.count("<blockquote>") for m in msgs) >= len(expected.quoted())
    # the law view offers the other views, and its own votes
    keyboard = [b["callback_data"] for b in msgs[-1].buttons()]
    assert any(d.startswith("m:steps:") for d in keyboard) and any(d.startswith("v:h:") for d in keyboard)

    # pressing "what to do" works the same way
    _, steps_msgs = tg.press(user, msgs[-1], msgs[-1].button("m:steps:")["callback_data"])
    expected_steps = view_answer(KB, SK, KB.explanations[topic], "steps", lang)
    items = [i for s in expected_steps.sections if s.kind == "steps" for i in s.items]
    assert items and all(flat(f"{n}. {i}") in flat(visible(steps_msgs)) for n, i in enumerate(items, 1))

    # a vote on the first reply still works next to the "more" buttons
    answer, _ = tg.press(user, reply, reply.button("v:h:")["callback_data"])
    assert answer.get("text") == catalog_text("telegram.vote_thanks", lang)
    assert tg.query("SELECT vote FROM tendik_feedback WHERE sender_id = ?", tg.sender_id(user)) == [("helpful",)]
