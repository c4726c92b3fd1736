"""Spelling folding shared by the language detector (tendik.lang) and the letter restoration (tendik.restore):
Kazakh letters folded to their Russian look-alikes, Latin words transliterated, and the Kazakh grammar words
both read. Its own module so that the detector can use the restoration's vocabulary without an import cycle."""

from __future__ import annotations

import re
import unicodedata

KK_LETTERS = set("әғқңөұүһі")

_KK_FOLD = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у",
                          "һ": "х", "і": "и", "ё": "е", "i": "и"})
_LATIN_MULTI = [("shch", "щ"), ("sch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("gh", "г"),
                ("ts", "ц"), ("ya", "я"), ("yu", "ю"), ("yo", "е"), ("ye", "е")]
_LATIN_SINGLE = {
    "a": "а", "b": "б", "c": "с", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "w": "у", "x": "х", "y": "ы", "z": "з",
    "ä": "а", "ğ": "г", "ı": "ы", "ñ": "н", "ö": "о", "ū": "у", "ü": "у", "ş": "ш", "ç": "ч",
    "á": "а", "ǵ": "г", "ń": "н", "ó": "о", "ú": "у", "ý": "у", "'": "", "’": "",
}
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.U)
_LATIN_WORD = re.compile(r"^[a-zäğıñöūüşçáǵńóúý'’]+$")

# Kazakh question particles and words (folded): grammar for the language detector, a question for tendik.asking.
KK_QUESTION_WORDS = frozenset({"ма", "ме", "ба", "бе", "па", "пе", "кандай", "канша", "кайда", "калай", "неге"})
# Kazakh grammar words (folded): one of them makes a mixed sentence Kazakh ("это законно ма?").
_KK_FUNCTION_WORDS = KK_QUESTION_WORDS | {
    "деп", "туралы", "бар", "жок", "емес", "бойынша", "ушин", "деген", "дегенимиз", "мен", "сен", "биз", "олар", "бул",
    "осы", "ол", "маган", "мени", "менин", "бола", "болады", "керек", "жане", "да", "де", "та", "те", "ғой", "гой",
}


def _translit_latin(word: str) -> str:
    for src, dst in _LATIN_MULTI:
        word = word.replace(src, dst)
    return "".join(_LATIN_SINGLE.get(ch, ch) for ch in word)


def fold(text: str) -> str:
    """Lower-case, transliterate Latin words, fold Kazakh letters; keep letters and digits only."""
    text = unicodedata.normalize("NFC", text).lower()
    words = []
    for word in _WORD.findall(text):
        if _LATIN_WORD.match(word):
            word = _translit_latin(word)
        words.append(word.translate(_KK_FOLD).replace("'", "").replace("’", ""))
    return " ".join(words)


def fold_tokens(text: str) -> list[str]:
    return fold(text).split()
