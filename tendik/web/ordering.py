"""One turn at a time per conversation, in the order the messages arrived.

A visitor can send a second message before the first is answered (a double tap, a slow network that
delivers two requests at once). Each ``POST /api/chat`` goes to Rasa on its own, and under load the
two can reach Rasa (or two Rasa replicas) in the other order, or the second can be answered
"temporarily unavailable" before the first: the conversation would then hold the messages, and the
widget show the replies, out of order. :class:`ConversationQueue` makes the requests of one
conversation wait for each other in arrival order (``asyncio.Lock`` wakes its waiters first in,
first out), so the second message goes to Rasa only after the first has its answer.

It orders the requests one widget process receives. The widget script itself sends one message at a
time (it is busy until the answer), so concurrent requests of one conversation come from several tabs
or other clients of the API; with several widget replicas, two of those that land on different
replicas are ordered only by Rasa's lock store (arrival at Rasa). A conversation with
``max_waiting`` requests already waiting gets "too many at once" (429, in the user's language)
instead of one more place in the queue, so one visitor cannot pile up unbounded work.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

MAX_WAITING = 4  # requests of one conversation waiting behind the one being answered


class QueueFull(Exception):
    """The conversation already has ``max_waiting`` requests waiting."""


@dataclass
class _Slot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # the request being answered + the ones waiting


class ConversationQueue:
    def __init__(self, max_waiting: int = MAX_WAITING) -> None:
        self.max_waiting = max_waiting
        self._slots: dict[str, _Slot] = {}

    def waiting(self, key: str) -> int:
        slot = self._slots.get(key)
        return max(slot.users - 1, 0) if slot else 0

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        """Wait for the conversation's earlier requests, then hold its turn until the block ends.
        Raises :class:`QueueFull` (before waiting) when too many already wait."""
        slot = self._slots.setdefault(key, _Slot())
        if slot.users > self.max_waiting:
            raise QueueFull(key)
        slot.users += 1
        try:
            async with slot.lock:
                yield
        finally:
            slot.users -= 1
            if slot.users == 0 and self._slots.get(key) is slot:
                del self._slots[key]
