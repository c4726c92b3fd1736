"""Mask personal data in user text before it is stored, logged or shown to an operator.

Pure standard library: used by Rasa's REST channel (Python 3.10, before a message reaches the
tracker store) and by the Python 3.11 apps (Telegram bot, web widget service, operator review).

What is masked (placeholders are language-neutral so NLU and both languages read them alike):
* Kazakhstan IIN/BIN (12 digits, spaces or dashes allowed)   -> [IIN]
* payment card numbers (13-19 digits passing the Luhn check) -> [CARD]
* phone numbers (+7 / 8 with 10 digits; other long digit runs with a +) -> [PHONE]
* e-mail addresses                                           -> [EMAIL]
* names, where feasible: a surname + first name + patronymic (-ович, -овна, -ұлы, -қызы ...),
  a surname with initials (Иванов И.И.), and the name after "меня зовут" / "менің атым" /
  "my name is" ...                                           -> [NAME]
"""

from __future__ import annotations

import re

PLACEHOLDERS = ("[IIN]", "[CARD]", "[PHONE]", "[EMAIL]", "[NAME]")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.U)
# A run of digits with optional single separators (space, dash, dot, brackets) between them.
_DIGIT_RUN = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s\-.()]{0,2}\d){8,22}(?!\w)")
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


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


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


def _mask_digits(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = _digits(raw)
    n = len(digits)
    if n == 12 and not raw.lstrip().startswith("+"):
        return "[IIN]"
    if n == 11 and digits[0] in "78" or (raw.lstrip().startswith("+") and 10 <= n <= 15):
        return "[PHONE]"
    if 13 <= n <= 19 and _luhn(digits):
        return "[CARD]"
    if n == 10 and digits[0] == "7":  # 7xx xxx xx xx without the country code
        return "[PHONE]"
    return raw


def redact(text: str) -> str:
    """``text`` with personal data replaced by placeholders; other text is left untouched."""
    if not text:
        return text
    out = _EMAIL.sub("[EMAIL]", text)
    out = _DIGIT_RUN.sub(_mask_digits, out)
    out = _INTRO.sub(lambda m: m.group("intro") + "[NAME]", out)
    out = _FULL_NAME.sub("[NAME]", out)
    out = _NAME_PATRONYMIC.sub("[NAME]", out)
    out = _INITIALS.sub("[NAME]", out)
    return out
