"""The real entry point, ``python -m tendik.telegram``, as a separate process: without a token it says
how to get one; long polling by default; ``--webhook`` with Telegram's secret token checked (the
local Bot API server posts updates to it like Telegram does); the id secret generated once and
kept; SIGTERM stops it cleanly."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, new_user_id

from tendik.ops.services import free_port
from tendik.telegram.ids import SECRET_FILE, SenderIds
from tests.fakes.telegram_api import LocalBotAPI, LoopThread

WEBHOOK_SECRET = "webhook-secret_token-123"



def bot_env(api: LocalBotAPI | None, assistant, data_dir: Path, **extra: str) -> dict[str, str]:  # noqa: ANN001
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDIK_")}
    env.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TENDIK_DATA_DIR=str(data_dir), TENDIK_RASA_URL=assistant.rasa_url,
               TENDIK_DB_URL=assistant.db_url, TENDIK_TELEGRAM_POLLING_TIMEOUT="5")
    if api is not None:
        env.update(TENDIK_TELEGRAM_TOKEN=api.token, TENDIK_TELEGRAM_API_URL=api.url)
    env.update(extra)
    return env


def spawn(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tendik.telegram", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(log, "w"), start_new_session=True)  # noqa: SIM115


def stop(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


@pytest.fixture
def api(loop_thread: LoopThread):
    server = LocalBotAPI()
    loop_thread.run(server.start())
    yield server
    loop_thread.run(server.stop())


def test_without_a_token_it_explains_how_to_get_one(assistant, tmp_path: Path) -> None:  # noqa: ANN001
    result = subprocess.run([sys.executable, "-m", "tendik.telegram"], cwd=ROOT, env=bot_env(None, assistant, tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "TENDIK_TELEGRAM_TOKEN" in result.stderr and "@BotFather" in result.stderr and "/newbot" in result.stderr
    assert ".env" in result.stderr
    # Webhook mode without its public URL says what is missing.
    result = subprocess.run([sys.executable, "-m", "tendik.telegram", "--webhook"], cwd=ROOT,
                            env=bot_env(None, assistant, tmp_path, TENDIK_TELEGRAM_TOKEN="1:x"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "TENDIK_TELEGRAM_WEBHOOK_URL" in result.stderr


def test_polling_process_answers_generates_its_id_secret_and_stops_on_sigterm(
    api: LocalBotAPI, loop_thread: LoopThread, assistant, tmp_path: Path  # noqa: ANN001
) -> None:
    log = tmp_path / "bot.log"
    proc = spawn(bot_env(api, assistant, tmp_path), log=log)
    user = new_user_id()
    try:
        loop_thread.run(api.wait_until(lambda: log.exists() and "Start polling" in log.read_text(), 90))
        assert api.commands[("default", "kk")]  # commands set at start-up
        loop_thread.run(api.send_text(user, "/start", "ru"))
        prompt = loop_thread.run(api.wait_for_messages(user, 1, 60))[0]
        loop_thread.run(api.press(user, prompt, "l:ru:start"))
        loop_thread.run(api.wait_for_messages(user, 2, 60))
        loop_thread.run(api.send_text(user, "меня уволили из-за беременности", "ru"))
        answer = loop_thread.run(api.wait_for_messages(user, 1, 180, after=2))
        assert "статья 54" in answer[0].text.lower()
    finally:
        code = stop(proc)
    assert code == 0, log.read_text()
    text = log.read_text()
    assert "Polling stopped" in text and "bot stopped" in text
    # The id secret was generated once, mode 0600, and the hashed id is what Rasa stored.
    secret_file = tmp_path / SECRET_FILE
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert "generated a new id secret" in text
    sender = SenderIds(secret_file.read_text().strip()).sender_id(user)
    import sqlite3

    with sqlite3.connect(assistant.db_url.removeprefix("sqlite:///")) as conn:
        assert conn.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0] > 0
    assert str(user) not in text

    # A restart keeps the secret (the same user keeps their conversation).
    log2 = tmp_path / "bot2.log"
    proc = spawn(bot_env(api, assistant, tmp_path), log=log2)
    try:
        loop_thread.run(api.wait_until(lambda: "Start polling" in log2.read_text(), 90))
        assert "generated a new id secret" not in log2.read_text()
    finally:
        assert stop(proc) == 0
    assert (tmp_path / SECRET_FILE).read_text().strip() == secret_file.read_text().strip()


def test_webhook_mode_checks_the_secret_and_uses_the_same_handlers(
    api: LocalBotAPI, loop_thread: LoopThread, assistant, tmp_path: Path  # noqa: ANN001
) -> None:
    port = free_port()
    env = bot_env(
        api, assistant, tmp_path, TENDIK_TELEGRAM_ID_SECRET="webhook-test-secret", TENDIK_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}",
        TENDIK_TELEGRAM_WEBHOOK_PORT=str(port), TENDIK_TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )
    log = tmp_path / "webhook.log"
    proc = spawn(env, "--webhook", log=log)
    user = new_user_id()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    try:
        loop_thread.run(api.wait_until(lambda: api.webhook is not None, 90))
        assert api.webhook["url"] == url and api.webhook["secret_token"] == WEBHOOK_SECRET
        assert "callback_query" in api.webhook["allowed_updates"] and "edited_message" in api.webhook["allowed_updates"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as resp:
            assert json.loads(resp.read()) == {"ok": True}

        # Telegram (the local server) posts updates with the secret header: answered.
        loop_thread.run(api.send_text(user, "/start", "kk"))
        prompt = loop_thread.run(api.wait_for_messages(user, 1, 60))[0]
        loop_thread.run(api.press(user, prompt, "l:kk:start"))
        welcome = loop_thread.run(api.wait_for_messages(user, 2, 60))
        assert "заңгер емеспін" in welcome[1].text
        loop_thread.run(api.send_text(user, "жүкті болғаным үшін жұмысқа алмады", "kk"))
        answer = loop_thread.run(api.wait_for_messages(user, 1, 180, after=2))
        assert "еңбек кодексінің 25-бабы" in answer[0].text.lower()
        loop_thread.run(api.wait_until(lambda: any(m.buttons() for m in api.bot_messages(user)[2:]), 60))  # the whole answer
        n = len(api.bot_messages(user))
        loop_thread.run(api.send_content(user, "sticker", "kk"))
        assert "Стикерлерді" in loop_thread.run(api.wait_for_messages(user, 1, 60, after=n))[0].text
        assert all(status == 200 for _, status in api.webhook_deliveries)
        assert not api.calls_of("getUpdates")  # no polling in webhook mode

        # Anyone else posting to the webhook without the secret is refused and not handled.
        forged = json.dumps({"update_id": 999999, "message": {
            "message_id": 1, "date": 0, "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "X"}, "text": "/help"}}).encode()
        sent_before = len(api.bot_messages(user))
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            req = urllib.request.Request(url, data=forged, headers={"Content-Type": "application/json", **headers}, method="POST")
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(req, timeout=10)
            assert err.value.code == 401
        loop_thread.run(api.send_text(user, "/privacy", "kk"))  # a genuine update after the forged ones
        privacy = loop_thread.run(api.wait_for_messages(user, 1, 60, after=sent_before))
        assert len(privacy) == 1 and "Құпиялылық" in privacy[0].text  # the forged /help was never answered
    finally:
        code = stop(proc)
    assert code == 0, log.read_text()
    assert api.webhook is not None  # the webhook stays registered across restarts


def test_a_refused_token_stops_with_a_clear_message(api: LocalBotAPI, assistant, tmp_path: Path) -> None:  # noqa: ANN001
    env = bot_env(api, assistant, tmp_path, TENDIK_TELEGRAM_TOKEN="42:wrong-token")
    result = subprocess.run([sys.executable, "-m", "tendik.telegram"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 2
    assert "refused the token" in result.stderr and "@BotFather" in result.stderr
    assert "wrong-token" not in result.stderr  # the token is never printed


def test_bot_waits_for_an_unreachable_bot_api_and_then_works(loop_thread: LoopThread, assistant, tmp_path: Path) -> None:  # noqa: ANN001
    port = free_port()
    server = LocalBotAPI()
    env = bot_env(None, assistant, tmp_path, TENDIK_TELEGRAM_TOKEN=server.token, TENDIK_TELEGRAM_API_URL=f"http://127.0.0.1:{port}")
    log = tmp_path / "offline.log"
    proc = spawn(env, log=log)
    try:
        loop_thread.run(_wait_for_text(log, "cannot be reached", 60))
        loop_thread.run(server.start(port=port))  # the network is back
        loop_thread.run(_wait_for_text(log, "Start polling", 90))
        user = new_user_id()
        loop_thread.run(server.send_text(user, "/help", "ru"))
        assert "/topics" in loop_thread.run(server.wait_for_messages(user, 1, 60))[0].text
    finally:
        assert stop(proc) == 0, log.read_text()
        loop_thread.run(server.stop())


async def _wait_for_text(path: Path, text: str, timeout: float) -> None:
    import asyncio

    for _ in range(int(timeout * 10)):
        if path.exists() and text in path.read_text():
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{text!r} not in {path}")
