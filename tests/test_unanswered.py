"""tendik.rasa.unanswered: which action failures keep a turn out of the store (the end-to-end case,
the real Rasa with its action server stopped, is tests/test_e2e_rest.py::test_action_server_down_then_back)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tendik.rasa.unanswered import ActionServerUnreachable, end_turn, guard_save, not_stored, unreachable, watch_turn, watched_run


def raised_during(inner: BaseException) -> RuntimeError:
    """A RuntimeError raised while handling ``inner`` (as Rasa raises RasaException without ``from``)."""
    try:
        try:
            raise inner
        except BaseException:
            raise RuntimeError("Failed to execute custom action")  # noqa: B904 - as Rasa raises it (context, no cause)
    except RuntimeError as exc:
        return exc


@pytest.mark.parametrize("inner", [ConnectionRefusedError(111, "refused"), aiohttp.ServerDisconnectedError(), TimeoutError()])
def test_no_server_is_unreachable(inner: BaseException) -> None:
    assert unreachable(raised_during(inner))


class ResponseError(aiohttp.ClientError):
    """Like rasa.utils.endpoints.ClientResponseError: an HTTP status from the action endpoint."""

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(f"{status}")


@pytest.mark.parametrize("status", [502, 503, 504])
def test_the_proxy_saying_the_server_is_away_is_unreachable(status: int) -> None:
    assert unreachable(raised_during(ResponseError(status)))


@pytest.mark.parametrize("inner", [ValueError("a bug in an action"), KeyError("slot"), ResponseError(500), ResponseError(400)])
def test_an_error_of_the_action_is_not_unreachable(inner: BaseException) -> None:
    assert not unreachable(raised_during(inner))


class Store:
    def __init__(self) -> None:
        self.saved: list[str] = []

    async def save(self, tracker: str) -> None:
        self.saved.append(tracker)


async def action_run(self: object, fails_with: BaseException | None) -> list:
    """A custom action's run: fails as Rasa's RemoteAction does, or returns its events."""
    if fails_with is not None:
        raise raised_during(fails_with)
    return []


async def turn(store: Store, tracker: str, *, fails_with: BaseException | None, replies: list) -> BaseException | None:
    """One watched turn: the action runs (Rasa swallows its failure), then the turn is saved."""
    token = watch_turn(replies)
    try:
        try:
            await watched_run(action_run)(object(), fails_with)
        except RuntimeError:
            pass  # Rasa's processor logs it and goes on
        await store.save(tracker)
        return None
    except ActionServerUnreachable as exc:
        return exc
    finally:
        end_turn(token)


def test_a_silent_turn_without_its_action_server_is_not_saved() -> None:
    store = Store()
    guard_save(store)
    refused = asyncio.run(turn(store, "t1", fails_with=ConnectionRefusedError(111, "refused"), replies=[]))
    assert refused is not None and not_stored(refused) and not not_stored(RuntimeError("other"))
    assert store.saved == []
    # saved: a turn that did say something, an action that failed with its own error, actions that ran,
    # and a save outside any watched turn
    assert asyncio.run(turn(store, "t2", fails_with=ConnectionRefusedError(111, "refused"), replies=[{"text": "hi"}])) is None
    assert asyncio.run(turn(store, "t3", fails_with=ValueError("a bug"), replies=[])) is None
    assert asyncio.run(turn(store, "t4", fails_with=None, replies=[])) is None
    asyncio.run(store.save("t5"))
    assert store.saved == ["t2", "t3", "t4", "t5"]
