"""After a 👎 in Telegram the bot offers the reasons (issue 14 item 7): real conversations through the
local Bot API fake to the real Rasa and action server. A reason is stored with the user's own 👎,
its buttons go away, the comment can still follow; garbage, foreign or stale reason buttons get a
polite answer and store nothing."""

from __future__ import annotations

from conftest import TelegramBot, new_user_id, visible

from tendik.common.feedback import VOTE_REASONS
from tendik.texts import text


def reason_buttons(message) -> dict[str, str]:  # noqa: ANN001
    """reason code -> callback data of the reason buttons under ``message``."""
    return {b["callback_data"].rsplit(":", 1)[1]: b["callback_data"] for b in message.buttons()
            if str(b.get("callback_data", "")).startswith("vr:")}


def not_helpful(tg: TelegramBot, user: int, question: str) -> tuple[str, object]:
    """Ask, press 👎; returns (the answer id, the bot's prompt after the 👎)."""
    answer = tg.say(user, question)
    data = answer[-1].button("v:n:")["callback_data"]
    _, prompt = tg.press(user, answer[-1], data)
    assert len(prompt) == 1
    return data[4:], prompt[0]


def test_reasons_after_not_helpful_are_stored_then_the_comment_follows(tg: TelegramBot) -> None:
    user = new_user_id()
    sender = tg.sender_id(user)
    tg.choose_language(user, "ru")
    answer_id, prompt = not_helpful(tg, user, "меня не взяли на работу из-за возраста")
    assert text("feedback.reason_question", "ru") in prompt.text
    buttons = reason_buttons(prompt)
    assert list(buttons) == list(VOTE_REASONS)  # all six, in order
    titles = [b["text"] for b in prompt.buttons() if str(b.get("callback_data", "")).startswith("vr:")]
    assert titles == [text(f"feedback.reason.{c}", "ru") for c in VOTE_REASONS]
    assert prompt.button("Пропустить")
    assert tg.query("SELECT reason FROM tendik_feedback WHERE sender_id = ?", sender) == [(None,)]

    reply, extra = tg.press(user, prompt, buttons["wrong_norm"])
    assert reply["text"] == text("feedback.reason_saved", "ru") and extra == []
    assert tg.query("SELECT answer_id, vote, reason FROM tendik_feedback WHERE sender_id = ?", sender) == [
        (answer_id, "not_helpful", "wrong_norm")]
    left = [b["callback_data"] for b in prompt.buttons()]
    assert left == ["c:skip"]  # the reasons are gone, "skip" stays

    saved = tg.say(user, "Нужна была другая статья")  # the comment window is still open
    assert "комментарий сохранён" in visible(saved)
    assert tg.query("SELECT reason, comment FROM tendik_feedback WHERE sender_id = ?", sender) == [
        ("wrong_norm", "Нужна была другая статья")]


def test_kazakh_labels_and_a_reason_only_for_the_users_own_not_helpful(tg: TelegramBot) -> None:
    user, other = new_user_id(), new_user_id()
    tg.choose_language(user, "kk")
    tg.choose_language(other, "kk")
    answer_id, prompt = not_helpful(tg, user, "жалақыны ерлерге көп төлейді")
    buttons = reason_buttons(prompt)
    titles = [b["text"] for b in prompt.buttons() if str(b.get("callback_data", "")).startswith("vr:")]
    assert titles == [text(f"feedback.reason.{c}", "kk") for c in VOTE_REASONS]

    # someone else pressing this user's reason button (forwarded data): no vote of theirs, nothing stored
    reply, _ = tg.press(other, prompt, buttons["harmful"])
    assert reply["text"] == text("telegram.outdated_button", "kk")
    assert tg.query("SELECT COUNT(*) FROM tendik_feedback WHERE sender_id = ?", tg.sender_id(other)) == [(0,)]
    assert tg.query("SELECT reason FROM tendik_feedback WHERE sender_id = ?", tg.sender_id(user)) == [(None,)]


def test_garbage_reason_data_gets_a_polite_answer_and_stores_nothing(tg: TelegramBot) -> None:
    user = new_user_id()
    sender = tg.sender_id(user)
    tg.choose_language(user, "ru")
    answer_id, prompt = not_helpful(tg, user, "мне платят меньше чем мужчинам на той же должности")
    outdated = text("telegram.outdated_button", "ru")
    # six presses: with the four before and the one after, within the per-user flood limit (12 a minute)
    for data in (f"vr:{answer_id}:bribery", "vr:", "vr:zz", "vr:NOT-HEX!:wrong_norm",
                 f"vr:{answer_id}:wrong_norm:extra", f"vr:{'0' * 32}:unclear"):
        reply, extra = tg.press(user, prompt, data)
        assert reply["text"] == outdated, data
        assert extra == []
    assert tg.query("SELECT reason FROM tendik_feedback WHERE sender_id = ?", sender) == [(None,)]
    assert reason_buttons(prompt)  # nothing was taken away

    # the bot still works, and a real reason still goes through
    reply, _ = tg.press(user, prompt, reason_buttons(prompt)["unclear"])
    assert reply["text"] == text("feedback.reason_saved", "ru")
    assert tg.query("SELECT reason FROM tendik_feedback WHERE sender_id = ?", sender) == [("unclear",)]


def test_a_reason_after_the_vote_changed_to_helpful_is_refused(tg: TelegramBot) -> None:
    """A 👍 takes the reason away; a reason button pressed after that stores nothing."""
    user = new_user_id()
    sender = tg.sender_id(user)
    tg.choose_language(user, "ru")
    answer = tg.say(user, "меня уволили когда я была беременна")
    down = answer[-1].button("v:n:")["callback_data"]
    up = answer[-1].button("v:h:")["callback_data"]
    _, prompt = tg.press(user, answer[-1], down)
    buttons = reason_buttons(prompt[0])
    tg.press(user, prompt[0], buttons["outdated_law"])
    assert tg.query("SELECT vote, reason FROM tendik_feedback WHERE sender_id = ?", sender) == [("not_helpful", "outdated_law")]
    tg.press(user, answer[-1], up)  # the old keyboard's 👍 (a stale message)
    assert tg.query("SELECT vote, reason FROM tendik_feedback WHERE sender_id = ?", sender) == [("helpful", None)]
    reply, _ = tg.press(user, prompt[0], buttons["unclear"])
    assert reply["text"] == text("telegram.outdated_button", "ru")
    assert tg.query("SELECT vote, reason FROM tendik_feedback WHERE sender_id = ?", sender) == [("helpful", None)]
