"""What the bot cannot read (stickers, photos, voice, documents, locations, contacts, video),
edited messages and messages in groups: a short polite reply in the user's language, nothing sent
to the assistant, never a crash. And the per-user flood limit."""

from __future__ import annotations

import pytest
from conftest import TelegramBot, new_user_id, visible

from tendik.texts import section

TEXTS = section("telegram")

CONTENT = [
    ("sticker", "sticker"), ("photo", "file"), ("voice", "voice"), ("document", "file"), ("location", "location"),
    ("contact", "location"), ("video", "voice"), ("animation", "file"),
]


def events_of(tg: TelegramBot, user_id: int) -> int:
    return tg.query("SELECT count(*) FROM events WHERE sender_id = ?", tg.sender_id(user_id))[0][0]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_non_text_messages_get_a_polite_reply_in_the_users_language(tg: TelegramBot, lang: str) -> None:
    user = new_user_id()
    tg.choose_language(user, lang)
    before, errors = events_of(tg, user), len(tg.handled.errors)
    for kind, key in CONTENT:
        reply = tg.send_content(user, kind)
        assert visible(reply) == TEXTS[key][lang], kind
    assert events_of(tg, user) == before  # nothing went to the assistant
    assert tg.handled.errors[errors:] == []
    # ... and the conversation goes on normally
    answer = tg.say(user, "меня уволили из-за беременности" if lang == "ru" else "жүкті болғаным үшін жұмыстан шығарды")
    assert answer[-1].button("v:h:")


def test_before_choosing_a_language_the_client_language_or_both_are_used(tg: TelegramBot) -> None:
    assert visible(tg.send_content(new_user_id(), "sticker", language_code="kk")) == TEXTS["sticker"]["kk"]
    both = visible(tg.send_content(new_user_id(), "voice", language_code="de"))
    assert TEXTS["voice"]["kk"] in both and TEXTS["voice"]["ru"] in both


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_edited_message_gets_a_polite_reply(tg: TelegramBot, lang: str) -> None:
    user = new_user_id()
    tg.choose_language(user, lang)
    question = tg.api.chats[user][-1].message_id
    before = events_of(tg, user)
    reply = tg.edit(user, question, "исправленный вопрос")
    assert visible(reply) == TEXTS["edited"][lang]
    assert events_of(tg, user) == before


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_group_messages_are_answered_politely_and_never_reach_the_assistant(tg: TelegramBot, lang: str) -> None:
    user = new_user_id()
    group = -1_000_000_000_000 - user
    tg.choose_language(user, lang)  # known user: the reply follows their language
    errors = len(tg.handled.errors)
    update = tg.lt.run(tg.api.send_group_text(user, group, "/start@tendik_local_bot"))
    tg.lt.run(tg.handled.wait(update, 60))
    replies = tg.api.bot_messages(group)
    assert len(replies) == 1
    assert replies[0].text == TEXTS["group"][lang].format(bot="tendik_local_bot")
    # Plain chatter in the group is answered at most once per quiet period ...
    for text in ("меня уволили", "жұмыстан шығарды"):
        update = tg.lt.run(tg.api.send_group_text(user, group, text))
        tg.lt.run(tg.handled.wait(update, 60))
    assert len(tg.api.bot_messages(group)) == 1
    # ... but a mention always is.
    update = tg.lt.run(tg.api.send_group_text(user, group, "@tendik_local_bot помогите"))
    tg.lt.run(tg.handled.wait(update, 60))
    assert len(tg.api.bot_messages(group)) == 2
    rows = tg.query("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", tg.sender_id(user))
    assert not any("уволили" in d or "помогите" in d for (d,) in rows)
    assert tg.handled.errors[errors:] == []


def test_a_flood_is_cut_and_the_user_told_once(tg: TelegramBot) -> None:
    user = new_user_id()
    rate = tg.settings.telegram_user_rate
    updates = [tg.lt.run(tg.api.send_content(user, "sticker")) for _ in range(rate + 8)]
    for u in updates:
        tg.lt.run(tg.handled.wait(u, 60))
    texts = [m.text for m in tg.api.bot_messages(user)]
    assert texts.count(TEXTS["sticker"]["ru"]) == rate
    flood = [t for t in texts if t.startswith("Слишком много сообщений")]
    assert len(flood) == 1  # one notice per window, the rest dropped silently
    # Another user is not affected.
    assert visible(tg.send_content(new_user_id(), "sticker")) == TEXTS["sticker"]["ru"]


def test_messages_of_one_user_are_answered_in_order(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "ru")
    kinds = ["sticker", "voice", "photo", "location", "sticker"]
    updates = [tg.lt.run(tg.api.send_content(user, k)) for k in kinds]
    for u in updates:
        tg.lt.run(tg.handled.wait(u, 60))
    keys = dict(CONTENT)
    replies = [m.text for m in tg.api.bot_messages(user)][-len(kinds):]
    assert replies == [TEXTS[keys[k]]["ru"] for k in kinds]


@pytest.mark.parametrize(
    "text,expect",
    [
        ("😀😀😀", None),  # emoji only
        ("ж" * 30 + " " + "меня уволили из-за беременности " * 120, "первые 2000 символов"),  # near Telegram's 4,096 maximum
        ("\u202e\u200b текст с управляющими символами \u0007", None),
        ("<b>жирный</b> & <i>курсив</i> &amp; <script>alert(1)</script>", None),
    ],
)
def test_odd_text_gets_a_polite_reply(tg: TelegramBot, text: str, expect: str | None) -> None:
    user = new_user_id()
    tg.choose_language(user, "ru")
    errors = len(tg.handled.errors)
    reply = tg.say(user, text[:4096])
    assert reply and all(m.text.strip() for m in reply)  # every part was valid for Telegram (the server checks)
    if expect:
        assert expect in visible(reply)
    assert tg.handled.errors[errors:] == []
