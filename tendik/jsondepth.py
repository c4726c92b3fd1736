"""How deeply a JSON text nests, without parsing it.

Python's ``json`` module recurses once per level and raises ``RecursionError`` on a few thousand
nested brackets (``[[[[...]]]]``): unhandled, that is a 500 and a traceback in every service that
parses a request body. Every HTTP service of the project (Rasa's guard and REST channel, the
action server, the web widget API) refuses such a body first with a 400. Standard library only:
it runs in Rasa's Python 3.10 environment too.
"""

from __future__ import annotations

import re

MAX_DEPTH = 64  # the deepest real request (a Rasa tracker sent to the action server) is about 10
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def depth(raw: bytes | str) -> int:
    """The deepest nesting of arrays and objects in ``raw`` (brackets inside strings do not count)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if data.count(b"[") + data.count(b"{") == 0:
        return 0
    level = deepest = 0
    for m in _TOKENS.finditer(data):
        c = m.group(0)[:1]
        if c in (b"[", b"{"):
            level += 1
            if level > deepest:
                deepest = level
        elif c in (b"]", b"}"):
            level -= 1
    return deepest


def too_deep(raw: bytes | str, limit: int = MAX_DEPTH) -> bool:
    """Whether ``raw`` nests arrays/objects deeper than ``limit`` levels."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # cannot be deeper than the number of opening brackets
    return depth(data) > limit
