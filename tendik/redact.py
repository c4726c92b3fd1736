"""Mask personal data in user text before it is stored, logged or shown to an operator.

Pure standard library: used by Rasa's REST channel (Python 3.10, before a message reaches the
tracker store) and by the Python 3.11 apps (Telegram bot, web widget service, operator review).

What is masked (placeholders are language-neutral so NLU and both languages read them alike):
* Kazakhstan IIN/BIN (12 digits)                               -> [IIN]
* payment card numbers (13-19 digits passing the Luhn check)   -> [CARD]
* phone numbers (+7 / 8 with 10 digits, 7xx without the code; other long digit runs with a +)
                                                               -> [PHONE]
* e-mail addresses (also ``name (at) mail (dot) kz``, ``name собака mail.kz``)  -> [EMAIL]
* names, where feasible: a surname + first name + patronymic (-ович, -овна, -ұлы, -қызы ...),
  a surname with initials (Иванов И.И.), and the name after "меня зовут" / "менің атым" /
  "my name is" ...                                             -> [NAME]

The spelling does not matter: the detectors run on a **normalised copy** of the text and the
spans they find are mapped back to the original, which is otherwise left exactly as typed. The
copy is made by

* NFKC (fullwidth ``８７０１``, ``＠``, ``．``, mathematical and circled digits, NBSP ...) and every
  Unicode decimal digit as its ASCII digit (Arabic-Indic, Devanagari ...);
* dropping invisible characters (soft hyphen, zero-width space/joiners, word joiner, BOM, bidi
  marks: Unicode category Cf);
* reading every dash as ``-`` and every kind of space as `` ``; digits may be separated by up to
  eight spaces, dashes, dots, slashes, underscores, brackets (``8 701   123/45_67``);
* reading letters that look like digits (О/O/о/o -> 0, l/I/І/і -> 1, З/з -> 3, б -> 6, В/B -> 8)
  as those digits when they stand inside a number (``870112З4567``);
* finding numbers glued to letters too (``ИИН900101300123``, ``тел87011234567``).

:func:`looks_personal` is a stricter check used before anything is written for training: it
flags any remaining long digit run or e-mail-like text, even one :func:`redact` would keep.
"""

from __future__ import annotations

import re
import unicodedata

PLACEHOLDERS = ("[IIN]", "[CARD]", "[PHONE]", "[EMAIL]", "[NAME]")

# ---------------------------------------------------------------- normalisation
# Separators inside numbers after normalisation (dashes become "-", spaces " ").
_SEP = " -./_()[]\\"
_DOTS = {"\u00b7": ".", "\u2022": ".", "\u2219": ".", "\u2027": ".", "\u30fb": ".", "\u2024": ".", "\uff65": "."}
_SLASHES = {"\u2044": "/", "\u2215": "/", "\u29f8": "/", "\u29f9": "\\"}
# Letters that look like digits (Latin, Cyrillic, Greek; fullwidth forms become these by NFKC).
_LOOKALIKE = {
    "O": "0", "o": "0", "О": "0", "о": "0", "Ο": "0", "ο": "0", "Օ": "0", "〇": "0",
    "l": "1", "I": "1", "І": "1", "і": "1", "Ӏ": "1", "ӏ": "1", "ı": "1", "Ι": "1",
    "З": "3", "з": "3", "Ʒ": "3", "ʒ": "3",
    "б": "6",
    "В": "8", "B": "8",
}
_PLAIN = re.compile(r"[\x20-\x7e\u0400-\u04ff]*")  # text that needs no per-character normalisation
_DIGIT_CONTEXT = re.compile("[" + re.escape("".join(_LOOKALIKE)) + "]")


def _norm_char(ch: str) -> str:
    """One character (with its combining marks) as it reads in the normalised copy."""
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        cat = unicodedata.category(c)
        if cat == "Cf":
            continue
        if c.isdecimal():
            out.append(str(unicodedata.decimal(c)))
        elif c.isspace() or cat == "Zs":
            out.append(" ")
        elif cat == "Pd" or c in "\u2212\u2796\ufe63":
            out.append("-")
        else:
            out.append(_DOTS.get(c) or _SLASHES.get(c) or c)
    return "".join(out)


def normalise(text: str) -> tuple[str, list[int], list[int]]:
    """(normalised copy, start and end index in ``text`` of each character of the copy)."""
    if _PLAIN.fullmatch(text):
        norm = text
        starts = list(range(len(text)))
        ends = [i + 1 for i in starts]
    else:
        chars: list[str] = []
        starts, ends = [], []
        i, n = 0, len(text)
        while i < n:
            j = i + 1
            while j < n and unicodedata.category(text[j]) in ("Mn", "Mc", "Me"):
                j += 1  # a character and its combining marks are normalised together
            for c in _norm_char(text[i:j]):
                chars.append(c)
                starts.append(i)
                ends.append(j)
            i = j
        norm = "".join(chars)
    return _digits_for_lookalikes(norm), starts, ends


def _is_digit(c: str | None) -> bool:
    return c is not None and "0" <= c <= "9"


def _digits_for_lookalikes(norm: str) -> str:
    """Letters that look like digits read as digits when they stand inside a number: next to a
    digit (or such a letter next to one) and not next to another letter."""
    if not _DIGIT_CONTEXT.search(norm) or not any(_is_digit(c) for c in norm):
        return norm
    chars = list(norm)
    n = len(chars)

    def at(k: int) -> str | None:
        return chars[k] if 0 <= k < n else None

    def numeric(c: str | None) -> bool:
        return _is_digit(c) or (c is not None and c in _LOOKALIKE)

    def letter(c: str | None) -> bool:
        return c is not None and c.isalpha() and c not in _LOOKALIKE

    changed = True
    while changed:  # a run of look-alikes ("8OO1") converts from the digits inwards
        changed = False
        for k, c in enumerate(chars):
            if c not in _LOOKALIKE:
                continue
            left, right = at(k - 1), at(k + 1)
            if (_is_digit(left) and not letter(right)) or (_is_digit(right) and not letter(left)) or (
                _is_digit(left) and numeric(right)
            ):
                chars[k] = _LOOKALIKE[c]
                changed = True
    return "".join(chars)


# ---------------------------------------------------------------- detectors (on the normalised copy)
_AT = r"(?:\s*@\s*|\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+(?:собака|собачка)\s+)"
_DOT = r"(?:\s*\.\s*|\s*[(\[{<]\s*(?:dot|точка|нүкте)\s*[)\]}>]\s*|\s+(?:точка|нүкте|dot)\s+)"
_TLD = r"(?:[a-z]{2,24}|рф|қаз|каз|рус|бел|укр|срб|мкд)"
_EMAIL = re.compile(rf"[\w.+\-]+{_AT}[\w\-]+(?:{_DOT}[\w\-]+)*?{_DOT}{_TLD}(?![\w])", re.U | re.I)
# A run of digits with up to eight separators between them (a leading "+" and "(" belong to it).
_DIGIT_RUN = re.compile(r"(?<![0-9])(?:\+\s{0,2})?\(?[0-9](?:[ \-./_()\[\]\\]{0,8}[0-9]){8,60}(?![0-9])")
_GROUP = re.compile(r"[0-9]+")
# Dates are not numbers to mask: 12.03.2026, 01/01/20, 2026-03-12 stop a digit run (not dd-mm-yy:
# that is how phone numbers end, 12-10-56).
_DATE = re.compile(r"(?<![0-9])(?:[0-3]?[0-9]([./])[01]?[0-9]\1(?:19|20)?[0-9]{2}|(?:19|20)[0-9]{2}-[01]?[0-9]-[0-3]?[0-9])(?![0-9])")
_CAP = r"[А-ЯЁӘҒҚҢӨҰҮҺІA-Z][а-яёәғқңөұүһіa-z]+(?:-[А-ЯЁӘҒҚҢӨҰҮҺІA-Z][а-яёәғқңөұүһіa-z]+)?"
_PATRONYMIC = r"[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+(?:ович|евич|ьич|вич|овна|евна|ична|инична|вна|\s?ұлы|\s?улы|\s?қызы|\s?кызы)"
_FULL_NAME = re.compile(rf"\b{_CAP}\s+{_CAP}\s+{_PATRONYMIC}\b", re.U)
_NAME_PATRONYMIC = re.compile(rf"\b{_CAP}\s+{_PATRONYMIC}\b", re.U)
_INITIALS = re.compile(rf"\b{_CAP}\s+[А-ЯЁӘҒҚҢӨҰҮҺІA-Z]\.\s?(?:[А-ЯЁӘҒҚҢӨҰҮҺІA-Z]\.)?|\b[А-ЯЁӘҒҚҢӨҰҮҺІA-Z]\.\s?(?:[А-ЯЁӘҒҚҢӨҰҮҺІA-Z]\.\s?)?{_CAP}", re.U)
_INTRO = re.compile(
    r"(?P<intro>\b(?:меня зовут|моё имя|мое имя|моя фамилия|я\s+—|менің атым|менің есімім|атым|есімім|аты-жөнім|"
    r"my name is|menin atym|atym)\s*[:,-]?\s+)"
    rf"(?P<name>{_CAP}(?:\s+{_CAP}){{0,2}})",
    re.U | re.I,
)


def _luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def classify_number(digits: str, plus: bool = False) -> str | None:
    """The placeholder for a number written with these digits (``plus``: it started with "+")."""
    n = len(digits)
    if n == 12 and not plus:
        return "[IIN]"
    if (n == 11 and digits[0] in "78") or (plus and 10 <= n <= 15):
        return "[PHONE]"
    if 13 <= n <= 19 and _luhn(digits):
        return "[CARD]"
    if n == 10 and digits[0] == "7":  # 7xx xxx xx xx without the country code
        return "[PHONE]"
    return None


Span = tuple[int, int, str]


def _number_spans(norm: str) -> list[Span]:
    """Numbers to mask. A run that is not one number as a whole (two phones side by side) is
    split at its separators: the longest piece from the left that is one, and so on."""
    protected = [m.span() for m in _DATE.finditer(norm)]
    out: list[Span] = []
    for run in _DIGIT_RUN.finditer(norm):
        groups = [(m.start() + run.start(), m.end() + run.start()) for m in _GROUP.finditer(run.group(0))]
        if any(ps < g[1] and g[0] < pe for ps, pe in protected for g in groups):
            # a date inside the run: only the pieces on either side of it count as numbers
            pieces: list[list[tuple[int, int]]] = [[]]
            for g in groups:
                if any(ps < g[1] and g[0] < pe for ps, pe in protected):
                    pieces.append([])
                else:
                    pieces[-1].append(g)
        else:
            pieces = [groups]
        for piece in pieces:
            i = 0
            while i < len(piece):
                for j in range(len(piece), i, -1):
                    start = run.start() if i == 0 and piece is pieces[0] else piece[i][0]
                    plus = norm[start:piece[i][0]].lstrip().startswith("+")
                    digits = "".join(norm[a:b] for a, b in piece[i:j])
                    label = classify_number(digits, plus)
                    if label:
                        out.append((start, piece[j - 1][1], label))
                        i = j
                        break
                else:
                    i += 1
    return out


def find_personal(text: str) -> tuple[str, list[int], list[int], list[Span]]:
    """(normalised copy, index maps, spans of personal data in the copy), spans not overlapping."""
    norm, starts, ends = normalise(text)
    found: list[Span] = [(m.start(), m.end(), "[EMAIL]") for m in _EMAIL.finditer(norm)]
    found += _number_spans(norm)
    found += [(m.start("name"), m.end("name"), "[NAME]") for m in _INTRO.finditer(norm)]
    for rx in (_FULL_NAME, _NAME_PATRONYMIC, _INITIALS):
        found += [(m.start(), m.end(), "[NAME]") for m in rx.finditer(norm)]
    chosen: list[Span] = []
    for span in found:  # earlier detectors win; a later span overlapping a chosen one is dropped
        if not any(span[0] < b and a < span[1] for a, b, _ in chosen):
            chosen.append(span)
    return norm, starts, ends, sorted(chosen)


def redact(text: str, *, keep_names: bool = False) -> str:
    """``text`` with personal data replaced by placeholders; other text is left untouched.
    ``keep_names``: names stay (a value the user types for their own draft document, kept only in
    that conversation); numbers and e-mail addresses are masked all the same."""
    if not text:
        return text
    _, starts, ends, spans = find_personal(text)
    if keep_names:
        spans = [span for span in spans if span[2] != "[NAME]"]
    if not spans:
        return text
    out, pos = [], 0
    for a, b, label in spans:
        lo, hi = starts[a], ends[b - 1]
        if lo < pos:
            continue
        out.append(text[pos:lo])
        out.append(label)
        pos = hi
    out.append(text[pos:])
    return "".join(out)


# ---------------------------------------------------------------- the strict check for exports
_LONG_DIGITS = re.compile(r"[0-9](?:[ \-./_()\[\]\\+]{0,8}[0-9]){8,}")
_EMAILISH = re.compile(rf"[\w.+\-]+{_AT}[\w\-]+(?:{_DOT}[\w\-]+)+", re.U | re.I)


def looks_personal(text: str) -> bool:
    """Whether ``text`` still looks like it holds an IIN, phone, card number or e-mail address:
    nine or more digits in one run (whatever separates them, whatever they are), or something
    e-mail-like. Stricter than :func:`redact` on purpose (used before writing training files)."""
    if not text:
        return False
    norm, _, _ = normalise(text)
    for label in PLACEHOLDERS:
        norm = norm.replace(label, " ")
    norm = _DATE.sub(" ", norm)
    return bool(_LONG_DIGITS.search(norm) or _EMAILISH.search(norm))
