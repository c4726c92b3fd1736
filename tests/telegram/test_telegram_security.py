"""Telegram findings of the security probe, against the real bot and the local Bot API server.

* Start-up: when the Bot API's answers are not Bot API JSON (an HTML error page from a proxy in
  front of Telegram), the bot keeps retrying getMe, the commands and getWebhookInfo instead of
  exiting with a traceback, and then works.
* The flood limit: a button press dropped by it does not use up the once-a-window "too many
  messages" notice, and "delete my data" (``/delete`` and its confirmation) is never dropped,
  however many updates came before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TelegramBot, new_user_id
from test_telegram_modes import _wait_for_text, bot_env, spawn, stop

from tendik.telegram.texts import t
from tests.fakes.telegram_api import LocalBotAPI, LoopThread


@pytest.fixture
def api(loop_thread: LoopThread) -> Iterator[LocalBotAPI]:
    server = LocalBotAPI()
    loop_thread.run(server.start())
    yield server
    loop_thread.run(server.stop())


def test_start_up_retries_when_the_bot_api_answers_with_an_html_page(
    api: LocalBotAPI, loop_thread: LoopThread, assistant, tmp_path: Path  # noqa: ANN001
) -> None:
    api.html_next("getMe", times=2)
    api.html_next("getMyCommands", times=2)
    api.html_next("getWebhookInfo", times=2)
    log = tmp_path / "bot.log"
    proc = spawn(bot_env(api, assistant, tmp_path), log=log)
    try:
        loop_thread.run(_wait_for_text(log, "Start polling", 120))
        assert proc.poll() is None, "the bot exited"
        user = new_user_id()
        loop_thread.run(api.send_text(user, "/help", "ru"))
        assert "/topics" in loop_thread.run(api.wait_for_messages(user, 1, 60))[0].text
    finally:
        assert stop(proc) == 0, log.read_text()
    text = log.read_text()
    assert "Traceback" not in text
    for what in ("start-up", "setting the commands (kk)", "checking for a webhook"):
        assert f"{what}: the Bot API cannot be reached or gave no usable answer (ClientDecodeError)" in text, what
    assert len([c for c in api.calls if c.method.lower() == "getme"]) >= 3


def test_a_flooded_user_can_still_delete_their_data(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "ru")  # /start and a button press
    tg.say(user, "меня уволили когда я была беременна")
    sender = tg.sender_id(user)
    assert tg.query("SELECT count(*) FROM events WHERE sender_id = ?", sender)[0][0] > 0
    prompt = tg.say(user, "/lang")[-1]
    # button presses until the flood limit drops them (a short toast each, nothing else)
    dropped = 0
    for _ in range(tg.settings.telegram_user_rate + 3):
        answer, _ = tg.press(user, prompt, "l:ru")
        dropped += answer.get("text") == t("flood_short", "ru")
    assert dropped >= 3
    # the dropped presses did not use up the notice: the next message is told why it is dropped
    told = tg.say(user, "ещё вопрос")
    assert len(told) == 1 and told[0].text.startswith("Слишком много сообщений подряд"), told
    # and "delete my data", seconds later, still within the window, is never dropped
    confirm = tg.say(user, "/delete")
    assert [m.text for m in confirm] == [t("delete_confirm", "ru")], confirm
    answer, _ = tg.press(user, confirm[-1], "d:yes")
    assert answer.get("text") != t("flood_short", "ru")
    assert "ваши данные удалены" in confirm[-1].text
    for table in ("events", "tendik_tg_users"):
        assert tg.query(f"SELECT count(*) FROM {table} WHERE sender_id = ?", sender)[0][0] == 0, table
