"""Spaced review: a missed question comes back the next day, then after longer and longer pauses
while it is answered right, until it is learned (a Leitner schedule of boxes).

A question answered right the first time never enters the review. A wrong answer (the first time
or in a review) puts it in box 0: due :data:`REVIEW_DAYS` [0] days later. A right answer while it
is in review moves it one box up (due after that box's pause); past the last box it is learned and
leaves the review queue.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY = 86400.0
REVIEW_DAYS = (1, 3, 7)  # pauses in days after a miss, then after each right answer in review
LEARNED = len(REVIEW_DAYS)  # the box of a question that is not (or no longer) in review


@dataclass(frozen=True)
class Step:
    box: int
    due_at: float | None  # None: not in review


def next_step(previous_box: int | None, correct: bool, now: float) -> Step:
    """Where a question goes after an answer. ``previous_box`` None: answered for the first time."""
    if not correct:
        return Step(0, now + REVIEW_DAYS[0] * DAY)
    if previous_box is None or previous_box >= LEARNED:
        return Step(LEARNED, None)
    box = previous_box + 1
    if box >= LEARNED:
        return Step(LEARNED, None)
    return Step(box, now + REVIEW_DAYS[box] * DAY)
