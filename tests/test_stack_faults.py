"""Faults on the real stack with nothing lost (issue 15, item 4): one ``tendik stack`` for the module
(nginx, 2 Rasa replicas, 1 action server, PostgreSQL, Redis, the widget and the Telegram bot in
webhook mode against the local Bot API, tests/fakes/telegram_api.py), with ``tendik stack supervise``
running beside it, and a handful of users in both channels, in Kazakh and Russian.

Faults, one after another: the Bot API answering 429 and 5xx; kill -9 of a Rasa replica with turns
in flight; kill -9 of the only action server; ``pg_ctl restart -m fast``; ``tendik stack restart
redis``; then ``tendik stack restart`` of the widget and the bot. For each the test prints the time
to recover (never asserted) and counts turns lost, duplicated and out of order: 0 each, where "lost" means the user got neither an answer nor the
polite "temporarily unavailable, try again" in their language. Every turn's fate is checked in the
tracker store read back through Rasa's API: an answered turn stored exactly once, in order; a turn
the user was told to resend stored at most once; and no conversation loses anything stored before.
``python -m pytest tests/test_stack_faults.py -s`` (bench/faults/RESULTS.md has the numbers).
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tendik.telegram.ids import SenderIds
from tendik.texts import system_message
from tendik.web import validate
from tendik.web.texts import text as web_text
from tests.helpers.stack import Stack, start_stack, stop_stack
from tests.test_stack import call

ROOT = Path(__file__).resolve().parents[1]
QUESTION = {"ru": "меня уволили из-за беременности", "kk": "Жүкті болғаным үшін жұмыстан шығарды"}
RESULTS: list[str] = []


# ---------------------------------------------------------------- the users and their turns
@dataclass
class Turn:
    text: str
    outcome: str = ""  # answered | polite (told to resend) | lost
    replies: int = 0  # reply messages delivered (Telegram) for this turn


@dataclass
class User:
    channel: str  # web | telegram
    lang: str
    key: str  # widget: conversation key; Telegram: the user id
    sender: str  # Rasa sender id
    turns: list[Turn] = field(default_factory=list)
    seen: int = 0  # Telegram: bot messages already accounted for

    def next_text(self) -> str:
        return f"{QUESTION[self.lang]} {len(self.turns) + 1:02d}"


def polite(text: str, lang: str) -> bool:
    return text.strip() in {system_message("unavailable", lang), web_text("unavailable", lang),
                            web_text("storage_unavailable", lang)}


def widget_turn(stack: Stack, user: User, timeout: float = 120) -> Turn:
    turn = Turn(user.next_text())
    user.turns.append(turn)
    try:
        status, body = call(f"{stack.public}/api/chat", {"conversation_key": user.key, "message": turn.text,
                                                         "language": user.lang}, timeout=timeout)
        data = json.loads(body)
    except (OSError, ValueError):
        turn.outcome = "lost"
        return turn
    texts = [m.get("text") or "" for m in data.get("messages", [])]
    if status == 200 and any(texts) and not any(polite(t, user.lang) for t in texts):
        turn.outcome = "answered"
    elif status == 200 and texts and all(polite(t, user.lang) for t in texts):
        turn.outcome = "polite"  # Rasa's REST channel said it (the action server is away)
    elif status == 503 and data.get("message") and polite(data["message"], user.lang):
        turn.outcome = "polite"  # the widget said it (Rasa or the database away)
    else:
        turn.outcome = "lost"
    return turn


def telegram_turn(stack: Stack, user: User, timeout: float = 150) -> Turn:
    """Send one message and wait for its reply (all its messages: until none came for 3 s)."""
    turn = Turn(user.next_text())
    user.turns.append(turn)
    uid = int(user.key)
    stack.loop.run(stack.api.send_text(uid, turn.text, user.lang))
    try:
        stack.loop.run(stack.api.wait_for_messages(uid, 1, timeout, after=user.seen), timeout=timeout + 10)
    except TimeoutError:
        turn.outcome = "lost"
        return turn
    settle(stack, uid)
    new = stack.api.bot_messages(uid)[user.seen:]
    user.seen += len(new)
    turn.replies = len(new)
    turn.outcome = "polite" if polite(new[0].text, user.lang) else "answered"
    return turn


def settle(stack: Stack, uid: int, quiet: float = 3.0) -> None:
    count, still = len(stack.api.bot_messages(uid)), time.monotonic()
    while time.monotonic() - still < quiet:
        time.sleep(0.2)
        if len(stack.api.bot_messages(uid)) != count:
            count, still = len(stack.api.bot_messages(uid)), time.monotonic()


def turn_of(stack: Stack, user: User) -> Turn:
    return widget_turn(stack, user) if user.channel == "web" else telegram_turn(stack, user)


def everyone(stack: Stack) -> list[Turn]:
    """One turn of every user at once; the turns in the users' order."""
    with concurrent.futures.ThreadPoolExecutor(len(stack.users)) as pool:
        return list(pool.map(lambda u: turn_of(stack, u), stack.users))


def until_all_answered(stack: Stack, started: float, deadline: float = 240) -> float:
    """Rounds of one turn per user until a round where every turn is answered; the seconds from
    ``started`` (the fault) to that round's start."""
    while time.monotonic() - started < deadline:
        at = time.monotonic()
        if all(t.outcome == "answered" for t in everyone(stack)):
            return at - started
        time.sleep(1)
    pytest.fail(f"not recovered {deadline:.0f} s after the fault")


def stored_user_texts(stack: Stack, sender: str) -> list[str]:
    sender_q = urllib.parse.quote(sender, safe="")
    status, body = call(f"{stack.internal}/conversations/{sender_q}/tracker?token={stack.token()}", timeout=60)
    assert status == 200, body[:300]
    return [e.get("text") or "" for e in json.loads(body).get("events", []) if e.get("event") == "user"]


def audit(stack: Stack, fault: str, recovered_s: float | None, notes: str = "") -> dict[str, int]:
    """Counts turns lost / duplicated / out of order over every user's whole history, checks them
    in the store, and prints (and keeps for RESULTS.md) one line for the fault."""
    counts = {"turns": 0, "answered": 0, "polite": 0, "lost": 0, "duplicated": 0, "out_of_order": 0,
              "polite_stored": 0}
    for user in stack.users:
        stored = stored_user_texts(stack, user.sender)
        for turn in user.turns:
            counts["turns"] += 1
            counts[turn.outcome] += 1
            n = stored.count(turn.text)
            if turn.outcome == "answered" and n != 1 or n > 1:
                counts["duplicated" if n > 1 else "lost"] += 1
            if turn.outcome == "polite" and n:
                counts["polite_stored"] += 1  # processed although the user was told to resend: at most once
        answered = [t.text for t in user.turns if t.outcome == "answered"]
        order = list(dict.fromkeys(text for text in stored if text in answered))  # first time each was stored
        if order != [t for t in answered if t in order]:
            counts["out_of_order"] += 1
    took = "n/a" if recovered_s is None else f"{recovered_s:.1f} s"
    line = (f"| {fault} | {took} | {counts['turns']} | {counts['answered']} | {counts['polite']} | {counts['lost']} | "
            f"{counts['duplicated']} | {counts['out_of_order']} | {notes} |")
    RESULTS.append(line)
    print(f"\n[faults] {fault}: recovered in {took}; {json.dumps(counts)} {notes}")
    return counts


def assert_nothing_lost(counts: dict[str, int]) -> None:
    assert counts["lost"] == 0, counts
    assert counts["duplicated"] == 0, counts
    assert counts["out_of_order"] == 0, counts


# ---------------------------------------------------------------- the stack
@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory, "faults")
    data, env, api, loop = stack.data, stack.env, stack.api, stack.loop
    supervisor = None
    try:
        log = (data / "stack" / "logs" / "supervisor.log").open("ab")
        supervisor = subprocess.Popen([sys.executable, "-m", "tendik.ops.cli", "stack", "supervise"], cwd=ROOT, env=env,
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        ids = SenderIds((data / "telegram_id_secret").read_text().strip())
        for n, lang in enumerate(("kk", "ru")):
            key = secrets.token_hex(32)
            stack.users.append(User("web", lang, key, validate.sender_id(key)))
            uid = 7_420_000_001 + n
            stack.users.append(User("telegram", lang, str(uid), ids.sender_id(uid)))
            loop.run(api.send_text(uid, "/start", lang))
            prompt = loop.run(api.wait_for_messages(uid, 1, 90))[0]
            loop.run(api.press(uid, prompt, f"l:{lang}:start", lang))
            loop.run(api.wait_for_messages(uid, 2, 90))
            settle(stack, uid)
            stack.users[-1].seen = len(api.bot_messages(uid))
        yield stack
    finally:
        if supervisor is not None:
            supervisor.send_signal(signal.SIGINT)
            try:
                supervisor.wait(30)
            except subprocess.TimeoutExpired:
                supervisor.kill()
        if RESULTS:
            print("\n| fault | time to recover | turns so far | answered | polite, resend | lost | duplicated | "
                  "out of order | notes |\n|---|---|---|---|---|---|---|---|---|\n" + "\n".join(RESULTS))
        stop_stack(stack)


def wait_healthy(stack: Stack, name: str, timeout: float = 300) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        result = stack.cli("status", timeout=120)
        line = next((ln for ln in result.stdout.splitlines() if ln.startswith(name + " ")), "")
        if " yes " in line:
            return time.monotonic() - started
        time.sleep(1)
    pytest.fail(f"{name} not healthy again after {timeout:.0f} s")


# ---------------------------------------------------------------- the faults
def test_baseline_every_user_is_answered(stack: Stack) -> None:
    turns = everyone(stack)
    assert all(t.outcome == "answered" for t in turns), [t.outcome for t in turns]
    assert_nothing_lost(audit(stack, "none (baseline)", None))


def test_bot_api_429_and_5xx(stack: Stack) -> None:
    """Telegram answers 429 (retry_after), 500, 502 with an HTML page for a while: every reply
    arrives once, in order per chat."""
    api = stack.api
    tg = [u for u in stack.users if u.channel == "telegram"]
    before = len(api.calls_of("sendMessage"))
    api.fail_next("sendMessage", times=2, retry_after=1)
    api.error_next("sendMessage", 500, times=2)
    api.html_next("sendMessage", times=1)
    api.error_next("sendMessage", 502, "Bad Gateway", times=2)
    started = time.monotonic()
    # two turns per user, the second sent while the first one's reply is still being retried:
    # the replies must come in this order. (Each is sent once the first has reached the bot, as
    # a person types: the local Bot API posts webhook updates concurrently, so two sent in the
    # same millisecond may reach the bot in either order.)
    texts = {u.key: [u.next_text(), f"{QUESTION[u.lang]} {len(u.turns) + 2:02d}"] for u in tg}
    for u in tg:
        for text in texts[u.key]:
            u.turns.append(Turn(text))
            update_id = stack.loop.run(api.send_text(int(u.key), text, u.lang))
            stack.loop.run(api.wait_until(lambda uid=update_id: any(d[0] == uid for d in api.webhook_deliveries), 30))
    for u in tg:
        stack.loop.run(api.wait_for_messages(int(u.key), 2, 180, after=u.seen), timeout=200)
        settle(stack, int(u.key), quiet=5)
    recovered = time.monotonic() - started
    failed = [c.status for c in api.calls_of("sendMessage")[before:] if c.status != 200]
    assert sorted(failed) == [429, 429, 500, 500, 502, 502, 502], failed  # every fault was met, then retried
    for u in tg:
        new = api.bot_messages(int(u.key))[u.seen:]
        u.seen += len(new)
        assert not any(polite(m.text, u.lang) for m in new)
        # each turn's reply is the same set of messages: two equal halves, none twice, none missing
        assert len(new) % 2 == 0 and [m.text for m in new[: len(new) // 2]] == [m.text for m in new[len(new) // 2:]], \
            [m.text[:40] for m in new]
        for t in u.turns[-2:]:
            t.outcome, t.replies = "answered", len(new) // 2
    counts = audit(stack, "Bot API 429 x2, 500 x2, HTML 502, 502 x2 (sendMessage)", recovered,
                   f"{len(failed)} failed calls retried")
    assert_nothing_lost(counts)


def test_kill_a_rasa_replica_with_turns_in_flight(stack: Stack) -> None:
    victim = stack.component("rasa-1")
    with concurrent.futures.ThreadPoolExecutor(len(stack.users)) as pool:
        inflight = [pool.submit(turn_of, stack, u) for u in stack.users]
        time.sleep(0.4)
        os.killpg(victim["pid"], signal.SIGKILL)
        killed = time.monotonic()
        turns = [f.result() for f in inflight]
    print(f"\n[faults] turns in flight at the kill: {[t.outcome for t in turns]}")
    recovered = until_all_answered(stack, killed)
    counts = audit(stack, "kill -9 one of 2 Rasa replicas (turns in flight)", recovered,
                   f"in flight: {sum(t.outcome == 'answered' for t in turns)} answered, "
                   f"{sum(t.outcome == 'polite' for t in turns)} told to resend")
    assert_nothing_lost(counts)
    back = wait_healthy(stack, "rasa-1")
    print(f"[faults] the supervisor had rasa-1 healthy again {time.monotonic() - killed:.1f} s after the kill "
          f"({back:.1f} s of waiting here)")
    assert stack.component("rasa-1")["pid"] != victim["pid"]


def test_kill_the_action_server(stack: Stack) -> None:
    victim = stack.component("actions-1")
    os.killpg(victim["pid"], signal.SIGKILL)
    killed = time.monotonic()
    turns = everyone(stack)  # while it is down (the supervisor starts it again; it loads for a while)
    print(f"\n[faults] turns right after the kill: {[t.outcome for t in turns]}")
    assert all(t.outcome in ("polite", "answered") for t in turns)
    assert any(t.outcome == "polite" for t in turns), "the action server was down, yet every turn was answered"
    for user, turn in zip(stack.users, turns, strict=True):
        if turn.outcome == "polite" and user.channel == "telegram":
            assert turn.replies == 1  # the polite line alone, in the user's language
        if turn.outcome == "polite":  # told to resend, so not stored (tendik/rasa/unanswered.py)
            assert turn.text not in stored_user_texts(stack, user.sender), (user.channel, user.lang)
    recovered = until_all_answered(stack, killed)
    assert stack.component("actions-1")["pid"] != victim["pid"]
    assert_nothing_lost(audit(stack, "kill -9 the only action server (supervisor restarts it)", recovered))


def test_restart_postgresql(stack: Stack) -> None:
    before = {u.sender: stored_user_texts(stack, u.sender) for u in stack.users}
    pg = stack.component("postgres")
    cluster = Path(pg["extra"]["cluster"])
    pg_ctl = next(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        restart = pool.submit(subprocess.run, [*as_user, str(pg_ctl), "-D", str(cluster / "data"), "-l",
                                               str(cluster / "server.log"), "-m", "fast", "-w", "restart"], capture_output=True, text=True, timeout=120)
        during = everyone(stack)
        result = restart.result()
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"\n[faults] pg_ctl restart took {time.monotonic() - started:.1f} s; turns meanwhile: {[t.outcome for t in during]}")
    recovered = until_all_answered(stack, started)
    counts = audit(stack, "pg_ctl restart -m fast", recovered)
    assert_nothing_lost(counts)
    for sender, texts in before.items():  # nothing stored before was lost
        assert stored_user_texts(stack, sender)[: len(texts)] == texts
    wait_healthy(stack, "postgres", 60)  # the supervisor adopted the new postmaster


def test_restart_redis(stack: Stack) -> None:
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        restart = pool.submit(stack.cli, "restart", "redis", timeout=300)
        during = everyone(stack)
        result = restart.result()
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"\n[faults] restart redis: {result.stdout.strip().splitlines()[-1]}; turns meanwhile: {[t.outcome for t in during]}")
    recovered = until_all_answered(stack, started)
    assert_nothing_lost(audit(stack, "tendik stack restart redis", recovered))


def test_restart_the_front_ends(stack: Stack) -> None:
    """``tendik stack restart`` of the widget and the bot (a deploy of a new version): each comes
    back on its port (the bot registers its webhook again) and every user is answered."""
    for name in ("web", "telegram"):
        old_pid = stack.component(name)["pid"]
        started = time.monotonic()
        result = stack.cli("restart", name, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        assert stack.component(name)["pid"] != old_pid
        recovered = until_all_answered(stack, started)
        assert_nothing_lost(audit(stack, f"tendik stack restart {name}", recovered))


def test_every_component_is_healthy_at_the_end(stack: Stack) -> None:
    result = stack.cli("status", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
