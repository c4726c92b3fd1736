"""Kazakh case endings for a word or name inserted into a sentence, by vowel harmony and the last sound.

``inflect("Алматы", "loc") == "Алматыда"``, ``inflect("Ерлан", "dat") == "Ерланға"``,
``inflect("Әсел", "gen") == "Әселдің"``. The ending goes on the last word of a phrase; a phrase
that ends in a closing quote or bracket, an abbreviation in capitals or a number gets it after a
hyphen («Арман»-ға, ЖШС-ға, 2026-да), the number read as its last Kazakh numeral. Standard library
only. A word that already carries a possessive ending («соты», «қаласы») would need the pronominal
forms (-на, -ның, -н, -нда, -нан): they are not told apart from a plain word ending in a vowel, so
insert such phrases in apposition («Кімге: ...»), as the templates do. Cases: ``dat`` (барыс), ``gen`` (ілік), ``acc`` (табыс), ``loc`` (жатыс), ``abl`` (шығыс).
"""

from __future__ import annotations

import re

CASES = ("dat", "gen", "acc", "loc", "abl")

_BACK = set("аоұыяёю")
_FRONT = set("әөүіеэ")
_VOWELS = _BACK | _FRONT | set("уи")
# The last sound: voiceless consonants (final б, в, г, д are pronounced voiceless), the sonorants
# л, р, й and the glides у, и, the nasals м, н, ң, the voiced з, ж.
_VOICELESS = set("кқпстфхцчшщбвгд")
_SONORANT = set("лрйуи")
_NASAL = set("мнң")
_VOICED = set("зжғһ")

# (back, front) endings per case and sound class.
_ENDINGS: dict[str, dict[str, tuple[str, str]]] = {
    "dat": {"vowel": ("ға", "ге"), "sonorant": ("ға", "ге"), "nasal": ("ға", "ге"), "voiced": ("ға", "ге"), "voiceless": ("қа", "ке")},
    "gen": {"vowel": ("ның", "нің"), "sonorant": ("дың", "дің"), "nasal": ("ның", "нің"), "voiced": ("дың", "дің"),
            "voiceless": ("тың", "тің")},
    "acc": {"vowel": ("ны", "ні"), "sonorant": ("ды", "ді"), "nasal": ("ды", "ді"), "voiced": ("ды", "ді"), "voiceless": ("ты", "ті")},
    "loc": {"vowel": ("да", "де"), "sonorant": ("да", "де"), "nasal": ("да", "де"), "voiced": ("да", "де"), "voiceless": ("та", "те")},
    "abl": {"vowel": ("дан", "ден"), "sonorant": ("дан", "ден"), "nasal": ("нан", "нен"), "voiced": ("дан", "ден"),
            "voiceless": ("тан", "тен")},
}

# How a number ends when read aloud: its last non-zero part (units, tens, hundreds, thousands...).
_UNITS = ("", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз")
_TENS = ("", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан")
_BIG = ((10**9, "миллиард"), (10**6, "миллион"), (1000, "мың"), (100, "жүз"))

_WORD = re.compile(r"[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+|\d+")


def number_word(n: int) -> str:
    """The Kazakh numeral a number's reading ends with: 12 -> екі, 2026 -> алты, 10 -> он, 300 -> жүз."""
    if n == 0:
        return "нөл"
    if n % 10:
        return _UNITS[n % 10]
    if n % 100:
        return _TENS[(n % 100) // 10]
    for size, word in _BIG:
        if n % (size * 10) and n % size == 0:
            return word
    return "мың"


def _harmony(word: str) -> bool:
    """True for a back-vowel word: its last vowel decides (у and и only when there is no other vowel)."""
    letters = word.lower()
    if letters.endswith("ь"):
        return False  # a final soft sign makes the ending front (Игорьге)
    for ch in reversed(letters):
        if ch in _BACK:
            return True
        if ch in _FRONT:
            return False
    for ch in reversed(letters):
        if ch == "у":
            return True
        if ch == "и":
            return False
    return True


def _sound(word: str) -> str:
    letters = word.lower().rstrip("ьъ")
    last = letters[-1] if letters else "а"
    if last in _VOICELESS:
        return "voiceless"
    if last in _SONORANT:
        return "sonorant"
    if last in _NASAL:
        return "nasal"
    if last in _VOICED:
        return "voiced"
    if last in _VOWELS:
        return "vowel"
    return "voiceless" if last.isascii() and last in "kptsfhcq" else "sonorant"


def ending(word: str, case: str) -> str:
    """The ending of ``case`` for ``word`` (a Kazakh or Russian word, or a number)."""
    if case not in _ENDINGS:
        raise ValueError(f"unknown case {case!r} (known: {', '.join(CASES)})")
    if word.isdigit():
        word = number_word(int(word))
    back, front = _ENDINGS[case][_sound(word)]
    return back if _harmony(word) else front


def inflect(phrase: str, case: str) -> str:
    """``phrase`` with the ending of ``case`` on its last word (after a hyphen when the phrase ends
    in a quote, a bracket, a number or an abbreviation in capitals)."""
    text = phrase.rstrip()
    words = _WORD.findall(text)
    if not words:
        return text
    last = words[-1]
    ends_with_word = text.endswith(last)
    abbreviation = len(last) > 1 and last.isupper()
    suffix = ending(last if not abbreviation else last.lower(), case)
    if ends_with_word and not last.isdigit() and not abbreviation:
        return text + suffix
    return f"{text}-{suffix}"
