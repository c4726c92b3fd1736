"""The open-loop load harness (bench/load): its accounting on made-up reply streams (lost, answered
twice, out of order, "temporarily unavailable", Telegram turns cut at the bot's typing action),
the Bot API's failure windows, and a small real run through the real bot (local Bot API) and the
real widget service in front of the real assistant: on a healthy system nothing is lost, answered
twice or out of order, and every message reaches the tracker store once."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from bench.load.accounting import (
    ChatEvent,
    ReplyPart,
    Sent,
    Turn,
    account,
    faults_report,
    stored_although_refused,
    telegram_turns,
)
from bench.load.botapi import WindowedBotAPI

UNAVAILABLE_RU = "Извините, сервис ответов временно недоступен. Попробуйте, пожалуйста, через минуту."


def sent(user: str, n: int, channel: str = "web", every: float = 10.0) -> list[Sent]:
    return [Sent(user, k, channel, "ru", k * every, message_id=100 + k) for k in range(n)]


def web_turn(user: str, seq: int, at: float, text: str = "ответ", status: int = 200) -> Turn:
    return Turn(user, seq, [ReplyPart(at, text, status)])


@pytest.mark.unit
def test_healthy_widget_stream_has_nothing_lost_doubled_or_reordered() -> None:
    msgs = sent("web:1", 3)
    acc = account(msgs, [web_turn("web:1", k, k * 10.0 + 0.5) for k in range(3)])
    assert (acc.lost, acc.duplicated, acc.out_of_order, acc.unavailable, acc.errors) == (0, 0, 0, 0, 0)
    assert [round(r.complete_s or 0, 2) for r in acc.results] == [0.5, 0.5, 0.5]


@pytest.mark.unit
def test_lost_duplicate_and_out_of_order_are_counted() -> None:
    msgs = sent("web:1", 4, every=1.0)
    turns = [
        web_turn("web:1", 0, 5.0),  # message 0 answered after message 1: out of order
        web_turn("web:1", 1, 2.0),
        web_turn("web:1", 2, 3.0), web_turn("web:1", 2, 3.5),  # answered twice
        # message 3: no reply (lost)
    ]
    acc = account(msgs, turns)
    assert acc.lost == 1
    assert acc.duplicated == 1
    assert acc.out_of_order == 1
    assert [r.out_of_order for r in acc.results] == [True, False, False, False]


@pytest.mark.unit
def test_a_refusal_at_the_door_does_not_reorder_the_answers_before_it() -> None:
    """Messages 0 and 1 wait for slow answers; message 2 is refused at once (the widget's "too many
    at once", 429): an error, and the answers to 0 and 1 still come in order. A 503 "unavailable"
    for message 2 is a reply in its place, so the answers after it are out of order."""
    msgs = sent("web:1", 3, every=1.0)
    refused = account(msgs, [web_turn("web:1", 0, 20.0), web_turn("web:1", 1, 30.0), web_turn("web:1", 2, 2.01, "слишком много", 429)])
    assert (refused.out_of_order, refused.errors, refused.lost) == (0, 1, 0)
    unavailable = account(msgs, [web_turn("web:1", 0, 20.0), web_turn("web:1", 1, 30.0), web_turn("web:1", 2, 12.0, UNAVAILABLE_RU, 503)])
    assert unavailable.out_of_order == 2 and unavailable.unavailable == 1


@pytest.mark.unit
def test_reply_after_the_deadline_is_lost_and_unavailable_is_not_an_answer() -> None:
    msgs = sent("web:1", 2)
    acc = account(msgs, [web_turn("web:1", 0, 0.4, UNAVAILABLE_RU, 503), web_turn("web:1", 1, 99.0)], deadline=50.0)
    assert acc.unavailable == 1 and acc.lost == 1
    assert not any(r.answered for r in acc.results)


@pytest.mark.unit
def test_messages_stored_although_refused_are_counted_and_pinned_where_they_can_be() -> None:
    """web:1: 3 answered + 1 "unavailable", 4 stored: the refused one was stored (pinned). web:2: 2
    refused, 1 answered, 2 stored: one of the two refused was stored (counted, not pinned). web:3: a
    refusal not stored. A user the store did not report counts nothing."""
    msgs = [*sent("web:1", 4), *sent("web:2", 3), *sent("web:3", 2), *sent("web:4", 1)]
    turns = [web_turn("web:1", k, k * 10.0 + 0.5) for k in (0, 1, 3)] + [web_turn("web:1", 2, 31.5, UNAVAILABLE_RU, 503)]
    turns += [web_turn("web:2", 0, 0.5), web_turn("web:2", 1, 12.0, UNAVAILABLE_RU, 503), web_turn("web:2", 2, 22.0, UNAVAILABLE_RU, 503)]
    turns += [web_turn("web:3", 0, 0.5), web_turn("web:3", 1, 11.0, UNAVAILABLE_RU, 503), web_turn("web:4", 0, 1.0, UNAVAILABLE_RU, 503)]
    acc = account(msgs, turns)
    found = stored_although_refused(acc.results, {"web:1": 4, "web:2": 2, "web:3": 1}, started=0.0)
    assert found == {"stored_although_refused": 2, "pinned": [[20.0, 11.5]]}


@pytest.mark.unit
def test_telegram_turns_are_cut_at_the_typing_action() -> None:
    msgs = sent("tg:1", 3, "telegram")
    events = [
        ChatEvent(0.1, "typing"), ChatEvent(0.5, "message", text="часть 1"), ChatEvent(0.6, "message", text="часть 2"),
        ChatEvent(10.1, "typing", status=429), ChatEvent(11.1, "typing"),  # a 429 retried: still one turn
        ChatEvent(11.5, "message", status=500, text="never seen"), ChatEvent(11.6, "message", text=UNAVAILABLE_RU),
        ChatEvent(20.1, "typing"), ChatEvent(20.4, "message", text="ответ"),
    ]
    turns = telegram_turns("tg:1", events, msgs)
    assert [(t.seq, len(t.parts)) for t in turns] == [(0, 2), (1, 1), (2, 1)]
    acc = account(msgs, turns)
    assert (acc.lost, acc.duplicated, acc.out_of_order, acc.unavailable) == (0, 0, 0, 1)
    assert round(acc.results[0].first_s or 0, 2) == 0.5 and round(acc.results[0].complete_s or 0, 2) == 0.6


@pytest.mark.unit
def test_telegram_typing_refused_until_the_bot_gives_up_is_still_one_turn() -> None:
    msgs = sent("tg:1", 3, "telegram")
    events = [ChatEvent(0.1, "typing"), ChatEvent(0.5, "message", text="a"),
              *(ChatEvent(10.1 + i, "typing", status=429) for i in range(6)),  # retries exhausted
              ChatEvent(16.5, "message", status=429, text="b"), ChatEvent(17.9, "message", text="b"),
              *(ChatEvent(20.1 + i, "typing", status=500) for i in range(4)),  # 5xx retried too
              ChatEvent(30.0, "typing"), ChatEvent(31.0, "message", text="c")]
    turns = telegram_turns("tg:1", events, msgs)
    assert [(t.seq, len(t.parts)) for t in turns] == [(0, 1), (1, 1), (2, 1)]
    acc = account(msgs, turns)
    assert (acc.lost, acc.duplicated) == (0, 0)


@pytest.mark.unit
def test_telegram_message_handled_twice_is_a_duplicate() -> None:
    msgs = sent("tg:1", 2, "telegram")
    events = [ChatEvent(0.1, "typing"), ChatEvent(0.5, "message", text="a"),
              ChatEvent(10.1, "typing"), ChatEvent(10.5, "message", text="b"),
              ChatEvent(10.6, "typing"), ChatEvent(10.9, "message", text="b")]  # one more turn than messages
    acc = account(msgs, telegram_turns("tg:1", events, msgs))
    assert acc.duplicated == 1 and acc.lost == 0


@pytest.mark.unit
def test_telegram_reply_to_message_attributes_exactly_and_shows_reordering() -> None:
    msgs = sent("tg:1", 2, "telegram", every=1.0)
    events = [ChatEvent(1.5, "message", text="b", reply_to=101), ChatEvent(2.0, "message", text="a", reply_to=100)]
    acc = account(msgs, telegram_turns("tg:1", events, msgs))
    assert acc.out_of_order == 1 and acc.lost == 0 and acc.duplicated == 0


@pytest.mark.unit
def test_telegram_error_reply_to_a_message_does_not_shift_the_other_turns() -> None:
    """The bot's error reply answers the failed message (reply_parameters): once without a typing
    action (the database away before the turn started), once after one (the turn failed later)."""
    msgs = sent("tg:1", 4, "telegram", every=10.0)  # message ids 100..103
    events = [ChatEvent(0.1, "typing"), ChatEvent(0.5, "message", text="a"),
              ChatEvent(10.2, "message", text=UNAVAILABLE_RU, reply_to=101),  # no typing before it
              ChatEvent(20.1, "typing"), ChatEvent(25.0, "message", text=UNAVAILABLE_RU, reply_to=102),  # typing, then failed
              ChatEvent(30.1, "typing"), ChatEvent(30.5, "message", text="d")]
    turns = telegram_turns("tg:1", events, msgs)
    assert sorted((t.seq, [p.text for p in t.parts]) for t in turns) == [
        (0, ["a"]), (1, [UNAVAILABLE_RU]), (2, [UNAVAILABLE_RU]), (3, ["d"])]
    acc = account(msgs, turns)
    assert (acc.lost, acc.duplicated, acc.out_of_order, acc.unavailable) == (0, 0, 0, 2)


@pytest.mark.unit
def test_faults_report_counts_around_the_fault_and_time_to_recover() -> None:
    msgs = sent("web:1", 4, every=10.0)  # sent at 0, 10, 20, 30
    turns = [web_turn("web:1", 0, 0.5), web_turn("web:1", 1, 10.2, UNAVAILABLE_RU, 503), web_turn("web:1", 3, 31.0)]
    acc = account(msgs, turns)
    [f] = faults_report(acc, [{"name": "kill:actions", "at": 9.0, "until": 12.0}], window=30.0)
    assert (f["messages"], f["unavailable"], f["lost"]) == (3, 1, 1)
    assert f["recover_s"] == 19.0


def test_bot_api_failure_window() -> None:
    async def run() -> list[int]:
        api = WindowedBotAPI()
        url = await api.start()
        statuses = []
        try:
            async with aiohttp.ClientSession() as s:
                api.fail_for(0.6, 429, methods=("getme",))
                for _ in range(2):
                    async with s.get(f"{url}/bot{api.token}/getMe") as resp:
                        statuses.append(resp.status)
                api.fail_for(0.6, 502, methods=("getme",))
                async with s.get(f"{url}/bot{api.token}/getMe") as resp:
                    statuses.append(resp.status)
                await asyncio.sleep(0.8)
                async with s.get(f"{url}/bot{api.token}/getMe") as resp:
                    statuses.append(resp.status)
        finally:
            await api.stop()
        return statuses

    assert asyncio.run(run()) == [429, 429, 502, 200]


def test_small_real_run_loses_nothing() -> None:
    """20 users (10 Telegram through the real bot, 10 widget), about 1 message/s for 30 s."""
    from bench.load.loadgen import LoadGenerator
    from bench.load.target import ServicesTarget
    from tests.conftest import BUILD, RASA_MODEL

    for needed in (RASA_MODEL, BUILD / "langid.json", BUILD / "index" / "manifest.json"):
        assert needed.exists(), f"{needed} is missing: run `make build` first"

    async def run() -> dict:
        target = ServicesTarget()
        gen = LoadGenerator(target)
        try:
            await gen.start()
            return await gen.run_phase(users=20, rate=1.0, ramp_s=5, steady_s=25, drain_s=180)
        finally:
            await gen.close()
            await asyncio.to_thread(target.stop)

    r = asyncio.run(run())
    assert r["by_channel"]["telegram"]["messages"] > 0 and r["by_channel"]["web"]["messages"] > 0
    assert r["messages"] == r["store"]["sent"]
    assert (r["lost"], r["duplicated"], r["out_of_order"], r["errors"]) == (0, 0, 0, 0), r["by_channel"]
    assert r["answered"] + r["unavailable"] == r["messages"]
    # A message whose user was told "temporarily unavailable, try again" may be missing from the
    # store (the front end gave up waiting and Rasa dropped the request); any other may not.
    assert r["store"]["missing_from_store"] <= r["unavailable"]
    assert r["store"]["stored_more_than_sent"] == 0
    assert set(r["processes"]) >= {"rasa", "actions", "web", "telegram"}
    assert all(p["rss_mib_peak"] > 0 for p in r["processes"].values())


@pytest.mark.unit
def test_stack_target_reads_the_state_file(tmp_path) -> None:  # noqa: ANN001
    import json
    import os

    from bench.load.target import StackTarget

    state = tmp_path / "state.json"
    state.write_text(json.dumps({"public_url": "http://127.0.0.1:18080", "components": [  # as tendik/ops/stack.py writes it
        {"name": "rasa-1", "role": "rasa", "pid": os.getpid(), "port": 5005, "url": "http://127.0.0.1:5005"},
        {"name": "rasa-2", "role": "rasa", "pid": os.getppid(), "port": 5006, "url": "http://127.0.0.1:5006"},
        {"name": "web", "role": "widget", "pid": os.getpid(), "port": 8080, "url": "http://127.0.0.1:8080/"},
        {"name": "postgres", "role": "database", "pid": os.getpid(), "port": 5432, "url": "postgresql://tendik@127.0.0.1:5432/tendik"},
    ]}))
    proxied = StackTarget(state, telegram_id_secret="s", via_proxy=True)
    proxied.start(None, None)
    assert proxied.web_url == "http://127.0.0.1:18080"
    target = StackTarget(state, telegram_id_secret="s")
    target.start(None, None)
    assert target.web_url == "http://127.0.0.1:8080"  # directly: every simulated user keeps its own address
    assert target.db_url == "postgresql://tendik@127.0.0.1:5432/tendik"
    assert set(target.components()) == {"rasa-1", "rasa-2", "web", "postgres"}
    # the stack keeps the database password in its secret file, not in the state: the harness adds it
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "postgres_password").write_text("p@ss/w:rd\n")
    target = StackTarget(state, telegram_id_secret="s")
    target.start(None, None)
    assert target.db_url == "postgresql://tendik:p%40ss%2Fw%3Ard@127.0.0.1:5432/tendik"
