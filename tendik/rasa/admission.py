"""Admission of turns into one Rasa process: at most ``limit`` at once, the others wait in arrival
order, and a turn that waited ``max_wait`` seconds is refused (the REST channel answers it with the
polite "temporarily unavailable, send it again", in the user's language, having stored nothing).

Why: Rasa runs every turn in one event loop, interleaved. When more arrive than the process can
answer (a replica killed, the action server restarting and warming up, a burst above capacity),
every turn in the process slows down together and the backlog never drains on a machine running near
its capacity: measured at 33 messages/s on 2 cores, a 10-second action-server restart left replies
60-90 s late for the rest of the run, and users' next messages overtook their unanswered ones
(bench/load/RESULTS.md, "Faults under the full load"). With a bounded wait the turns that cannot be
answered soon are told so at once, and the others are answered at the usual speed.

The wait counts from when the front end received the message: the widget service and the Telegram
bot send that moment (``X-Tendik-Received-At``, Unix seconds; :data:`RECEIVED_AT_HEADER`), and a
message that already waited at the front end (its user's earlier message still being answered, or
its client's connections to Rasa all busy) waits here only for the rest of ``max_wait``: with no
place free it is refused at once. A place that is free is always taken, however long the message
waited. Without the header the wait counts from its arrival here. Measured at 33 messages/s under
faults (bench/load/RESULTS.md, 2026-12-03 11:35): the widget's Rasa call took 18.4 s at the median,
most of it waiting for a connection in the widget service before reaching the line here.

``TENDIK_RASA_MAX_TURNS`` (default 16; 0: no limit) and ``TENDIK_RASA_MAX_WAIT`` (seconds, default
10). Standard library only (Rasa's Python 3.10 environment imports it).
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import time
from collections import deque
from typing import Deque, Optional

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 16  # 8 kept the CPU idle while turns waited on the database and the action server (bench/load/RESULTS.md)
DEFAULT_MAX_WAIT = 10.0
RECEIVED_AT_HEADER = "X-Tendik-Received-At"
CLOCK_SKEW = 1.0  # seconds a front end's clock may be ahead of this one's


def waited_before(received_at: Optional[str], now: Optional[float] = None) -> float:
    """Seconds the message waited before it reached this process, from the front end's
    ``X-Tendik-Received-At`` (Unix seconds); 0 when absent, malformed or in the future (clocks)."""
    if not received_at:
        return 0.0
    try:
        at = float(received_at)
    except ValueError:
        return 0.0
    if not math.isfinite(at):
        return 0.0
    now = time.time() if now is None else now
    if at > now + CLOCK_SKEW:
        return 0.0
    return max(0.0, now - at)


class Admission:
    """``await enter()`` is True when the turn may run (then call :meth:`leave` once it is done),
    False when it waited ``max_wait`` seconds in line; the line is first come, first served."""

    def __init__(self, limit: int = DEFAULT_LIMIT, max_wait: float = DEFAULT_MAX_WAIT) -> None:
        self.limit = limit
        self.max_wait = max_wait
        self.active = 0
        self.refused = 0
        self._line: Deque["asyncio.Future[None]"] = deque()

    @property
    def waiting(self) -> int:
        return sum(1 for f in self._line if not f.done())

    async def enter(self, waited: float = 0.0) -> bool:
        """``waited``: seconds the message already waited before it reached this process."""
        if self.limit <= 0:
            return True
        if self.active < self.limit:  # (nobody waits while a place is free: leave() hands places over)
            self.active += 1
            return True
        budget = self.max_wait - max(0.0, waited)
        if budget <= 0:
            self.refused += 1
            return False
        turn: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()
        self._line.append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), budget)
            return True  # the place was handed over by leave(): already counted in ``active``
        except asyncio.TimeoutError:
            if self._gave_up(turn):
                return True  # handed over at the very moment the wait ended: take it
            self.refused += 1
            return False
        except BaseException:  # cancelled (the client went away): pass on a place handed over
            if self._gave_up(turn):
                self.leave()
            raise

    def _gave_up(self, turn: "asyncio.Future[None]") -> bool:
        """Leave the line; True if the place had been handed over already."""
        if turn.done():
            return not turn.cancelled()
        turn.cancel()
        return False

    def leave(self) -> None:
        """A turn that entered is done: the first one still waiting takes its place."""
        if self.limit <= 0:
            return
        while self._line:
            turn = self._line.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.active -= 1


def from_environment() -> Admission:
    def number(name: str, default: float) -> float:
        try:
            return float(os.environ.get(name) or default)
        except ValueError:
            logger.warning("%s is not a number; using %s", name, default)
            return default

    return Admission(int(number("TENDIK_RASA_MAX_TURNS", DEFAULT_LIMIT)), number("TENDIK_RASA_MAX_WAIT", DEFAULT_MAX_WAIT))


_admission: Optional[Admission] = None


def admission() -> Admission:
    """This process's admission (created on first use, in the server's event loop)."""
    global _admission
    if _admission is None:
        _admission = from_environment()
        logger.info("turns at once: %s, longest wait %.1f s", _admission.limit or "no limit", _admission.max_wait)
    return _admission
