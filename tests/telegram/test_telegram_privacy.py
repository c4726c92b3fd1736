"""Privacy: Telegram user ids never reach the tracker store or the logs in clear (keyed hash as the
Rasa sender id), user text is not logged, and /delete (after a confirmation) erases the user's
conversation, votes, language, subscription and chat id everywhere."""

from __future__ import annotations

import logging

import pytest
from conftest import TelegramBot, new_user_id, visible

from tendik.telegram.ids import SenderIds


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


@pytest.fixture
def all_logs():
    handler = Collect()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_no_raw_telegram_id_or_user_text_in_the_store_or_the_logs(tg: TelegramBot, all_logs: Collect) -> None:
    user = new_user_id()
    secret_text = "меня уволили из-за беременности, работодатель ТОО Ромашка"
    tg.choose_language(user, "ru")
    answer = tg.say(user, secret_text)
    tg.press(user, answer[-1], answer[-1].button("v:n:")["callback_data"])
    tg.say(user, "комментарий про Ромашку")
    tg.send_content(user, "sticker")
    tg.say(user, "/subscribe")
    group = -1_009_000_000_000 - user % 1000
    tg.lt.run(tg.handled.wait(tg.lt.run(tg.api.send_group_text(user, group, "/help@tendik_local_bot")), 60))

    sender = tg.sender_id(user)
    assert sender == SenderIds("test-id-secret-for-the-telegram-suite").sender_id(user)
    assert tg.query("SELECT count(*) FROM events WHERE sender_id = ?", sender)[0][0] > 0
    # The raw id is nowhere in the database except the subscription's chat id (needed to send cards).
    for table, in tg.query("SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns = [c[1] for c in tg.query(f"PRAGMA table_info({table})")]
        for column in columns:
            if (table, column) == ("tendik_tg_subscriptions", "chat_id"):
                continue
            hits = tg.query(f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE ?', f"%{user}%")[0][0]
            assert hits == 0, f"raw Telegram id found in {table}.{column}"
    assert tg.query("SELECT chat_id FROM tendik_tg_subscriptions WHERE sender_id = ?", sender) == [(user,)]

    logs = "\n".join(all_logs.lines)
    assert logs, "nothing was logged at all?"
    ours = [line for line in all_logs.lines if not line.startswith("tests.fakes.telegram_api")]
    assert not any(str(user) in line for line in ours)
    assert not any("Ромашк" in line or "беременности" in line for line in ours)
    assert not any(str(group)[1:] in line for line in ours)


def test_delete_asks_first_and_cancel_keeps_everything(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "kk")
    tg.say(user, "жүкті болғаным үшін жұмысқа алмады")
    sender = tg.sender_id(user)
    events = tg.query("SELECT count(*) FROM events WHERE sender_id = ?", sender)[0][0]
    confirm = tg.say(user, "/delete")[-1]
    assert "жою керек пе" in confirm.text
    assert [b["text"] for b in confirm.buttons()] == ["Иә, жою", "Бас тарту"]
    answer, _ = tg.press(user, confirm, "d:no")
    assert confirm.text == "Жарайды, ештеңе жойылмады." and confirm.reply_markup is None
    assert tg.query("SELECT count(*) FROM events WHERE sender_id = ?", sender)[0][0] == events


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_delete_erases_the_user_everywhere(tg: TelegramBot, lang: str) -> None:
    user, other = new_user_id(), new_user_id()
    for u in (user, other):
        tg.choose_language(u, lang)
        answer = tg.say(u, "меня не взяли на работу из-за возраста")
        tg.press(u, answer[-1], answer[-1].button("v:n:")["callback_data"])
        tg.say(u, "мало информации")
        tg.say(u, "/subscribe")
    sender = tg.sender_id(user)
    tables = ("events", "tendik_feedback", "tendik_tg_users", "tendik_tg_subscriptions")
    for table in tables:
        assert tg.query(f"SELECT count(*) FROM {table} WHERE sender_id = ?", sender)[0][0] > 0, table

    confirm = tg.say(user, "/delete")[-1]
    tg.press(user, confirm, "d:yes")
    assert ("жойылды" if lang == "kk" else "данные удалены") in confirm.text
    for table in tables + ("tendik_tg_deliveries",):
        assert tg.query(f"SELECT count(*) FROM {table} WHERE sender_id = ?", sender)[0][0] == 0, table
    assert tg.query("SELECT count(*) FROM tendik_tg_subscriptions WHERE chat_id = ?", user)[0][0] == 0  # chat id gone
    # Nobody else's data was touched.
    for table in tables:
        assert tg.query(f"SELECT count(*) FROM {table} WHERE sender_id = ?", tg.sender_id(other))[0][0] > 0, table
    # Starting again works: a new, empty conversation.
    again = tg.say(user, "/start")
    assert [b["text"] for b in again[-1].buttons()] == ["Қазақша", "Русский"]
    tg.say(user, "сәлем")
    user_events = tg.query("SELECT count(*) FROM events WHERE sender_id = ? AND type_name = 'user'", sender)[0][0]
    assert user_events == 1
    assert "Құпиялылық" in visible(tg.say(user, "/privacy", language_code="kk"))
