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

Arrival order is not always sending order: a client that sends two messages in the same instant over
two connections (measured in the load test: 1 of 6,424 messages, two sent in the same millisecond)
can have the second arrive first. A client that numbers its messages (``seq``: 0, 1, 2 ... per
conversation) gets them taken in that order:

* a message whose predecessors have not been taken yet waits for them, at most :data:`SEQ_WAIT`
  seconds (a predecessor that never comes, a client that restarted its count, a widget process that
  restarted: the message goes on after that wait, or at once when its number is not ahead of the ones
  seen);
* messages waiting for the conversation's turn take it lowest number first, not first come: a
  predecessor that arrives after that wait has run out, while an earlier message is still being
  answered, still goes before it (measured in a fault load test on an overloaded machine: two messages
  sent in the same millisecond arrived 3.5 s apart). Unnumbered requests follow the numbered ones, in
  arrival order.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

MAX_WAITING = 4  # requests of one conversation waiting behind the one being answered
SEQ_WAIT = 1.0  # seconds a numbered message waits for the conversation's earlier numbers
SEQ_KEYS = 100_000  # conversations whose next number is remembered (the most recent ones)


class QueueFull(Exception):
    """The conversation already has ``max_waiting`` requests waiting."""


@dataclass
class _Slot:
    busy: bool = False  # a request holds the conversation's turn
    waiting: list[tuple[float, int, asyncio.Future[None]]] = field(default_factory=list)  # heap: (seq, arrival, handed the turn)
    users: int = 0  # the request being answered + the ones waiting
    taken: asyncio.Event = field(default_factory=asyncio.Event)  # set when a numbered message takes its turn

    async def acquire(self, priority: float, arrival: int) -> None:
        """Take the turn now if it is free and nobody waits, else wait until it is handed over."""
        if not self.busy and not self.waiting:
            self.busy = True
            return
        handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (priority, arrival, handed)
        heapq.heappush(self.waiting, entry)
        try:
            await handed
        except BaseException:
            if handed.done() and not handed.cancelled():
                self.release()  # handed the turn while being cancelled: pass it on
            else:
                self.waiting.remove(entry)
                heapq.heapify(self.waiting)
            raise

    def release(self) -> None:
        """Hand the turn to the waiting request with the lowest number (then the earliest), or free it."""
        while self.waiting:
            _, _, handed = heapq.heappop(self.waiting)
            if not handed.done():
                handed.set_result(None)  # still busy: the turn passes straight to it
                return
        self.busy = False


class ConversationQueue:
    def __init__(self, max_waiting: int = MAX_WAITING, seq_wait: float = SEQ_WAIT, seq_keys: int = SEQ_KEYS) -> None:
        self.max_waiting = max_waiting
        self.seq_wait = seq_wait
        self.seq_keys = seq_keys
        self._slots: dict[str, _Slot] = {}
        self._arrivals = itertools.count()
        self._next_seq: dict[str, int] = {}  # conversation -> the number expected next (insertion order = age)

    async def _wait_for_earlier(self, key: str, slot: _Slot, seq: int) -> None:
        loop = asyncio.get_running_loop()
        until = loop.time() + self.seq_wait
        while self._next_seq.get(key, 0) < seq and (left := until - loop.time()) > 0:
            event = slot.taken
            try:
                await asyncio.wait_for(event.wait(), left)
            except TimeoutError:
                return

    def _take(self, key: str, slot: _Slot, seq: int) -> None:
        expected = self._next_seq.pop(key, 0)
        self._next_seq[key] = max(expected, seq + 1)
        while len(self._next_seq) > self.seq_keys:
            self._next_seq.pop(next(iter(self._next_seq)))
        event, slot.taken = slot.taken, asyncio.Event()
        event.set()  # the waiters look again (and wait on the new event if it is not their turn yet)

    def waiting(self, key: str) -> int:
        slot = self._slots.get(key)
        return max(slot.users - 1, 0) if slot else 0

    @asynccontextmanager
    async def turn(self, key: str, seq: int | None = None) -> AsyncIterator[None]:
        """Wait for the conversation's earlier requests (with ``seq``: also for its earlier numbers,
        at most ``seq_wait`` seconds), then hold its turn until the block ends. Raises
        :class:`QueueFull` (before waiting) when too many already wait."""
        slot = self._slots.setdefault(key, _Slot())
        if slot.users > self.max_waiting:
            raise QueueFull(key)
        slot.users += 1
        arrival = next(self._arrivals)
        try:
            if seq is not None:
                await self._wait_for_earlier(key, slot, seq)
            await slot.acquire(math.inf if seq is None else seq, arrival)
            try:
                if seq is not None:
                    self._take(key, slot, seq)
                yield
            finally:
                slot.release()
        finally:
            slot.users -= 1
            if slot.users == 0 and self._slots.get(key) is slot:
                del self._slots[key]
