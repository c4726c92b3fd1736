"""Telegram HTML: escaping, Telegram's own HTML parser (what it would refuse), and splitting long
messages under Telegram's 4,096-character limit without cutting a word or an HTML tag. (Answers
are rendered from their typed payload by :mod:`tendik.telegram.render`.)

All text from Rasa and from users is escaped with :func:`html.escape`; only our own tags are added.
A split message closes its open tags at the end of a part and reopens them at the start of the
next one, so every part is valid Telegram HTML on its own.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TELEGRAM_LIMIT = 4096
_TOKEN = re.compile(r"(<[^<>]+>)|(\s+)|([^<\s]+)")
_TAG_NAME = re.compile(r"^</?\s*([a-zA-Z][\w-]*)")


def escape(text: str) -> str:
    """Escape text for Telegram HTML (<, >, & and quotes)."""
    return html.escape(text, quote=True)


def utf16_len(text: str) -> int:
    """Telegram measures message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def visible_len(markup: str) -> int:
    """Length of Telegram HTML as Telegram counts it: after parsing (tags removed, entities decoded),
    in UTF-16 code units."""
    text = re.sub(r"<[^<>]+>", "", markup)
    return utf16_len(_ENTITY.sub(lambda m: html.unescape(m.group(0)), text))


class TelegramHTMLError(ValueError):
    """Text Telegram would refuse with "can't parse entities"."""


ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
    "blockquote", "tg-emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TOKEN_RE = re.compile(
    r"<(/?)([a-zA-Z][\w-]*)((?:\s+[^<>]*)?)>"  # a tag
    r"|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);"  # an entity
    r"|([<>&])"  # a bare special character: an error in Telegram's HTML
)


def parse_html(text: str) -> str:
    """The visible text of ``text`` parsed as Telegram HTML; :class:`TelegramHTMLError` where
    Telegram would refuse it ("can't parse entities"): only Telegram's tags, balanced, every <, >
    and & escaped, only &lt; &gt; &amp; &quot; and numeric entities."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        closing, tag, _attrs, entity, bare = m.groups()
        if bare:
            raise TelegramHTMLError(f"unescaped {bare!r} at byte offset {m.start()}")
        if entity:
            if entity.startswith("#x"):
                out.append(chr(int(entity[2:], 16)))
            elif entity.startswith("#"):
                out.append(chr(int(entity[1:])))
            elif entity in NAMED_ENTITIES:
                out.append(NAMED_ENTITIES[entity])
            else:
                raise TelegramHTMLError(f"unsupported entity &{entity};")
            continue
        tag = tag.lower()
        if tag not in ALLOWED_TAGS:
            raise TelegramHTMLError(f'Unsupported start tag "{tag}"')
        if closing:
            if not stack or stack[-1] != tag:
                raise TelegramHTMLError(f'unexpected end tag "{tag}"')
            stack.pop()
        else:
            stack.append(tag)
    out.append(text[pos:])
    if stack:
        raise TelegramHTMLError(f'can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


@dataclass
class _Tok:
    raw: str
    kind: str  # "open", "close", "ws", "word"
    name: str = ""


def _tokens(markup: str) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(markup):
        tag, ws, word = m.groups()
        if tag:
            name_m = _TAG_NAME.match(tag)
            name = name_m.group(1).lower() if name_m else ""
            out.append(_Tok(tag, "close" if tag.startswith("</") else "open", name))
        elif ws:
            out.append(_Tok(ws, "ws"))
        else:
            out.append(_Tok(word, "word"))
    return out


def _split_word(word: str, size: int) -> list[str]:
    """A word longer than a whole message (a pathological URL): cut it, but never inside an entity."""
    pieces, cur, cur_len = [], "", 0
    for part in re.findall(r"&#?\w+;|.", word, flags=re.S):
        n = visible_len(part)
        if cur and cur_len + n > size:
            pieces.append(cur)
            cur, cur_len = "", 0
        cur += part
        cur_len += n
    if cur:
        pieces.append(cur)
    return pieces


def split_html(markup: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split Telegram HTML into parts of at most ``limit`` characters as Telegram counts them (text
    after parsing, UTF-16 units), breaking at a blank line, else a line break, else a space."""
    markup = markup.strip()
    if visible_len(markup) <= limit:
        return [markup] if markup else []
    tokens = _tokens(markup)
    # Open-tag stack before each token (raw opening tags, to reopen them in the next part).
    stacks: list[tuple[_Tok, ...]] = []
    stack: list[_Tok] = []
    expanded: list[_Tok] = []
    budget = max(16, limit // 2)
    for tok in tokens:
        pieces = [tok]
        if tok.kind == "word" and visible_len(tok.raw) > budget:
            pieces = [_Tok(p, "word") for p in _split_word(tok.raw, budget)]
        for piece in pieces:
            expanded.append(piece)
            stacks.append(tuple(stack))
            if piece.kind == "open":
                stack.append(piece)
            elif piece.kind == "close" and stack and stack[-1].name == piece.name:
                stack.pop()
    stacks.append(tuple(stack))
    tokens = expanded

    def closers(at: int) -> str:
        return "".join(f"</{t.name}>" for t in reversed(stacks[at]))

    sizes = [0 if t.kind in ("open", "close") else visible_len(t.raw) for t in tokens]

    def openers(at: int) -> str:
        return "".join(t.raw for t in stacks[at])

    parts: list[str] = []
    start = 0
    n = len(tokens)
    while start < n:
        while start < n and tokens[start].kind == "ws":
            start += 1
        if start >= n:
            break
        head = openers(start)
        size = 0
        end = start
        fits_to = start  # tokens[start:fits_to] fit in one message
        while end < n:
            size += sizes[end]
            end += 1
            if size > limit:
                break
            fits_to = end
        if fits_to == n:
            cut, resume = n, n
        else:
            cut = _best_break(tokens, sizes, start, fits_to, limit)
            if cut is None:  # no space in reach: cut between two tokens (tags stay whole)
                cut = max(fits_to, start + 1)
                resume = cut
            else:
                resume = cut + 1
        body = "".join(t.raw for t in tokens[start:cut]).rstrip()
        part = (head + body + closers(cut)).strip()
        if re.sub(r"<[^<>]+>", "", part).strip():
            parts.append(part)
        start = resume
    return parts


def _best_break(tokens: list[_Tok], sizes: list[int], start: int, end: int, limit: int) -> int | None:
    """Index of the whitespace token to break at, within tokens[start:end]."""
    candidates = [i for i in range(start + 1, end) if tokens[i].kind == "ws"]
    if not candidates:
        return None
    position = {}
    acc = 0
    for i in range(start, end):
        position[i] = acc
        acc += sizes[i]
    floor = limit * 0.3
    for marker in ("\n\n", "\n"):
        good = [i for i in candidates if marker in tokens[i].raw and position[i] >= floor]
        if good:
            return good[-1]
    return candidates[-1]
