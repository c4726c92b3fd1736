"""The worker's situation in one message: grounds of discrimination, the stage, the employer, the date.

A transparent lexicon/rule extractor (no model): every cue is a stem or a short pattern written
below, matched over the project's spelling folding (``tendik.lang.fold``: Latin Kazakh and translit
Russian -> Cyrillic, Kazakh letters folded ә->а, қ->к..., lower case) plus a few merges of letters
that the spellings confuse (ы/і/и/й -> и, щ -> ш, ь/ъ dropped). So «жүкті», "жукти", "jüktı" and
"jukti" are one word, and Russian typed in Latin ("uvolili") works too.

* Grounds: the items of TK art. 6(2) (origin, social/official/property status, sex, race,
  nationality, language, religion, beliefs, residence, age, disability, public associations) plus
  pregnancy, children under 3, single parent (TK art. 54), minor, disability (TK art. 25, the
  Social Code), trade-union membership (Law on trade unions art. 7), health/HIV and other
  circumstances. A cue is *strong* (it names the ground: «жүкті», "хиджаб", "профсоюз") or *weak*
  (a fact that is often only background in a long story: a loan, a rented flat, "я уборщица", a
  relative's illness). Weak cues count when the message gives a reason with them ("из-за",
  «үшін», «... екенін білген соң») or when nothing strong is there.
* Negation/correction: "не беременна", «жүкті емеспін» put the ground into ``negated``; so does a denied
  reason for any ground ("не из-за возраста, а ...", «ауруым үшін емес»). A dismissal the message says did
  not happen ("меня не уволили, а перевели", «шығарған жоқ») is not the stage.
* Language at work is a ground only when the message says the language is lacking, banned, laughed
  at or required («қазақша сөйлесеңдер айыппұл», "не знаю казахский"); a request to the bot
  ("ответь на казахском") has no ground.
* The stage is the one decisive moment: when several are told, the first of ``STAGES_BY_PRIORITY``
  (a dismissal story that mentions the hiring years ago is a dismissal).
* Employer: domestic worker, civil service, a small NGO (<= 15 people), a micro-enterprise (a
  business whose worker says it has <= 15 people: the legal definition also has an income test that
  the message cannot tell; the answer says so), or "other" for a clearly larger employer. A state body
  (akimat, ministry, police) is the civil service; a state institution (a hospital, a numbered school,
  «мемлекеттік мекеме») is "other" (its staff are civil employees, TK art. 1); either counts only with a
  word about working there. Headcounts may be words ("нас всего семеро", «бесеуміз»).
* Date: the date of the event the message reports (kk/ru, relative or calendar; see ``parse_date``).

Standard library only and Python 3.10 compatible: Rasa's NLU pipeline (3.10) and the action server
(3.11) both import it. ``python -m tendik.situation --devset bench/devset/situations.yml`` measures
it on the situation dev set (that command needs PyYAML, which both environments have).
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import datetime
import functools
import logging
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tendik.lang import QUOTED_SPEECH, fold, requested_language

logger = logging.getLogger(__name__)

GROUNDS = ("origin", "social_status", "official_status", "property_status", "sex", "race", "nationality", "language",
           "religion", "beliefs", "residence", "age", "disability", "public_association", "trade_union", "pregnancy",
           "children_under_3", "single_parent", "minor", "health", "other")
STAGES = ("job_ad", "hiring", "pay", "conditions", "promotion_training", "transfer", "dismissal", "harassment", "probation")
EMPLOYER_KINDS = ("micro", "ngo_small", "domestic", "civil_service", "other")
# The decisive moment when a story tells several: the end of the employment (or of the probation)
# outweighs what led to it, a move outweighs the pay that changed with it, and so on.
STAGES_BY_PRIORITY = ("probation", "dismissal", "transfer", "promotion_training", "hiring", "job_ad", "pay",
                      "harassment", "conditions")
SMALL_EMPLOYER_MAX = 15  # TK art. 159: micro-enterprises and NGOs of up to 15 people
INTRO_MIN_WORDS = 25  # a story this long opens with who the worker is: where they are from is not yet a reason


@dataclass(frozen=True)
class Situation:
    """What one message says about the worker's situation (empty when it says nothing).

    ``date_text`` is the date expression as written; it is set without ``date`` when the message
    names only a month ("в марте", «өткен айда»): the day is unknown and the answer can ask."""

    grounds: tuple[str, ...] = ()  # in the order mentioned, no duplicates
    negated: tuple[str, ...] = ()  # grounds the message denies ("не беременна", «жүкті емеспін»)
    stage: str | None = None
    employer_kind: str | None = None
    employer_size: int | None = None  # "нас 5 человек", «бізде 7 адам», "ИП, 4 человека"
    date: datetime.date | None = None  # the date of the event the message reports
    date_text: str | None = None  # the expression as written
    stated: tuple[str, ...] = ()  # grounds the message gives as the reason in so many words: the learned check keeps them
    not_added: tuple[str, ...] = ()  # grounds the message speaks against without denying them: the learned check adds none


# --------------------------------------------------------------------------------------------------
# Normalisation: the folded text plus merges of letters that the spellings confuse.

_MERGE = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
                        "ё": "е", "э": "е", "ы": "и", "й": "и", "щ": "ш", "ь": "", "ъ": ""})  # Latin "e" is "е": "epilepsiya"
# Latin letters typed inside a Cyrillic word (look-alikes and Kazakh Latin letters).
_MIXED = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "k": "к", "i": "і",
                        "m": "м", "t": "т", "ä": "ә", "ö": "ө", "ü": "ү", "ū": "ұ", "ğ": "ғ", "q": "қ", "ñ": "ң",
                        "ı": "і", "ş": "ш", "ç": "ч"})
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")
_LATIN = re.compile(r"[a-zäğıñöūüşçáǵńóúý]")
_LATIN_C = re.compile(r"c(?!h)")
_TOKEN = re.compile(
    r"(?P<date>\d{1,2}[./]\d{1,2}(?:[./](?:\d{4}|\d{2}))?(?![\d./]*\d))"
    r"|(?P<num>\d+(?:[.,]\d+)?)"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)"
)
_SENTENCE_END = re.compile(r"[.!?…\n]")
_CLAUSE_END = re.compile(r"[,;:()«»\"“”—–]|\s-\s")


# A mostly Latin word with a letter or two from a Kazakh Cyrillic keyboard ("kәsipodaq", "jүkti"):
# the Cyrillic letters by their sound (a Cyrillic «р» in a Latin word is "r", not the look-alike "p").
_CYRILLIC_SOUND = str.maketrans({"ә": "ä", "ғ": "ğ", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü", "һ": "h", "і": "ı",
                                 "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "j", "з": "z", "и": "i",
                                 "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
                                 "т": "t", "у": "u", "ф": "f", "х": "h", "ш": "ş", "ы": "y", "ч": "ç"})


# Latin words whose "ng" is not the Kazakh «ң»: loanwords in -ing («тренинг», «холдинг»), Russian "dengi", "angliyskiy",
# and «меңгеруші» written with "n" for «ң» ("mengerushi"; "menggerushi" has the "ng" for «ң»).
_LATIN_NG_KEEP = re.compile(r"(?:trenin|reytin|reitin|rejtin|marketin|parkin|monitorin|kastin|brifin|konsaltin|lizin|mitin|"
                            r"kempin|holdin|shopin|boulin|^rin|^ran)g|^deng|^ang|kongr|sangv|ingush|^menger")
# Only where the «ң» is plain: at the end of the word, before a consonant ("erkingmen", "tengge" for «теңге»), in the
# polite «-ңыз/-ңіз» at the end and in «жаңа»; before other vowels "ng" is also «нг» («дейінгі» "deiingi", «теңге»
# "tenge", «енгізді» "engizdi").
_LATIN_NG = re.compile(r"ng(?=$|[^aeiouyıäöüūáóúý]|[yiı]z$)|(?<=^zha)ng(?=a)|(?<=^ja)ng(?=a)")
_LATIN_YE = re.compile(r"^(a|kü|ku)ye(?=[lu])")


@functools.lru_cache(maxsize=16384)
def _norm_word(word: str) -> str:
    if _CYRILLIC.search(word) and _LATIN.search(word):
        latin_letters = _LATIN.findall(word)
        lookalikes = all(ord(ch) in _MIXED for ch in latin_letters)  # "coбeceдoвaниe": Cyrillic typed with Latin look-alikes
        if not lookalikes and len(latin_letters) > len(_CYRILLIC.findall(word)) and not word.translate(_CYRILLIC_SOUND).strip(
                "abcdefghijklmnopqrstuvwxyzäğıñöūüşç"):
            word = word.translate(_CYRILLIC_SOUND)
        else:
            word = word.translate(_MIXED)
    latin = not _CYRILLIC.search(word)
    if latin:
        word = _LATIN_C.sub("ts", word)  # translit Russian writes ц as c ("akcent", "nacionalnost")
        if "ng" in word and not _LATIN_NG_KEEP.search(word):
            word = _LATIN_NG.sub("ñ", word)  # Latin Kazakh «ң»: "myng", "kelgensing", "tengge", "jazyngyz"
        word = _LATIN_YE.sub(r"\1ie", word)  # «әйел», «күйеу»: "ayel", "kuyeu" (Russian "-ayet" keeps "ye" -> «е»)
    out = fold(word).replace(" ", "").translate(_MERGE)
    if latin and out.endswith("ця"):
        out = out[:-2] + "тся"  # "smeetsya"
    return out


def _n(pattern: str) -> str:
    """A pattern written in ordinary Cyrillic (Kazakh letters allowed) in the normalised form."""
    return pattern.translate(_MERGE)


@dataclass
class _Text:
    original: str
    norm: str
    starts: list[int]  # start of each token in ``norm``
    spans: list[tuple[int, int]]  # each token's span in ``original``
    words: list[str]  # the normalised tokens
    sentence: list[int]  # sentence number of each token
    clause: list[int]  # clause number of each token
    heads: set[str] = field(default_factory=set)  # the first one and two characters after each space
    has_number: bool = False

    @functools.cached_property
    def quoted(self) -> list[tuple[int, int]]:
        """The spans of quoted speech in ``original`` (found once per message)."""
        return [m.span() for m in QUOTED_SPEECH.finditer(self.original)]

    def tokens(self, start: int, end: int) -> tuple[int, int]:
        """The first and last token a match [start, end) in ``norm`` covers (a leading space is skipped)."""
        first = bisect.bisect_right(self.starts, start + (self.norm[start : start + 1] == " ")) - 1
        last = bisect.bisect_left(self.starts, end) - 1
        return max(first, 0), max(last, first, 0)

    def written(self, first: int, last: int) -> str:
        return self.original[self.spans[first][0] : self.spans[last][1]]


# Case endings written after a hyphen («HR-дың», «ИП-де»): dropped by _prepare, not read as words.
_HYPHEN_SUFFIXES = frozenset(_norm_word(w) for w in ("дың дің тың тің ның нің да де та те ға ге қа ке на не ны ні ды ді ты ті дан ден тан тен нан нен "
                                                 "мен бен пен сы сі лар лер дар дер тар тер ша ше дағы дегі тағы тегі").split())

# The dative typed after a space («склад қа», «офис ке»); not «на», «не», «да»: Russian words.
_SPACED_DATIVE = frozenset(_norm_word(w) for w in ("ға", "ге", "қа", "ке"))


def _prepare(text: str) -> _Text:
    original = unicodedata.normalize("NFC", text or "")
    low = original.lower()
    if len(low) != len(original):  # "İ".lower() is two characters: keep the offsets aligned
        low = "".join(ch.lower()[:1] or ch for ch in original)
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    sentence: list[int] = []
    clause: list[int] = []
    sent = cl = 0
    previous_end = 0
    for m in _TOKEN.finditer(low):
        start, end = m.span()
        gap = low[previous_end:start]
        if words and gap != " ":
            if _SENTENCE_END.search(gap):
                sent += 1
                cl += 1
            elif _CLAUSE_END.search(gap):
                cl += 1
        previous_end = end
        word = m.group()
        norm = _norm_word(word) if m.lastgroup == "word" else word.replace(",", ".").replace("/", ".")
        if not norm or (gap == "-" and words and words[-1][0].isalpha() and norm in _HYPHEN_SUFFIXES):
            continue  # «HR-дың», «ИП-де»: a case ending, not a word («дың» would read as «дін»)
        if gap == " " and norm in _SPACED_DATIVE and words and len(words[-1]) >= 3 and words[-1][-1].isalpha():
            words[-1] += norm  # «склад қа жіберді», «офис ке»: a Russian word with its Kazakh dative typed apart
            spans[-1] = (spans[-1][0], end)
            continue
        words.append(norm)
        spans.append((start, end))
        sentence.append(sent)
        clause.append(cl)
    # Every word is preceded by one space (the text starts with one): patterns begin with that literal
    # space, which lets the regex engine jump from space to space instead of trying every character.
    starts: list[int] = []
    pos = 1
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    norm = " " + " ".join(words)
    heads = {norm[p : p + 2] for p in starts} | {norm[p] for p in starts}
    has_number = any(w[0].isdigit() or w in _NUMBER_WORDS for w in words)
    return _Text(original, norm, starts, spans, words, sentence, clause, heads, has_number)


# --------------------------------------------------------------------------------------------------
# Numbers (digits and words, kk/ru).

_NUMBER_WORDS: dict[str, float] = {}
for _value, _forms in {
    1: "один одна одну одного одном бір", 2: "два две двух пару пара екі", 3: "три трех трёх үш", 4: "четыре четырех төрт",
    5: "пять пяти бес", 6: "шесть шести алты", 7: "семь семи жеті", 8: "восемь восьми сегіз", 9: "девять девяти тоғыз",
    10: "десять десяти он", 11: "одиннадцать", 12: "двенадцать", 13: "тринадцать", 14: "четырнадцать",
    15: "пятнадцать", 16: "шестнадцать", 17: "семнадцать", 18: "восемнадцать", 19: "девятнадцать",
    20: "двадцать двадцати жиырма", 30: "тридцать тридцати отыз", 40: "сорок сорока қырық", 50: "пятьдесят пятидесяти елу",
    60: "шестьдесят шестидесяти алпыс", 70: "семьдесят семидесяти жетпіс", 80: "восемьдесят восьмидесяти сексен",
    90: "девяносто тоқсан", 100: "сто ста жүз", 200: "двести двухсот", 300: "триста трехсот трёхсот", 400: "четыреста",
    500: "пятьсот пятисот", 1000: "тысяча тысячи мың",
}.items():
    for _form in _forms.split():
        _NUMBER_WORDS[_n(_form)] = _value
_NUMBER_WORDS[_n("полтора")] = 1.5
_NUMBER_WORDS[_n("полгода")] = 0.5
_NUMBER_WORDS[_n("жарым")] = 0.5  # «бір жарым»: one and a half
_NUM_WORD = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS if w != _n("полгода")), key=len, reverse=True))
# "двадцать пять", «жиырма бес», «он бір»: a tens word and a units word; or digits ("35", "1.5").
NUM = rf"(?:\d+(?:\.\d+)?|(?:{_NUM_WORD})(?: (?:{_NUM_WORD}))?)(?!\S)"


def _number(text: str) -> float | None:
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    parts = [_NUMBER_WORDS.get(p) for p in text.split()]
    if not parts or any(p is None for p in parts):
        return None
    values = [p for p in parts if p is not None]
    if len(values) == 2 and not (values[0] >= 10 and values[0] % 10 == 0 and values[1] < 10) and values[1] != 0.5:
        return None  # "два три" is not a number
    return sum(values)


# --------------------------------------------------------------------------------------------------
# Cue groups: regexes over the normalised text. Pattern shorthand: every alternative starts at a word
# start and may continue to the end of the word, unless it ends with "!" (the word ends there);
# "…" stands for up to three words in between; NUM for a number.

_GAP = r"(?:\S+ ){0,3}"


_WORD_END = re.compile(r"(?<!\(\?)(?<!\(\?<)!")  # "!" ends a word (not the "!" of "(?!" or "(?<!")


def _alternatives(patterns: Iterable[str]) -> str:
    out = []
    for p in patterns:
        exact = p.endswith("!")
        p = _WORD_END.sub(r"(?!\\S)", _n(p).replace("… ", _GAP).replace("NUM", NUM))
        out.append(p if exact else p + r"\S*")
    return " (?:" + "|".join(out) + ")"


def _split_top(p: str) -> list[str]:
    """``p`` split at its top-level "|"."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(p[start:i])
            start = i + 1
        i += 1
    parts.append(p[start:])
    return parts


def _heads(p: str, need: int = 2) -> set[str] | None:
    """The strings of up to ``need`` characters a match of the simple pattern ``p`` can start with
    (shorter when the pattern can end sooner), or None when that is not simple to tell (\\S, \\d...)."""
    alternatives = _split_top(p)
    if len(alternatives) > 1:
        out: set[str] = set()
        for a in alternatives:
            h = _heads(a, need)
            if h is None:
                return None
            out |= h
        return out
    if need == 0 or not p:
        return {""}
    c = p[0]
    if c == "(":
        depth, i = 0, 0
        while True:
            if p[i] == "\\":
                i += 2
                continue
            depth += p[i] == "("
            depth -= p[i] == ")"
            if depth == 0:
                break
            i += 1
        inner = p[3 : i] if p.startswith("(?:") else None
        if inner is None:
            return None
        rest, optional = p[i + 1 :], False
        if rest[:1] in ("?", "*"):
            rest, optional = rest[1:], True
        elif rest[:1] in ("{", "+"):
            return None
        out = set()
        for a in _split_top(inner):
            h = _heads(a + rest, need)
            if h is None:
                return None
            out |= h
        if optional:
            h = _heads(rest, need)
            if h is None:
                return None
            out |= h
        return out
    if c == "[":
        end = p.index("]")
        chars = p[1:end]
        if not chars or any(x in chars for x in "^-\\"):
            return None
        rest = p[end + 1 :]
    elif c in "\\.?*+{})|^$":
        return None
    else:
        chars, rest = c, p[1:]
    if rest[:1] in ("?", "*", "{", "+"):
        return None
    tail = _heads(rest, need - 1)
    if tail is None:
        return None
    return {ch + h for ch in chars for h in tail}


@dataclass(frozen=True)
class _Group:
    label: str
    regex: re.Pattern[str]
    weak: bool = False
    negatable: bool = False  # "не беременна", «жүкті емеспін»
    kin: bool = False  # about a relative ("муж безработный", «анам ауру»): only weak
    tag: str = ""
    exclude: re.Pattern[str] | None = None  # matches inside these spans do not count
    heads: frozenset[str] | None = None  # what a match can start with (after its space); None: anything


def _group(label: str, patterns: Sequence[str], *, weak: bool = False, neg: bool = False, kin: bool = False,
           tag: str = "", exclude: Sequence[str] = ()) -> _Group:
    heads: set[str] | None = set()
    for p in patterns:
        # For the heads a number is a digit (one character is enough) or a number word.
        h = _heads(_n(p.rstrip("!")).replace("… ", _GAP).replace("NUM", f"(?:{_NUM_WORD})"))
        if h is not None and p.startswith("NUM"):
            h |= set("0123456789")
        heads = None if h is None or heads is None else heads | h
    return _Group(label, re.compile(_alternatives(patterns)), weak, neg, kin, tag,
                  re.compile(_alternatives(exclude)) if exclude else None, frozenset(heads) if heads is not None else None)


_G = _group
# From another country: nationality, not residence ("я из Узбекистана", «Қытайданмын»).
_COUNTRIES = ("(?:я (?:родом )?из |)(?:узбек|кыргыз|киргиз|таджик|китай|китая|росси|украин|туркмен|афган|азербайдж|кореи|турци|"
              "өзбек|қырғыз|тәжік|қытай|ресей|түркия|кәріс|моңғол|монгол)")
_GROUND_GROUPS: list[_Group] = [
    # --- origin: descent, clan, a parent's conviction, repatriates
    _G("origin", ["происхожден", "шығу тег", "из (?:одного |другого |нашего |не нашего |чужого |их |его |ее |её |своего |того же |моего )?рода!",
                  "(?:из|с) (?:одного|другого|нашего|не нашего|чужого|своего|того же|моего|их|его) ру!", "(?:не нашего|нашего|другого|чужого|того же|одного) ру!",
                  "(?:одного|другого|нашего|чужого|не того|не нашего) рода!", "родов", "родств\\S* связ",
                  "ру(?:дан|ынан|ы|ың|ым|ымыз|ымыздан|ымызға|ымыздың|ымнан|ға|дың|лас|ластар|дансың|дансыз|данмын|данбыз)!",
                  "(?:дочка|дочь|сын|сынок) (?:того|той)(?: самого| самой)? (?:которого|которую|кого) (?:посадили|осудили)", "руластар\\S*", "ру ағайын\\S*", "(?:кіші|орта|ұлы|қай|басқа) жүз(?:ден|дің|ге|генсің|дісің|денсің|денсіз|денмін)?!",
                  "(?:одного|другого|какого|своего|нашего|старшего|среднего|младшего|не того) жуза!", "жузов!", "(?:из|с) (?:\\S+ ){0,2}жуза!",
                  "келімсек", "шежіре", "фамили",
                  # whose child one is («Серікбаевтардың баласысың», «әкеңнің кім екенін білемін»)
                  "\\S+(?:тардың|тердің|дардың|дердің|лардың|лердің) (?:баласы|қызы|ұлы)(?:сың|сыз|мын|мін)?!", "(?:әкең|анаң|әкеңнің|анаңның|ата анаң)\\S* (?:\\S+ )?кім екен", "тег(?:ім|іме|імді|іңе|іңді)!", "ата тег",
                  "(?:отец|отца|мать|матери|мама|мамы|папа|папы|родител\\S*|дед|деда|әкем|әкесі|анам) … "
                  "(?:сидел|сидит|отсидел|отбывал|отбывает|отбыл|судим|осужд|срок|в тюрьме|за решеткой|сидевш)(?! (?:с |дома))",
                  "(?:әкем|әкемнің|анам|шешем|әкесі|ата анам|атам|әкең|анаң|шешең) … "
                  "(?:сотталған|сотталды|сотты|соттылығы|түрмеде|түрмеге|отырып шыққан|отырған|сотталғанын)"]),
    # repatriates (кандас, оралман): what they are called ("китаец", "понаехавший", «еліңе қайт») is about the origin
    _G("origin", ["оралман", "кандас"], tag="repatriate"),
    _G("origin", ["(?:свои\\S*|өз) жүз(?:ден|інен|іне|і)!", "(?:свои\\S*|өз) ру(?:ынан|ына|ы|дан)!"]),
    # --- social status
    _G("social_status", ["безработн", "жұмыссыз(?! қал)", "центр\\S* занятост", "на уч[её]те как", "долго без работы", "(?:долго|\\S+ лет|много лет|столько лет) (?:\\S+ )?(?:сидела|сидел|просидела|просидел) дома",
                         "(?:долго|\\S+ лет|много лет|столько лет) дома (?:сидела|сидел|просидела|просидел)", "\\d+ жыл үйде отыр", "перерыв\\S* в стаже", "долго не работал", "домохозяйк", "мигрант", "детдом", "детск(?:ий|ого|ом) дом",
                         "сирот", "интернат", "бездомн(?!\\S* (?:животн|собак|кош|кот))", "бомж", "бывш\\S* (?:заключ|зек|осужд)", "судимост", "(?:я|был|была) судим(?:а|ый|ая)?!", "сидел в тюрьм", "(?:ты|я|вы|он|она) (?:ж |же |ведь )?сидевш",
                         "освободил\\S* из (?:мест|колони|тюрьм)", "үй шаруасындағы", "балалар үйі", "жетім",
                         "сотталғанмын", "сотталғам!", "сотталғандығ", "сотталған(?:ым|ымды|ымнан|ымды)!", "бұрын сотталған(?:мын|дықтан|ым|ымды|ымнан)!", "сотталған (?:едім|болатынмын)!", "бұрын сотталған адам(?:мын)?!", "бұрын сотталған (?:деп|екен|екенін|екенімді)!", "жазамды өте", "соттылы",
                         "жұмыспен қамту орталығ", "асп!", "адресн\\S* социальн\\S* помощ", "атаулы әлеуметтік көмек", "студентсің", "студент болғаным", "ты (?:же )?студент(?:ка)?!", "биржа(?:дан|дағы|ға) (?:\\S+ )?(?:келген|тұрған|тіркел)", "(?:с|на|из) бирж(?:и|е) труда", "сотты болғанмын", "түрмеден шықтым", "түрмеде (?:отырдым|отырғанмын|отырған едім|болғанмын)",
                         "отсидел", "(?:раньше|ранее) сидел(?:а)?(?!\\S)(?! (?:дома|в декрет\\S*|на|с|со|за|у|без|в офис\\S*)(?!\\S))", "отбыва\\S* наказани", "отбыл\\S* (?:\\S+ )?(?:срок|наказани)", "социальн\\S* (?:положен|статус)", "әлеуметтік (?:жағдай|мәртебе)",
                         "из (?:бедной|простой|неблагополучной|малообеспеченной) семьи", "кедей (?:\\S+ )?отбасы", "ауыл(?:дық)? отбасы", "аз қамтылған отбасы",
                         "қарапайым отбасы(?:нан|ның|данмын)", "малшының (?:баласы|қызы|ұлы)",
                         "үйде бала (?:бағып|бақтым|өсіріп)", "үйде отырып (?:\\S+ )?(?:бала|өсір)", "үйде отырған адам", "(?:көп|ұзақ) жыл үйде отыр"],
       kin=True),
    # --- official status: rank and the kind of job
    # a student says it as who they are (often background): a reason only with a reason word or in quotes
    _G("social_status", ["студентпін", "я (?:же )?студент(?:ка)?!"], weak=True),
    _G("official_status", ["должностн\\S* (?:положен|статус)", "лауазымдық (?:жағдай|мәртебе)",
                           "(?:простых|простым|простые|простой|рядовых|рядовым|рядовые|рядовой) "
                           "(?:рабоч|водител|сотрудник|работник|продав|кассир|смертн|учител|уборщ|грузчик|персонал|оператор|специалист|инженер|бухгалтер|менеджер)",
                           "только (?:офисн|руководств|начальств|для начальств|менеджер)",
                           "(?:ты|вы|сен|сіз) (?:же )?(?:всего лишь|просто|только|жай ғана|тек) (?:кассир|продав|оператор|уборщ|водител|рабоч|курьер|охранник|санитар|нян|грузчик|официант)", "для (?:руководства|начальства|офисных)",
                           "(?:бастықтар|басшылар)(?:ға|дың|ды|)? … (?:бөлек|ғана)", "жұмысшыларға бөлек",
                           "қатардағы (?:жұмысшы|қызметкер|маман)", "тек (?:\\S+ )?(?:басшылар|бастықтар)", "қарапайым (?:жұмысшы|қызметкер)",
                           "(?:прост|обычн|рядов)\\S* (?:санитар|уборщ|рабоч|продав|кассир|медсестр|нян|охранник|водител|грузчик|официант|сотрудниц|работниц|техничк)",
                           "а не (?:врач|начальник|руковод|менеджер|офисн)", "не по (?:чину|статусу|рангу)",
                           "чиновник", "шенеунік", "бұрынғы (?:бастықтар|басшылар|әкімнің адам)", "бывш\\S* (?:начальник|руководител)(?:и|ов|ам|ями)!", "(?:должност|лауазым)\\S* төмен!", "по должност", "(?:у кого|тем у кого) должност", "бывш\\S* (?:госслужащ|государственн\\S* служащ)"],
       # a move "в простые продавцы" is the transfer, not how the worker is treated for a rank
       exclude=["(?:в|во|на) (?:прост|обычн|рядов)\\S*", "(?:оставили|сделали|стала|стал) (?:\\S+ )?(?:прост|обычн|рядов)\\S*", "\\S+(?:тан|тен|дан|ден|нан|нен) (?:прост|обычн|рядов)\\S* \\S+(?:ға|ге|қа|ке)", "(?:прост|обычн|рядов)\\S* \\S+ (?:етіп|қылып) (?:қойды|тастады)"]),
    _G("official_status", ["уборщиц", "техничк", "еденші", "тазалықшы", "еден жуушы", "санитарлар", "офистегі", "офисн(?:ые|ых|ым|ыми)!", "кеңседегі", "жұмысшы(?:лар|ларға|ларды|лардың)!",
                           "ешкімсің", "ешкім емессің", "кто ты (?:такой|такая) здесь"], weak=True,
       exclude=["жұмысшылар (?:чат|тоб|групп)\\S*"]),  # «жұмысшылар чатынан»: the workers' chat
    _G("official_status", ["(?:күзетші|тазалаушы|еденші|санитар|жүргізуші|кассир|сатушы|даяшы|жұмысшы|техничка|уборщица)\\S* болғаным (?:үшін|себепті)"]),
    _G("official_status", ["жай (?:\\S+ )?\\S+(?:сыңдар|сың|сыз|сыздар|сіңдер|сің|сіз|сіздер)!", "төменгі персонал", "младш\\S* персонал", "кіші персонал", "обслуживающ\\S* персонал", "(?:раньше|бывш\\S*|бұрын) (?:был |была )?(?:заместител\\S* )?(?:аким|замаким|чиновник)", "офис қызметкері емес", "обслуг(?:а|е|у|ой)!", "техперсонал"]),
    # --- property status
    _G("property_status", ["голодран", "нищеброд", "кредитн\\S* истори", "кредит тарих", "должник", "машина(?:ңыз|ң|сы) (?:бар ма|жоқ)", "(?:өз )?машинасы бар (?:адам|қызметкер)", "қарыздар(?:сың|мын|сыз|ға|ды)?!", "(?:күйеу|муж)\\S* (?:\\S+ )?(?:бизнесмен|бай|богат|обеспечен)", "просрочк", "имуществ\\S* (?:положен|статус)",
                           "мүліктік жағдай", "материальн\\S* положен",
                           "нет (?:своей |своего |личной |личного |собственн\\S* )?(?:машин|авто|квартир|жиль|дом!|дома!)",
                           "(?:машинаң|машинаңыз|көлігің|көлігіңіз|пәтерің|пәтеріңіз|үйің|баспанаң|квартираң) жоқ", "(?:машинаң|көлігің|пәтерің|үйің|баспанаң) (?:да|де) (?:\\S+ (?:да|де) )?жоқ", "у тебя (?:нет|даже нет) (?:машин|квартир|жиль)", "бедн", "малоимущ", "нищ", "кедей",
                           "аз қамтылған", "богат", "бай(?:лар|ларға|сың|мын)!",
                           "(?:собственн|своей|своим|своя|свой|сво[её]|личн|наличи)\\S* (?:\\S+ )?(?:автомобил|машин|квартир|жиль|недвижим)",
                           "(?:жеке|өз) (?:көлі|пәтер|баспана)", "малообеспеченн"], kin=True,
       exclude=["кедей (?:\\S+ )?отбасы", "аз қамтылған отбасы", "из (?:бедной|малообеспеченной) семьи",
                "(?:его|ее|её|их|начальник\\S*|директор\\S*|шеф\\S*|руководител\\S*) (?:личн|собственн)\\S* (?:автомобил|машин|квартир)\\S*"]),
    _G("property_status", ["(?:сенде|сізде) (?:\\S+ )?(?:үй|пәтер|баспана) (?:да |де )?жоқ", "(?:үйің|үйіңіз|пәтерің|пәтеріңіз|баспанаң) (?:да |де )?жоқ"]),
    _G("property_status", ["(?:машинам|көлігім|пәтерім|үйім|баспанам) жоқ", "кредит", "несие", "долг(?:и|ов|ами|а)?!", "қарыз", "съ[её]мн", "снима(?:ю|ем) (?:квартир|жиль|комнат)", "(?:квартир|жиль|комнат)\\S* снима(?:ю|ем)!",
                           "жалдамалы", "пәтер жалда", "ипотек", "в общежити", "жатақхана"], weak=True, kin=True,
       exclude=["(?:менеджер|специалист|эксперт|инспектор|консультант)\\S* по кредит", "кредит(?:ный|ного|ном)? (?:отдел|менеджер|эксперт|специалист)",
                "кредит\\S* (?:маман|бөлім|менеджер)"]),  # the worker's job, not a debt
    # --- sex
    _G("sex", ["женщин", "женск", "мужчин", "мужск", "мужик", "признак\\S* пола", "из за (?:моего )?пола", "гендер", "сексизм",
               "домогательств", "пристава", "сексуальн", "интим", "девоч\\S* не", "девуш\\S* не (?:бер|возьм|нуж)", "я (?:же )?(?:женщина|девушка)", "(?:ты|вы) (?:же |ж )?(?:девочка|девушка|женщина|баба)!(?! или)",
               "ейел(?:дер|дерге|ге|сің|сіз)?!", "ейел (?:адам|кісі|мастер|бастық|басшы)!",
               "әйел", "ерлер(?:ге|ден|дің|ді|ге ғана)?!", "ер (?:адам|адамдар|адамға|кісі|жігіт|азамат|қызметкер|әріптес)", "еркек", "жігіт (?:керек|ғана|алады)",
               "жыныс", "күйеуге шығасың", "қыз(?:дарды)? (?:бала )?(?:керек емес|алмаймыз)", "қыз бала(?:сың|сыз)!", "қызсың!", "(?:кешкі асқа|мейрамханаға|саунаға|қонақүйге|қонақ үйге) (?:\\S+ )?(?:барсаң|барсаңыз|барайық|бірге бар)", "қыз бала (?:\\S+ ){0,2}(?:керек|тиіс)!", "әйел адам (?:\\S+ ){0,7}(?:алмайды|алмайсың|болмайды)!"],
       exclude=["прав\\S* женщин", "(?:қожайын|үй иесі) әйел", "әйелі!", "әйелінің!", "ажырасқан әйел\\S*", "(?:әйелдер|женск\\S*) консультац", "әйел (?:бастық|басшы|директор|қожайын)", "әйел(?:ім|імнің|іме|імді|імнен|іммен|імен|імге)!", "(?:бөлім|кадр|кеңсе|офис|бухгалтерия|қабылдау|отдел|касса|ресепшн)\\S*(?:дегі|дағы|тегі|тағы) әйел",  # the woman at HR
                "(?:жүкті|екіқабат|аяғы ауыр|іші үлкен) әйел", "әйелі(?:сің|сіз)!", "беременн\\S* (?:женщин|сотрудниц)",
                "(?:бір|екі|үш|төрт|бес|алты|жеті|алтауы|бесеуі|төртеуі|үшеуі|бәрі|көбі|басқа|\\d+) әйел",
                "(?:всех|всем|всеми) (?:мужик|мужчин|женщин)\\S*(?! (?:\\S+ )?(?:не|нельзя|только))", "(?:одни|все|много|половина|большинство|двоим|троим|двум|двух|трем|трём|трех|трёх|другим|других) (?:\\S+ )?(?:женщин|мужчин|мужик)", "\\d+ (?:женщин|мужчин|мужик)",
                "(?:мужик|мужчин|женщин)\\S* по \\d+", "развед[её]нн\\S* женщин",
                "(?:русск|казахск|узбекск|кыргызск|киргизск|уйгурск|корейск|татарск|украинск|немецк|местн)\\S* (?:женщин|мужчин)"]),
    _G("sex", ["(?:требу\\S*|нужн\\S*|ищем|ищут|берем|берём|берут|только) (?:\\S+ )?(?:девушк|парн|мужчин|женщин)",
               "мұрты бар (?:адам|кісі|біреу)",  # «цехты басқаруға мұрты бар адам керек»
               "тек (?:қыз|әйел|жігіт|ер адам|ер кісі|ер бала|ұл бала)(?:дар|лар|дарды|ларды|ды|ді|ға|ге)?!",
               "(?:қыз|әйел|жігіт)(?:дар|лар|тер|дарды|ларды|терді|ды|ді)? ғана (?:аламыз|алады|керек|қабылда)"]),
    _G("sex", ["девушк", "девчонк", "девчат", "баб(?:ам|ы|а|е|ой)?!"], weak=True),
    _G("sex", ["(?:девушк|парн)\\S* (?:в возрасте )?(?:от NUM )?до NUM"]),  # "продавец девушка до 30 лет": an ad's requirement
    # --- race
    _G("race", ["рас(?:а|ы|е|у|ой|овая|овой|овые|овую|изм|ист|истск\\S*)!", "цвет\\S* кож", "темнокож", "чернокож", "кож\\S* (?:\\S+ ){0,2}т[её]мн", "т[её]мн\\S* кож", "көз(?:ің|і|ім|дерің) қысық", "смугл", "(?:терім|терің|терісі|тері түсі|тері түсім)\\S* (?:\\S+ )?(?:қоңыр|қара)!", "негр(?:ы|ов|ам|а|ом|итянк\\S*)?!",
                "мулат", "метис", "(?:не)?(?:азиатск|европейск|славянск|восточн)\\S* (?:внешност|лиц|тип)", "европеоид",
                "(?:бел|черн)(?:ым|ых|ые|ого|ая|ой|ый|ую) (?:преподав|сотрудник|работник|иностран|коллег|люд|учител|менеджер)",
                "белокож", "чернож", "нәсіл", "тері(?:нің|мнің|сінің|сі|ңнің|ңіздің)? түс", "славянск\\S* (?:\\S+ ){1,3}(?:тип|внешност|лиц)", "(?:с )?так(?:ой|ая|ую) кож", "(?:еуропалық|европалық|азиаттық|славян) (?:келбет|бет|түр)\\S*",
                "африк", "ганалық", "мулат", "тері(?:м|ң|сі|мнің)? қара", "кени(?:и|я|ец|йка|йц\\S*)!", "нигери", "конголез", "эфиоп", "сомали"]),
    _G("race", ["ч[её]рн(?:ым|ой|ый|ая|ых|ые|ого|ому|ую|ыми)!", "қара(?:сың|мын)!"], weak=True,
       # «балаға шешесі қарасын» (let the mother look after the child): the normalised text spells «қарасың» so
       exclude=["ч[её]рн\\S* (?:работ|зарплат|бухгалтери|список|спис|схем|ход|день|дня)",
                "\\S+(?:ға|ге|қа|ке|на|не) (?:\\S+ )?қарасын"]),
    # --- nationality
    _G("nationality", ["национальност", "по национальн", "наци(?:и|я|ю|ей)!", "чурк", "нацменьшинств", "межнациональн", "ұлт", "неказах", "нерусск",
                       "казах(?:и|ам|ов|а|у|ом|ами)?!", "казашк", "узбек", "узбечк", "(?:кыргыз|киргиз)(?:ы|ов|ам|ка|ки|кой|ку|ск\\S*)?!", "таджик", "таджичк", "уйгур",
                       "коре(?:ец|йц|янк)", "корей(?:сің|сіз|мін|пін|лер|лерді|лерге|лердің)!", "татар(?:ин|ка|ы|ам|ов|ке|ки|кой|мын|сың|пын)?!", "турк(?:и|ам|ов|а|у)?!", "турок!",
                       "турчанк", "дунган", "чечен", "цыган", "каракалпак", "қарақалпақ", "лезгин", "курд(?:ы|ов|ам|ка|ки)?!",
 "азербайджан", "армян", "армянин", "грузин", "немец!", "немц", "немк",
                       "украин", "белорус", "еврей", "евре(?:и|ев|ям|ями)!", "туркмен", "китаец", "китайц", "китаянк",
                       "русск(?:ие|им|их|ими)!", "я русск", "(?:вы|ты|она|он) (?:же )?русск(?:ая|ий)!",
                       "қазақ(?:тар|тарға|тардың|пын|сың|сыз|қа|ты|тың|пыз|тарды)?!", "орыс(?:пын|сың|тар|тарға|тардың|қа|пыз)?!",
                       "өзбек", "қырғыз(?!бе|ді|ген|іп|у(?!\\S)|е(?!\\S))", "ұйғыр", "кәріс", "түрік", "неміс", "дұнған", "дүнген", "тәжік", "әзірбайжан",
                       "шешен(?:мін|сің|дер)?!"],
       kin=True,
       exclude=["национальн\\S* (?:компан|банк|холдинг|фонд|парк|валют|музе|гварди|безопасн|кухн|проект)", "шала (?:казах|қазақ)\\S*",
                "орыс мектеб", "русск\\S* школ", "казахск\\S* школ", "қазақ мектеб", "(?:қазақ|орыс) сыны[пб]",  # the school's language
                "русск\\S* (?:язык|тил)", "(?:қазақ|орыс) тіл"]),
    # --- religion
    _G("religion", ["религи", "вероисповед", "верующ", "(?:моей|моя|мою|из за|за|другой|другую) вер(?:а|ы|у|ой)!", "мусульман",
                    "христиан", "баптист", "православ", "католи", "иегов", "протестант", "пятидесятни", "адвентист",
                    "буддист", "иудей", "атеист", "хиджаб", "никаб", "платок", "платке", "платка", "намаз", "молит", "молил", "молюсь",
                    "помолит", "мечет", "храм", "(?:в|принял\\S*|исповеду\\S*|из за|за) ислам", "исламск",
                    "церк", "ураз", "держу пост", "(?:сейчас|ид[её]т|во время) пост(?:а)?!", "ифтар", "ауызашар", "молис(?:ь|ься)!", "дін(?:ге|ім|ін|і|імді|ді|дар|на|ни|и)?!", "дін(?:ім|ің|і|ін|ге|де|ді|нен|сіз|нің)\\S*", "діни", "діндар", "мешіт", "ораза", "ораз(?:у|ой|е)!", "рамадан",
                    "шіркеу", "мұсылман", "орамал", "сенім(?:ім|іме|імді)!"], kin=True, exclude=["наным сенім"]),
    _G("disability", ["коляск(?:у|е|ой|а)!"], weak=True, exclude=["детск\\S* коляск"]),
    _G("religion", ["бород", "сақал"], weak=True, exclude=["сақал\\S* (?:да |әлі )?шықпаған", "борода (?:ещ[её] )?не растёт"]),
    # --- beliefs (political and other convictions)
    _G("beliefs", ["убежден", "взгляд(?:ы|ов|ам|ами)!", "политическ\\S* взгляд", "оппозиц", "критик", "(?:пост|посты|поста|постов|посту|постом) … "
                   "(?:фейсбук|фацебоок|инстаграм|тикток|тик ток|соцсет|телеграм|ватсап|ютуб|твиттер|фб!)",
                   "за (?:пост|посты|комментари|репост|лайк)", "(?:фейсбук|инстаграм|тикток|телеграм|соцсет)\\S* (?:\\S+ )?пост", "(?:фейсбук|фацебоок|инстаграм|тикток|телеграм)\\S* (?:да |де )?(?:\\S+ )?(?:жазамын|жаздым|жазып)", "(?:сын )?пост (?:\\S+ )?жаз(?:дым|ды|ғаным|ғаны|ған|ып)!", "голосова", "выбор(?:ы|ах|ов)!",
                   "за кого", "сайлау", "дауыс бер", "кандидатқа", "сын (?:пост(?:ы|ын|тар|ымды|тарым)?(?!\\S)|айт|жаз|мақала)", "сынадым", "сынағаным", "(?:билікті|үкіметті|әкімді|әкімдікті|басшылықты) (?:\\S+ )?сына", "сынап (?:пост|жаз|айт|сөйле|пікір|видео)", "саясатқа араласа", "открыт\\S* письм", "ашық хат", "сынаған (?:\\S+ )?(?:ашық )?(?:хат|пост|видео|мақала|пікір|петиция)", "саясатпен (?:айналыс|шұғыл)",
                   "наным", "көзқарас", "(?:фейсбук|инстаграм|тикток|телеграм|әлеуметтік желі)\\S* (?:\\S+ ){0,4}(?:пікір|пост)\\S* (?:\\S+ )?жаз", "веган", "вегетариан", "оппозиционер", "высказ\\S* (?:\\S+ )?(?:против|о|об|про|в|мнени)",
                   "против войн", "предвыборн", "агитац", "саяси (?:ұстаным|пікір|көзқарас)", "политическ\\S* (?:позици|мнени|убежд)"],
       exclude=["оппозиц\\S* парти", "парти\\S* (?:\\S+ ){0,4}оппозиц", "дінге көзқарас",
                "көзқарас\\S* (?:\\S+ )?(?:өзгер|нашарла|суыды|суып)", "маған (?:деген )?көзқарас"]),  # «оның көзқарасы өзгерді»: his attitude
    # public action: a belief of one's own, or what an association the worker belongs to does
    _G("beliefs", ["митинг", "протест", "пикет", "петици", "подпис\\S* (?:\\S+ )?(?:письм|петици|обращени|против)", "собира\\S* подпис",
                   "выступ\\S* (?:\\S+ ){0,2}против", "қарсы (?:шықт|пікір|сөйле)"], tag="activism"),
    _G("beliefs", ["соцсет", "пікір", "политик"], weak=True,
       exclude=["политик\\S* (?:безопасност|компани|конфиденц|предприяти|организаци|кадров|ценообраз)",  # a company's policy
                "пікір\\S* (?:\\S+ )?(?:керек емес|керегі жоқ|маңызды емес|ешкімге керек|сұраған жоқ)"]),  # «пікірің керек емес»: the rank
    # --- residence
    # the registration itself (not just "приезжий"): a ground even for a repatriate
    _G("residence", ["прописк", "без регистрац", "регистрац\\S* (?:по месту|в городе|в алмат|в астан|нет|нету)",
                     "тіркеу(?:ім|ің|іңіз|ге|де|сіз|і|ім жоқ)?!"], tag="registration",
       exclude=["(?:жұмыссыз|безработн\\S*|орталығ\\S*|занятост\\S*) (?:\\S+ ){0,2}тіркеу",  # on the unemployed register
                "тіркеу бөлім\\S*",  # a hospital's registration desk
                "құжат\\S* (?:\\S+ )?тіркеу\\S*"]),  # registering documents
    _G("residence", ["(?:по )?мест\\S* жительств", "местожительств", "иногородн", "приезж(?!а(?:ю|ет|ем|ешь|ют|ть|л|ла|ли)(?!\\S))", "понаех",
                     "(?:из|с) (?:\\S+ )?(?:област|аула|села|деревн|регион|провинц|другого города)", "басқа облыстан", "басқа облыстың", "басқа (?:аудан|ауыл|облыс|қала)(?:нан|дан|тан)(?:сың|сыз|мын)!", "городск(?:им|их|ие)!", "не местн",
                     "только местн", "(?:тек|только) (?:\\S+ ){0,3}(?:тұрғын|жител)", "пригород", "қатынаймын", "қатынайсыз", "(?:алматылық|астаналық|шымкенттік|қалалық) (?:\\S+ )?(?:\\S+ )?(?:адам|қызметкер) керек", "не из (?:астан|алмат|шымкент|город)", "тұрғылықты", "деревенск", "деревенщин", "из деревни", "колхоз", "аульн", "из глубинки", "провинциал",
                     "ауылдық", "қалалық(?:тар|тардан|тарға)", "облыстан (?:келген|келдім)", "(?!\\S*(?:биржа|түрме|колония|армия|декрет|интернат|жұмыс|сабақ|дүкен|демалыс|отпуск))\\S+(?:дан|ден|тан|тен|нан|нен) (?:келгенсің|келдің|келгенсіз|келдіңіз)!", "басқа қаладан", "жергілікті (?:емес|тұрғын)",
                     "мекенжай", "только (?:\\S+ ){0,2}кто (?:живет|живёт|проживает|прописан)"],
       exclude=["(?:жұмыссыз|безработн\\S*) (?:\\S+ ){0,2}тіркеу", "ауыл\\S* тіл", "не (?:\\S+ )?приезж",
                "ауылдық (?:мектеп|аурухана|әкімдік|клуб|кітапхана|емхана|амбулатория|округ)"]),  # "я не приезжая!"
    _G("residence", ["ауылдан", "ауылдың", "көшіп кел", "приехал\\S* из", "переехал\\S* из", "(?:из|с) (?:юга|севера)", "оңтүстік", "солтүстік", "южан",
                     "северян", "алыс(?:та|тан)? тұр", "далеко (?:живу|живешь|живёшь|живет|живёт|живете|живёте)", "(?:живу|живешь|живёшь|живет|живёт) далеко", "местн(?:ым|ых|ые)!", "жергілікті(?:лер|лерге|лерден|лердің)?!"], weak=True,
       exclude=[_COUNTRIES, "ауыл\\S* тіл"]),
    # «Мен Қостанайданмын» / "я из Караганды": where the worker is from; at the start of a long story, an introduction
    _G("residence", ["\\S+(?:тан|тен|дан|ден|нан|нен)(?:мын|мін|пын|пін)!", "я (?:родом )?из"], weak=True, tag="from_place",
       exclude=[_COUNTRIES, "я (?:родом )?из (?:рода|семьи|детдом|детского|интернат|бедн|прост|другого рода)",
                "жүзден(?:мін|сің|сіз)!", "ұлтынан(?:мын|мін|сың|сыз)!"]),  # «басқа жүзденмін», «кәріс ұлтынанмын»: no place
    # --- age (numbers are handled in code)
    _G("age", ["молод", "внук", "немолод", "стар(?:ый|ая|ых|ым|ой|ого|ому|ую|ые)!"], weak=True,
       exclude=["стар\\S* (?:состав|профсоюз|коллектив|директор|руковод|начальник|офис|здани|договор|мест)"]),  # "молодой специалист" is a status, "только молодых" a ground
    _G("age", ["возраст", "пожил", "пенси", "стар(?:ик|ики|уха|ость|ше|уху)!",
               "предпенсион", "омолод", "туған жыл(?:ымды|ым|ыма|ыңды|ыңыз|ыңызды)!", "год(?:а)? рождения", "в (?:твои|ваши|мои|его|её|ее|наши|свои) (?:то )?годы!", "до [2-9]\\d лет!", "(?:после|от|старше|с) [2-9]\\d(?: лет)?!", "не старше", "моложе NUM", "младше NUM",
               "жас(?:ым|ымды|ыма|ымнан|ымның|ың|ыңды|ыңа|ыңыз|ын|ына|ынан|ына байланысты)!", "(?:әлі|тым) жас(?:сың|сыз|сыңдар|сыздар)?!", "(?:сен|сіз) жас(?:сың|сыз)!",
               "жас (?:маман|жігіт|қыз|кадр|адам|адамдар|қызметкер|мамандар|буын|ұрпақ)", "жасарт", "жастар(?:ға|ды|ды ғана)?!", "зейнет", "кәрі(?:сің|мін|лер|ге|ні)?!", "қарт(?:сың|пын|тар|тарды)?!", "қартай",
               "егде", "кемпір(?!ім)", "шал(?:сың|мын|дар|дарды)?!", "жасы үлкен(?:дер|дерді|дерге|дерден)!", "пора на покой", "дед(?:уля)?!",
               "NUM жастан (?:аспаған|аспайтын|асқан|жоғары|төмен|кіші|үлкен|бастап|ғана)", "жасы NUM (?:ке |ге |қа |ға |ка |га )?дейін", "NUM (?:ке|ге|қа|ға|ка|га) дейінгі (?:қыз|жігіт|әйел|ер|адам|маман|кандидат|қызметкер)", "NUM (?:(?:ке|ге|қа|ға|ка|га|ке|на) )?тол(?:дың|дыңыз|дыңдар|ғансың|ғансыз)!", "(?<=мәселе )жас(?:та|ымда)!", "[1-6]\\d [1-7]\\d (?:жас|лет|года)!", "NUM жасқа дейін", "жас(?:ы|тағы) (?:\\S+ )?\\S+(?:ке|ге|қа|ға) дейін", "жас шектеу",
               "NUM (?:тен|тан|ден|дан|нен|нан) (?:асқан|аспаған|асса|асып|үлкен|жоғары)",
               "(?:кому|тем кому|людям|женщин\\S*|мужчин\\S*|сотрудник\\S*|работник\\S*) (?:уже )?за [3-9]\\d!"],
       kin=True,  # "мама на пенсии": background
       exclude=["жас(?:ым|ың) (?:\\d|NUM)", "жас(?:ымнан|ынан|ыңнан) (?:бері|бастап)",  # «жасым 44»: a self-stated age (_SELF_AGE weighs it)
                "пенсионн\\S* (?:отчисл|взнос|фонд|реформ)", "зейнетақы (?:жарна|қор|реформ)",
                # a disability pension, a colleague retiring, a fund for the elderly: no one's age is the reason
                "пенси\\S* по инвалидн", "(?:мүгедектік|мүгедектігім|мүгедектігі) (?:бойынша )?зейнетақ", "(?:мүгедек|инвалид)\\S* (?:\\S+ ){0,2}(?:пенси|зейнетақ)",
                "(?:уходит|уходила|ушла|ушел|уйдет|вышла|вышел) на пенси", "зейнетке (?:кетті|кетеді|шығады|шықты)!",
                "(?:помога\\S*|ухажива\\S*|уход\\S* за|заботи\\S*) (?:\\S+ )?пожил",
                "NUM жасқа дейінгі (?:\\S+ )?бала",  # «3 жасқа дейінгі балалары барлар»: the children's age
                "жастар (?:қоғамдық )?(?:қанат|қозғалыс|ұйым|бірлест|саяси)", "NUM жас(?:ыма|ымда|ымнан) (?:дейін|шейін|бері|бастап)", "с \\d+ летн\\S* (?:стаж|опыт)", "(?:коляск\\S*|инвалид\\S*|болею|болен|больна|слеп\\S*|глух\\S*) с \\d+ лет", "молод[её]жн\\S* (?:общественн\\S* )?(?:крыл|отдел|организац|движени|объединени)",  # a party's youth wing is an association
                "жас(?:ым|ыма) (?:да|де) (?:\\S+ (?:да|де) )?сай", "зейнетке шық(?:ты|қанда|қан соң|қаннан кейін)!",
                "зейнетке кет(?:кен соң|кеннен кейін|кенде)!"]),  # «жасым да, білімім де сай»; someone else retired
    # --- disability
    _G("disability", ["инвалид", "мүгедек(?!тер(?:ге|дің) көмек)", "мүгедег(?:ім|імін|іммін|пін|мін|ін|іңіз|і бар)!", "колясоч", "на коляске", "арбамен (?:жүр|қозғал)", "арбада отыр", "мүгедектер арбасы", "инвалидн\\S* коляск", "групп\\S* инвалид", "групп\\S* по (?:слуху|зрению)", "(?:дали|есть|имею|оформили) (?:\\S+ )?(?:1|2|3|первую|вторую|третью) групп", "с тростью", "слабовид", "незряч",
                      "слеп(?:ой|ая|ота|ну)!", "глух(?:ой|ая|ота|онем)", "слабослыш", "слухов\\S* аппарат", "протез", "ампут",
                      "физическ\\S* недостат", "дцп", "ограниченн\\S* возможност", "особ\\S* потребност", "саңырау",
                      "есту (?:қабілет|аппарат)", "көру қабілет", "соқыр", "плохо (?:слышу|вижу|слышит|видит)", "не (?:слышу|вижу)!",
                      "слаб\\S* (?:зрени|слух)", "нашар (?:естимін|көремін|естиді|көреді)", "көзім көрмейді", "құлағым естімейді",
                      "хром", "костыл", "ақсақ(?!ал)", "(?:нет|без) (?:\\S+ )?(?:руки|ноги|ног|кисти|пальцев|глаза)!",
                      "(?:қолым|аяғым|көзім) жоқ", "дене кемістіг", "ерекше қажеттіліг", "мүмкіндігі шектеулі"],
       neg=True, kin=True,
       # the cause of an association or a volunteer: «мүгедек балалары бар отбасыларға көмектесеміз»
       exclude=["мүгедек\\S* (?:\\S+ ){0,3}(?:көмектес|отбасылар)", "(?:помога|помощ)\\S* (?:\\S+ ){0,2}инвалид"]),
    # --- public associations (parties, NGOs as the worker's membership; an NGO as the employer is not a ground)
    _G("public_association", ["член\\S* (?:\\S+ )?(?:парти|общественн|движени|объединени|нко|нпо|организац)",
                              "(?:состою|состоит|состояла|состоял|вступил\\S*|участву\\S*) (?:в |во )?(?:\\S+ )?(?:парти|общественн|нко|нпо|движени|объединени)",
                              "политическ\\S* парти", "саяси парти", "в (?:\\S+ )?парти\\S* состо", "парти\\S* мүше", "мүше(?:сімін|мін|сің)! … парти",
                              "активист", "белсенділ", "қоғамдық белсенді", "(?:выйд|выход|выйт|выш)\\S* из (?:\\S+ )?(?:парти|объединени|движени)",
                              "(?:қозғалыс|бірлест|қауымдаст)\\S* (?:\\S+ )?мүше", "қауымдастығ(?:ыңды|ың|ыңа|ыңнан)!", "парти\\S* (?:\\S+ )?(?:вступ\\S*|кірді\\S*|кірге\\S*|кіргел\\S*)"], neg=True,
       exclude=["(?:кәсіподақ|профсоюз)\\S* (?:\\S+ )?(?:белсенділ|активист)"]),
    _G("public_association", ["парти"], weak=True, neg=True, exclude=["парти\\S* (?:товар|груз|продукц)"]),
    _G("public_association", ["нко!", "нпо!", "үеұ", "неправительственн\\S* организац", "некоммерческ\\S* организац",
                              "общественн\\S* (?:объединени|организаци|фонд|движени)", "үкіметтік емес ұйым",
                              "коммерциялық емес ұйым", "қоғамдық (?:бірлестік|бірлестіг|ұйым|қор|қозғалыс)"],
       weak=True, tag="ngo"),
    # --- trade unions
    _G("trade_union", ["профсоюз", "профком", "кәсіподақ", "кәсіподағ", "кәсіптік одақ"], neg=True,
       # a union asked for help afterwards («профсоюзға бардым, олар ничего не сделали»): where the worker went, not a reason
       exclude=["(?:профсоюз|профком|кәсіподақ|кәсіподағ)\\S*(?:ға|қа|ке|ге) (?:\\S+ )?(?:бардым|жүгіндім|шағымдандым|хабарластым)!",
                # a union that exists and keeps silent: where help did not come from, not a reason
                "(?:профсоюз|профком|кәсіподақ)\\S* (?:у нас |бізде )?(?:вроде |вроде бы |как бы )?(?:есть|бар) (?:но|бірақ) (?:\\S+ )?(?:молчит|ничего|бездейств|ештеңе|үндемейді)\\S*"]),
    # --- pregnancy
    _G("pregnancy", ["беременн", "я на NUM (?:й )?недел(?:е|и)!(?! (?:работ|стажир|испыт|после)| (?:в|на) )", "в (?:моем|моём|моем|интересном|её|ее|таком|этом) положении", "в положении!", "жду ребенка", "ждем ребенка",
                     "ждём ребёнка", "жүкті(?!р)", "екіқабат", "аяғы ауыр", "іші үлкен", "с (?:таким |большим |твоим |вашим |моим )?животом!", "аяғым ауыр", "токсикоз",
                     "(?:я |уже |сейчас |что )на (?:первом|втором|третьем|четвертом|четвёртом|пятом|шестом|седьмом|восьмом|девятом|\\d+) месяце!"], neg=True, kin=True,
       exclude=["в положении (?:о|об)!", "(?:ауыр|көп|бар) жүкті", "жүкті (?:тасы|тасу|көтер|түсір|арқала|тиеу|жеткіз)\\S*", "(?:ушел|ушёл|ушла|бросил|умер|погиб|оставил|развелись)\\S* (?:\\S+ )?когда (?:я )?(?:ещ[её] )?(?:была|ходила) беременн"]),  # "муж ушёл, когда я была беременна"
    _G("pregnancy", ["(?:уйти|уйду|уходить|уйдешь|уйдёшь|уйдет|уйдёт|пойду|пойдешь|пойдёшь|собираюсь|собираешься|планир\\S*|планы на) … декрет",
                     "декретке (?:кет|шығ|бар|жібер|кетем|кетесің|кетеді|кетпек)", "декретке кет",
                     "декрет (?:уйдешь|уйдёшь|уйдете|уйдёте|уйдет|уйдёт|уйти|уходить|пойдешь|пойдёшь|пойдет|пойдёт|соберешься|соберёшься)!"], tag="decree_future"),
    _G("children_under_3", ["(?:выход|вышла|вышел|выхода|выйти|вернулась|возвращени|вышедш) … декрет", "из декрета",
                            "после декрета", "декреттен (?:шық|кейін|келген|оралған|шыққан|шықтым)"], tag="decree_past",
       exclude=["(?:вышла|вышел) (?:\\S+ )?замуж"]),  # "вышла замуж: «скоро в декрет уйдёте»" is a marriage, not a return
    _G("pregnancy", ["декрет"], tag="decree", kin=True),
    # --- children under 3 (children's ages are handled in code)
    _G("children_under_3", ["малыш", "грудн", "кормлю грудью", "кормящ", "младенц", "до (?:тр[её]х|3) лет", "уход\\S* за реб",
                            "(?:полу|полутора)?годовал\\S*", "двухлетн\\S* (?:реб|сын|доч|дет|малыш)",
                            "по уходу за", "нәресте", "сәби", "еміз", "бала күтімі бойынша", "үш жасқа (?:дейін|толмаған)",
                            "3 жасқа (?:дейін|толмаған)", "родила!", "родила (?:ребенка|ребёнка|сына|дочь|двойню)", "после родов", "босанған", "босандым", "босанып"],
       exclude=["босанған(?:нан)? (?:соң|кейін) кел", "босанып (?:\\S+ )?кел", "(?:раз|сама|одна) (?:\\S+ )?родила!"]),  # «босанған соң кел»: come back after the birth (a pregnancy)
    _G("children_under_3", ["маленьк\\S* (?:реб|дет|сын|доч)", "кішкентай бала"], weak=True,
       exclude=["кішкентай балалармен (?:\\S+ )?жұмыс"]),  # a kindergarten teacher's work
    # --- single parent
    _G("single_parent", ["одиноч(?:к|ек)", "одинок\\S* (?:мать|мама|отец|папа)", "(?:одна|один|сама|сам) (?:\\S+ )?"
                         "(?:воспитыва|ращу|растшу|расту|раст(?:ишь|ит|ите|ила|ил)!|вырастил|поднимаю)", "(?:воспитыва|ращу|поднимаю)\\S* (?:\\S+ )?(?:одна|один|сама|сам)!",
                         "одинок(?:их|им|ими) (?:мам|матер|родител|отц)", "и одиноких!",
                         "жалғыз (?:өзім )?(?:\\S+ ){0,3}(?:тәрбиеле|бағ|асыра|өсір|бақ)", "одна с (?:реб|дет|сын|доч)", "жалғызбасты", "жалғыз басты", "жалғыз (?:әке|ана)(?:мін|мын|м)!",
                         "(?:баламды|ұлымды|қызымды|балаларымды) (?:\\S+ )?жалғыз"], neg=True),
    _G("single_parent", ["без мужа", "мужа нет", "нет мужа", "муж (?:ушел|ушёл|бросил|умер|погиб)", "жены нет", "нет жены",
                         "жена (?:ушла|бросила|умерла)", "вдов", "күйеуім жоқ", "күйеусіз", "жесір", "күйеуім (?:қайтыс|тастап)"],
       tag="needs_child"),
    # --- minor (ages are handled in code)
    _G("minor", ["несовершеннолет", "подрост", "кәмелетке толма", "жасөспірім"], neg=True),
    _G("minor", ["школьни", "малолетк"], weak=True),
    # --- health (HIV and other illnesses: "other circumstances")
    _G("health", ["после химии", "химиотерап", "химияда", "химиядан кейін", "вич!", "вич(?:инфиц|положит|статус)", "спид!", "хив!", "аитв", "аив!", "эпилеп", "диабет", "қант(?:ың|ыңыз|ым) (?:да )?бар", "қант диабет", "туберкул", "гепатит", "онколог", "астм", "псориаз",
                  "шизофрен", "биполяр", "психическ\\S* (?:заболев|расстр)", "заболеван", "болею", "хроническ", "диагноз",
                  "инсульт", "инфаркт", "шунтир", "стент", "больн(?:ой|ая|ые|ых|ого|ую|ыми) (?:\\S+ )?(?:водител|сотрудник|работник|продав|кассир|учител|медсестр|нян|охранник|люд|человек)", "давлени(?:е|ем|ең|еңіз|ім|ия)? (?:\\S+ )?бар!", "қан қысым(?:ың|ыңыз|ым) (?:\\S+ )?бар", "еңбекке жарамсыздық", "ауыра беретін", "жүрег\\S* (?:ота|операция)", "операци\\S* на (?:сердц|позвоночн|колен|спин|голов|мозг)", "ауру(?:ым|ымды|ыма|ымның|ың|ыңды|ыңыз)!", "жүрек ауру", "жүрегімде", "науқас(?:пын|пын|сың|пыз|екенім|болғаным|болғанымды)!", "ауырамын", "жұқпалы", "дерт", "пневмон", "грыж",
                  "больн(?:ая|ой|ое|ые|ую|ым|ыми|ого|ых) (?:спин|ног|сердц|почк|печен|колен|сустав|позвоночн|рук|желуд|щитовид)",
                  "проблем\\S* со (?:здоровьем|спиной|сердцем|позвоночником|давлением)", "(?:с )?(?:вашим|твоим|моим|таким) давлением", "со (?:здоровьем|спиной|сердцем|давлением) проблем", "давлениеден ауыр", "по состоянию здоровья", "лежал\\S* в больниц", "в больнице с (?:почк|сердц|давлен|желуд|печен)", "(?:из за|по) (?:моего |своего |плохого |слабого )?здоровь",
                  "денсаулы\\S* (?:\\S+ )?(?:себепті|үшін|байланысты|нашар|сыр бер|мәселе)",
                  "рак(?:а|ом)? (?:груди|кожи|легк|желуд)"], neg=True, kin=True),
    _G("health", ["больничн\\S* (?:\\S+ ){0,2}(?:алып жүрсің|аласың|аласыз|алып жүрсіз)!"]),
    _G("health", ["болезн", "болела", "болел!", "больн(?:ой|ая|ые|ым)!", "больничн", "бюллетен\\S* (?:\\S+ )?(?:отыр|бол(?:дым|дың|ғаным|ған)|сидел|был)", "на бюллетен", "гипертони", "қан қысым", "операци(?!онист)", "ковид", "ауырдым", "ауру!", "ауырғаным", "ауырып",
                  "госпитализ", "(?:лежал|лежала|лежу|попал|попала) в больниц", "ауруханада (?:жаттым|жатқан|жатырмын|емделдім)",
                  "ауруханаға түст"],
       weak=True, neg=True, kin=True, exclude=["больничн\\S* (?:\\S+ )?(?:с ребенком|по уходу)", "больничн\\S* (?:\\S+ )?не (?:брал|брала|брали|беру)!",
                                    "не (?:брал|брала|брали|беру) (?:\\S+ )?больничн\\S*",
                                    "(?:с (?:\\S+ )?(?:ребенком|ребёнком|детьми|малышом)|балаңмен|баламен|балаларыңмен|балаларымен) (?:\\S+ ){0,4}больничн\\S*"]),
    # a car or a flat of one's own required ("наличие личного авто обязательно", «жеке көлігі болуы міндетті»)
    _G("property_status", ["наличи\\S* (?:\\S+ )?(?:личного |собственного |своего )?(?:авто|автомобил|машин|жиль|квартир)",
                           "(?:жеке |өз )?(?:көлігі|машинасы|пәтері|баспанасы) (?:бар|болуы) (?:\\S+ )?(?:міндетті|шарт|керек)"]),
    # --- other circumstances
    _G("other", ["салмағ\\S* (?:көп|ауыр|артық)", "рост(?:ом)? (?:от|не ниже|выше|не менее) \\d", "размер\\S* одежд", "бой(?:ы|ың) (?:\\d+|қысқа|аласа)", "бой(?:ы|ың)? (?:кемінде|от|не менее|не ниже) \\d", "гей!", "геи!", "гея!", "лесби", "лгбт", "ориентац", "бисексуал", "трансгендер", "лишн\\S* вес", "вес\\S* (?:\\S+ )?лишн", "полнот", "толст", "жирн(?:ым|ых|ые|ая|ый) (?:баб|девк|женщин|мужик|люд|тет)", "жирдя", "жиртрест",
                 "тучн", "ожирен", "(?:бетімдегі|бетіндегі|бетімде|бетінде|на лице) (?:\\S+ )?(?:күйік|тыртық|шрам|ожог)\\S*", "\\d+ (?:өлшем|размер)\\S*", "размер\\S* (?:одежды )?\\d+", "сымбатты", "стройн(?:ая|ые|ых|ую|ой|ый)!", "(?:я|ты|вы) (?:слишком |очень |немного |такая |такой )?полн(?:ая|ый)!", "салмағ\\S* артық", "артық салмақ", "семіз", "татуир", "тату!", "пирсинг", "похуд",
                 "(?:из за|по|за) (?:моего |лишнего )?вес(?:а|у|ом)!", "арықта", "толықсың", "толықсыз", "салмағ(?:ым|ымды|ымнан|ың|ыңды|ыңнан|ыңыз|ыңыздан)!", "(?:с|со) (?:твоим|вашим|моим|таким|этим) весом"]),
    _G("other", ["(?:сестра|брат|муж|жена|отец|мать|мама|папа|родственни|жолдасым|күйеуім|әйелім|ағам|інім|апам)\\S* (?:\\S+ ){0,4}(?:конкурент|конкурирующ|бәсекелес)",
                 # a relative who went to court against the employer
                 "(?:сестр|брат|муж|жена|отец|мать|мама|папа|родственни|жолдасым|күйеуім|әйелім|ағам|інім|апам|әкем|анам)\\S* (?:\\S+ ){0,6}(?:суди(?:лся|лась|тся)|судятся|судились|сотқа (?:берді|берген|жүгін|арыз)|сотта дауласып)",
                 "(?:родственни|туыс)\\S* (?:\\S+ ){0,3}(?:тех|кто|которые) (?:\\S+ )?суд",
                 "(?:оның|соның|директордың|бастықтың|басшының) (?:туысы|жиені)(?:сың|сыз|мын|мін|сің|сіз)!"]),
    # a relative given as the reason ("из-за брата", "с таким ребенком", «күйеуің ауру», «сотталған адамның әйелі»): the
    # worker's family situation; the relative's own traits are not the worker's grounds (see _grounds)
    # (a parent is the worker's origin: "отец сидел", «әкең сотталған» are labelled so; a husband asked about is marital)
    _G("other", ["из за (?:моего |своего |твоего |вашего |ее |её |его )?(?:мужа|брата|сына|дочери|жены|сестры)!",
                 "(?:с|со) (?:таким|твоим|вашим) (?:мужем|ребенком|ребёнком|братом|сыном)!",
                 "(?:с|со) (?:такой|твоей|вашей) (?:семьей|семьёй)!", "(?:твой|ваш) (?:муж|брат)!",
                 "(?:күйеуің|күйеуіңіз|әйелің|әйеліңіз|жолдасың|жолдасыңыз|інің|ініңіз|ағаң|ағаңыз|әпкең|бауырың)(?! бар| жоқ| жок| бай)!",
                 "(?:күйеуім|інім|ағам|жолдасым|бауырым|әпкем)\\S* (?:\\S+ ){0,2}(?:үшін! (?!жаз|сұра|сура|хабарлас|кеңес)|себепті!|кесірінен!|салдарынан!)",
                 "(?:сотталған|істі болған|қамалған) (?:адамның|кісінің) (?:әйелі|туысы|інісі|бауыры)",
                 # a brother's, a sister's, a husband's conviction ("брата осудили", «інім сотталған»); a parent's is the origin
                 "(?:брат|брата|сестра|сестру|сестры|муж|мужа|сын|сына|ағам|ағамның|інім|інімнің|бауырым|әпкем|сіңлім|күйеуім|ұлым|ағаң|інің) … "
                 "(?:отсидел|отбывает|судим|осужд|осудили|посадили|в тюрьме|под следствием|под судом|сотталған|сотталды|соттылығы|түрмеде|түрмеге|қамалды|қамалған)"], tag="kin_reason"),
    _G("other", ["внешност", "келбет"], tag="appearance",
       exclude=["(?:не)?(?:европейск|азиатск|славянск|восточн)\\S* внешност", "(?:еуропалық|европалық|азиаттық|славян) келбет"]),
    # many children (all over 3): weak, often the background or an association's name ('объединение многодетных мам')
    # the employer's words about the number of children («у тебя детей куча», «балаң көп»)
    _G("other", ["у (?:тебя|вас) (?:\\S+ )?детей (?:\\S+ )?(?:куча|много|полно)!", "куча детей", "балаң көп", "балаларың көп", "көп балалысың"]),
    _G("other", ["многодетн", "көп балалы"], weak=True,
       exclude=["(?:объединени|ассоциаци|союз|обществ|бірлестіг|қауымдастығ|қор)\\S* (?:\\S+ )?(?:многодетн|көп балалы)\\S*"]),
    _G("other", ["незамуж", "не замужем", "не женат", "холост", "тұрмыс құрма", "тұрмысқа шықпаған", "тұрмысқа шыққаным", "күйеуі бар (?:күтуші|әйел|қызметкер|маман)", "үйленбеген", "разведенк", "(?:соның|оның) әйелі(?:сің|сіз)!", "его жена!", "развед[её]нн\\S* (?:женщин|мужчин)", "семейн\\S* положен",
                 "отбасылық жағдай",
                 # asked at an interview: «тұрмыс құрғансыз ба», «тұрмысқа шығу жоспарыңыз бар ма», "замужем ли вы"
                 "тұрмыс құрған(?:сыз|сың)!", "тұрмыста(?:сыз|сың) ба!", "тұрмысқа (?:шығу|шығуды) (?:\\S+ )?жоспар", "замужем ли", "(?:вы|ты) замужем!",
                 "(?:собираетесь|собираешься|планируете|планируешь) (?:ли )?(?:\\S+ )?замуж"], tag="marital", kin=True),
    _G("other", ["развод", "разведен", "ажырас"], tag="marital", kin=True, weak=True),
    # a marriage just made ("недавно вышла замуж", «тұрмысқа шықтым»): strong with a reason, else background
    _G("other", ["(?:вышла|вышел) (?:\\S+ )?замуж", "замуж вышла", "тұрмысқа шықт(?:ым|ың|ыңыз)!", "үйлендім!"], tag="marital", kin=True, weak=True),
    _G("other", ["курю!", "курени", "имидж"], weak=True,
       exclude=["(?:банк|компани|фирм|мекеме|ұйым|магазин|дүкен|мектеп|школ)\\S* имидж", "имидж\\S* (?:банк|компани|фирм|мекеме|ұйым)"]),
]

# A fine on the employer asked about ("а им штраф будет?", «жұмыс берушіге айыппұл сала ма?») is a question about
# its liability, not a fine on the worker at work (a condition of work: "мне штраф выписали", «айыппұл салды»).
# (the employer as the one fined, not the one fining: "начальник штрафует" is a fine on the worker)
_FINED = ("(?:им|ему|ей|их|его|работодател(?:ю|я|ем)|компани(?:и|ю|ей)|фирм(?:е|у|ой)|организаци(?:и|ю)|директор(?:у|а|ом)|"
          "начальник(?:у|а|ом)|руководител(?:ю|я|ем))")
# exclusions for the weak cue "штраф" (also in a Kazakh sentence: «фирмаға штраф салына ма») ...
_EMPLOYER_FINED_SHTRAF = [f"(?:какой |какие )?штраф\\S* (?:\\S+ ){{0,3}}{_FINED}(?!\\S)", f"{_FINED} (?:\\S+ ){{0,3}}о?штраф\\S*",
                          f"оштраф\\S* (?:\\S+ )?{_FINED}(?!\\S)", "какой штраф\\S*",
                          "(?:фирмаға|компанияға|мекемеге|жұмыс берушіге|оған|оларға|бастыққа|директорға) (?:\\S+ ){0,2}штраф\\S*"]
# ... and for the strong cue «айыппұл сал»
_EMPLOYER_FINED_AIYPPUL = ("(?:жұмыс берушіге|оған|оларға|компанияға|мекемеге|директорға|бастыққа|басшыға|б[ұу]ған|бұл үшін) "
                           "(?:\\S+ ){0,3}айыппұл\\S* (?:\\S+ )?сал\\S*")

# Stage cues: strong ones decide; weak ones only when no strong cue is there.
# A threat to dismiss ("грозит уволить", "угрожают увольнением"): pressure, not a dismissal; "работодателю грозит
# штраф за увольнение" is no threat to the worker.
_THREAT_TO_DISMISS = ("(?:угроз|грози|грозя|угрожа|пригрози|пугает|пугают|шантаж)\\S* "
                      "(?:(?!(?:тюрьм|штраф|наказан|ответствен|срок|санкци)\\S*)\\S+ ){0,2}(?:увольн|уволь|уволи|не продл)")
_SENT_OUT_OF_ROOM = "(?:асхана|бөлме|кабинет|зал|жиналыс)\\S* (?:\\S+ ){0,10}қуып (?:шықт|жібер)\\S*"  # «асханадан қуып шықты»: out of the canteen, not the job (harassment)
_KK_THREAT_TO_TRANSFER = "\\S+(?:саң|сең|саңыз|сеңіз) (?:\\S+ ){0,3}ауыстыр(?:амын|амыз)!"  # «үйренбесең, складқа ауыстырамын»
# «шешпесең смена бермеймін», «шықпасаң, кеңеске кіргізбеймін»: "if you (do not) ..., I will not ...", a threat
_KK_IF_NOT_I_WONT = "\\S{2,}(?:саң|сең|саңыз|сеңіз) (?:\\S+ ){0,3}\\S+(?:маймын|меймін|баймын|беймін|паймын|пеймін|маймыз|мейміз|баймыз|пейміз)!"
# «премияңды кесемін»: a bonus cut threatened is pressure, not the pay (harassment)
_KK_PAY_CUT_THREAT = "(?:премия|сыйақы|бонус|айлық|жалақы|сыйлық)\\S* (?:\\S+ )?(?:кесемін|кесеміз|қысқартамын|қысқартамыз)!"
_KK_FIND_ANOTHER_JOB_IF = "\\S+(?:саң|сең|саңыз|сеңіз) (?:өзіңе |өзіңізге )?(?:басқа )?жұмыс ізде"  # «арықтамасаң басқа жұмыс ізде»: a threat
_KK_THREAT_TO_DISMISS = ("жұмыстан (?:шығарамын|шығарамыз|қуамын|босатамын) деп (?:\\S+ )?(?:қорқыт|қоқан|ескерт)"
                         "|не (?:\\S+ ){0,2}\\S+(?:сің|сың|сіз|сыз) не (?:өз еркіңмен |өз еркіңізбен |жұмыстан )?(?:кетесің|кетесіз|кет)(?!\\S)"  # either-or
                         "|\\S+(?:саң|сең|саңыз|сеңіз) өз (?:еркіңмен|еркіңізбен) (?:кет\\S*|арыз\\S*)")  # «шаршасаң өз еркіңмен кет»
# «... шық, әйтпесе келісімшартыңды ұзартпаймыз»: "or else" before a dismissal is a threat; so is "if you ..., I fire"
# («бас тартсаң увольняю», «арықтамасаң шығарамын», «таратпасаң, сені сокращение етеміз»)
_KK_OR_ELSE_DISMISS = ("(?:әйтпесе|\\S{2,}(?:саң|сең|саңыз|сеңіз)) (?:\\S+ ){0,3}(?:ұзартпа|шығарам|шығарып жіберем|қуам|босатам|"
                       "жұмыссыз|увольня|уволю|уволим|сокращени\\S* (?:ет|жаса)|қысқартам|қысқартуда (?:\\S+ ){0,2}кетесің)\\S*"
                       "|(?:әйтпесе|\\S{2,}(?:саң|сең|саңыз|сеңіз)) (?:\\S+ ){0,2}(?:кетесің|кетесіз|шығасың|шығасыз|кет)(?!\\S)")
# A dismissal feared, hinted or given as the alternative ("боюсь, что выгонят", «жұмыстан айырылып қаламын деп
# қорқады», "намекают, что договоры не продлят", "или так, или увольнение"): nothing has ended yet.
_RU_OR_ELSE_DISMISS = ("(?:иначе|а то|не то) (?:\\S+ ){0,2}(?:уволю|уволим|уволят|уволит|увольн\\S*|выгоню|выгоним|выгонят)"
                       "|либо (?:\\S+ ){0,3}(?:(?:контракт|договор)\\S* (?:\\S+ )?не продл\\S*|уволю|уволим|уволят|уволит)"
                                              "|или (?:(?:\\S+ ){1,6}или )?(?:(?:пиши|пишешь|пишите|напишешь|напиши)\\S* (?:\\S+ )?(?:заявлени\\S*|по собственному)|уходи|уходишь|увольняйся|увольняешься)(?!\\S)")  # a threat
_FEARED_DISMISSAL = [
    "(?:боюсь|боится|боятся|боимся|опасаюсь|опасается|думает|думаю|страшно)\\S* (?:\\S+ ){0,5}(?:уволят|уволит|выгонят|выгонит|уволить|увольн\\S*|сократят|сократит|сократить|не продл\\S*)",
    "до увольнени\\S* (?:\\S+ )?недалеко", "(?:пойду|пойд[её]т|попаду|попад[её]т|пойд[её]шь) (?:\\S+ )?(?:на|под) сокращени\\S*", "или увольнени\\S*", "намека\\S* (?:\\S+ ){0,8}(?:не продл\\S*|уволят|уволит|уволь\\S*|выгонят|сокращени\\S* будет)",
    "жұмыстан (?:айырылып|шығып|шығарып) қал\\S* (?:деп )?(?:\\S+ )?қорқ", "жұмыстан айырыл(?:амын|амыз|асың|ып қаламын)\\S* (?:ба|ма|бе|ме)!",
    "(?:жұмыстан )?(?:шығар|шығарып жібер|қуып жібер)\\S* (?:ма|ме|ма екен|ме екен|деп) (?:\\S+ )?қорқ", "(?:жұмыстан )?(?:шығар|шығарып жібер)\\S* мүмкін (?:бе|ба|ма|ме)!",
    "қорқ\\S* (?:\\S+ ){0,3}(?:шығар|шығарып жібер|қуып жібер)\\S* (?:ма|ме|ма екен|ме екен) деп",
    "(?:шығарып жібер|қуып жібер)\\S* (?:ма|ме) деп", "(?:уволят|уволит|выгонят|сократят|шығарылам)\\S* (?:ба|ма|бе|ме) деп (?:\\S+ )?қорқ",
    "қорқ\\S* (?:\\S+ ){0,3}(?:шығарады|шығарып жібереді|қуады|шығарар|шығарып жіберер|қуып жібереді) деп!",
    "(?:шығарады|шығарып жібереді|қуады|қуып жібереді) деп (?:\\S+ )?қорқ", "(?:шығарып|қуып) жібере (?:ма|ме)!", "шығара (?:ма|ме)!",
    _RU_OR_ELSE_DISMISS,
    # a redundancy only rumoured ("ходят слухи о сокращении", «қысқарту болады деген сөз жүр»)
    "(?:слух|разговор|поговарива|говорят)\\S* (?:\\S+ ){0,3}(?:о |об |про |что )?(?:\\S+ )?сокращ\\S*",
    "қысқарту (?:болады|болмақ|болатын|болады екен) (?:деген|деп|дейді|дейтін)"]
# A fine taken out of the pay: a condition of work, not pay ("штраф 5000 из зарплаты", «кешіккенім үшін айлығымнан ұстайды»)
_FINE_FROM_PAY = ["(?:штраф|айыппұл)\\S* (?:\\S+ ){0,2}(?:из|с) (?:зарплат|зп|оклад)",
                  "кешік\\S* (?:\\S+ ){0,3}(?:айлығ|айлық|жалақ)\\S* (?:\\S+ ){0,3}ұста"]
# A dismissal told by its signs, not its name: the pass blocked, the keys or the uniform taken back, the name gone from
# the schedule, "больше не появляться", «заттарыңды жина» (batch 40)
_DISMISSAL_SIGNS = [
    "пропуск\\S* (?:\\S+ ){0,4}(?:не срабатыва|не сработа|не работа|заблокир|аннулир|деактив)\\S*", "(?:заблокир|аннулир|забрал|забрали|отобрал|отобрали|изъял)\\S* (?:\\S+ ){0,2}пропуск\\S*",
    "(?:охрана|охранник|охранница) (?:\\S+ ){0,3}не (?:пустил|пустила|пустили|пускает|пускают|пропустил|пропустила|пропускает) меня!",
    "(?:не пустил|не пустила|не пустили|не пускают|не пускает) (?:меня|нас) (?:\\S+ )?(?:в офис|на работу|на территорию|на объект|в здание|на предприятие|на завод)\\S*",
    "меня (?:\\S+ )?нет в (?:график|расписани)\\S*", "(?:расписани|график)\\S* (?:\\S+ ){0,8}меня (?:там )?(?:вообще )?нет!",
    "(?:сдать|сдала|сдал|отдать|отдала|отдал|вернуть|вернула) (?:\\S+ ){0,2}(?:ключ|халат|фартук|пропуск|униформ|спецовк|форму)\\S*",
    "(?:больше|чтобы|чтоб) (?:\\S+ )?не (?:появлял|появлятьс|приходил|выходил)\\S*", "больше не появля\\S*",
    "(?:выходить|приходить) (?:\\S+ )?не (?:нужно|надо)!", "не (?:нужно|надо) (?:больше )?(?:выходить|приходить)!",
    "(?:вынесла|вынес|выставила|выставил|выкинула|выкинул)\\S* (?:\\S+ ){0,2}вещи", "(?:собирай|собери|забирай) (?:\\S+ )?вещи",
    # Kazakh
    "(?:рұқсатнама|пропуск)\\S* (?:\\S+ ){0,2}(?:бұғатта|блокта|өтпей|өтпеді|істемей|ашылмай)\\S*",
    "(?:картам|карточкам)\\S* (?:\\S+ ){0,2}(?:есіктен |турникеттен )?(?:өтпей|өтпеді|ашылмай|ашпай)\\S*",  # not a bank card blocked "турникет\\S* (?:\\S+ ){0,2}(?:өте алма|өткізбе|ашылма|өтпе)\\S*",
    "(?:күзет|күзетші|охрана|охранник)\\S* (?:\\S+ ){0,2}мені (?:\\S+ )?(?:кіргізбе|өткізбе)\\S*",
    "(?:кілт|ключ|форма|халат|рұқсатнама|пропуск)\\S* (?:\\S+ ){0,3}(?:қайтарып ал|алып қой|тартып ал|шешіп бер|қолымнан ал|тапсыр)\\S*",
    "(?:кілт|ключ)\\S* (?:\\S+ ){0,2}ал(?:ды|ып(?! (?:кел|бар|бер|шық|кір)\\S*))!",  # not «кілтті алып келдім»
    "(?:кесте|график|расписание)\\S* (?:\\S+ ){0,6}атым (?:\\S+ ){0,2}жоқ!",
    "(?:келудің|келуді|келуге) (?:\\S+ )?(?:қажеті|керегі) жоқ", "енді келме(?:ңіз|ңдер)?!",
    "ертеңнен (?:бастап )?(?:басқа|жаңа) (?:адам|біреу|қыз|жігіт) келеді", "заттар(?:ыңды|ыңызды) жина\\S*",
    "(?:аптадан|айдан|күннен|ертеңнен) (?:бастап )?(?:сен|сіз) (?:бізге )?керек емес(?:сің|сіз)!",
    "қосымша\\S* (?:\\S+ ){0,2}(?:өшір|шығарып таста)\\S*", "(?:бізде )?енді (?:сенің |сіздің )?орн(?:ың|ыңыз) жоқ"]
_STAGE_GROUPS: list[_Group] = [
    _G("job_ad", ["ваканси", "талаб(?:ында|тарында)!", "талап(?:тарда|та|тары)!", "в требованиях", "объявлени(?!\\S* (?:іл|повес|вывес))", "объяв(?:а|у|е|ы|ой|ах|ка|ку|ке|ки|кой)!", "требовани\\S* (?:к кандидат|в ваканс)", "хабарландыру", "жарнама(?! агенттіг)", "ищут только", "керек деп жаз", "үміткерлер",
                  "резюме принимают"]),
    _G("hiring", ["не (?:берут|взяли|берем|берём|возьмут|возьмем|возьмём|брали|принял\\S*|принимают|приняли|хотят брать)!", "не взял(?:а)? (?:меня|нас)!",
                  # went to apply after seeing the advert: the hiring, not the advert («хабарландыру көріп, бардым»)
                  "хабарландыру\\S* (?:\\S+ ){0,2}(?:көріп|оқып) (?:\\S+ ){0,2}(?:бардым|барсам|бардық|хабарластым|қоңырау шалдым)!",
                  "(?:увидел|увидела|нашла|нашел|нашёл) (?:\\S+ )?(?:ваканси|объявлени)\\S* (?:\\S+ ){0,3}(?:пошла|пошел|пошёл|пришла|пришел|пришёл|позвонил|позвонила|откликнул\\S*)!",
                  "отказ\\S* (?:в при[её]ме|в трудоустр|принять|взять|в работе)", "собеседован", "орын толып қалды", "(?<!мо[её] )(?<!ваше )(?<!тво[её] )место (?:\\S+ )?уже занят\\S*", "(?:на|с|со|после|перед|до|прош\\S*) (?:\\S+ )?собес(?:е|а|ы|ах|ик|ике|у)?!", "на работу не",
                  "трудоустр", "перезвоним", "при при[её]ме на работу", "при найме",
                  "алма(?:ды|йды|ймыз|йтын|йтынын|пты)!", "алмай қойды!", "не аламыз!", "жұмысқа (?:алма|алу|қабылда|орналас)", "(?<!арызды )(?<!арызымды )қабылдама", "сұхбат",
                  "жұмыс сұрап", "жұмысқа тұр(?:а алмай|ғыз)", "ваканси\\S* (?:\\S+ )?(?:барсам|бардық|барғанда)!",
                  "(?:пошел|пошла|пошёл|ходил|ходила|пришел|пришла|пришёл) (?:\\S+ ){0,2}устраиваться", "жұмысқа тұруға (?:бар|кел)", "әңгімелесу", "болып бар(?:дым|сам|ып ем|ып едім|ғанымда)!", "құжат(?:тарымды|ымды)? тапсыр", "ваканси\\S* (?:\\S+ )?(?:барып|бардым|барғанымда|келдім)", "откликнул\\S* на ваканси", "(?:пошла|пошел|пошёл|ходила|ходил|пришла|пришел|пришёл) на ваканси", "болып (?:арыз|өтініш) (?:бердім|тапсырдым)", "тағайындама", "(?:сізді|сені|мені|оны|бізді) ала алма", "позици\\S* (?:уже )?закрыт", "ваканси\\S* (?:уже )?закрыт", "не взять!", "финальн\\S* (?:этап|собеседован)", "на финальном",
                  "(?:хотел|хотела|пыталась|пытался|пошла|пошел|пошёл) устроиться", "поступить на (?:службу|работу)", "орналасуға (?:бар|кел)", "шартқа отырғызба",
                  "(?:отказал\\S*|отказыва\\S*) (?:\\S+ )?(?:брать|взять|принять|принимать)"],
       # «басқара алмайды»: "cannot manage", not "did not hire" (but «асқандарды алмаймыз»: an object, then "we do not hire")
       exclude=["\\S*(?:[^\\sкгн][ае]|[^\\sкгндт]и) алма", "(?:бақша|балабақша|садик|сад|ясли|келіссөз|іссапар|курс|жиналыс|кездесу|сапар|командировк|тренинг|оқу|жарыс|экскурс|той)\\S* (?:\\S+ )?алма",
                "(?:есеб|жоба|шағым)\\S* (?:\\S+ ){0,3}қабылдама\\S*", "тағайында\\S*"]),
    _G("hiring", ["отказ", "анкет", "резюме", "оффер", "хабарласамыз!", "перезвоним!", "сізге хабарласамыз", "тұрмақ (?:болдым|едім|болып)", "орналаспақ (?:болдым|едім|болып)", "тұрмақшы", "алғысы келмеді",
                  "(?:пришел|пришла|пришёл) (?:\\S+ )?(?:в|на) (?:\\S+ )?(?:компани|фирм|собеседован|предприят)", "устро(?:иться|ить)!", "устраива(?:ться|лась|лся|юсь|ется)!", "hr!", "хр!", "бас тарт", "кандидат", "түйіндеме", "қайтарып жібер"], weak=True,
       exclude=["отказ\\S* (?:\\S+ )?(?:в|от) (?:отпуск|перевод|повышени|выходн|обучени)", "отказ\\S* (?:\\S+ )?от (?:заказ|смен|рейс|поездк|сверхуроч|переработ|вызов)\\S*",
                "отказ (?:берсем|берсең|бердім|берсек)!", "(?:когда |если |я )(?:я )?отказал(?:ся|ась)!", "отпуск\\S* (?:\\S+ ){0,2}отказ",
                "(?:кто|если) (?:\\S+ )?отказыва\\S*", "бас тартқан (?:соң|кейін|сон)!", "бас тарттым!", "бас тарт(?:сам|сақ)!"]),  # "кто отказывается выходить в воскресенье — штраф": the worker refusing
    _G("pay", ["зарплат", "зп!", "оклад", "преми", "надбавк", "доплат", "платят", "плати(?:т|ли|л)!", "заплат", "оплат", "бонус",
               "выплат", "ставк", "аванс", "недоплач", "выплачива", "оплачива", "доплачива", "не плат", "жалованье", "получк",
               "еңбекақы", "үстемақы", "удержива", "(?:проезд|дорог|питани|обед|бензин)\\S* (?:\\S+ )?компенсир", "получа(?:ю|ет|ем|ют) (?:меньше|больше)", "получа\\S* на (?:\\S+ ){1,2}(?:меньше|больше)", "жалақ", "айлық", "айлығ", "айылық", "айылығ",
               "төлейд!", "төле(?:йді|мейді|меді|мепті|ді|ген|нбеді|нбейді|мей)", "сыйақы", "сияқы", "(?:жылдық|тоқсандық|тоқсандағы|айлық) сыйлық", "сыйлықтан!", "(?:ақша|жалақ|айлық)\\S* жартысын", "сыйлықақы", "үстеме ақы", "үстеме (?:қос|төле|бер|қарастыр)\\S*", "ақша(?:сын|мды|мызды)? (?:\\S+ )?(?:бермеді|бермейді|аз)",
               "аз береді", "көп береді", "(?:пайыз|процент)\\S* (?:\\S+ )?(?:береді|төлейді|платят|платит|дают|дает|даёт)", "мың (?:теңге\\S* )?(?:береді|беретін|төлейді|берген)", "\\d+ (?:мың )?(?:береді|төлейді)!", "у (?:нее|неё|него|них) \\d+ (?:\\S+ )?а у меня \\d+", "NUM мың (?:теңге\\S* )?(?:аз|кем|артық|көп)", "(?:меньше|больше) (?:\\S+ )?получа",
               "расч[её]тн\\S* лист", "(?:жалақ|айлық|айлығ|еңбекақ)\\S* (?:\\S+ )?(?:\\S+ )?көтер", "вычл", "вычет", "удержал", "\\d+ (?:мың(?:нан)? )?ғана (?:берді|береді|төледі|төлейді|төлеп|беріп|түсті)!", "\\d+ мың(?:нан)? (?:ғана )?(?:алды|алады|алатын)!",
               "(?:күніне|сағатына) \\d+ (?:мың )?(?:берді|төледі|береді|төлейді)!", "ұстап қал", "(?:жалақ|айлық|айлығ|ақша)\\S* (?:\\S+ )?бермей",
               "(?:картама|картаға|карточкама|на карту) (?:\\S+ ){0,3}(?:түсті|түспеді|түсіпті|пришло|пришла|упало)!", "ақша(?:сы|мыз)? түст\\S*", "тиын да түспеді",
               "(?:бәріне|барлығына|всем|остальным|жігіттерге|басқаларға|оларға) (?:\\S+ ){0,2}\\d+ (?:\\S+ ){0,3}(?:маған|мне) (?:\\S+ )?\\d+"],
       exclude=["(?:болмаса|иначе|а то|не то|останется без|останешься без) (?:\\S+ )?преми\\S*",
                # a fine taken out of the pay (a condition of work: «айыппұл салып, айлықтан ұстап қалады», "штраф 5000 из зарплаты")
                "(?:айыппұл|штраф)\\S* (?:\\S+ ){0,6}(?:айлық|айлығ|айылық|айылығ|жалақ|зарплат|зп)\\S* (?:\\S+ ){0,3}(?:ұстап|ұстай|удерж|вычит|высчит)\\S*(?: қал\\S*)?",
                "(?:вычл|вычит|высчит|удержал)\\S* (?:\\S+ ){0,3}за (?:недостач|опоздан|брак|порч|разбит|бой)\\S*",
                *_FINE_FROM_PAY, "сокращ\\S* (?:зарплат|оклад)", "(?:курс|обучени|учеб|тренинг|семинар|стажировк)\\S* (?:\\S+ ){0,3}(?:оплатил|оплачива|оплат)\\S*",
                _KK_PAY_CUT_THREAT, "повышени\\S* (?:зарплат|оклад)", "NUM айлы",
                "алимент\\S* (?:\\S+ )?не плат", "(?:кредит|ипотек|займ|долг)\\S* (?:\\S+ ){0,4}(?:плачу|платить|платит|выплачива)\\S*", "(?:зарплат|жалақ|айлық|айлығ|оклад)\\S* (?:\\S+ )?(?:сол қалпы|өзгермеді|өзгертпеді|өзгерген жоқ|тот же|та же|прежн|не измен|не поменял|сохранил)",
                "(?:смен\\S*|ауысым\\S*|кезекшілік\\S*|жұмысты|жұмысын|тапсырма\\S*|жүктеме\\S*) (?:\\S+ )?(?:көп|аз) (?:береді|берді|беретін)!", "(?:жалақ|айлық|айлығ)\\S* (?:\\S+ )?(?:несиеге|кредитке|на кредит)"]),  # «8 айлық балам»: an age; the ex's alimony
    _G("conditions", ["ночн\\S* смен", "(?:в|на) ночн(?:ые|ую|ых)!", "постав(?:ил|ила|или|ят|ит) (?:меня )?(?:\\S+ )?(?:в|на) ночь!",
                      "(?:звонк|звонок|қоңырау|тапсырыс|заказ|клиент|пациент)\\S* (?:\\S+ ){0,3}(?:бермейді|бермей|түспейді|перекидыва|жазғызбай|жазбаңдар)\\S*", "клиент\\S* (?:\\S+ )?шығармай\\S*",
                      "(?:перестал|перестала|перестали) (?:\\S+ ){0,2}(?:отдавать|давать|передавать|направлять|записывать) (?:\\S+ ){0,2}(?:клиент|заказ|звонк|пациент)\\S*",
                      "(?:ноутбу[кг]|компьютер)\\S* (?:\\S+ ){0,2}(?:алып кет|алып қой|забрал|забрали|отобрал|отобрали)\\S*", "(?:забрал|забрали|отобрал|отобрали) (?:\\S+ ){0,3}(?:ноутбук|компьютер)\\S*", "только ночн", "тек (?:ночн|түнгі)", "в ночь (?:\\S+ ){0,3}став", "ночные и выходн", "став(?:ит|ят|или|ил|ила) (?:меня )?(?:\\S+ )?в ночь!", "түнгі \\d+", "(?:приходить|ходить) (?:\\S+ ){0,2}(?:больше )?нельзя", "в (?:платке|хиджабе) (?:\\S+ ){0,3}(?:больше )?(?:нельзя|запрещ)", "смен(?:у|ы|ам)? (?:ночн|по ночам)", "сверхурочн", "переработк", "работать до \\d+ (?:ночи|вечера|утра)", "(?:күніне|тәулігіне) \\d+ сағат(?:тан)? (?:\\S+ )?(?:істет|жұмыс істет)", "не ставить (?:меня )?на (?:смен|ночн|выходн|вечерн)", "рабоч\\S* мест",
                      "пандус", "лифт", "услови\\S* (?:труда|работы)", "не пуска", "жолатпа", "запрет(?!\\S* дискрим)", "запрещ(?!\\S* дискрим)", "дресс код", "спецодежд",
                      "спортзал", "раздевалк", "удал[её]нк", "удал[её]нн\\S* (?:работ|режим)", "гибрид", "комнат\\S* отдыха", "душ!", "душевы", "парковк", "түнгі ауысым", "түнгі смен", "ауысым", "асхана", "тыйым", "айыппұл сал", "бөлмеге отырғыз",
                      "отырғызды", "жұмыс орн", "жағдай жасама", "үстеме жұмыс", "артық жұмыс", "изолир", "отдельн\\S* (?:комнат|кабинет)", "переве\\S* (?:\\S+ )?(?:на|в) (?:ночн|дневн|друг|вечерн)\\S* смен", "түнде (?:\\S+ )?(?:жұмыс|істет)", "(?:ночью|по ночам) (?:\\S+ )?работ", "арнайы киім",
                      "жұмыс киім", "спецкиім",
                      "(?:форма|киім|спецодежд|униформ)\\S* (?:\\S+ ){0,3}(?:өз ақша|сатып алғыз|за св(?:ой|ои) (?:сч|деньг))\\S*", "отпуск\\S* (?:\\S+ ){0,2}отказ", "рұқсат бермей", "отоплен", "обогрев", "бөлек (?:бөлме|ұста|отырғыз)", "үзіліс\\S* (?:\\S+ )?берме", "подстраива", "приспособ\\S* (?:рабоч|мест|услови)"],
       exclude=[_EMPLOYER_FINED_AIYPPUL]),
    _G("conditions", ["(?:не дают|не дает|не даёт|отказ\\S* (?:мне )?в|не отпуска\\S* в) (?:\\S+ )?(?:отпуск|выходн|отгул)", "отгул", "демалыс\\S* бермей",
                      *_FINE_FROM_PAY,
                      "демалыс\\S* бермеді"]),
    _G("conditions", ["график", "штраф", "оштраф", "отпуск", "выходн", "кесте", "демалыс", "смен(?:ы|у|а)!", "командировк",
                      "нагрузк", "перерыв", "үзіліс", "іссапар", "жүктеме", "столов", "есік", "дверь", "двер(?:и|ью)!", "ступеньк",
                      "бәріне айтып", "барлығына айтып", "разгласил", "складта", "кондиционер", "(?:кезек|ауысым)\\S* (?:\\S+ ){0,2}(?:қояды|қойды|қойып|қоя береді)", "ең ауыр (?:жұмыс|жүк)\\S*", "(?:ауыр|лас) (?:\\S+ )?жұмыс\\S* (?:\\S+ ){0,2}(?:береді|берді|тапсырады|істетеді)!", "(?:кезекшілік|ауысым)\\S* (?:\\S+ )?(?:көп|аз) (?:береді|берді|беретін)!", "(?:көп|артық|көбірек) істетеді!", "(?:асхана|ашана|дәретхана|бөлме|кабинет|лифт|асүй)\\S* (?:\\S+ )?кіргізбе", "кетуге рұқсат", "(?:сенбі|жексенбі|демалыс) күн\\S* (?:\\S+ ){0,2}(?:шығуды|шығуға|шығасың|істеуді)",
                      "(?:работать|работаем|работаю|работает) по \\d+ час", "без обеда", "(?:киюді|киюге) (?:талап|заставля|мәжбүрле|міндетте)", "длинн\\S* рукав", "на склад(?:е)?!", "дальн\\S* зал"], weak=True,
       exclude=["отпуск\\S* по уходу", "декретн\\S* отпуск", "бала күтімі бойынша демалыс", "демалыс\\S* (?:кезінде|уақытында)",
                *_EMPLOYER_FINED_SHTRAF]),
    _G("promotion_training", ["орны бос", "орын бос(?!ат)", "должность освободил", "освободил\\S* (?:\\S+ )?(?:мест|должност|позици)\\S* (?!в )\\S+", "открыл\\S* (?:\\S+ )?(?:позици|ваканси|должност)\\S* (?:начальник|руковод|старш|замест|глав|супервайз|менеджер|мастер|завед)",
                              "не повыс(?:ят|ит)!", "орнына (?:\\S+ ){0,3}(?:рекоменд|ұсын)", "повышени", "повыша", "біліктілік\\S* арттыр", "кадров\\S* резерв", "резерв", "на должность (?:руковод|начальн|заведующ|старш|замест|директор|глав)",
                              "руковод\\S* (?:ставить|назначать|назначить|не назнач)", "назначили (?:мужчин|женщин|другого|другую|его|ее|её)",
                              "карьер(?:а|у|ы|ой|н)", "продвижени", "подава\\S* на должность", "в руководство", "продвига", "продвину", "по служб\\S* (?:не )?(?:продв|повыш|рост)", "курс\\S* (?:повышен|обучен)", "на (?:учебу|учёбу|обучение|курсы|тренинг|стажировку)",
                              "повысить", "повысили", "повышают", "(?<!бас )көтер(?!т)(?=\\S)", "ұсынба", "біліктілікті арттыру", "оқуға", "оқытуға",
                              "курсқа", "курсына", "курстар", "оқу курс", "болуға ұсыныс", "ұсынысын кері ал", "тағылымдама", "мансап", "жоғарылат", "(?:орнына|лауазымына|қызметіне) (?:\\S+ )?(?:\\S+ )?тағайында",
                              "басшы\\S* орнына", "лауазым\\S* (?:\\S+ )?бермеді",
                              "(?:жігітті|адамды|қызды|әйелді|біреуді|басқаны|кісіні|өз адамын) (?:\\S+ )?тағайында",
                              "шен\\S* (?:\\S+ ){0,2}(?:ұсын|бермеді|бермей|берілмеді)", "(?:очередн|следующ)\\S* звани", "звани\\S* (?:\\S+ )?(?:не дали|не присво|задерж)", "присвоени\\S* (?:\\S+ )?звани", "лауазым\\S* (?:\\S+ ){0,2}(?:танысына|таныстарына|туыстарына|туысына|досына|достарына|өз адам\\S*|басқаға) (?:береді|берді|беріп)!",
                              "(?:басшы|меңгеруші|бастық|орынбасар|аға|бас)\\S* (?:\\S+ )?орн(?:ын|ына) (?:\\S+ ){0,5}(?:жігітке|қызға|адамға|біреуге|басқаға|жиеніне|туысына|досына) берді!", "(?:бас|аға|басшы|меңгеруші|бастық|орынбасар)\\S* (?:\\S+ )?орнына (?:өтініш|арыз|құжат)\\S* (?:бердім|тапсырдым)",
                              "орынды (?:\\S+ ){0,3}(?:жиеніне|туысына|баласына|інісіне|досына|басқаға|өз адамына|жігітке|қызға) берді!",
                              "(?:подал|подала|подавал|подавала) (?:\\S+ )?(?:заявлени\\S*|документы|резюме) на (?:\\S+ )?(?:место|должност)\\S*",
                              "(?:хотела|хотел|хочу|хотела бы) стать (?:заведующ|начальник|руковод|старш|глав|замест)",
                              "аттестац\\S* (?:\\S+ )?(?:өткізбей!|өткізбеді!|жібермеді!|қатыстырмады!|не допуст\\S*|не пусти\\S*|не допуска\\S*)", "мест\\S* (?:старш|руковод|начальн|завед|замест|глав)\\S* (?:\\S+ )?(?:отдали|дали|получил|получила)!", "(?:басқаруға|басшы болуға|бастық болуға|басшылыққа) (?:әлі )?ерте", "(?:ол|бұл|сол) орынға (?:\\S+ )?(?:\\S+ )?қойды", "постав\\S* (?:меня )?старш", "(?:старшим|старшей) (?:\\S+ ){0,3}постав", "басшылық (?:орын|қызмет|лауазым)", "(?:басшы|меңгеруші|бастық|директор|орынбасар|жетекші)\\S* … тағайында"],
       exclude=["повы(?:шени|ша)\\S* (?:\\S+ )?(?:зарплат|оклад|зп|ставк|голос)", "жүрег\\S* (?:\\S+ )?көтер", "(?:қабат|коляска|арба|баспалдақ)\\S* (?:\\S+ )?көтер", "(?:жүк|жәшік|қап|ауыр|дауыс|телефон|трубка)\\S* (?:\\S+ )?көтер\\S*", "көтеріп (?:апар|әкел|шығар|түсір)", "көтер(?:дім|емін|ем)!", "көтер(?:мейсің|мейсіз|е алмайсың|е алмайсыз|есің)!", "(?:жалақ|айлық|айлығ|еңбекақ)\\S* (?:\\S+ )?(?:\\S+ )?көтер", "не повышают (?:зарплат|оклад)",
                "голос\\S* (?:повыша|повыси)", "(?:намаз|құран|дұға|молитв\\S*) (?:\\S+ )?оқ",
                "(?:хожу|хожу на|записалась|записался|учусь на) курс\\S*"]),  # the worker's own courses
    _G("promotion_training", ["обучени", "тренинг", "аттестац", "конкурс", "тағайында", "назначи",
                              "(?:выбрали|взяли|назначили|поставили|таңдады|қойды) (?:\\S+ )?(?:другую|другого|басқа)",
                              "(?:жігітті|адамды|біреуді|туысын|туысқанын|баласын|інісін|жиенін|досын|қызды|әйелді|еркекті|ер адамды) (?:\\S+ )?қойды!",
                              "(?:мені|мен) ұсын(?:ды|ған|ып)!", "мені қояды",
                              # a list or an order of courses or ranks without the worker («тізімі шықты, менің атым жоқ», "приказ о курсах — меня в нём нет")
                              "(?:тізім|список|списк|приказ|бұйрық)\\S* (?:\\S+ ){0,10}(?:атым|меня|мені|мен ғана) (?:\\S+ ){0,2}(?:жоқ|жоқпын|нет)!", "(?:кезекті|келесі) (?:\\S+ )?атақ\\S*"], weak=True,
       exclude=["(?:кезек|ауысым|смена)\\S* (?:\\S+ ){0,2}мені қояды"]),  # a shift, not a post
    _G("transfer", ["приказ\\S* о перевод", "переве(?:л|ла|ли|ст|ду|дут|ден|дён|дут)", "перев[её]л", "переместил", "понизил", "понижени\\S* в должности",
                    "ауыстыр(?!ыңызшы|ып беріңіз|уды сұра)", "(?:қызмет|лауазым|бөлім|орн)\\S* аудар(?:ды|ып|ған|мақ|ады|ыпты)!", "басқа (?:бөлімге|филиалға|қызметке|лауазымға|қалаға|цехқа)!", "төмендет",
                    "в другой (?:отдел|филиал|город|цех)", "(?:орн|лауазым|қызмет)\\S* (?:\\S+ ){0,3}түсір(?:ді|іп)", "(?:складқа|қоймаға) (?:\\S+ ){0,2}(?:жіберді|ауыстырды)", "\\S{3,}(?:ға|ге|қа|ке|на|не) аудар(?:ды|ып|ған|ыпты|мақ)!", "(?:складқа|қоймаға|цехқа|филиалға|бөлімге|архивке) (?:\\S+ ){0,2}(?:барасың|барасыз|жүресің|отырасың)!",
                    "(?:архив|склад|қойма|подсобк)\\S* (?:\\S+ ){0,3}отырғыз\\S*",
                    "(?:поставил|поставила|поставили|отправил|отправила|отправили) (?:меня )?(?:посуду|полы|туалеты) (?:мыть|убирать)!",
                    "(?:поставил|поставила|поставили|отправил|отправила|отправили) меня (?:\\S+ )?(?:мыть|убирать|подметать)!", "в подсобку!", "на другую должность",
                    "(?:низш|более низк|нижестоящ)\\S* (?:\\S+ )?должност", "перевод(?:ят|ит|или|ил)! (?:меня )?(?:на|в|из)", "перевод (?:жаса|істе)", "переводить ет",
                    "(?:с|со) (?:кассы|должности|участка|объекта|линии|маршрута|поста|отдела|склада|кухни|зала) (?:\\S+ )?(?:убрал|перекинул|переставил|сняли|снял|сняла)",
                    "(?:убрали|убрал|убрала|перекинули|перекинул|переставили|посадили|посадил|посадила|поставил|поставила|поставили) (?:меня )?(?:\\S+ ){0,2}на (?:склад|кухн|мойк|уборк|подсобк|друг)",
                    "(?:снял|сняли|сняла|убрал|убрали|убрала) (?:меня )?(?:с|со) (?:кассы|должности|участка|объекта|линии|маршрута|поста|отдела|склада|кухни|зала)!",
                    "(?:убрали|убрал|убрала) (?:меня )?(?:из|с|от) (?:\\S+ ){1,2}(?:и )?(?:поставили|посадили|перевели|отправили)!",
                    "сняли (?:меня )?с (?:менеджер|должност|администратор|кассир|бригадир|мастер|старш|завед|руковод)", "должност\\S* снял!", "(?:простой|обычный|жай) \\S+ (?:етіп|қылып) қойды!",
                    "с \\S+ сняли (?:и )?(?:меня )?(?:на|в) (?:подсобк|склад|друг|уборк|мойк|кухн)", "на подсобку!",
                    "\\S+(?:тан|тен|дан|ден|нан|нен) алып \\S+(?:ға|ге|қа|ке|на|не) (?:жіберді|жіберіп|қойды|ауыстырды|отырғызды)",
                    "\\S+(?:тан|тен|дан|ден|нан|нен) алып (?!тастап)(?:\\S+ ){1,5}(?!бөлмеге)\\S+(?:ға|ге|қа|ке|на|не) (?:\\S+ ){0,2}(?:жіберді|жіберіпті|қойды|қойыпты|ауыстырды|отырғызды)!",
                    "(?:скамейк|орындық)\\S* (?:\\S+ )?отырғыз\\S*", "на скамейк\\S*", "(?:жертөле|подвал)\\S* (?:\\S+ ){0,3}(?:\\S+ (?:жіберді|жіберіпті|ауыстырды)|(?!бөлмеге)\\S+ отырғызды)!",
                    "(?:буду|будешь|будет) (?:сидеть|работать) в (?:филиал|сел|другом|друг)\\S*",
                    "\\S+(?:тан|тен|дан|ден|нан|нен) алып \\S+(?:ға|ге|қа|ке|на|не) (?:отырғызып|ауыстырып|жіберіп) (?:қойды|тастады|салды)!",
                    "\\S+(?:тан|тен|дан|ден|нан|нен) алып (?:\\S+ ){1,2}(?:қылды|қылып қойды|етті|етіп қойды)!"],
       exclude=["переве\\S* (?:\\S+ )?(?:на|в) (?:ночн|дневн|друг|вечерн)\\S* смен", "ауыстыр\\S* (?:\\S+ )?ауысым", "(?:попросил|попросила|просил|просила|прошу|просим) (?:\\S+ ){0,2}перевести", "киім\\S* ауыстыр", "ауыстыратын бөлме", "(?:демалыс|кесте|график|графиг|смена)\\S* (?:\\S+ ){0,2}ауыстыр", _KK_THREAT_TO_TRANSFER,
                "(?:куәлі|паспорт|құжат|сим|номер|пароль)\\S* (?:\\S+ )?ауыстыр",
                "(?:денег|зарплат\\S*|зп|сумм\\S*|аванс\\S*) (?:не )?перев[её]\\S*", "перев[её]\\S* (?:\\S+ )?(?:денег|деньги|на карт\\S*)",
                # «қоймаға аударды» is a transfer; money, a text or a shift moved is not
                "(?:ақша|жалақ|айлық|айлығ|сыйақы|қаражат|карта|шот|сом|теңге)\\S* (?:\\S+ ){0,2}аудар\\S*", "(?:қазақша|орысша|ағылшынша|англ|ағылшын|қазақ|орыс|неміс|түрік|тіл|мәтін|ауысым|смена|кесте|график|демалыс|назар)\\S* (?:\\S+ )?аудар\\S*",
                "аудар(?:ып|ыңыз|ыңызшы|шы) (?:бер|беріңіз|беріңізші|берші|жібер)\\S*"]),
    _G("transfer", ["перевод", "постав\\S* (?:меня )?на (?:кассу|должность|участок|другую)", "сняли с должности", "на (?:мойку|ресепшн)"], weak=True,
       exclude=["перевод\\S* (?:денег|зарплат|на карт)"]),
    _G("dismissal", ["уволи(?:ли|л|ла|лась|лся)!", "уволили", "увольня", "увольнени", "уволен", "уволь(?:те|ся)!", "сократ", "сокращ", "сокраш", "по собственному", "по соглашению сторон",
                     "(?:пиш|писа|напиш|написа)\\S* (?:\\S+ )?заявлени", "не выходи(?:ть|те)?!", "не приходи",
                     "расторг", "расторж", "выгнал", "выгнали", "выгоня", "попроси\\S* уйти", "уйти (?:самой|сам|по (?:собствен|соглаш|своему))", "заставля\\S* уйти",
                     "вынужда\\S* уйти", "лишил\\S* работы", "не продл\\S* (?:\\S+ )?(?:договор|контракт)",
                     "(?:договор|контракт)\\S* (?:\\S+ ){0,6}не продл", "(?:меня|нас) (?:\\S+ )?не продлил", "(?:договор|контракт)\\S* (?:\\S+ )?продлева\\S* не (?:буд|стан|ста)", "ұзартпаймыз", "ұзартпады", "ұзартпайды", "(?:шарт|келісімшарт)\\S* (?:\\S+ )?ұзартпа", "(?:контракт|шарт|келісімшарт)\\S* (?:\\S+ )?созба", "(?:шарт|келісімшарт|контракт|договор)\\S* (?:\\S+ )?жаңартпа",
                     "(?:на новый|на следующий) (?:\\S+ )?(?:год|срок|сезон) (?:\\S+ ){0,3}не заключ(?:ат|ит|или|ил|ила|ать)!",
                     "(?:бізбен|бізде|бізге) (?:енді )?(?:жұмыс )?істемейсің!", "кету\\S* (?:\\S+ )?талап",
                     "арыз жазу(?:ымды|ыңды|ын|ды) (?:\\S+ )?талап", "арыз(?:ыңды|ыңызды) жаз(?:ыңыз)? (?:деді|дейді|деп)",
                     "(?:амалсыз|амалым қалмай|амалым жоқ|еріксіз|мәжбүр болып) (?:\\S+ )?(?:жаздым|жазып бердім|қол қойдым|кеттім)!", "(?:сол күні|қорқып|қорыққаным сонша) (?:\\S+ ){0,2}арыз(?:ымды)? (?:жазып бердім|жаздым)!", "ұстама(?:ймыз|йды|ймын)!", "(?:искать|ищи|ищите|поискать) (?:\\S+ )?работу",
                     "басқа жұмыс ізде", "жұмыстан кет", "кетуге мәжбүр", "не арыз(?:ыңды)? жаз", "(?:өз еркім\\S*|кету туралы|шығу туралы|кетуге|жұмыстан кету\\S*) (?:\\S+ ){0,2}арыз", "(?:заставля|вынуди|вынужда)\\S* (?:\\S+ )?уволи",
                     "жұмыстан (?:шығар|шығып|шықтым|босат|қуд|қуып|айыр|ал(?:ды|ып тастады))", "шығарып жібер", "шығарды!",
                     "шығарыпты!", "шығарып (?:жатыр|тастады|салды)", "(?:орн|орын|штат|лауазым)\\S* (?:\\S+ )?қысқар", "(?:қызметтен|жұмыстан|лауазымнан) босату", "босату туралы (?:бұйрық|өкім)",
                     "больше не нужн", "не нужда\\S* в (?:моих |ваших |твоих )?услугах", "(?:меня|нас) (?:\\S+ ){0,3}рассчитал(?:и|а)?!", "(?:требу|заставля|вынужда|просят|попросил)\\S* (?:\\S+ )?(?:уйти|уволит)", "қысқарт", "босатт", "босатыл", "өз еркіммен", "өз еркіңмен", "келмей (?:ақ )?қой", "келмеуге", "(?<!сөзге )келме(?:ңіз|ңдер)? (?:деді|дейді|деп)!",
                     "(?:ертеңнен|ертең) (?:бастап )?(?:келме|шықпа)", "аккаунт\\S* (?:\\S+ )?өшір", *_DISMISSAL_SIGNS, "удалил\\S* (?:меня )?(?:\\S+ )?из (?:приложени|базы|систем)",
                     "продлевать не (?:буд|стан)", "продл\\S* (?:\\S+ )?(?:етпеді|етпейді|жасамады)!", "(?:шарт|келісімшарт|договор)\\S* (?:\\S+ )?ұзарт(?:ылмайды|ылмады|пады|пайды|паймыз|паған)!", "место (?:твое|твоё|ваше) (?:уже )?занят", "заявлени\\S* жаз(?:ыңыз)?!", "не (?:будут|будет|станут|станет) продлевать", "(?:кет|кетіңіз|кете бер|кете беріңіз) (?:деді|дейді|деп)",
                     "сәйкессіздік", "еңбек шарт\\S* (?:бұз|тоқтат)", "не соответству\\S* (?:\\S+ )?должност",
                     "несоответстви\\S* (?:\\S+ )?должност", "(?:найди|найдите|найти|ищи|ищите|искать|нашла|нашел|нашёл|искала) (?:себе )?замену", "(?:чтобы|чтоб) (?:я )?(?:нашла|нашел|нашёл) (?:себе )?друг\\S* (?:место|работу)", "отстрани\\S* (?:\\S+ )?от работ", "қуып жібер", "қуып шықт"],
       exclude=[_THREAT_TO_DISMISS, "обеща\\S* (?:\\S+ ){0,2}(?:увольн|уволь|уволи)",
                "(?:в зал|на кассу|к клиентам|на сцену|на линию) не выходи\\S*",  # a place, not the job
                "(?:өз еркім\\S*|кету туралы|шығу туралы|кетуге|жұмыстан кету\\S*) (?:\\S+ ){0,2}арыз\\S* (?:\\S+ ){0,4}(?:деді|дейді) (?:қоймадым|жазбадым|жазбаймын|бас тарттым|келіспедім)!", "шығарып сал", "ақша ұстама",
                "или (?:\\S+ ){0,3}(?:ищи|ищите|искать)\\S* (?:\\S+ )?работу",  # "или работай как все, или ищи другую работу"
                # a threat («... жұмыстан шығарамын деп қорқытып жүр», «арықтамасаң басқа жұмыс ізде»), or the worker's own wish to quit
                _KK_THREAT_TO_DISMISS, _KK_FIND_ANOTHER_JOB_IF, _KK_OR_ELSE_DISMISS,
                "жұмыстан кеткі\\S* кел", *_FEARED_DISMISSAL,
                "(?:на них|на планерк\\S*|на собрани\\S*|на совещани\\S*|на пятиминутк\\S*) (?:\\S+ )?не приходи\\S*",
                "(?:ұқыпты|әдемі|сақал\\S*|шаш\\S*) қысқартып жүр",  # a beard or hair trimmed, no post cut
                "(?:демалыс|отпуск)\\S* (?:\\S+ )?(?:кесте|график)\\S* (?:\\S+ ){0,6}атым (?:\\S+ ){0,2}жоқ",  # the vacation schedule
                "шетке (?:\\S+ )?шығар\\S*(?: жібер\\S*)?",  # «суретте шетке шығарып жіберді»: put aside in a photo
                "(?:ваканси|хабарландыру|жарнама)\\S* (?:\\S+ )?шығар",
                "(?:үзіліс|демалыс|ауысым|жалақ|айлық|сағат|кесте)\\S* (?:\\S+ )?қысқарт", "сағат(?:ымды|тарымды|ымызды) (?:\\S+ ){0,5}қысқарт",
                "(?:ұнамаса|келмесе|жақпаса|болмаса|кеткің келсе|кеткіңіз келсе) (?:\\S+ )?кет", "жұмыстан кете алма\\S*", "уйти (?:\\S+ )?не (?:могу|может|можем)!", "не могу уйти", "\\S+(?:саң|сең|саңыз|сеңіз) кет", "(?:не нравится|не устраивает) (?:\\S+ )?(?:пиши\\S* (?:\\S+ )?заявлени|увольняйся|уходи)",  # «ұнамаса кет» дейді: a threat, not a dismissal
                "(?:не нравится|не устраивает|ұнамаса|жақпаса|келіспесең|или|не то|әйтпесе|\\S{2,}(?:саң|сең|саңыз|сеңіз)) (?:\\S+ ){0,2}заявлени\\S* жаз\\S*",  # "не нравится - заявление жаз": the threat's alternative
                "увольнят\\S* не (?:хочу|собираюсь|буду|хотела|хотел)", "не (?:хочу|собираюсь|буду) увольнят",
                "(?:бұйрық|приказ)\\S* (?:\\S+ )?шығар\\S*", "жұмыстан кетуге мүмкіндіг", "(?:пиш|писа|напиш|написа)\\S* (?:\\S+ )?заявлени\\S* о выходе", "после сокращ", "(?:резерв|тізім|құрам|кезек)\\S* (?:\\S+ )?шығар\\S*", "(?:асхана|бөлме|кабинет|зал|чат|жиналыс|үйірме|сабақ|тарату|рассылк|топ|группа)\\S*(?:дан|ден|тан|тен|нан|нен) (?:\\S+ )?(?:да |де )?шығар\\S*(?: таста\\S*)?", _SENT_OUT_OF_ROOM, "жұмыстан айырыл(?:са|сам|сақ|саң|саңыз)!", "жұмыстан айырылуға (?:\\S+ )?(?:болмайды|болмайды|қорқамын|қорқам)", "увольняй(?:ся|тесь)!",
                "(?:пиш|писа|напиш|написа)\\S* (?:\\S+ )?заявлени\\S* (?:в|на|о|об) (?:\\S+ )?(?:инспекц|прокурат|суд|полиц|акимат|отпуск|перевод|матпомощ|помощ)",
                "(?:инспекц|прокуратур|сот|полиц|әкімдік|акимат|демалыс|отпуск)\\S* (?:\\S+ )?заявлени\\S* жаз\\S*",
                "сокращ\\S* (?:зарплат|оклад|ставк|премию|прем|рабоч|день|дня|врем|график|часов)", "сокращенн\\S* (?:рабоч|день|график)",
                "(?:жалақ|айлық|жалақым)\\S* (?:\\S+ )?қысқарт"]),
    _G("dismissal", ["уволю", "уволят", "уволит", "уволить", "уволим", "увольн", "жұмыстан!", "шығарамын", "шығарамыз", "шығарады", "бұйрық",
                     # someone taken in my place (after a leave, an illness): the dismissal when nothing else is told
                     "орныма (?:басқа|жаңа) (?:\\S+ ){0,2}(?:ал(?:ды|ыпты|ып)|алған)!",
                     "на (?:мо[её]|ваше) место (?:уже )?(?:взяли|наняли|приняли|нашли|позвал\\S*)!",
                     "заявлени\\S* (?:об|на) увольн"], weak=True,
       exclude=["жұмыстан (?:кейін|соң)", "жұмысқа (?:\\S+ )?шығарады", _THREAT_TO_DISMISS, _KK_THREAT_TO_DISMISS, _KK_OR_ELSE_DISMISS, *_FEARED_DISMISSAL,
                "(?:не нравится|не устраивает) (?:\\S+ )?(?:увольняйся|уходи)!", "жұмыстан кете алма\\S*"]),
    _G("harassment", ["при всех", "перед всеми", "пайдасыз(?:сың|сыз)!", "пайда(?:ң|ңыз) (?:\\S+ )?жоқ", "пайдасыз (?:\\S+ )?(?:апай\\S*|адам|маман|бөшке|қыз|жігіт|қызметкер)!", "(?:сен|сіз|ол) (?:\\S+ ){0,3}пайдасыз!", "никчемн", "никчёмн", "униж", "(?<!без )оскорб", "обзыва", "обозва", "зов(?:ет|ёт|ут) меня", "рж[её]т", "ржут",
                      "смеют", "смеется", "смеётся", "засмеял", "посмеял", "смеял(?:ись|ся|ась)!",
                      # left out of the team's chat or meetings, a bag searched, messages at night
                      "(?:чат|групп)\\S* (?:\\S+ ){0,3}(?:удалил|удалили|удалила|исключил|выкинул|удалить ет|шығарып таста|өшіріп таста)\\S*",
                      "не (?:добавил|добавили|добавила|добавляют|добавляет) (?:меня )?(?:\\S+ )?в (?:\\S+ )?(?:чат|групп)",
                      "удалил\\S* (?:меня )?(?:\\S+ )?из (?:\\S+ )?(?:чат|групп)",
                      "(?:сумк|сөмке)\\S* (?:\\S+ )?(?:тексер|провер|обыск)", "(?:провер|обыск|тексер)\\S* (?:\\S+ )?(?:сумк|сөмке)", "обыскива",
                      "(?:түнде|түнімен|ночью|по ночам) (?:\\S+ )?(?:маған |мне )?(?:жазады|жазып жүр|пишет|звонит|қоңырау шал)\\S*", "насмеха", "издева", "высмеива", "дразн", "травл", "трав(?:ят|ит|или|ил|ила|ят)!", "буллинг", "моббинг",
                      "шут(?:ит|ят|ки|ку|очк)", "домога", "пристава", "лапа", "передразн", "трога", "жоламай", "шеттет", "избега", "сторонят", "кричит на", "орет на", "орёт на", "ор[её]т!", "орут!", "наор(?:ал|ала|али)!", "накрич",
                      "матер(?:ится|ятся|ился|илась|ит|ят)!", "матом", "не здорова",
                      "не жм[её]т", "руку не", "бойкот", "игнорир", "не разговарива", "не общают", "келемеж", "сөйлеспейді", "называ\\S* (?:меня|нас)", "(?:меня|нас) называ", "масқара", "обзыв", "придира", "грубит", "хамит",
                      "ұрсады", "ұрысады", "тиіседі", "қысым көрсет", "қысым жаса", "қысымға ал", "қысып (?:жүр|отыр)",
                      "(?:әріптес|ұжым|клиент|адамдар|жұрт|көп|бәрі)\\S* алдында", "при (?:коллегах|клиентах|гостях|людях|сотрудниках|пациентах|покупателях|учениках|посетителях)",
                      "перед (?:коллегами|клиентами|гостями|людьми|сотрудниками)", "ұялт", "деп кемсіт(?:еді|іп|ті|еді|ейді)!", "алдында кемсіт\\S*", "барлығының алдында", "айқайла", "өсек", "аузыңды жап", "мазақ", "келеке",
                      "күле(?:ді|ді|тін)", "күлед", "әзіл", "былапыт", "балағат", "боқта", "айғай", "қорла", "жәбірле",
                      "бәрінің алдында", "жұрттың алдында", "әдепсіз", "құшақта", "қол(?:ымнан|ымды|ынан|ын) (?:ұста|сипа)", "бөлмесіне шақыр", "обнима", "непристойн", "пошл(?:ые|ых|ым|ое|ую|ыми|ая|ый|ости|ость)!", "жанас", "қол(?:ын)? сал", "дав(?:ит|ят|ил|или)!", "запугива", "қорқыт", "көптің алдында", "сөйлеспей қойды", "сыртымнан", "оскорбля",
                      "деп ата(?:ды|йды|ған|п|йтын|ймыз|йсың)!", "прикалыва", "подкол", "подшучива", "ст[её]б(?:ет|ёт|ут|ать|али|ала|ал|ется|утся)!", "күліп (?:жүр|отыр|тұр)", "бақыр(?:ады|ып|ды)!",
                      "ат қой(?:ып|ған|ды)!", "лақап ат", "қалжың(?:дайды|дап|дады|дайтын|даған)!", "оқшаула",
                      "(?:маған|менімен|бізге|бізбен) (?:мүлдем |мүлде |тіпті |ешқашан )?(?:сөйлемейді|амандаспайды)!", "(?:мүлдем|мүлде) (?:сөйлемейді|амандаспайды)!", "(?:ескерту|сөгіс)\\S* (?:\\S+ )?жаза(?:ды|йды|п жүр|п жатыр)!", _SENT_OUT_OF_ROOM, "ешкім (?:\\S+ )?қасыма (?:отырмайды|жоламайды|жақындамайды)",
                      "(?:иди|уходи|идите|уходите) на пенси", "освободи(?:те)? (?:мне )?место"],
       exclude=["(?:никто|никого) (?:\\S+ )?не трога"]),  # "у девочек крестики никто не трогает": others are left alone
    _G("harassment", ["жиналыста", "на собрани", "на планерк", "на планёрк", "атайды", "угрожа", "кличк", _THREAT_TO_DISMISS, _KK_FIND_ANOTHER_JOB_IF,
                       _KK_IF_NOT_I_WONT, _KK_PAY_CUT_THREAT,
                       # a reprimand given to the worker (not "директору дали выговор", not "как обжаловать выговор")
                       "(?:выговор|сөгіс|ескерту)\\S* (?:\\S+ )?(?:дал|дали|дала|объявил|объявили|объявила|берді|береді|беріп|жариялады|за выговором)!",
                       "(?:мне|маған) (?:\\S+ ){0,2}(?:выговор|сөгіс)\\S*", "(?:будет|получишь|получит|получите|влеплю|влепят) (?:\\S+ )?выговор\\S*", "(?:гроз|угрожа|пуга)\\S* (?:\\S+ )?выговор\\S*",
                       "(?:выговор|сөгіс)\\S* (?:\\S+ )?(?:алдым|получил|получила)!", "(?:алдым|получил|получила) (?:\\S+ ){0,2}(?:выговор|сөгіс)\\S*", "(?:жиналыс|кеңес|планерк|совещани|собрани)\\S* (?:\\S+ ){0,2}(?:шақырма|шақырылма|не (?:зов|приглаш|позвал))\\S*",
                       _KK_THREAT_TO_DISMISS, _KK_THREAT_TO_TRANSFER,
                       _KK_OR_ELSE_DISMISS, _RU_OR_ELSE_DISMISS], weak=True,
       # «кемсіткен компанияға айыппұл», «кемсіткені үшін»: the employer's liability asked about, no harassment told
       exclude=["кемсіткен (?:\\S+ )?(?:компания|жұмыс беруш|мекеме|ұйым|бастық|басшы|директор|фирма)\\S*", "кемсіт(?:кені|у) үшін"]),
    _G("probation", ["испытательн", "испытани", "сынақ", "испытательный срок", "исп срок", "испыт срок", "испытательный!", "испыталк"]),
]

_KIN = {_n(w) for w in (
    "муж мужа мужу жена жены жене мама мамы маме мать матери папа папы отец отца сын сына сыну дочь дочери дочка дочки "
    "брат брата сестра сестры бабушка дедушка свекровь родители родителей ребенок ребёнок ребенка ребёнка "
    "күйеуім күйеуі күйеуімнің жолдасым жолдасымның жұбайым әйелім анам анамның әкем әкемнің шешем ұлым қызым балам баламның ағам апам әпкем інім "
    "қарындасым сіңлім енем атам әжем мамой маму папой отцом матерью мужем женой сыном дочерью "
    "папе отцу анама әкеме анамның анасына әкесіне ағамның інімнің бауырым бауырымның әпкемнің сіңлімнің брату братом сестру сестрой").split()} | {_norm_word(w) for w in "экем экемнин экеси экесинин ecem akem".split()}
_CHILD_WORD = re.compile(_alternatives(["реб[её]н", "дет(?:и|ей|ям|ьми)!", "сын", "доч", "малыш", "бала", "ұлым", "ұлыма", "қызым",
                                        "сәби", "дети"]))
_RU_NEG_TRANSPARENT = {_n(w) for w in "я был была были являюсь состою состоял состояла в во член членом его ее её уже больше "
                       "даже никогда и совсем".split()}
_KK_NEG = re.compile(_n(r"емес\S*|жоқ\S*|емеспін"))
_KK_NEG_TRANSPARENT = {_n(w) for w in "мүшесі мүше мүшемін мүшем мүшесімін болып едім мен де да ешқандай ешқашан кірген тобым тобы".split()}
# A denied reason, for any ground (a nationality too): "не из-за возраста, а ...", "уволили не по причине болезни",
# «жасым үшін емес», «дініме байланысты емес». Russian: the words before the cue; Kazakh: the words after it.
_RU_REASON_DENIED = re.compile(_n(r" (?:не (?:из за|изза|по причине|потому что|так как|из за того что|по$)|не думаю что (?:это )?(?:из за|изза|потому что)|не надо (?:говорить|думать) что (?:это )?(?:из за|изза|потому что)|(?:дело|причина|проблема) (?:точно |вовсе |совсем |явно |тут |здесь |же )?не (?:в|во))"
                                  r"(?: (?:я|у меня|моего|моей|моих|моя|мой|моё|мое|твоем|твоём|твоей|твоих|вашем|вашей|ваших|своего|своей|своих|того|том|что|был|была|была))*$"))
_PROBLEM = {_n(w) for w in "мәселе себеп себебі проблема".split()}
_RU_DENIED_ACROSS = re.compile(_n(r" не (?:надо|нужно|стоит) (?:говорить|думать|считать) что (?:это )?(?:из за|изза|потому что)"
                                   r"(?: (?:я|мой|моя|моего|моей|моих))*$"
                                   # "я не думаю, что дело в возрасте"
                                   r"| не (?:думаю|считаю|кажется) что (?:это |тут |здесь )?(?:дело|причина|проблема) (?:в|во)(?: (?:моем|моём|моей|моих|том что|том))*$"))
# «... үшін емес пе?» ("isn't it because ...?"): a question that affirms, not a denial
_NOT_ASKED = r"(?! ?(?:пе|ме|ба|бе|па|ма)(?!\S))"
_KK_REASON_DENIED = re.compile(_n(r"^(?: (?:болғаным|болғанымды|болғанымнан|екенім|екенімді|екені|екенін|болғаны|деп|ғана"
                                  r"|\S+(?:ған|ген|қан|кен|атын|етін|йтын|йтін)(?:ы|і|ым|ім|ың|ің)(?:на|не|а|е)))*"
                                  rf" (?:үшін|учун|себепті|себебінен|салдарынан|байланысты|болғандықтан|деп|бола)(?: деп)? (?:емес{_NOT_ASKED}|ойламаймын|ойламаймыз|санамаймын)"
                                  r"|^(?: \S+)? (?:үшін|учун|себепті|байланысты) (?:\S+ )?\S+(?:ған|ген|қан|кен) (?:жоқ|емес)(?!\S)"  # «жүктілігім үшін шығарған жоқ»
                                  r"|^(?: бұған| оған| мұнда| бұл жерде)?(?: еш| ешқандай| ешбір)? қатысы (?:жоқ|болмады)"
                                  r"|^ (?:екенімнен|екенінен|екендігімнен|болғанымнан|болғанынан) емес"  # «жүкті екенімнен емес»
                                  r"|^ емес (?:екен|болып шықты)"  # «кредит емес екен»: "it was not the loan"
                                  r"|^(?: тут| здесь| точно| вообще| совсем| совершенно)* ни при ч[её]м"  # "язык тут ни при чём"
                                  r"|^(?: тут| здесь| точно| вообще| совсем| совершенно)* не (?:причина|при ч[её]м)"))  # "... тут не причина"
# «жасыма не балаларыма қарап жатыр деп ойламаймын»: "I do not think they look at my age", later in the clause
_KK_THINK_NOT = re.compile(_n(r"^(?: \S+){0,6} (?:деп|екен деп) (?:ойламаймын|ойламаймыз|санамаймын)(?!\S)"))
# A ground named in the locative ("it is not in my age") before a bare «емес»: «жасымда емес», «ұлтымда емес»,
# «кәсіподақта емес». The rules know no cue in «жасымда» alone, so the denial is read here (and the learned
# check, told the ground is denied, adds nothing back).
_KK_LOCATIVE_GROUNDS = {_n(stem): label for stem, label in {
    "жас": "age", "ұлт": "nationality", "жыныс": "sex", "дін": "religion", "тіл": "language", "денсаулық": "health",
    "ауру": "health", "мүгедектік": "disability", "кәсіподақ": "trade_union", "жүктілік": "pregnancy", "тег": "origin",
    "тіркеу": "residence"}.items()}  # the stems as the normalised text spells them
_KK_LOCATIVE_DENIED = re.compile(" (" + "|".join(_KK_LOCATIVE_GROUNDS) + ")"
                                 + _n(rf"(?:ым|ім|ың|ің|ымыз|іміз|ыңыз|іңіз|ы|і|м)?(?:да|де|та|те|нда|нде) емес(?!\S){_NOT_ASKED}"))
# Said not to matter, in the same sentence: "у меня диабет, но на работе это никак не влияет".
_NOT_RELEVANT = re.compile(_n(r"^ (?:но|а|бірақ|бирак)(?: \S+){0,3} (?:никак |ни на что |вообще |совсем )?не влия"))

# The reason denied by a word pointing back at the ground, later in its sentence: "3 группа инвалидности, но
# сократили меня не из-за этого", «тіркеуім ауылда, бірақ сол үшін емес».
_DENIED_BY_REFERENCE = re.compile(_n(r" не (?:из за|изза) (?:этого|нее|неё|него|этой|этих)(?!\S)| не поэтому(?!\S)"
                                     rf"| (?:сол|соған|осы|оған|бұл|бұған) (?:үшін|бола|байланысты|себепті) емес(?!\S){_NOT_ASKED}"
                                     r"| деген (?:себеп|себептер|себебі) (?:жоқ|емес)(?!\S)"
                                     r"| мәселе (?:онда|сонда|мұнда|осында|бұнда|оның өзінде|бұл жерде) емес(?!\S)| (?:дело|проблема) не в этом(?!\S)"
                                     r"| (?:это |оно )?(?:никакого )?отношения (?:к \S+ )?не имеет(?!\S)| не имеет (?:к \S+ )?(?:никакого )?отношения(?!\S)"))
# The same treatment for everyone: no weak cue is the reason.
_EVERYONE = re.compile(_n(r" маған да (?:\S+ )?басқаларға да(?!\S)| басқаларға да маған да(?!\S)| и мне(?:,)? и (?:другим|остальным|всем)(?!\S)"
                          r"| не только (?:мне|меня|на меня)(?!\S)| всем одинаково(?!\S)| со всеми так(?!\S)"
                          r"| (?:бәріне|бәрімізге|барлығына|барлығымызға|баршамызға) (?:бірдей|солай)(?!\S)"
                          r"| (?:сокращают|увольняют|сократили|уволили|сокращение) (?:\S+ )?всех(?!\S)| всех (?:сокращают|увольняют|сократили|уволили)(?!\S)"
                          r"| (?:бәрімізді|барлығымызды|бәрін|бүкіл ұжымды) (?:\S+ )?(?:қысқарт|шығар|босат)\S*"
                          r"| у всех (?:\S+ )?(?:так же|также|то же самое|одинаково)(?!\S)| (?:все|ребята|остальные) (?:\S+ )?в таком же положении"
                          r"| жас кәрі демей| (?:сокращени\S*|сокращают|сократили) (?:всего|всей|целого|целой) (?:нашего |нашей )?(?:отдела|цеха|филиала|бригады|подразделения|коллектива|смены)(?!\S)| никого (?:из \S+ )?не оставили(?!\S)| бүкіл (?:\S+ ){0,2}бірдей(?!\S)| (?:бүкіл|барлық) (?:бөлімге|ұжымға|қызметкерлерге) (?:\S+ )?(?:бермей|төлемей)"))
# Causal context that makes a weak cue count: "из-за", "потому что", «үшін», «... екенін білген соң».
_CAUSE_BEFORE = re.compile(_alternatives(["из за", "изза", "потому", "так как", "узнал", "узнала", "узнали", "увидел", "увидела",
                                          "увидели", "посмотрел", "посмотрели", "из за того", "за то", "причин", "поскольку",
                                          "из-за"]))
_CAUSE_AFTER = {_n(w) for w in "үшін учун деп екенімді екенін екенін екенім екен білген біліп көріп естіп себепті салдарынан "
                "байланысты болғандықтан болғаным болғанымды соң десем дегенімде".split()}  # «ауылданмын десем, "..." деп алмады»
_FOR = _n("үшін")
_KK_AND = {_n(w) for w in ("әрі", "және", "үстіне")}  # «оның үстіне»: "on top of that"
# a Kazakh verbal noun (ажырасу, тұрмысқа шығу, оқу) before «үшін»: "in order to", not "because of" (the noun «ауру» is an illness)
_PURPOSE = re.compile(_n("(?:[^р]|[^а]р)(?:у|ю)$"))
_MEMBERSHIP = re.compile(_alternatives(["член", "состо", "вступ", "участ", "актив", "деятельност", "волонт", "мүше", "белсенді", "ерікті",
                                        "қатыс"]))

# Language at work: a language named together with a lack, a ban, mockery or a requirement.
_LANGUAGE_WORD = re.compile(_alternatives([
    "по (?:казахски|русски|английски|узбекски|кыргызски|уйгурски)!", "(?:казахск|русск|английск|государственн|родн)\\S* (?:язык\\S*)",
    "(?:казахский|русский|английский|китайский|казахского|русского|казахском|русском|казахским|русским)!", "язык\\S*", "акцент",
    "шала (?:казах|қазақ)\\S*",  # a Kazakh who speaks little Kazakh: the language, not the nationality
    "(?:қазақша|орысша|ағылшынша|қытайша|ұйғырша|өзбекше|қырғызша|түрікше|немісше|корейше|дүнгенше)(?:ң|сы|ңыз|м|ны|ңды|мды|ңызды|сын)?!", "госязык\\S*", "мемлекеттік тіл\\S*", "(?:қазақ|орыс|ағылшын|мемлекеттік|ана) тіл\\S*", "тіл(?:ін|ді|іңді|ім|іміз|дерін|інде|ге)!",
]))
_LANGUAGE_TROUBLE = re.compile(_alternatives([
    "не (?:очень|так|совсем|слишком) (?:хорошо|свободно|уверенно)", "не (?:знаю|знает|знаешь|знала|знал|знаем|владею|владеет|говорю|говорит|говоришь|понимаю|понимает|выучил)", "плохо", "слаб",
    "без знания", "незнани", "запрет", "запрещ", "нельзя", "штраф", "требу", "требова", "обязательн", "владени", "казтест", "міндетті", "смеют", "смеял", "высмеив",
    "передразн", "акцент", "как баран", "коряво", "ломан", "только на", "связать не", "не берут", "не взяли", "білмей", "білмейсің", "білмейтін", "білмегенім", "білмегендіктен",
    "нашар", "жетік", "шала", "қате", "айыппұл", "тыйым", "сөйлемеңдер", "сөйлесең", "сөйлесеңдер", "сөйлеме", "болмайды", "талап", "күлед",
    "мазақ", "ұялт", "меңгермеген", "жақсы емес", "сөйле!", "ұрса", "ұрыс", "ескерту", "ругает", "ругал", "кричит", "замечани", "выговор",
    "нарушени", "регламент", "должен", "должна", "должны", "обязан", "үйрен", "выучи", "научи", "дұрыс сөйле", "правильно говор", "(?:был|была|было|быть|только) родн", "на бытовом", "ана тілі", "сөйлей алма", "алмайсың", "алмайсыз", "әлсіз", "не можешь", "не может", "не умеешь", "не умеет",
]))
# Speaking the language well ("по-русски говорю отлично", «қазақша жақсы сөйлеймін»): no lack, so no ground by itself.
# A particle may come first: "по-казахски кстати нормально говорю", «орысша да еркін сөйлеймін».
_WELL_PARTICLE = "(?:(?:кстати|тоже|вполне|тем более|да|де|та|те|өте|тіпті|очень) )?"
_LANGUAGE_WELL = re.compile(_alternatives([
    _WELL_PARTICLE + "(?:говорю|говорит|владею|владеет|знаю|знает|понимаю|пишу) (?:\\S+ )?(?:отлично|хорошо|свободно|прекрасно|идеально|без акцента|нормально|бегло)",
    _WELL_PARTICLE + "(?:отлично|хорошо|свободно|прекрасно|идеально|нормально|бегло) (?:\\S+ )?(?:говорю|говорит|владею|владеет|знаю|знает|понимаю)",
    _WELL_PARTICLE + "(?:жақсы|еркін|таза|мүдірмей|жетік) (?:\\S+ )?(?:сөйлеймін|сөйлейді|білемін|біледі|меңгергенмін)",
]))
_NOT_WELL = re.compile(_n("(?:^| )не (?:очень |так |слишком |совсем )?(?:\\S+ )?$"))
_LANGUAGE_REQUEST = re.compile(_alternatives([
    "ответь", "ответить", "отвечай", "отвечать", "ответ (?:на|по)", "ответы (?:на|по)", "напиш", "пиши!", "переключ", "смени", "поменяй", "перейд", "можно на", "давай", "говори со мной", "бот",
    "жауап", "жаз(?:ыңыз|шы|ып бер)?!", "сөйлеші", "сөйлеңіз", "аудар", "переведи", "переходи",
]))

# Ages: a self-stated age, a child's age.
_KK_TENS = _n("(?:он|жиырма|отыз|қырық|елу|алпыс|жетпіс|сексен)")
_KK_NUMBER = _n("(?:бір|екі|үш|төрт|бес|алты|жеті|сегіз|тоғыз|он|жиырма|отыз|қырық|елу|алпыс|жетпіс|сексен)")
_SELF_AGE = re.compile(_n(
    rf" (?:мне|маган|маған|вам|тебе|сізге|саған) (?:уже |всего |только |еще |ещё |скоро |было |исполнилось )?({NUM})"
    r"(?: (?:год|года|лет|годиков|жас|жаста|жастамын|жастагимин|жастағымын))?(?!\S)(?! (?:недел|дн|дня|день|месяц|мес|тыс|мин|час|раз|процент|человек|сотрудник|адам|кун|апта|ай|жил|жыл))"
    rf"| ({NUM}) (?:жастамын|жастамин|жастагимин|жастағымын|жаста пин|жастағы \S*(?:мин|мын|пин|пын)|летн\S*)(?!\S)"
    rf"| (?:мне|маган|маған) ({NUM}) (?:год|года|лет|жас|жаста)"
    rf"| ({NUM}) жасим(?:ди|да|нан|га)?(?!\S)"
    rf"| ({NUM}) (?:да|де|та|те)(?:мын|мин|пын|пин)(?!\S)"  # «57-демін»
    rf"| жасим ({NUM})(?: (?:те|та|де|да))?(?!\S)"
    # «он алтыдамын», «елу тоғыздамын», «қырық екідемін»; «елу сегізге толдым»: the number word takes the ending
    rf"| ((?:{_KK_TENS} )?{_KK_NUMBER})(?:да|де|та|те)(?:мын|мин|пын|пин)(?!\S)"
    rf"| ((?:{_KK_TENS} )?{_KK_NUMBER})(?:ге|га|ке|ка) (?:толдым|толдим|толды|толганда|толган)(?!\S)"
))
_WILL_MARRY = re.compile(_alternatives(["замуж (?:выйдешь|выйдете|выйдет|собираешься|соберешься|соберёшься)!", "выйдешь замуж",
                                       "күйеуге (?:шығасың|шығасыз|шығады|шығып кетесің|шығып)!", "тұрмысқа (?:шығасың|шығасыз|шығады|шығып)!",
                                       "замуж (?:шығасың|шығасыз|шығып)!"]))
_CHILD = _n(r"(?:сын(?:у|а|ом|ишке|ишка|очку|очек)?|доч(?:ке|ь|ери|ерью|ка|ку|кой|урке|урка)|реб[её]н(?:ок|ку|ка|ком)|малыш(?:у|ом|а)?|малому|мелкому|мелкой|"
            r"дет(?:ям|и|ей|ьми)|младш(?:ему|ей|енькому|енькой)|старш(?:ему|ей)|внук(?:у|ом)?|внучк(?:е|ой|а)|"
            r"ұлым|ұлыма|ұлымның|ұлым|қызым|қызыма|қызымның|бала|балам|балама|баламның|баласы|баласына|балаңыз|балаң|сәбиім|кішкентайым|кенжем|кенжеміз)")
_CHILD_AGE_BEFORE = re.compile(
    rf" ({NUM}) (?:{_n('жастағы|жасар|жасар|летн|летнего|летнему|летней|летнюю|летний|летняя|месячн|айлық')})\S* (?:\S+ )?"
    + _n(r"(?:ұл|қыз|бала|сын(?!ак)|доч|реб|малыш)") + r"\S*"
)
_NOT_CHILD_AGE = _n(r"(?:раз|раза|рет|класс|классе|сынып|сыныпта|шакты|шақты|платить|выплачивать|учиться|осталось|төлеймін|төлеу|оқиды)(?!\S)")  # "дочка два раза болела"
_CHILD_AGE = re.compile(
    rf" {_CHILD}(?: \S+)? (?:(?:уже|всего|только|еще|нет и|{_n('әлі')}) )?({NUM}|{_n('пол')}|{_n('полгода')})(?: ({_n('год|года|лет|годик|годика|годиков|мес|месяц|месяца|месяцев|месяцев|жас|жаста|жастагы|жаста|айлик|ай')}))?(?!\S)(?!(?: \S+)? {_NOT_CHILD_AGE})"
    rf"| {_CHILD}(?: \S+)? ({NUM}) (?:{_n('айлық|айлик|ай')})(?!\S)"
    rf"| {_CHILD}(?: (?:уже|всего|только|еще))? ({_n('год|годик')})(?!\S)(?! (?:назад|тому|как|спустя|прошел|прошло|через))"  # "дочке год и два месяца"
)

# Employer.
_SOLE_TRADER_WORDS = ["ип!", "жк!", "жеке кәсіпкер", "индивидуальн\\S* предпринимател"]
_EMPLOYER_BUSINESS = _alternatives([*_SOLE_TRADER_WORDS, "тоо!", "жшс!", "фирм", "компани",
                                    "магазин", "кафе!", "дүкен", "мастерск", "цех", "салон", "предприят", "организац", "ұйым", "ресторан",
                                    "аптек", "офис", "школ", "мектеп", "клиник", "частн"])
_EMPLOYER_NGO = re.compile(_alternatives(["нко!", "нпо!", "үеұ", "неправительственн\\S* организац", "некоммерческ\\S* организац",
                                          "общественн\\S* (?:объединени|организаци|фонд)", "үкіметтік емес ұйым", "коммерциялық емес ұйым",
                                          "қоғамдық (?:бірлестік|ұйым|қор)", "фонд", "қор(?:ға|да|ында|ына)!"]))
_EMPLOYER_DOMESTIC = re.compile(_alternatives([
    "домработниц", "домашн\\S* (?:работниц|работник|персонал|прислуг)", "прислуг", "гувернантк", "нян\\S* (?:у|в семье|в частн)",
    "в семье (?:работаю|няней|сиделкой|помощниц)", "у частного лица", "у частных лиц", "помощниц\\S* по хозяйству", "сиделк\\S* у",
    "үй жұмыскер", "үй қызметші", "бір отбасында", "отбасында (?:істеймін|жұмыс|күтуші)", "үйде күтуші", "үй күтуші",
    "үй аспаз", "үй жұмыскері", "үйде (?:бала )?күтуші", "бір үйде (?:\\S+ )?(?:күтуші|аспаз|тазалаушы|жүргізуші)", "отбасына (?:\\S+ )?(?:күтуші|аспаз|үй қызметші|бала күтуші)", "няней!", "нянькой!",
]))
_EMPLOYER_CIVIL = re.compile(_alternatives([
    "госслужащ", "государственн\\S* служащ", "госслужб", "государственн\\S* служб", "акиматта!", "әкімдікте!",
    "әкімшілікте!", "мемлекеттік қызмет", "мемқызмет", "министрлікте",
]))
_EMPLOYER_LARGE = re.compile(_alternatives([
    "завод", "фабрик", "комбинат", "сетев", "сети магазин", "супермаркет", "гипермаркет", "холдинг", "корпорац", "нацкомпан",
    "национальн\\S* компан", "месторожден", "рудник", "шахт", "зауыт", "кен орн", "ірі (?:компани|кәсіпорын|желі)",
    "крупн\\S* (?:компан|фирм|предприят|сет|холдинг|магазин)", "акционерн", "ао!", "транснациональн",
    "(?:работаю|работала|работал|специалист\\S*|центра|истеимин|жумис истеимин) (?:\\S+ ){0,3}в банк",
    "ірі банк", "крупн\\S* банк", "(?:компания|фирма|банк|предприятие|организация) (?:очень )?(?:больш|крупн)", "филиалдары",
    "филиал\\S* по всему", "мыңнан (?:астам|аса|артық)", "тысяч\\S* (?:человек|сотрудник|работник)",
]))
_SIZE_UNIT = _n(r"(?:человек\S*|чел|сотрудник\S*|работник\S*|рабочих(?! (?:дн|час|мест|смен|недел|суббот|выходн))|операторов|продавц\S*|кассир\S*|официант\S*|адам\S*|кизметкер\S*|жумискер\S*|жумисши\S*|жүргізуші\S*|кісі|кисимиз|штатн\S*|курьер\S*|водител\S*|мастер(?:ов|а)|повар\S*|охранник\S*|швей|медсест[её]р|учител\S*)")
# "около", "более", "не больше" before the number; «300-ден астам», «бес-ақ», «10-ға жуық» after it.
_SIZE_BEFORE = _n("(?:всего |только |лишь |около |примерно |где то |почти |более |больше |свыше |менее |меньше |не более |под "
                  "|не больше |до |ғана |барлығы |шамамен |шамасы )?")
_SIZE_AFTER = _n("(?: (?:ден|дан|тен|тан|нен|нан|ге|ға|ке|қа))?(?: (?:астам|аса|артық|жуық|шамасында|шақты|ғана|ақ|дей|дай|тей|тай))?")
# Places a headcount is told of: "на фабрике, там человек 120", "в нашем филиале человек 60", "компания большая, человек 200".
_SIZE_PLACE = _n(r"(?:там|компани\S*|филиал\S*|фабрик\S*|завод\S*|тоо|жшс|офис\S*|склад\S*|предприяти\S*)")
_SIZE = re.compile(
    _n(rf" (?:нас|у нас|ми|мы|бизде|біз|біздің|барлығы|бар болғаны|всего|штат\S*|коллектив\S*|ұжымда|ұйымда|итого|бизде барлиги|там)"
       rf"(?: \S+){{0,3}}? {_SIZE_BEFORE}({NUM}){_SIZE_AFTER} {_SIZE_UNIT}(?!\S)")
    + _n(r"| (?:нас|у нас)(?: \S+){0,2}? ") + rf"{_SIZE_UNIT} ({NUM})(?!\S)"  # "нас в офисе человек двенадцать"
    + rf"| {_SIZE_PLACE}(?: \S+)?? " + _n(r"(?:человек|чел) ") + rf"{_SIZE_BEFORE}({NUM})(?!\S)"  # "в компании человек 300"
    + _n(r"(?! (?:лет|год\S*|месяц\S*|дн\S*|недел\S*|раз\S*|час\S*|тысяч\S*|тенге|тг)(?!\S))")
    + r"| " + _n(r"(?:человек|чел) ") + rf"({NUM}) " + _n(r"(?:нас|работает|работают)(?!\S)")  # "человек 40 нас"
    + rf"| {_SIZE_UNIT} " + _n(r"(?:там|у нас|нас) ") + rf"{_SIZE_BEFORE}({NUM})"  # "в ТОО, рабочих там около 100"
    + _n(r"(?! (?:лет|год\S*|месяц\S*|дн\S*|недел\S*|раз\S*|час\S*|тысяч\S*|тенге|тг)(?!\S))")
    + rf"| {_SIZE_UNIT} {_SIZE_BEFORE}({NUM}) "
    + _n(r"(?:работает|работают|работаем|в штате|истеиди|истеимиз|жумис|всего|бар|барміз)")
    + rf"|{_EMPLOYER_BUSINESS} (?:\S+ )?{_SIZE_BEFORE}({NUM}){_SIZE_AFTER} {_SIZE_UNIT}(?!\S)"  # «фирмамызда 40-қа жуық адам»
    + rf"|{_alternatives(['нко!', 'нпо!', 'үеұ', 'фонд', 'қор'])} (?:\S+ )?({NUM}) {_SIZE_UNIT}(?!\S)"
    + _n(r"|(?<! тағы)(?<! еще)(?<! кроме)") + rf" ({NUM}){_SIZE_AFTER} {_SIZE_UNIT} "  # «қырық шақты адам істейміз», «40 қызметкеріміз бар»; not «тағы екі жүргізуші бар»
    + _n(r"(?:ғана|работает|работают|работаем|в штате|в фирме|в компании|жұмыс істейді|істейміз|істейді|барміз|бар(?!\S))")
    # «200 адам істейтін компания», «8 адамнан тұратын қор», «30 шақты маусымдық жұмысшы бармыз», «9 адамдық қор»
    + rf"| ({NUM}){_SIZE_AFTER} (?:\S+(?:дик|тик|лик) )?{_SIZE_UNIT} " + _n(r"(?:жұмыс )?(?:істейтін|тұратын|бармыз)(?!\S)")
    + rf"| ({NUM}) " + _n(r"(?:адамдық|кісілік)(?!\S)")
    + rf"| ({NUM}){_SIZE_AFTER} " + _n(r"(?:адамбыз|адампыз|адаммыз|кісіміз|кісіде|қызметкерміз|жұмыскерміз)(?!\S)")
)
# Headcounts in words: "нас всего семеро", «бесеуміз ғана», «алтауымыз».
_COLLECTIVE: dict[str, int] = {_n(w): n for n, forms in {
    2: "двое екеу", 3: "трое үшеу", 4: "четверо төртеу", 5: "пятеро бесеу", 6: "шестеро алтау", 7: "семеро жетеу",
    8: "восьмеро сегізеу", 9: "девятеро тоғызау", 10: "десятеро онау"}.items() for w in forms.split()}
_COLLECTIVE_RE = "(" + "|".join(sorted(_COLLECTIVE, key=len, reverse=True)) + ")"
_SIZE_COLLECTIVE = re.compile(
    _n(r" (?:нас|у нас|в штате|штат|коллектив\S*|мы|их там)(?: \S+){0,2}? (?:всего |только |лишь |же )?") + _COLLECTIVE_RE + r"(?!\S)"
    + r"| " + _COLLECTIVE_RE + _n(r" (?:нас|в штате|работаем|работает|сотрудник\S*|работник\S*)(?!\S)")
    + r"| " + _COLLECTIVE_RE + _n(r"(?:міз|іміз|мыз|ымыз)(?!\S)")
    + r"| " + _COLLECTIVE_RE + _n(r" (?:ғанамыз|ғанабыз|ақпыз)(?!\S)")
    + r"| " + _n(r"(?:бізде|біз|барлығы|барлығымыз) (?:ғана )?") + _COLLECTIVE_RE + _n(r"(?:міз|іміз|мыз|ымыз)?(?!\S)")
)
# Units of an employer (a headcount told of one is not the employer's): a department, a branch, a team, a shift.
_UNIT = re.compile(_n(r"(?:отдел|отделени|бригад|смен[аеуы]|сменам|филиал|кафедр|участк|бөлім|ауысым)\S*$"))
_SOLE_TRADER = re.compile(_alternatives(_SOLE_TRADER_WORDS))
_NOT_STAFF = re.compile(_alternatives(["дет", "ребят", "брат", "сестр", "сестер", "сем", "в семье", "родител", "внук", "бала",
                                       "бауыр", "отбасы", "апа", "аға", "қыз", "ұл", "сынып", "класс", "друз", "дос", "күйеу", "жұбай",
                                       "муж", "жена", "жени", "әйелім", "әріптес", "коллег", "напарни", "серіктес"]))

# State employers. A state body's staff are state servants (the civil-service route); the staff of a state
# institution or enterprise (a school, a hospital, «мемлекеттік мекеме») are civil employees under the
# Labour Code (TK art. 1, "гражданский служащий"), not state servants: that employer is "other". A place
# counts as the employer with a word about working there in the same clause ("работаю в акимате", «мектепте
# мұғаліммін»), not as where one complained or was treated ("пожаловалась в акимат", "лежала в больнице").
_STATE_BODY = re.compile(_alternatives([
    "акимат", "әкімдік", "әкімшілік", "министерств", "министрлік", "госорган", "мемлекеттік орган", "полици", "полиси", "прокуратур",
    "таможн", "кеден", "мчс!", "тжм!", "армия", "армии!", "әскер", "воинск\\S* част", "военн\\S* част", "департамент",
    "налогов\\S* (?:комитет|управлени|служб|орган)", "салық (?:комитет|басқарма)", "ұлттық гвардия", "нацгварди",
    "(?:управлени|отдел)\\S* (?:образовани|здравоохранени|занятост|культур|земельн|архитектур|финанс)", "(?:білім|денсаулық сақтау) (?:бөлім|басқарма)",
]))
_STATE_INSTITUTION = re.compile(_alternatives([
    "госучрежд", "государственн\\S* (?:учрежд|школ|больниц|поликлиник|предприят|организац|университет|колледж|вуз|сад|клиник|библиотек|музе|театр)",
    "мемлекеттік (?:мекеме|мектеп|аурухана|кәсіпорын|ұйым|университет|колледж|емхана|балабақша|кітапхана|мұражай|театр)",
    "бюджетн\\S* (?:организац|учрежд)", "кгу!", "гккп!", "ргп!", "ргу!", "больниц", "аурухана", "поликлиник", "емхана",
    "роддом", "перзентхана", "перинатальн",
    # A school may be private (a bare "в школе" leaves the employer unknown: the answer asks); a state school
    # by its number or kind.
    "(?:школ|гимнази|мектеб|мектеп)\\S* (?:номер )?\\d+(?!\\S)(?! (?:жыл|лет|год|ай|мес|сағат|час|күн|дн|апта|недел|сынып|класс|жас))",
    "\\d+ (?:школ|мектеп|гимнази)", "общеобразовательн\\S* школ",
    "жалпы білім беретін", "сельск\\S* школ", "ауыл(?:дық|дағы)? мектеб",
]))
# Employers that are never a micro-enterprise: a bank, a university, the railway, an airline, an oil or energy company
# (with a word about working there: "кредит в банке" is no employer). Not a shopping centre or an airport: the
# employer there may be a small shop or a contractor.
_LARGE_BY_KIND = re.compile(_alternatives([
    # the place itself, not a genitive ("в столовой университета", "линия поддержки банка": maybe a contractor)
    "банк!", "банке!", "банкте!", "банкке!", "банкта!", "банкіде!", "университет!", "университете!", "университетте!",
    "университетке!", "университетінде!", "университетіне!", "универ!", "универе!", "вуз!", "вузе!",
    "теміржол", "темір жол", "железн\\S* дорог", "депо", "депосы", "вокзал", "авиакомпани", "әуе компани",
    "мұнай компани", "мұнай кәсіпорн", "нефтян\\S* компани", "энергетика компани", "энергетическ\\S* компани",
    "құрылыс трест", "строительн\\S* трест",
]))
_AT_WORK = re.compile(_alternatives([
    "работа(?:ю|ла|л|ет|ем|ют|ешь)!", "тружусь", "служу", "служил", "служила", "служб", "сотрудни", "специалист", "учител",
    "преподава", "преподаю", "медсестр", "медбрат", "санитар", "врач", "уборщ", "бухгалтер", "завуч", "воспитател", "охранник",
    "водител", "повар", "в штате", "у нас", "бізде!", "біздің", "инспектор", "учаскелік", "лейтенант", "капитан", "устроил", "полицейск", "офицер", "уволи", "сократи",
    "істеймін", "істедім", "істейміз", "істейтін", "істеген", "жұмыс", "қызмет", "маман", "мұғалім", "дәрігер", "медбике",
    "тазалаушы", "күзетші", "тәрбиеші", "аспаз", "жүргізуші", "есепші", "қызметкер",
    # a trade named beside the place: «Банкте кассирмін», «депосында слесарьмын», «емханада регистратормын»
    "кассир", "слесар", "оператор", "инженер", "экономист", "оқытушы", "регистратор", "сатушы", "менеджер", "жинаушы",
    "аналитик", "лаборант", "супервайзер", "администратор", "диспетчер", "механик", "электрик", "дәнекерлеуші", "тігінші",
    "машинист", "кондуктор", "бортсерік", "стюард", "хатшы", "бағдарламашы", "программист",
]))
_NOT_AT_WORK = re.compile(_alternatives([
    "лежал", "лежит", "лежу", "лечи", "лечу", "выписа", "попал", "госпитал", "пожалова", "жалоб", "обрати", "заявлени",
    "учится", "учиться", "ходит", "ходят", "оқиды", "оқитын", "барады", "жатыр", "жатқан", "жаттым", "емдел", "шағым", "арыз",
    "ученик", "оқушы", "сынып", "класс", "про!", "туралы", "частн", "жеке", "языков",
    "приходил", "приезжал", "задерж", "вызва", "остановил", "келді", "келіп",  # a police officer who came by
]))


# --------------------------------------------------------------------------------------------------
# Dates.

_MONTHS: list[tuple[str, int]] = [(_n(stem), month) for stem, month in [
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("мая", 5), ("мае", 5), ("май", 5), ("июн", 6), ("июл", 7),
    ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
    ("қаңтар", 1), ("ақпан", 2), ("наурыз", 3), ("сәуір", 4), ("сәур", 4), ("мамыр", 5), ("маусым", 6), ("шілде", 7), ("тамыз", 8),
    ("қыркүйек", 9), ("қазан", 10), ("қараша", 11), ("желтоқсан", 12),
]]
_SINCE = {_n("бастап"), _n("бері")}
_MONTH_RE = "(?:" + "|".join(sorted({re.escape(s) for s, _ in _MONTHS}, key=len, reverse=True)) + r")\S*"
_WEEKDAYS: list[tuple[str, int]] = [(_n(stem), wd) for stem, wd in [
    ("понедельник", 0), ("вторник", 1), ("среду", 2), ("четверг", 3), ("пятницу", 4), ("субботу", 5), ("воскресенье", 6),
    ("дүйсенбі", 0), ("дүсенбі", 0), ("сейсенбі", 1), ("сәрсенбі", 2), ("бейсенбі", 3), ("жұма", 4), ("сенбі", 5), ("жексенбі", 6),
]]
_WEEKDAY_RE = "(?:" + "|".join(sorted((re.escape(s) for s, _ in _WEEKDAYS), key=len, reverse=True)) + ")"
_AGO = _n(r"(?:назад|тому назад|бұрын|бурын|ильгери|ілгері)")
_UNIT_DAY = _n(r"(?:день|дня|дней|сутки|суток|күн|кун)")
_UNIT_WEEK = _n(r"(?:неделю|недели|недель|неделя|апта|апта)")
_UNIT_MONTH = _n(r"(?:месяц|месяца|месяцев|ай)")
_NOT_AFTER_NUMBER = re.compile(_n(r"(?:год|лет|мес|жас|тыс|мың|млн|км|раз|час|сағат|минут|%|процент|тенге|теңге|кг|см|м(?!\S))"))
# The ending of a day written as a number after «айдың» (of the month): «3-інде», «20-сында», «1-інен».
_KK_DAY_ENDING = _n("(?:інде|ында|сінде|сында|нде|нда|інен|ынан|сінен|сынан|нен|нан|і|ы)")
_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("numeric", re.compile(r" \d{1,2}\.\d{1,2}(?:\.\d{2,4})?(?!\S)")),
    ("day_month", re.compile(rf" ({NUM}) ({_MONTH_RE})(?: (\d{{4}}))?(?: {_n('(?:года|г|жылы|жил|жылғы)')})?(?!\S)")),
    # «қазанның 20-сында», "Qazannyn 20-synda": the month (genitive) before the day (ordinal, locative)
    ("month_day", re.compile(rf" ({_MONTH_RE}) ({NUM}) {_n('(?:сында|сінде|ында|інде|нда|нде|сынан|сінен)')}(?!\S)")),
    ("month_only", re.compile(_n(r" (?:в |во |с |со |до |после |за |на (?=наурыз)|в начале |в конце |с начала |к |еще в |ещё в )") + rf"({_MONTH_RE})(?!\S)"
                              + "|" + rf" ({_MONTH_RE})" + _n(r"(?:да|де|та|те|дан|ден|тан|тен|нан|нен)") + "(?!\\S)"
                              # «наурыз айында», «қазан айынан бастап», «тамыз айының ақшасы»: with «ай», October is no cauldron
                              + "|" + rf" ({_MONTH_RE}) {_n('(?:айында|айынан|айы|айының|айындағы)')}(?!\S)")),
    ("today", re.compile(_n(r" (?:сегодня|бүгін|бугин)(?!\S)"))),
    ("yesterday", re.compile(_n(r" (?:вчера|кеше|кешегі)(?!\S)"))),
    ("day_before", re.compile(_n(r" (?:позавчера|алдыңғы күні|алдындағы күні|кеше алдыңғы күні)(?!\S)"))),
    ("ago", re.compile(rf" (?:({NUM}|{_n('пару|несколько')}) )?({_UNIT_DAY}|{_UNIT_WEEK}|{_UNIT_MONTH}|{_n('полгода')}) {_AGO}(?!\S)")),
    # The beginning, middle or end of a month: the month is known, the day is not.
    ("month_part", re.compile(_n(r" (?:в |с |к |до )?(?:начале|конце|середине|начала|конца|середины) (?:(?:этого|прошлого|текущего) )?")
                              + rf"(?:{_MONTH_RE}|{_n('месяца')})(?!\S)"
                              + "|" + _n(r" (?:(?:өткен|осы|былтырғы) )?") + rf"(?:{_MONTH_RE}(?: {_n('айының')})?|{_n('айдың')})"
                              + _n(r" (?:басында|аяғында|соңында|ортасында|басынан|аяғына|соңына)(?!\S)"))),
    ("last_week", re.compile(_n(r" (?:на прошлой неделе|на той неделе|прошлой неделе|өткен аптада|откен аптада|өткен апта|с прошлой недели|с той недели|өткен аптадан|откен аптадан)(?!\S)"))),
    ("last_month", re.compile(_n(r" (?:в прошлом месяце|прошлом месяце|өткен айда|откен аида|өткен ай)(?!\S)"))),
    ("this_month", re.compile(_n(r" (?:в этом месяце|этом месяце|в текущем месяце|осы айда|осы айдың басында)(?!\S)"))),
    ("this_week", re.compile(_n(r" (?:на этой неделе|этой неделе|осы аптада)(?!\S)"))),
    ("weekday", re.compile(_n(r" (?:(?:в|во|с|со) )?(?:(прошл\S*|өткен) )?") + rf"({_WEEKDAY_RE})(\S*)(?: {_n('күні')})?(?!\S)")),
    ("day_of_month", re.compile(rf" ({NUM}) (?:{_n('го')} )?{_n('числа')}(?!\S)")),
    # «осы айдың 3-інде», «осы айдың 1-інен бастап»: a day of this month
    ("day_of_month", re.compile(rf" {_n('(?:осы|ағымдағы) айдың')} ({NUM}) {_KK_DAY_ENDING}(?!\S)")),
    # «өткен айдың 20-сында»: a day of last month
    ("day_of_last_month", re.compile(rf" {_n('(?:өткен|откен) айдың')} ({NUM}) {_KK_DAY_ENDING}(?!\S)")),
]


@dataclass(frozen=True)
class _DateHit:
    date: datetime.date | None  # None: only a month
    text: str
    first: int  # token indices
    last: int


def _valid(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _last_not_after(month: int, day: int, today: datetime.date) -> datetime.date | None:
    """The last date with this day and month that is not after today (29.02 goes back to a leap year)."""
    if not (1 <= month <= 12 and 1 <= day <= 31) or day > (29 if month == 2 else calendar.monthrange(2024, month)[1]):
        return None
    for year in range(today.year, today.year - 9, -1):
        d = _valid(year, month, day)
        if d is not None and d <= today:
            return d
    return None


def _months_back(today: datetime.date, months: int) -> datetime.date:
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def _month_of(word: str) -> int | None:
    for stem, month in _MONTHS:
        if word.startswith(stem):
            return month
    return None


def _resolve(kind: str, m: re.Match[str], t: _Text, first: int, last: int, today: datetime.date) -> _DateHit | None:
    text = t.written(first, last)
    if kind == "numeric":
        parts = [int(p) for p in m.group().strip().split(".")]
        nxt = t.words[last + 1] if last + 1 < len(t.words) else ""
        prev = t.words[first - 1] if first > 0 else ""
        if len(parts) == 2 and (_NOT_AFTER_NUMBER.match(nxt) or prev in ("в", "к", "около", "сагат")):
            return None  # "1.5 года", "в 10.30"
        if len(parts) == 3:
            year = parts[2] + 2000 if parts[2] < 100 else parts[2]
            d = _valid(year, parts[1], parts[0])
            return _DateHit(d, text, first, last) if d is not None and d <= today else None
        d = _last_not_after(parts[1], parts[0], today)
        return _DateHit(d, text, first, last) if d else None
    if kind in ("day_month", "month_day"):
        day = _number(m.group(1) if kind == "day_month" else m.group(2))
        month = _month_of(m.group(2) if kind == "day_month" else m.group(1))
        if day is None or month is None or day != int(day):
            return None
        if kind == "day_month" and m.group(3):
            d = _valid(int(m.group(3)), month, int(day))
            return _DateHit(d, text, first, last) if d is not None and d <= today else None
        d = _last_not_after(month, int(day), today)
        return _DateHit(d, text, first, last) if d else None
    if kind in ("month_only", "last_month", "month_part", "this_month"):
        if kind == "month_only":
            word = m.group(1) or m.group(2) or m.group(3) or ""
            since = last + 1 < len(t.words) and t.words[last + 1] in _SINCE
            if _month_of(word) is None or (word.startswith(_n("қазан")) and not m.group(3) and not since):
                return None  # «қазанда» is as likely a cauldron as October (not «қазаннан бері»)
        return _DateHit(None, text, first, last)
    if kind == "today":
        return _DateHit(today, text, first, last)
    if kind == "yesterday":
        return _DateHit(today - datetime.timedelta(days=1), text, first, last)
    if kind == "day_before":
        return _DateHit(today - datetime.timedelta(days=2), text, first, last)
    if kind == "ago":
        count_text, unit = m.group(1), m.group(2)
        if count_text and count_text in (_n("несколько"),):
            return None
        count = 2.0 if count_text == _n("пару") else (_number(count_text) if count_text else 1.0)
        if count is None:
            return None
        if unit == _n("полгода"):
            return _DateHit(_months_back(today, 6 * int(count)), text, first, last)
        if re.fullmatch(_UNIT_DAY, unit):
            return _DateHit(today - datetime.timedelta(days=round(count)), text, first, last)
        if re.fullmatch(_UNIT_WEEK, unit):
            return _DateHit(today - datetime.timedelta(days=round(7 * count)), text, first, last)
        return _DateHit(_months_back(today, round(count)), text, first, last)  # months
    if kind == "this_week":
        return _DateHit(today - datetime.timedelta(days=today.weekday()), text, first, last)  # its Monday
    if kind == "last_week":
        # "last week": its Monday (the earliest day it can mean, so deadlines counted from it are safe).
        return _DateHit(today - datetime.timedelta(days=today.weekday() + 7), text, first, last)
    if kind == "weekday":
        past, stem, suffix = m.group(1), m.group(2), m.group(3)
        wd = next(w for s, w in _WEEKDAYS if s == stem)
        written = m.group().strip()
        if stem == _n("жұма") and not (suffix in (_n("да"), _n("дан")) or written.endswith(_n("күні"))):
            return None  # «жұма» alone is as likely a name as Friday
        if suffix.startswith(_n("лік")):
            return None  # «сенбілік»: a subbotnik (clean-up day), not a Saturday
        if not past and not (written.startswith(("в ", "во ", "с ", "со ")) or suffix or written.endswith(_n("күні"))):
            return None
        if past:
            return _DateHit(today - datetime.timedelta(days=today.weekday() + 7 - wd), text, first, last)
        return _DateHit(today - datetime.timedelta(days=(today.weekday() - wd) % 7), text, first, last)
    if kind == "day_of_last_month":
        day = _number(m.group(1))
        if day is None or day != int(day):
            return None
        last_month = _months_back(datetime.date(today.year, today.month, 1), 1)
        d = _valid(last_month.year, last_month.month, int(day))
        return _DateHit(d, text, first, last) if d else None
    if kind == "day_of_month":
        day = _number(m.group(1))
        if day is None or day != int(day) or not 1 <= day <= 31:
            return None
        for back in range(0, 12):
            cand = _months_back(datetime.date(today.year, today.month, 1), back)
            d = _valid(cand.year, cand.month, int(day))
            if d is not None and d <= today:
                return _DateHit(d, text, first, last)
        return None
    return None


_DATE_WORDS = re.compile(" (?:" + "|".join([_MONTH_RE, _WEEKDAY_RE, _AGO, _n(
    "сегодня|бүгін|бугин|вчера|кеше|позавчера|алдыңғы|алдындағы|прошл\\S*|өткен|откен|числа|месяца|айдың|этом|этой|текущем|осы")]) + ")")


def _date_hits(t: _Text, today: datetime.date) -> list[_DateHit]:
    hits: list[_DateHit] = []
    if not t.has_number and not _DATE_WORDS.search(t.norm):
        return hits
    for kind, regex in _DATE_PATTERNS:
        for m in regex.finditer(t.norm):
            first, last = t.tokens(m.start(), m.end())
            if t.sentence[first] != t.sentence[last]:
                continue  # "... человек 300. Месяц назад ..." is not "300 months ago"
            hit = _resolve(kind, m, t, first, last, today)
            if hit is not None:
                hits.append(hit)
    # Overlaps: keep the longer expression ("12 марта" over "в марте", "в прошлый понедельник" whole).
    hits.sort(key=lambda h: (h.first, -(h.last - h.first)))
    kept: list[_DateHit] = []
    for h in hits:
        if kept and h.first <= kept[-1].last:
            continue
        kept.append(h)
    return kept


def _day(today: datetime.date) -> datetime.date:
    """A datetime passed as ``today`` is its date (a date and a datetime do not compare)."""
    return today.date() if isinstance(today, datetime.datetime) else today


def parse_date(text: str, today: datetime.date) -> tuple[datetime.date, str] | None:
    """The first date expression in ``text`` that names a day (kk/ru, any spelling), resolved against
    ``today``, and the expression as written. "вчера", «кеше», "3 дня назад", «екі апта бұрын»,
    "на прошлой неделе" (its Monday), «өткен аптада», "12.03", "12.03.2026", "12 марта", «12 наурызда»...
    A date without a year is the last such date not after today; future and impossible dates (31.02)
    give None, and so does a month without a day ("в марте")."""
    for hit in _date_hits(_prepare(text), _day(today)):
        if hit.date is not None:
            return hit.date, hit.text
    return None


# --------------------------------------------------------------------------------------------------
# Extraction.


@dataclass
class _Mention:
    label: str
    first: int
    last: int
    weak: bool
    negated: bool = False
    tag: str = ""
    relative: bool = False  # about the worker's relative ("жена на пенсии"), not the worker


def _matches(group: _Group, t: _Text) -> list[tuple[int, int]]:
    if group.heads is not None and group.heads.isdisjoint(t.heads):
        return []  # no word of the message starts the way any cue of the group does
    found = [(m.start(), m.end()) for m in group.regex.finditer(t.norm)]
    if found and group.exclude is not None:
        excluded = [(m.start(), m.end()) for m in group.exclude.finditer(t.norm)]
        found = [(a, b) for a, b in found if not any(s <= a < e for s, e in excluded)]
    return [t.tokens(a, b) for a, b in found]


_DEMANDED = re.compile(_alternatives(["справк", "анықтама", "тест", "анализ", "требова", "потребова", "талап", "доказ", "подтвер"]))


def _is_negated(t: _Text, first: int, last: int) -> bool:
    # Russian: "не" (or "нет") right before, with only transparent words in between ("я не член профсоюза").
    i = first - 1
    while i >= 0 and first - i <= 4 and t.words[i] in _RU_NEG_TRANSPARENT and t.clause[i] == t.clause[first]:
        i -= 1
    asked = last + 1 < len(t.words) and t.words[last + 1] == "ли"  # "спросили, не беременна ли я": a question
    if i >= 0 and t.clause[i] == t.clause[first] and t.words[i] in ("не", "нет", "ни") and not asked:
        before = t.words[i - 1] if i > 0 else ""
        # "справку, что я не беременна": what a document should say, not a denial
        demanded = _DEMANDED.search(" " + " ".join(t.words[max(0, i - 5) : i]))
        if before not in ("бы", "если", "ли") and not demanded:
            return True
    if last + 1 < len(t.words) and t.words[last + 1] == "нет" and t.clause[last + 1] == t.clause[last]:
        return True
    if t.words[last + 1 : last + 4] in (["у", "меня", "нет"], ["у", "меня", "нету"]) and t.clause[last + 3] == t.clause[last]:
        return True  # "инвалидности у меня нет"
    # Kazakh: «емес» / «жоқ» right after («жүкті емеспін», «кәсіподақ мүшесі емеспін»).
    j = last + 1
    while j < len(t.words) and j - last <= 3 and t.words[j] in _KK_NEG_TRANSPARENT:
        j += 1
    return j < len(t.words) and j - last <= 3 and bool(_KK_NEG.fullmatch(t.words[j])) and t.clause[j] == t.clause[last]


def _reason_denied(t: _Text, first: int, last: int) -> bool:
    """The message denies that this is the reason ("не из-за возраста", «ауруым үшін емес»)."""
    if first > 0 and t.words[first - 1] in _PROBLEM and last + 1 < len(t.words) and t.words[last + 1] == _n("емес"):
        return True  # «мәселе жаста емес, кәсіподақта»
    wide = [w for i, w in enumerate(t.words[max(0, first - 9) : first], max(0, first - 9)) if t.sentence[i] == t.sentence[first]]
    if _RU_DENIED_ACROSS.search(" " + " ".join(wide)):
        return True  # "не надо говорить, что из-за возраста"
    lo = first - 1
    while lo >= 0 and first - lo <= 7 and t.clause[lo] == t.clause[first]:
        lo -= 1
    if _RU_REASON_DENIED.search(" " + " ".join(t.words[lo + 1 : first])):
        return True
    after = [w for i, w in enumerate(t.words[last + 1 : last + 9], last + 1) if t.sentence[i] == t.sentence[last]]
    if _NOT_RELEVANT.search(" " + " ".join(after)):
        return True
    farther = [w for i, w in enumerate(t.words[last + 1 : last + 13], last + 1) if t.sentence[i] == t.sentence[last]]
    if _DENIED_BY_REFERENCE.search(" " + " ".join(farther)):
        return True
    hi = last + 1
    while hi < len(t.words) and hi - last <= 9 and t.clause[hi] == t.clause[last]:
        hi += 1
    clause_after = " " + " ".join(t.words[last + 1 : hi])
    return bool(_KK_THINK_NOT.search(clause_after)
                or _KK_REASON_DENIED.search(" " + " ".join(t.words[last + 1 : min(hi, last + 6)])))


# A reason others suppose and the worker then rejects: "все думают что из-за возраста, но нет",
# «басқалар ... деп ойлайды, бірақ мен ... емеспін», "vse dumayut chto iz-za profsoyuza, no delo ne v etom".
_REJECTION = re.compile(_n(r" (?:дейді|ойлайды|деседі|ойладым) жоқ| (?:ойладым|ойлап едім|ойлағанмын|ойлағам) бірақ| (?:но|бирак|бірақ|а) (?:нет|дело не в|это не так|я (?:в это )?не верю|не верю|это (?:ерунда|чушь|неправда|не правда|бред|сплетни|враньё|вранье)|олай емес|жоқ|мен (?:\S+ ){0,3}емес)"))
_SUPPOSE_BEFORE = re.compile(_n(r" (?:думают|считают|думает|считает|думал|думала|подумал|подумала|решили|болтают|говорят|шепчутся|сплетничают|судачат|поговаривают) (?:что |будто )?"))
_CONTRAST = re.compile(_n(r" (?:но|бірақ|бирак|однако|оказывается|а) "))
_SUPPOSE_AFTER = {_n(w) for w in "ойлайды ойлайтын деседі ойладым ойлағанмын ойлағам ойлап".split()}
# «... дейді» ("says") is a rumour only when people say it («біреулер ... дейді»), not the boss.
_SAY_AFTER = {_n(w) for w in "дейді дейтін".split()}
_PEOPLE = re.compile(_alternatives(["біреулер", "кейбіреулер", "айналамдағылар", "әріптестер", "ұжым", "жұрт", "басқалар",
                                    "бәрі!", "қыздар!", "жігіттер!", "девочки", "коллеги", "люди"]))


def _rumoured(t: _Text, first: int, last: int) -> bool:
    """The cue is what others suppose ("все думают что ...", «... деп ойлайды»), in one sentence."""
    lo = first
    while lo > 0 and first - lo < 12 and t.sentence[lo - 1] == t.sentence[first]:
        lo -= 1
    before = " " + " ".join(t.words[lo:first]) + " "
    supposed = list(_SUPPOSE_BEFORE.finditer(before))
    if supposed and not _CONTRAST.search(before[supposed[-1].end() - 1 :]):
        return True  # "думала, из-за возраста" (not "думала ..., но нет, оказывается ... до 35 лет": what follows the "но")
    after = [w for i, w in enumerate(t.words[last + 1 : last + 10], last + 1) if t.sentence[i] == t.sentence[last]]
    if any(w in _SUPPOSE_AFTER for w in after):
        return True
    before = " " + " ".join(w for i, w in enumerate(t.words[:first]) if t.sentence[i] == t.sentence[first])
    return any(w in _SAY_AFTER for w in after) and bool(_PEOPLE.search(before))


_NOT_THAT = re.compile(_n(r"^ (?:бірақ |но |а )?(?:мәселе (?:онда|сонда|бұнда|мұнда) емес|мәселе басқада|дело (?:не в этом|в другом)"
                          r"|не в этом дело|проблема (?:не в этом|в другом))"))


def _denied_by_next_sentence(t: _Text, first: int) -> bool:
    """«Намаз оқимын, сақалым бар. Бірақ мәселе онда емес.», "... Дело не в этом.": the sentence right after says the
    facts before it are not the reason."""
    nxt = t.sentence[first] + 1
    words = [w for i, w in enumerate(t.words) if t.sentence[i] == nxt]
    return bool(words) and bool(_NOT_THAT.search(" " + " ".join(words)))


# Someone else's story told beside the worker's («Біздің бөлімде әріптесім Айгүлді жүкті болғанда шығарып жіберген еді.»,
# "Моего напарника уволили"): a colleague in the sentence and no word of the worker's own before the cue or in its clause.
_COLLEAGUE = re.compile(_alternatives(["коллег", "әріптес", "напарни", "досым", "досымды", "құрбым", "ауысымдас", "сотрудниц\\S* (?!мне)",
                                       "апайды!", "ағайды!", "апайға!", "ағайға!", "деген (?:жігіт|қыз|парни|кісі|апай|ағай)"]))
_ME = {_n(w) for w in ("я", "меня", "мне", "мной", "мен", "мені", "маған",
                       "менің", "менде", "менен", "меннен", "менімен", "өзім", "өзіме", "өзімді", "біз", "бізді", "бізге", "нас", "нам", "мы")}
_ME_ENDINGS = tuple(_n(e) for e in ("мын", "мін", "пын", "пін", "бын", "бін", "мыз", "міз", "дым", "дім", "тым", "тім",
                                     "ыма", "іме", "ымды", "імді", "ымнан", "імнен", "ымның", "імнің"))


def _someone_elses(t: _Text, first: int) -> bool:
    """The word follows a colleague named in its sentence, with no word of the worker's own before it or in its clause
    («Әріптесім Серікті ... шығарып жіберді, мен оған куә болдым»: the colleague's dismissal)."""
    sent = t.sentence[first]
    idx = [i for i in range(len(t.words)) if t.sentence[i] == sent]
    text = " " + " ".join(t.words[i] for i in idx if i < first)  # the colleague is named before the word
    if not _COLLEAGUE.search(text):
        return False
    idx = [i for i in idx if i <= first or t.clause[i] == t.clause[first]]
    return not any(t.words[i] in _ME or (len(t.words[i]) > 4 and t.words[i].endswith(_ME_ENDINGS) and not t.words[i].startswith(_NOT_MINE)
                                         and not _COLLEAGUE.search(" " + t.words[i])) for i in idx)


# nouns whose stem ends like "my ...": «бөлімнен» (from the department), «білімі»
_NOT_MINE = tuple(_n(w) for w in ("бөлім", "білім", "киім", "өлім", "кілем", "ауысым"))


def _about_relative(t: _Text, first: int, last: int) -> bool:
    """A relative named up to three words before, in the clause ("жена умерла от онкологии", «әкем инсульт алған»), or
    right after the word ("кредит на операцию папе", "лечение мамы", «операция анама»)."""
    if any(t.words[i] in _KIN and t.clause[i] == t.clause[first] for i in range(max(0, first - 3), first)):
        return True
    return last + 1 < len(t.words) and t.words[last + 1] in _KIN and t.clause[last + 1] == t.clause[first]


def _after_kin(t: _Text, first: int) -> bool:
    """A relative is named earlier in the word's sentence ("Мой брат известный активист", «Күйеуім ... мүгедек болды»)."""
    i = first - 1
    while i >= 0 and t.sentence[i] == t.sentence[first]:
        if t.words[i] in _KIN:
            return True
        i -= 1
    return False


def _quoted(t: _Text, first: int) -> bool:
    """The word is inside quoted speech («Сен жаңа ажырастың ...» деді): what the employer said is the reason given
    (not for an illness: "будешь на больничных сидеть" is about the children)."""
    start = t.spans[first][0]
    return any(a < start < b for a, b in t.quoted)


def _with_reason(t: _Text, first: int, last: int) -> bool:
    lo = max(0, first - 6)
    window = " " + " ".join(t.words[lo:first])
    if _CAUSE_BEFORE.search(window):
        return True
    after = [w for i, w in enumerate(t.words[last + 1 : last + 4], last + 1) if t.sentence[i] == t.sentence[last]]
    if after and after[0] == _FOR and _PURPOSE.search(t.words[last]):
        return False  # a purpose, not a reason: «ажырасу үшін қандай құжат керек» (the verbal noun in -у + үшін)
    if any(w in _CAUSE_AFTER for w in after):
        return True
    # Kazakh reasons joined by «әрі», «және», «оның үстіне» share the reason word after the last one:
    # «несием бар әрі баламды жалғыз бағамын деп ... жібермеді»
    joined = [i for i, w in enumerate(after, last + 1) if w in _KK_AND and t.sentence[i] == t.sentence[last]]
    if joined:
        tail = [w for i, w in enumerate(t.words[joined[0] + 1 : joined[0] + 10], joined[0] + 1) if t.sentence[i] == t.sentence[last]]
        return any(w in _CAUSE_AFTER for w in tail)
    return False


def _near(regex: re.Pattern[str], t: _Text, first: int, last: int, width: int) -> bool:
    lo, hi = max(0, first - width), min(len(t.words), last + width + 1)
    words = [w for i, w in enumerate(t.words[lo:hi], lo) if t.sentence[i] == t.sentence[first] and not first <= i <= last]
    return bool(regex.search(" " + " ".join(words)))


_ONE_YEAR = re.compile(_n(r" (?:год|годик)(?!\S)"))


_EXPERIENCE = tuple(_n(w) for w in ("стаж", "опыт", "работ"))
_PAY_BEFORE = re.compile(_alternatives(["плат", "получа", "зарплат", "оклад", "преми", "төлей", "төлейді", "береді", "дают", "даёт", "дает", "дали"]))


def _in_introduction(t: _Text, first: int) -> bool:
    """The word is in the first two sentences of a story of INTRO_MIN_WORDS words or more (a greeting, then
    who the worker is: «Сәлеметсіз бе. Мен Екібастұзданмын, 47 жастамын, ...»)."""
    return t.sentence[first] <= 1 and len(t.words) >= INTRO_MIN_WORDS


def _age_mentions(t: _Text) -> list[_Mention]:
    out: list[_Mention] = []
    if not t.has_number and not _ONE_YEAR.search(t.norm):
        return out
    for m in _SELF_AGE.finditer(t.norm):
        value = _number(next(g for g in m.groups() if g))
        if value is None or value != int(value) or value < 14 or value > 90:
            continue
        first, last = t.tokens(m.start(), m.end())
        if t.words[last].startswith(_n("летн")) and last + 1 < len(t.words) and t.words[last + 1].startswith(_EXPERIENCE):
            continue  # "швея с 20 летним стажем"
        if _PAY_BEFORE.search(" " + " ".join(w for i, w in enumerate(t.words[max(0, first - 5) : first], max(0, first - 5))
                                             if t.sentence[i] == t.sentence[first])):
            continue  # "местным платит 120, а мне 60": an amount
        if value < 18:
            out.append(_Mention("minor", first, last, weak=False))
        elif value < 50 and _in_introduction(t, first):
            continue  # "Сәлеметсіз бе. Мен ..., 41 жастамын, екі балам бар, ...": the story's introduction
        else:
            # a younger age is often just the introduction; an older one too when another ground is the reason (_grounds)
            out.append(_Mention("age", first, last, weak=value < 50, tag="intro" if _in_introduction(t, first) else ""))
    for m in _CHILD_AGE.finditer(t.norm):
        first, last = t.tokens(m.start(), m.end())
        if m.group(3) or m.group(4):  # «6 айлық балам», "дочке год и два месяца"
            out.append(_Mention("children_under_3", first, last, weak=False))
            continue
        raw, unit = m.group(1), m.group(2) or ""
        if not unit and _NUMBER_WORDS.get(raw) == 1:
            continue  # "растю сына одна": "one" without a unit is "alone" (but "младшему полтора" is an age)
        value = 0.5 if raw == _n("полгода") or raw == _n("пол") else _number(raw)
        if value is None:
            continue
        months = unit.startswith(_n("мес")) or unit.startswith(_n("ай"))
        years = value / 12 if months else value
        if years < 3:
            out.append(_Mention("children_under_3", first, last, weak=False))
        elif 14 <= years < 18:
            out.append(_Mention("minor", first, last, weak=False, tag="child_minor"))
    for m in _CHILD_AGE_BEFORE.finditer(t.norm):  # the age first: «16 жастағы ұлым», "16-летнего сына"
        first, last = t.tokens(m.start(), m.end())
        value = _number(m.group(1))
        if value is None:
            continue
        months = t.words[first + 1].startswith((_n("месяч"), _n("айлық")))
        years = value / 12 if months else value
        if years < 3:
            out.append(_Mention("children_under_3", first, last, weak=False))
        elif 14 <= years < 18:
            out.append(_Mention("minor", first, last, weak=False, tag="child_minor"))
    return out


def _language_mentions(t: _Text, has_stage: bool) -> list[_Mention]:
    out: list[_Mention] = []
    words = [t.tokens(m.start(), m.end()) for m in _LANGUAGE_WORD.finditer(t.norm)]
    if not words:
        return out
    asked = [_near(_LANGUAGE_REQUEST, t, first, last, 3) for first, last in words]
    # A request to the bot, said here or by the language detector: "можешь ответить на казахском? я плохо
    # понимаю по-русски" is about the bot's language, not the worker's job (unless a stage is told too).
    request = requested_language(t.original) is not None or any(asked)
    for (first, last), to_bot in zip(words, asked):
        if to_bot:
            continue  # "ответь на казахском", «қазақша жауап бер»
        if _reason_denied(t, first, last):
            out.append(_Mention("language", first, last, weak=False))  # "язык тут ни при чём": _grounds drops language
            continue
        if _speaks_well(t, first, last):
            # "«только славяне», я уйгур, по-русски говорю отлично", «кәріспін, қазақша да, орысша да еркін сөйлеймін»:
            # the nationality, and the language is said not to be the trouble (the learned check adds no language)
            out.append(_Mention("language", first, last, weak=False, negated=True, tag="speaks_well"))
            continue
        if (not _near(_LANGUAGE_TROUBLE, t, first, last, 5) and not t.words[first].startswith((_n("акцент"), _n("шала")))
                and not _with_reason(t, first, last)):
            continue  # "по-казахски говорю лучше многих" (but "срезали премию, потому что я на казахском говорю")
        if first > 0 and t.words[first - 1] in _I_WORDS and t.words[first].startswith(_n("русск")) and first == last:
            continue  # "за то что я русский": the nationality
        if request and not has_stage:
            continue  # "не понимаю по-русски" to the bot
        out.append(_Mention("language", first, last, weak=False))
    return out


_I_WORDS = {_n("я"), _n("мен")}
_I = re.compile(" (?:" + "|".join(sorted(_I_WORDS)) + ")(?!\\S)")


def _speaks_well(t: _Text, first: int, last: int) -> bool:
    """The worker speaks the language well: the phrase right after the language word ("по-русски говорю отлично",
    «қазақша еркін сөйлеймін») or right before it ("свободно говорю по-казахски"), in the worker's own words: not
    denied ("не очень хорошо"), not a requirement ("руководитель должен свободно говорить по-казахски") and no
    lack next to it ("по-казахски свободно, а по-русски плохо" keeps the Russian)."""
    after = " " + " ".join(t.words[last + 1 : last + 4])
    before = " " + " ".join(t.words[max(0, first - 3) : first])
    if _LANGUAGE_WELL.match(after):
        denied = _NOT_WELL.search(before)  # the words before the language word
    elif well := _LANGUAGE_WELL.search(before + " "):
        denied = _NOT_WELL.search(before[: well.start()])  # the words before the phrase
    else:
        return False
    near = " ".join(t.words[max(0, first - 4) : last + 4])
    return not denied and not _LANGUAGE_TROUBLE.search(" " + near)


_FIRST_PERSON_PAST = tuple(_n(e) for e in ("дым", "дім", "тым", "тім"))  # «сөйледім», «шықтым»


def _personal(t: _Text, first: int, last: int) -> bool:
    """A public action the worker took themselves ("я выступила против", «қарсы сөйледім»), not one their
    association or "мы" took ("мы собирали подписи", «бірлестік пикет өткізген»)."""
    return _near(_I, t, first, last, 3) or t.words[last].endswith(_FIRST_PERSON_PAST)


_PARTY = re.compile(_n("(?:парти|движени|бірлестік|қозғалыс|объединени)"))  # what a party or a movement does is the membership


def _grounds(t: _Text, has_stage: bool, stage_sentences: frozenset[int] = frozenset()
             ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    mentions: list[_Mention] = []
    for group in _GROUND_GROUPS:
        for first, last in _matches(group, t):
            mention = _Mention(group.label, first, last, group.weak, tag=group.tag)
            relative = group.kin and _about_relative(t, first, last)
            if relative:
                mention.weak = mention.relative = True  # and no reason makes it count: "әкем инсульт алған соң" is the father's
            if group.tag == "from_place" and mention.weak and _in_introduction(t, first):
                continue  # "Сәлеметсіз бе. Мен Екібастұзданмын, 47 жастамын, ...": the story's introduction
            if group.tag == "ngo":
                # An NGO is a ground only as the worker's membership or activity; otherwise it is the employer.
                if not (_near(_MEMBERSHIP, t, first, last, 4) or _with_reason(t, first, last)):
                    continue
                mention.weak = False
            elif mention.weak and not relative and (_with_reason(t, first, last) or (group.label != "health" and _quoted(t, first))):
                mention.weak = False
            if group.negatable and _is_negated(t, first, last):
                mention.negated = True
            mentions.append(mention)
    mentions.extend(_age_mentions(t))
    mentions.extend(_language_mentions(t, has_stage))
    # A colleague's story told beside the worker's («Біздің бөлімде Айгүлді жүкті болғанда шығарып жіберген еді. Енді мен
    # ...»): its grounds are not the worker's, unless the message tells nothing of the worker's own ("мою коллегу-узбечку
    # уволили, а меня оставили — это дискриминация?": the colleague's case is the one asked about).
    theirs = [m for m in mentions if _someone_elses(t, m.first)]
    if theirs and any(not m.negated and m not in theirs for m in mentions):
        mentions = [m for m in mentions if m not in theirs]
    denied: set[str] = set()
    rejected = bool(_REJECTION.search(t.norm))
    for mention in mentions:
        if not mention.negated and (_reason_denied(t, mention.first, mention.last)
                                    or (rejected and _rumoured(t, mention.first, mention.last))
                                    or _denied_by_next_sentence(t, mention.first)):
            mention.negated = True
            denied.add(mention.label)
        if mention.negated and mention.label == "pregnancy" and not mention.tag.startswith("decree"):
            denied.add("pregnancy")  # «"жүктісіз бе?" деп сұрады, жүкті емеспін»: the question is not one either
    for hit in _KK_LOCATIVE_DENIED.finditer(t.norm):
        label = _KK_LOCATIVE_GROUNDS[hit.group(1)]
        first, last = t.tokens(hit.start(), hit.end())
        mentions.append(_Mention(label, first, last, weak=False, negated=True))
        denied.add(label)
    # A ground the message says is NOT the reason ("дело не в возрасте", «жасым үшін емес») does not count
    # for its other mentions either ("мне 50 ... дело не в возрасте").
    for mention in mentions:
        if mention.label in denied:
            mention.negated = True
    if "pregnancy" in denied and any(m.label == "pregnancy" and not m.tag.startswith("decree") for m in mentions):
        # «жүкті емеспін, бірақ "декретке кетесің" деді»: the maternity leave the employer expects is not a pregnancy
        mentions = [m for m in mentions if m.tag not in ("decree_future", "decree")]
    if any(m.tag == "needs_child" for m in mentions) and not _CHILD_WORD.search(t.norm):
        mentions = [m for m in mentions if m.tag != "needs_child"]
    # "декрет": a leave to come is a pregnancy, the return from it a child under 3; being on it is
    # whichever of the two the message also names, both when it names neither.
    if any(m.tag == "decree_future" for m in mentions) and _WILL_MARRY.search(t.norm):
        # "ты женщина, замуж выйдешь, в декрет уйдешь": a leave imagined for a woman who is to marry one day is her sex
        mentions = [_Mention("sex", m.first, m.last, weak=False) if m.tag == "decree_future" else m
                    for m in mentions if m.tag != "decree"]
    tags = {m.tag for m in mentions}
    if "decree_future" in tags or "decree_past" in tags:
        mentions = [m for m in mentions if m.tag != "decree"]
    else:
        named = {m.label for m in mentions if m.tag != "decree" and not m.negated}
        decree = [m for m in mentions if m.tag == "decree"]
        if "children_under_3" in named and "pregnancy" not in named:
            mentions = [m for m in mentions if m.tag != "decree"]
        elif "pregnancy" not in named:
            mentions += [_Mention("children_under_3", m.first, m.last, m.weak, tag="decree") for m in decree]

    strong = [m for m in mentions if not m.weak]
    everyone = bool(_EVERYONE.search(t.norm))  # "маған да, басқаларға да", "и мне, и другим": everyone is treated so
    ages = [m for m in mentions if m.label == "age" and not m.negated and not m.relative]
    if ages and all(m.tag == "intro" for m in ages) and (
            any(m.label != "age" and not m.negated for m in strong) or everyone):
        # "Мен машиниспін, 51 жастамын ... кәсіподақ төрағасы болып сайландым. Содан бері ...", "закрывается, сокращают
        # всех ... Мне 55 лет": an older age said only in the introduction beside another ground, or when everyone is
        # treated alike, is the introduction
        strong = [m for m in strong if m.label != "age"]
        mentions = [m for m in mentions if m.label != "age"]
    # Weak cues alone count only in a message that tells what happened ("я уборщица, меня не пускают"), not in a
    # plain question ("работаю в банке, хочу узнать про больничный"), nor when everyone is treated alike.
    if any(not m.negated for m in strong):
        chosen = strong
    else:
        chosen = mentions if has_stage and not everyone else [m for m in mentions if not m.weak]
    labels = {m.label for m in chosen if not m.negated}
    if any(m.tag == "repatriate" and not m.negated for m in chosen):
        labels -= {"nationality", "residence"}  # "кандас ... китаец", "понаехавший кандас": the origin
        if any(m.tag == "registration" and not m.negated for m in chosen):
            labels.add("residence")  # "... и прописки нормальной нет — не берём": the registration too
    disabled = [m for m in chosen if m.label == "disability" and not m.negated]
    if disabled and all(any(abs(m.first - d.first) <= 6 and t.sentence[m.first] == t.sentence[d.first] for d in disabled)
                       for m in chosen if m.label == "health"):
        labels.discard("health")  # "инвалидность 3 группы после онкологии": the illness behind the disability
    if "race" in labels and "nationality" in labels and not any(
            m.label == "nationality" and _with_reason(t, m.first, m.last) for m in chosen):
        labels.discard("nationality")  # "я казашка" beside "европейская внешность": the race complaint
    if "race" in labels and all(m.tag == "appearance" for m in chosen if m.label == "other"):
        labels.discard("other")  # "нам нужна стандартная внешность" to a métisse: the race complaint
    residence = [m for m in chosen if m.label == "residence" and not m.negated]
    if "language" in labels and residence and all(m.tag != "registration" and not _quoted(t, m.first) and any(
            other.label == "language" and t.sentence[other.first] == t.sentence[m.first] for other in chosen) for m in residence):
        labels.discard("residence")  # «ауылдан келгенмін, орысшам онша емес»: why the language is weak
    if any(m.tag == "kin_reason" and not m.negated for m in chosen):
        # "из-за брата ...", «күйеуің ауру»: what the relative is or did ("брат активист", «күйеуім мүгедек») is theirs;
        # the worker's family situation is the ground only when nothing of the worker's own is ("сенің күйеуің бай,
        # үйің бар": the property; "с твоим ребенком" to a single mother: the single parent)
        for label in labels - {"other"}:
            if all(_after_kin(t, m.first) for m in chosen if m.label == label and not m.negated):
                labels.discard(label)
        if labels - {"other"} and all(m.tag == "kin_reason" for m in chosen if m.label == "other" and not m.negated):
            labels.discard("other")
    if "minor" in labels:
        labels.discard("age")  # "сына 17 лет уволили из-за возраста": the minor's protection
    if "single_parent" in labels and not any(m.label == "other" and m.tag != "marital" for m in chosen):
        labels.discard("other")  # a divorce that left a single parent
    if "single_parent" in labels and all(m.tag == "child_minor" for m in chosen if m.label == "minor"):
        labels.discard("minor")  # "одна воспитываю сына 15 лет": the child's age, not a working minor
    if "beliefs" in labels and "trade_union" in labels and all(
            m.tag == "activism" and not _personal(t, m.first, m.last) for m in chosen if m.label == "beliefs"):
        labels.discard("beliefs")  # "вступил в профсоюз и начал собирать подписи": the union's action
    if "beliefs" in labels and "public_association" in labels and not any(
            m.label == "beliefs" and (_personal(t, m.first, m.last) if m.tag == "activism" else
                                      not _near(_PARTY, t, m.first, m.last, 2) and not t.words[m.first].startswith(_n("политик")))
            for m in chosen):
        labels.discard("beliefs")  # a party member's elections and "политика": the membership
    # A reason given (the employer's words, "за то что ...", «... үшін») makes the worker's own background facts told
    # apart from what happened («Мен балалар үйінде өскенмін, әлі тұрмысқа шықпағанмын. ... «сен әйелсің» деп ...»,
    # "мне 23, не замужем") background: a ground told only outside the sentences of the stage, neither quoted nor
    # given as a reason, is not one.
    given = labels & {m.label for m in chosen if not m.negated and not m.weak and (_quoted(t, m.first) or _with_reason(t, m.first, m.last))}
    if given and stage_sentences:
        for label in labels - given - {"minor", "language"}:  # a minor's age and a way of speaking go with what was said
            told = [m for m in mentions if m.label == label and not m.negated]
            if told and all(t.sentence[m.first] not in stage_sentences and not _quoted(t, m.first) and m.tag != "kin_reason"
                            and not _with_reason(t, m.first, m.last) for m in told):
                labels.discard(label)
    order: dict[str, int] = {}
    for m in sorted(chosen, key=lambda m: m.first):
        if m.label in labels and m.label not in order:
            order[m.label] = m.first
    grounds = tuple(sorted(order, key=lambda g: order[g]))
    negated = tuple(dict.fromkeys(m.label for m in sorted(mentions, key=lambda m: m.first)
                                  if m.negated and m.label not in labels and m.tag != "speaks_well"))
    # A language the worker speaks well is not denied ("он сказал «учи казахский», а я по-казахски нормально говорю"
    # keeps a language told before), but nothing here makes it a ground: the learned check does not add it.
    not_added = tuple(dict.fromkeys(m.label for m in mentions if m.tag == "speaks_well" and m.label not in labels))
    # A relative given as the reason is said in so many words: the learned check never drops it (it rarely saw one)
    stated = tuple(g for g in grounds if any(m.label == g and not m.negated and m.tag == "kin_reason" for m in chosen))
    return grounds, negated, stated, not_added


_RU_DENIAL_TRANSPARENT = {_n(w) for w in "меня нас ее её его их еще ещё пока так и никого официально".split()}
_KK_PARTICIPLE = re.compile(_n(r"(?:ған|ген|қан|кен)(?:ы|і)?$"))


def _dismissal_denied(t: _Text, first: int, last: int) -> bool:
    """A dismissal the message says did not happen: "меня не уволили", "а не уволили", «шығарған жоқ»."""
    i = first - 1
    while i >= 0 and first - i <= 3 and t.words[i] in _RU_DENIAL_TRANSPARENT and t.clause[i] == t.clause[first]:
        i -= 1
    if i >= 0 and t.words[i] == "не" and t.clause[i] == t.clause[first] and t.words[first] != "не":
        return True
    j = last + 1
    return (j < len(t.words) and t.clause[j] == t.clause[last] and t.words[j] in (_n("жоқ"), _n("емес"))
            and bool(_KK_PARTICIPLE.search(t.words[last])))


# Events that happen to one person; a colleague promoted or paid more is the worker's own promotion or pay story.
_OWN_EVENTS = frozenset({"dismissal", "probation", "transfer", "hiring"})


def _stage(t: _Text) -> tuple[str | None, dict[str, list[int]]]:
    """The decisive stage and, for each stage with a cue, the sentences its cues are in."""
    strong: dict[str, list[int]] = {}
    weak: dict[str, list[int]] = {}
    theirs_strong: dict[str, list[int]] = {}
    theirs_weak: dict[str, list[int]] = {}
    for group in _STAGE_GROUPS:
        for first, last in _matches(group, t):
            if group.label == "dismissal" and _dismissal_denied(t, first, last):
                continue  # "меня не уволили, а перевели", «жұмыстан шығарған жоқ»: the other stage told
            if group.label in _OWN_EVENTS and _someone_elses(t, first):
                # "Моего напарника уволили.": a colleague's story told beside the worker's
                (theirs_weak if group.weak else theirs_strong).setdefault(group.label, []).append(t.sentence[first])
                continue
            (weak if group.weak else strong).setdefault(group.label, []).append(t.sentence[first])
    if not strong and not weak:  # nothing of the worker's own: the colleague's case is the one told
        strong, weak = theirs_strong, theirs_weak
    found = strong or weak
    stage = next((s for s in STAGES_BY_PRIORITY if s in found), None)
    sentences = {k: sorted(set(strong.get(k, []) + weak.get(k, []))) for k in set(strong) | set(weak)}
    return stage, sentences


def _works_at(regex: re.Pattern[str], t: _Text) -> bool:
    """A place of ``regex`` named with a word about working there, in one clause (see _STATE_BODY)."""
    for m in regex.finditer(t.norm):
        first, last = t.tokens(m.start(), m.end())
        lo, hi = max(0, first - 4), min(len(t.words), last + 5)
        near = " " + " ".join(w for i, w in enumerate(t.words[lo:hi], lo) if t.clause[i] == t.clause[first] and not first <= i <= last)
        if _AT_WORK.search(near) and not _NOT_AT_WORK.search(near):
            return True
    return False


def _of_a_unit(t: _Text, start: int, end: int) -> bool:
    """The headcount is of a department, a team, a shift or a branch ("у нас в отделении 8 человек",
    «бригадада бесеуміз»), not of the employer: the word is in the match or just before it."""
    first, last = t.tokens(start, end)
    if _near(_SOLE_TRADER, t, first, last, 5):  # "бригада у нас 9 человек, это ИП": the team is the business
        return False
    return any(_UNIT.match(t.words[i]) for i in range(max(first - 2, 0), last + 1))


def _size(t: _Text) -> int | None:
    """The employer's headcount. A small one told of a unit of the employer says nothing of the employer's
    size (a bank's branch of 8 is no micro-enterprise, TK art. 159); a large one still tells a large employer."""
    for m in _SIZE.finditer(t.norm) if t.has_number else ():
        value = _number(next(g for g in m.groups() if g))
        if value is not None and value == int(value) and 1 <= value <= 1_000_000:
            if value <= SMALL_EMPLOYER_MAX and _of_a_unit(t, m.start(), m.end()):
                continue
            return int(value)
    for m in _SIZE_COLLECTIVE.finditer(t.norm):
        first, last = t.tokens(m.start(), m.end())
        if not _near(_NOT_STAFF, t, first, last, 3) and not _of_a_unit(t, m.start(), m.end()):
            return _COLLECTIVE[next(g for g in m.groups() if g)]
    return None


def _employer(t: _Text) -> tuple[str | None, int | None]:
    size = _size(t)
    if _EMPLOYER_DOMESTIC.search(t.norm):
        return "domestic", size
    if _EMPLOYER_CIVIL.search(t.norm) or _works_at(_STATE_BODY, t):
        return "civil_service", size
    if _works_at(_STATE_INSTITUTION, t):
        return "other", size
    if size is None and _works_at(_LARGE_BY_KIND, t):
        return "other", None
    ngo = any(not _near(_MEMBERSHIP, t, *t.tokens(m.start(), m.end()), 4) for m in _EMPLOYER_NGO.finditer(t.norm))
    if size is not None:
        if size <= SMALL_EMPLOYER_MAX:
            return ("ngo_small" if ngo else "micro"), size
        return "other", size
    if _EMPLOYER_LARGE.search(t.norm):
        return "other", None
    return None, None


RECENT_DAYS = 62  # a lone date outside the sentences that tell the stage counts if it is this recent
_ANCHOR = re.compile(_alternatives(["это было", "было это", "случилось", "произошло", "болды!", "болған!", "болды ғой"]))


def _pick_date(t: _Text, hits: list[_DateHit], stage: str | None, sentences: dict[str, list[int]],
               today: datetime.date) -> _DateHit | None:
    """The date of the decisive event, never one inside quoted speech (what someone said): in a sentence
    that tells the stage (or, failing that, any stage; or a short "это было вчера"; or the message's
    only date if it is recent); a day before a month alone; the latest day."""
    hits = [h for h in hits if not _quoted(t, h.first)]  # «сендер бүгін барсыңдар, ертең жоқсыңдар»: said, not dated
    if not hits:
        return None
    stage_sentences = set(sentences.get(stage or "", []))
    any_stage = {s for v in sentences.values() for s in v}

    def tier(h: _DateHit) -> int:
        sent = t.sentence[h.first]
        if sent in stage_sentences:
            return 0
        if sent in any_stage:
            return 1
        words = [i for i in range(len(t.words)) if t.sentence[i] == sent]
        if len(words) <= 4 or _ANCHOR.search(" " + " ".join(t.words[i] for i in words)):
            return 2
        return 3 if not any_stage else 9

    best = min(tier(h) for h in hits)
    if best == 9:
        # No date where the stage is told: one date outside quoted speech is still the story's
        # ("Вчера вообще при заказчиках подколол", «Өткен аптада мастер шақырып алып ...»).
        # Not a background fact months old ("Полгода назад мы создали профсоюз ... А теперь ... переводят").
        recent = len(hits) == 1 and (hits[0].date is None or (today - hits[0].date).days <= RECENT_DAYS)
        return hits[0] if recent else None
    candidates = [h for h in hits if tier(h) == best]
    days = [h for h in candidates if h.date is not None]
    if days:
        return max(days, key=lambda h: (h.date or datetime.date.min, h.first))
    return candidates[-1]


def explain(text: str) -> list[str]:
    """Which cues fire in ``text`` and on which words (for people tuning the lexicon)."""
    t = _prepare(text)
    out = [f"normalised: {t.norm}"]
    for group in _GROUND_GROUPS + _STAGE_GROUPS:
        for first, last in _matches(group, t):
            flags = " weak" if group.weak else ""
            flags += f" [{group.tag}]" if group.tag else ""
            out.append(f"{group.label}{flags}: {t.written(first, last)!r}")
    for m in _age_mentions(t) + _language_mentions(t, True):
        out.append(f"{m.label}{' weak' if m.weak else ''}: {t.written(m.first, m.last)!r}")
    return out


# --------------------------------------------------------------------------------------------------
# Details of a stage that a more precise paragraph answers.

_PROBATION_WORD = _n(r"(?:испытательн\S*|испытани\S*|исп|испыталк\S*|сынақ\S*)(?: срок\S*| мерзім\S*)?")
_LONGER_THAN_THREE = _n(r"(?:полгода|пол года|полугода|(?:4|5|6|7|8|9|10|11|12|четыре|пять|шесть|төрт|бес|алты|жеті) "
                        r"(?:месяц\S*|мес|ай|айға|айлық|айлик|айга))(?!\S)")
# Extended: «сынақ мерзімін ұзартты», "продлили испытательный" (not "не продлили договор", «ұзартпады», «ұзартылмайды»),
# in a sentence that names the probation ("продлили больничный" in a probation story is not it).
_EXTENDED = re.compile(_n(r"(?<! не) (?:продл(?!\S*\s+договор)\S*|пролонгир\S*|ұзарт(?!па|пай|ылма|ылмай)\S*)"))
_PROBATION = re.compile(f" {_PROBATION_WORD}(?!\\S)")
# Set longer than the law allows: "испытательный срок 6 месяцев", «сынақ мерзімі алты ай», «алты айлық сынақ».
_LONG_PROBATION = re.compile(f" {_PROBATION_WORD} (?:на |до |в )?(?:\\S+ )?{_LONGER_THAN_THREE}"
                             f"| {_LONGER_THAN_THREE} {_PROBATION_WORD}")


def stage_detail(text: str, stage: str | None) -> str | None:
    """A detail of the told stage that a more precise paragraph answers (knowledge/situations/stages.yml
    ``details``): "term" for a probation extended or set longer than three months (TK art. 36(2), the
    longest probation) rather than its result (art. 37)."""
    if stage != "probation":
        return None
    t = _prepare(text)
    if _LONG_PROBATION.search(t.norm):
        return "term"
    probation_sentences = {t.sentence[t.tokens(*m.span())[0]] for m in _PROBATION.finditer(t.norm)}
    for m in _EXTENDED.finditer(t.norm):
        if t.sentence[t.tokens(*m.span())[0]] in probation_sentences:
            return "term"
    return None


def extract(text: str, today: datetime.date, lang: str | None = None) -> Situation:
    """The situation one message describes (see the module docstring). ``lang`` ("kk"/"ru") is a
    hint only: every cue is looked for in both languages and every spelling."""
    del lang  # both languages are read in every message (mixed kk/ru is common)
    t = _prepare(text)
    if not t.words:
        return Situation()
    stage, sentences = _stage(t)
    grounds, negated, stated, not_added = _grounds(t, stage is not None, frozenset(s for v in sentences.values() for s in v))
    kind, size = _employer(t)
    day = _day(today)
    hit = _pick_date(t, _date_hits(t, day), stage, sentences, day)
    return Situation(grounds=grounds, negated=negated, stage=stage, employer_kind=kind, employer_size=size,
                     date=hit.date if hit else None, date_text=hit.text if hit else None, stated=stated,
                     not_added=not_added)


# --------------------------------------------------------------------------------------------------
# Measuring on the situation dev set.


def _same_date_text(label: Any, predicted: str | None) -> bool:
    if not label:
        return predicted is None
    if predicted is None:
        return False
    a, b = " ".join(_norm_word(w) for w in fold(str(label)).split()), " ".join(_norm_word(w) for w in fold(predicted).split())
    return a == b or a in b or b in a


def _employer_ok(label: Any, s: Situation) -> bool:
    label = label or {}
    if label.get("kind") != s.employer_kind:
        return False
    return label.get("size") is None or label.get("size") == s.employer_size


@dataclass
class _Score:
    n: int = 0
    grounds: int = 0
    stage: int = 0
    employer: int = 0
    date: int = 0
    followups: int = 0
    followups_ok: int = 0
    misses: list[str] = field(default_factory=list)


def evaluate(questions: Sequence[dict[str, Any]], today: datetime.date,
             run: Callable[[str, datetime.date], Situation] | None = None) -> dict[str, _Score]:
    """Per language: exact-set ground accuracy, stage, employer (kind, and size when labelled),
    date expression; follow-ups with labelled grounds or employer, each read on its own."""
    run = run or (lambda text, day: extract(text, day))
    scores: dict[str, _Score] = {}
    for q in questions:
        sc = scores.setdefault(q["lang"], _Score())
        s = run(q["text"], today)
        sc.n += 1
        checks = {
            "grounds": set(s.grounds) == set(q.get("grounds") or []),
            "stage": s.stage == q.get("stage"),
            "employer": _employer_ok(q.get("employer"), s),
            "date": _same_date_text(q.get("date"), s.date_text),
        }
        sc.grounds += checks["grounds"]
        sc.stage += checks["stage"]
        sc.employer += checks["employer"]
        sc.date += checks["date"]
        for name, ok in checks.items():
            if not ok:
                want = {"grounds": q.get("grounds"), "stage": q.get("stage"), "employer": q.get("employer"), "date": q.get("date")}[name]
                got = {"grounds": list(s.grounds), "stage": s.stage, "employer": (s.employer_kind, s.employer_size),
                       "date": s.date_text}[name]
                sc.misses.append(f"{q['id']} {name}: want {want!r} got {got!r} | {q['text'][:160]}")
        for fu in q.get("followups") or []:
            expect = fu.get("expect") or {}
            if "grounds" not in expect and "employer" not in expect:
                continue
            fs = run(fu["text"], today)
            ok = ("grounds" not in expect or set(fs.grounds) == set(expect["grounds"])) and (
                "employer" not in expect or _employer_ok(expect["employer"], fs))
            sc.followups += 1
            sc.followups_ok += ok
            if not ok:
                sc.misses.append(f"{q['id']} follow-up: want {expect!r} got grounds={list(fs.grounds)} "
                                 f"employer={(fs.employer_kind, fs.employer_size)} | {fu['text'][:160]}")
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Situation extractor: measure on the dev set, or read one message")
    parser.add_argument("--devset", type=Path, help="bench/devset/situations.yml")
    parser.add_argument("--split", choices=("tune", "heldout"), default="tune",
                        help="heldout prints numbers only (never its texts: nobody tunes on it)")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    parser.add_argument("text", nargs="?", help="one message to read instead")
    parser.add_argument("--explain", action="store_true", help="with a text: list the cues that fire")
    # The rules alone; `python -m tendik.situation_model measure` measures them with the learned ground check.
    args = parser.parse_args(argv)
    if args.text:
        print(extract(args.text, args.today))
        if args.explain:
            print("\n".join(explain(args.text)))
        return 0
    if not args.devset:
        parser.error("--devset or a text is required")
    report(args.devset, args.split, args.today)
    return 0


def report(devset: Path, split: str, today: datetime.date,
           run: Callable[[str, datetime.date], Situation] | None = None, reader: str = "rules") -> None:
    """Print the accuracy on one split of the dev set (and, for the tune split only, every miss)."""
    import yaml  # only the measuring command needs it (both environments have PyYAML)

    data = yaml.safe_load(devset.read_text(encoding="utf-8"))
    questions = [q for q in data["questions"] if q.get("split") == split]
    started = time.perf_counter()
    scores = evaluate(questions, today, run)
    elapsed = time.perf_counter() - started
    calls = sum(sc.n + sc.followups for sc in scores.values())
    print(f"split={split} today={today} messages={len(questions)} reader={reader} "
          f"({1000 * elapsed / max(calls, 1):.3f} ms per message incl. scoring)")
    print("accuracy: grounds = exact set of grounds (the empty set included); stage = the one stage or none; "
          "employer = kind, and size when labelled; date = the expression found (or none) matches the label")
    for lang in sorted(scores):
        sc = scores[lang]
        fu = f"{sc.followups_ok}/{sc.followups}" if sc.followups else "-"
        print(f"  {lang}: n={sc.n} grounds={sc.grounds / sc.n:.3f} stage={sc.stage / sc.n:.3f} "
              f"employer={sc.employer / sc.n:.3f} date={sc.date / sc.n:.3f} follow-ups={fu}")
    if split == "tune":
        for lang in sorted(scores):
            for miss in scores[lang].misses:
                print(f"  miss {miss}")

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(main())
