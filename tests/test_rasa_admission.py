"""Admission of turns into a Rasa process (tendik.rasa.admission): at most N at once, the others in
arrival order, refused after the longest wait; and through the real Rasa REST channel, a refused
turn gets "temporarily unavailable" in the user's language and nothing of it is stored."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
import uuid

import pytest

from tendik.ops.services import http_json
from tendik.rasa.admission import RECEIVED_AT_HEADER, Admission, waited_before
from tendik.system_messages import message as system_message
from tests.conftest import started_assistant


def run(coro):  # noqa: ANN001, ANN201
    return asyncio.run(coro)


def test_at_most_limit_at_once_and_first_come_first_served() -> None:
    async def main() -> None:
        gate = Admission(limit=2, max_wait=5)
        order: list[int] = []
        running = 0
        most = 0

        async def turn(n: int) -> None:
            nonlocal running, most
            assert await gate.enter()
            running += 1
            most = max(most, running)
            order.append(n)
            await asyncio.sleep(0.02)
            running -= 1
            gate.leave()

        await asyncio.gather(*(turn(n) for n in range(8)))
        assert most == 2
        assert order == list(range(8))
        assert (gate.active, gate.waiting, gate.refused) == (0, 0, 0)

    run(main())


def test_a_turn_that_waited_too_long_is_refused_and_the_line_goes_on() -> None:
    async def main() -> None:
        gate = Admission(limit=1, max_wait=0.05)
        assert await gate.enter()  # a long turn holds the only place
        refused = await gate.enter()
        assert refused is False and gate.refused == 1
        later = asyncio.ensure_future(gate.enter())
        await asyncio.sleep(0.01)
        gate.leave()  # the long turn ends: the one waiting (not the refused one) takes the place
        assert await later is True
        assert gate.active == 1
        gate.leave()
        assert (gate.active, gate.waiting) == (0, 0)

    run(main())


def test_a_cancelled_waiter_passes_a_place_it_was_given() -> None:
    async def main() -> None:
        gate = Admission(limit=1, max_wait=5)
        assert await gate.enter()
        first = asyncio.ensure_future(gate.enter())
        second = asyncio.ensure_future(gate.enter())
        await asyncio.sleep(0.01)
        first.cancel()  # the client went away while waiting
        await asyncio.sleep(0.01)
        gate.leave()
        assert await second is True  # the place went to the next in line, not to the cancelled one
        gate.leave()
        assert (gate.active, gate.waiting) == (0, 0)

    run(main())


def test_a_message_that_waited_at_the_front_end_waits_here_only_for_the_rest() -> None:
    async def main() -> None:
        gate = Admission(limit=1, max_wait=0.5)
        assert await gate.enter(waited=60.0)  # a free place is taken, however long it waited
        assert await gate.enter(waited=0.5) is False  # no place and no time left: refused at once
        assert (gate.refused, gate.waiting) == (1, 0)
        later = asyncio.ensure_future(gate.enter(waited=0.49))  # 10 ms left: refused when they run out
        assert await later is False and gate.refused == 2
        rest = asyncio.ensure_future(gate.enter(waited=0.2))  # 300 ms left: the place comes first
        await asyncio.sleep(0.05)
        gate.leave()
        assert await rest is True
        gate.leave()
        assert (gate.active, gate.waiting) == (0, 0)

    run(main())


def test_the_front_ends_moment_of_receipt() -> None:
    now = 1_800_000_000.0
    assert waited_before(f"{now - 12.5:.3f}", now) == pytest.approx(12.5)
    assert waited_before(None, now) == 0.0
    assert waited_before("", now) == 0.0
    assert waited_before("yesterday", now) == 0.0
    assert waited_before("nan", now) == 0.0
    assert waited_before("inf", now) == 0.0
    assert waited_before(f"{now + 0.5}", now) == 0.0  # a clock a little ahead: no wait
    assert waited_before(f"{now + 3600}", now) == 0.0  # far in the future: ignored, not a refusal


def test_no_limit() -> None:
    async def main() -> None:
        gate = Admission(limit=0, max_wait=0)
        assert all([await gate.enter() for _ in range(100)])
        gate.leave()
        assert gate.active == 0

    run(main())


# ---------------------------------------------------------------- through the real Rasa
QUESTION = {"ru": "можно ли уволить беременную?", "kk": "жүкті әйелді жұмыстан шығаруға бола ма?"}


@pytest.fixture(scope="module")
def narrow(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """An assistant that runs one turn at a time and lets a message wait 30 s for it."""
    env = {"TENDIK_RASA_MAX_TURNS": "1", "TENDIK_RASA_MAX_WAIT": "30"}
    with started_assistant(tmp_path_factory.mktemp("admission"), env) as svc:
        yield svc


def stored_user_texts(svc, sender: str) -> list[str]:  # noqa: ANN001
    tracker = svc.api(f"/conversations/{sender}/tracker")
    assert isinstance(tracker, dict)
    return [e.get("text") for e in tracker.get("events") or [] if e.get("event") == "user"]


def burst(svc, n: int, waited: float | None) -> list[tuple[str, str, list[dict]]]:  # noqa: ANN001
    """``n`` messages at once from new senders (kk and ru); ``waited``: each says the front end
    received it that many seconds ago (no header when None)."""
    senders = [(f"adm-{uuid.uuid4().hex[:10]}", ("kk", "ru")[k % 2]) for k in range(n)]

    def ask(sender_lang: tuple[str, str]) -> tuple[str, str, list[dict]]:
        sender, lang = sender_lang
        headers = {RECEIVED_AT_HEADER: f"{time.time() - waited:.3f}"} if waited is not None else None
        reply = http_json(svc.rest_url, {"sender": sender, "message": QUESTION[lang], "metadata": {"language": lang}},
                          timeout=120, headers=headers)
        assert isinstance(reply, list)
        return sender, lang, reply

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        return list(pool.map(ask, senders))


def test_turns_wait_for_the_one_place(narrow) -> None:  # noqa: ANN001
    """Without the front end's moment of receipt, 4 messages at once for 1 place all wait their
    turn (30 s is plenty) and are answered."""
    for sender, lang, reply in burst(narrow, 4, None):
        assert any(m.get("custom") for m in reply), reply
        assert stored_user_texts(narrow, sender) == [QUESTION[lang]]


def test_refused_turns_are_told_in_their_language_and_not_stored(narrow) -> None:  # noqa: ANN001
    """Messages the front end received 30 s ago (the whole wait spent there) get the one place only
    if it is free when they arrive; the others are refused at once, politely, nothing stored."""
    unavailable = {lang: system_message("unavailable", lang) for lang in QUESTION}
    for _round in range(3):
        replies = burst(narrow, 8, waited=30.0)
        refused = [(s, lang) for s, lang, r in replies if [m.get("text") for m in r] == [unavailable[lang]]]
        answered = [(s, lang) for s, lang, r in replies if (s, lang) not in refused]
        for s, lang, r in replies:
            if (s, lang) in answered:
                assert any(m.get("custom") for m in r), r  # a real answer, not a polite line in the other language
        for s, _lang in refused:
            assert stored_user_texts(narrow, s) == []
        for s, lang in answered:
            assert stored_user_texts(narrow, s) == [QUESTION[lang]]
        assert answered, "one turn at a time: the first is always admitted"
        if refused:
            break
    else:
        pytest.fail("8 messages at once with 1 place, each received 30 s ago: none was refused in 3 bursts")
    # the process goes on answering after refusing
    sender = f"adm-{uuid.uuid4().hex[:10]}"
    reply = http_json(narrow.rest_url, {"sender": sender, "message": QUESTION["ru"], "metadata": {"language": "ru"}}, timeout=120)
    assert isinstance(reply, list) and any(m.get("custom") for m in reply)
