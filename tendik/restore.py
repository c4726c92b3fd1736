"""Kazakh letters restored: Latin-script Kazakh and Kazakh typed without Kazakh letters -> Kazakh Cyrillic.

Workers write «жумыска» for «жұмысқа», "jūmysqa" (2021 Latin), "jumysqa" / "zhumyska" (ad hoc) or
"jumısqa"; the e5 encoder reads only the proper spelling well. ``restore_kazakh(text)`` returns the
text with such words spelled as the project's own Kazakh texts spell them:

* Latin words are read with a coarse "skeleton" (ә/а, қ/к, ғ/г, ң/н, ө/о, ұ/ү/у, і/и/й/ы, ш/щ ...
  merged) that every Latin alphabet (2017 apostrophes, 2018 acutes, 2021 diacritics) and ad hoc
  transliteration (sh, ch, zh, gh, q, w, y) agrees on; among the vocabulary words with that skeleton
  the one agreeing best with the letters that do tell (ä, q, ğ, ñ, ö, ū, ü, ı ... and, in a message
  that uses such letters, the plain ones too) wins, then the most frequent. A Latin word of a Latin
  Kazakh message that the vocabulary does not know is transliterated letter by letter.
* Cyrillic words without Kazakh letters: the vocabulary word with the same folded form
  (``tendik.lang.fold``: ә->а, қ->к, ..., і->и) and the highest frequency; a Latin "i" inside a
  Cyrillic word is read as «і». A word of a Kazakh message that the vocabulary lacks (an
  inflection it never saw: «тусесин») gets each merged letter from the widest window of folded
  letters around it in which the vocabulary's words clearly (>= 90 %) agree (``_by_context``).
* Untouched: words that already have Kazakh letters, numbers, URLs and e-mail addresses, emoji and
  punctuation, one-letter words, a word right after a number («45-тен»), and a Russian word (one of
  the project's Russian texts) unless the message reads as Kazakh.

The vocabulary is the project's OWN Kazakh text: the kk texts of knowledge/ (explanations, norms,
situations, lessons, drafts) and the Kazakh NLU examples (from those only words with Kazakh
letters, and the plain words of lines written with them); the Russian vocabulary for the check
above comes from the ru texts of the same files. It is built on first use (~1-2 s), deterministic,
and cached for the process; the dev set is never read. Standard library plus PyYAML (both virtual
environments have it), Python 3.10-compatible: Rasa's NLU pipeline imports it.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tendik.folding import _KK_FUNCTION_WORDS, KK_LETTERS, fold
from tendik.paths import ROOT

logger = logging.getLogger(__name__)

MAX_CHARS = 20_000
CONTEXT_BACKOFF = True  # words the vocabulary lacks: letters from their contexts (bench/RESTORE.md)  # longer texts are returned unchanged (the REST channel cuts at 2,000)

_CYR = re.compile(r"[а-яёәғқңөұүһі]", re.I)
_CYR_ONLY = re.compile(r"^[а-яёәғқңөұүһі]+$")
_APOS = "'’ʼ`´"
_TOKEN = re.compile(r"[^\W\d_]+(?:[" + _APOS + r"][^\W\d_]*)*", re.U)
_SKIP_SPAN = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|\S*[/\\]\S*\.\S+", re.I)
_LATIN_LETTERS = set("abcdefghijklmnopqrstuvwxyzäğıñöūüşçáǵńóúýíéščž")
_KK_LATIN_SPECIAL = set("äğıñöūüşçáǵńóúýščž")
_STRICT_MARKS = re.compile("[äğıñöūüşçáǵńóúýščž" + _APOS + "]")
# Latin look-alikes inside a Cyrillic word ("бiлiм" with a Latin i).
_LOOKALIKE = str.maketrans({"i": "і", "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у",
                            "k": "к", "h": "һ", "m": "м", "t": "т", "b": "в"})

# ---------------------------------------------------------------- skeletons
# One symbol per Cyrillic letter class; both sides (vocabulary word, Latin input) map onto it.
_CYR_SKELETON: dict[str, str] = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "э": "e", "ё": "io",
    "ж": "j", "з": "z", "и": "i", "і": "i", "й": "i", "ы": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "c", "ш": "w", "щ": "w", "ъ": "", "ь": "",
    "ю": "iu", "я": "ia",
}
_AMBIGUOUS_CYR = set("яюёцщъь")  # letters that never take part in the agreement score

# Latin units: (unit, skeleton symbols, letters it says in any message, letters it says in a message
# written with Kazakh Latin letters, default Cyrillic reading). Longest units first.
_LATIN_UNITS: list[tuple[str, str, str, str, str]] = [
    ("shch", "w", "шщ", "шщ", "щ"),
    ("a'", "a", "ә", "ә", "ә"), ("g'", "g", "ғ", "ғ", "ғ"), ("i'", "i", "ий", "ий", "и"), ("n'", "n", "ң", "ң", "ң"),
    ("o'", "o", "ө", "ө", "ө"), ("u'", "u", "ү", "ү", "ү"), ("y'", "u", "ұ", "ұ", "ұ"), ("s'", "w", "шщ", "шщ", "ш"),
    ("c'", "c", "ч", "ч", "ч"),
    ("sh", "w", "шщ", "шщ", "ш"), ("ch", "c", "ч", "ч", "ч"), ("zh", "j", "ж", "ж", "ж"), ("kh", "h", "х", "х", "х"),
    ("gh", "g", "ғ", "ғ", "ғ"), ("ya", "ia", "", "", "я"), ("yu", "iu", "", "", "ю"),
    ("a", "a", "", "а", "а"), ("ä", "a", "ә", "ә", "ә"), ("á", "a", "ә", "ә", "ә"),
    ("b", "b", "", "", "б"), ("c", "ts", "", "", "ц"), ("ç", "c", "ч", "ч", "ч"), ("d", "d", "", "", "д"),
    ("e", "e", "", "", "е"), ("é", "e", "", "", "е"), ("f", "f", "", "", "ф"),
    ("g", "g", "", "г", "г"), ("ğ", "g", "ғ", "ғ", "ғ"), ("ǵ", "g", "ғ", "ғ", "ғ"),
    ("h", "h", "хһ", "хһ", "х"), ("ı", "i", "іий", "і", "і"), ("i", "i", "", "ий", "і"), ("í", "i", "ий", "ий", "и"),
    ("j", "j", "ж", "ж", "ж"), ("k", "k", "", "к", "к"), ("q", "k", "қ", "қ", "қ"), ("l", "l", "", "", "л"),
    ("m", "m", "", "", "м"), ("n", "n", "", "н", "н"), ("ñ", "n", "ң", "ң", "ң"), ("ń", "n", "ң", "ң", "ң"),
    ("o", "o", "", "о", "о"), ("ö", "o", "ө", "ө", "ө"), ("ó", "o", "ө", "ө", "ө"), ("p", "p", "", "", "п"),
    ("r", "r", "", "", "р"), ("s", "s", "", "", "с"), ("ş", "w", "шщ", "шщ", "ш"), ("t", "t", "", "", "т"),
    ("u", "u", "", "у", "у"), ("ū", "u", "ұ", "ұ", "ұ"), ("ü", "u", "ү", "ү", "ү"), ("ú", "u", "ү", "ү", "ү"),
    ("ý", "u", "у", "у", "у"), ("v", "v", "", "", "в"), ("w", "u", "у", "у", "у"), ("x", "h", "", "", "х"),
    ("y", "i", "ыйу", "ый", "ы"), ("z", "z", "", "", "з"),
    ("š", "w", "шщ", "шщ", "ш"), ("č", "c", "ч", "ч", "ч"), ("ž", "j", "ж", "ж", "ж"),  # "kazakša"
]
_UNIT_TABLE: dict[str, tuple[str, str, str, str]] = {u[0]: u[1:] for u in _LATIN_UNITS}
_UNIT_RE = re.compile("|".join(re.escape(u[0]) for u in sorted(_LATIN_UNITS, key=lambda u: -len(u[0]))))
_NUMBER_BEFORE = re.compile(r".?\d[-\s]?$")
_NUMBER_SUFFIXES = set("тен тан ден дан нен нан те та де да не на ке ка ге га ши шы ыншы инши ншы нши шы ши ма ме".split())
_VOWELS_CYR = set("аәеёиоөұүыіэюя")


def skeleton(word: str) -> str:
    """The coarse letter-class form of a Cyrillic word (lower case)."""
    return "".join(_CYR_SKELETON.get(ch, ch) for ch in word)


@dataclass(frozen=True)
class _LatinReading:
    skeleton: str
    hints: tuple[str, ...]  # per skeleton symbol: the letters the input says ("" = no telling)
    strict_hints: tuple[str, ...]  # the same in a message written with Kazakh Latin letters
    default: str  # letter-by-letter Cyrillic reading
    strict_default: str  # the same in a message written with Kazakh Latin letters (there "i" is и, "ı" і)


def _latin_units(word: str) -> list[str]:
    word = "".join("'" if ch in _APOS else ch for ch in word)
    units = []
    pos = 0
    while pos < len(word):
        m = _UNIT_RE.match(word, pos)
        if m is None:
            if word[pos] != "'":
                units.append(word[pos])
            pos += 1
            continue
        units.append(m.group())
        pos = m.end()
    return units


@functools.lru_cache(maxsize=8192)
def read_latin(word: str) -> _LatinReading:
    """Skeleton, hints and default reading of one lower-case Latin word."""
    skel: list[str] = []
    hints: list[str] = []
    strict: list[str] = []
    default: list[str] = []
    strict_default: list[str] = []
    for unit in _latin_units(word):
        symbols, says, says_strict, reading = _UNIT_TABLE.get(unit, (unit, "", "", unit))
        for _ in symbols:
            hints.append(says)
            strict.append(says_strict)
        skel.append(symbols)
        after_vowel = bool(default) and default[-1] in _VOWELS_CYR
        if unit in ("i", "y") and after_vowel:
            reading = "й"  # "bolmaidy", "aytty": i/y after a vowel is й
        default.append(reading)
        strict_default.append("и" if unit == "i" and not after_vowel else reading)
    return _LatinReading("".join(skel), tuple(hints), tuple(strict), "".join(default), "".join(strict_default))


def _agreement(candidate: str, hints: tuple[str, ...]) -> int:
    letters: list[str] = []
    for ch in candidate:
        letters.extend(ch * len(_CYR_SKELETON.get(ch, ch)))
    if len(letters) != len(hints):
        return 0
    score = 0
    for letter, says in zip(letters, hints):
        if says and letter not in _AMBIGUOUS_CYR:
            score += 1 if letter in says else -1
    return score


# ---------------------------------------------------------------- vocabulary
@dataclass
class Vocabulary:
    by_fold: dict[str, str]  # folded form -> the Kazakh spelling to restore
    by_skeleton: dict[str, list[tuple[str, int]]]  # skeleton -> (word, count), most frequent first
    kazakh_folded: frozenset[str]
    russian_folded: frozenset[str]
    russian_skeletons: frozenset[str] = frozenset()
    # letter in context (see ``_by_context``) -> the Kazakh letter, for words the vocabulary lacks
    contexts: dict[str, str] = field(default_factory=dict)
    # word endings (3 folded letters) far more Russian than Kazakh: such a word gets no context guess
    russian_endings: frozenset[str] = frozenset()

    @classmethod
    def from_counts(cls, kazakh: Counter[str], russian: Counter[str]) -> Vocabulary:
        """A Russian word is one relatively more frequent in the Russian texts than in the Kazakh
        ones (the Russian NLU examples carry Kazakh words typed without Kazakh letters, and a few
        words are both: «он», «сот»)."""
        best: dict[str, tuple[int, int, str]] = {}
        by_skeleton: dict[str, list[tuple[str, int]]] = {}
        for word, count in kazakh.items():
            key = fold(word)
            rank = (count, sum(ch in KK_LETTERS for ch in word), word)
            if key not in best or rank > best[key]:
                best[key] = rank
            by_skeleton.setdefault(skeleton(word), []).append((word, count))
        for cands in by_skeleton.values():
            cands.sort(key=lambda wc: (-wc[1], wc[0]))
        kazakh_folded = frozenset(best)
        kk_folded: Counter[str] = Counter()
        for word, count in kazakh.items():
            kk_folded[fold(word)] += count
        ru_folded: Counter[str] = Counter()
        for word, count in russian.items():
            if not KK_LETTERS & set(word):
                ru_folded[fold(word)] += count
        kk_total, ru_total = max(sum(kk_folded.values()), 1), max(sum(ru_folded.values()), 1)
        russian_folded = frozenset(w for w, c in ru_folded.items() if w and c / ru_total > kk_folded[w] / kk_total)
        russian_skeletons = frozenset(skeleton(w) for w in russian if fold(w) in russian_folded)
        kk_end: Counter[str] = Counter(w[-3:] for w in kk_folded if len(w) >= 4)
        ru_end: Counter[str] = Counter(w[-3:] for w in ru_folded if len(w) >= 4)
        kk_n, ru_n = max(sum(kk_end.values()), 1), max(sum(ru_end.values()), 1)
        russian_endings = frozenset(e for e, c in ru_end.items() if c >= 3 and c / ru_n > 4 * kk_end[e] / kk_n)
        return cls({k: v[2] for k, v in best.items()}, by_skeleton, kazakh_folded, russian_folded, russian_skeletons,
                   _context_table(kazakh), russian_endings)


# Windows (letters before, letters after) around a folded letter, widest first.
_WINDOWS = ((3, 3), (3, 2), (2, 3), (2, 2), (3, 1), (1, 3), (2, 1), (1, 2), (1, 1))
_FOLDED_TARGETS = set("агкноуих")
_CONTEXT_MIN_COUNT = 3
_CONTEXT_MIN_SHARE = 0.9


def _context_table(kazakh: Counter[str]) -> dict[str, str]:
    """For a letter that folding merges (а: а/ә, к: к/қ, ...) in a window of folded letters around
    it: the letter the vocabulary's words have there, when they say so clearly (>= 3 occurrences,
    >= 90 %; the plain letter included)."""
    counts: dict[str, Counter[str]] = {}
    for word, count in kazakh.items():
        folded = fold(word)
        if len(folded) != len(word):
            continue
        padded = "^^^" + folded + "$$$"
        for i, ch in enumerate(folded):
            if ch not in _FOLDED_TARGETS:
                continue
            j = i + 3
            for before, after in _WINDOWS:
                key = f"{before}{after}{padded[j - before : j + after + 1]}"
                counts.setdefault(key, Counter())[word[i]] += count
    table = {}
    for key, letters in counts.items():
        letter, n = letters.most_common(1)[0]
        total = sum(letters.values())
        if total >= _CONTEXT_MIN_COUNT and n >= _CONTEXT_MIN_SHARE * total:
            table[key] = letter  # plain letters too: a clear plain context stops the narrower ones
    return table


def _by_context(folded: str, vocab: Vocabulary) -> str:
    """A word the vocabulary lacks, its merged letters restored from their contexts («тусесин» ->
    «түсесің» when the vocabulary's words say so)."""
    padded = "^^^" + folded + "$$$"
    out = list(folded)
    for i, ch in enumerate(folded):
        if ch not in _FOLDED_TARGETS:
            continue
        j = i + 3
        for before, after in _WINDOWS:
            key = f"{before}{after}{padded[j - before : j + after + 1]}"
            if key in vocab.contexts:
                out[i] = vocab.contexts[key]
                break
    return "".join(out)


def _strings_by_language(node: Any, lang: str | None, out: dict[str, list[str]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _strings_by_language(value, key if key in ("kk", "ru") else lang, out)
    elif isinstance(node, list):
        for value in node:
            _strings_by_language(value, lang, out)
    elif isinstance(node, str) and lang:
        out[lang].append(node)


def _words(text: str) -> list[str]:
    low = unicodedata.normalize("NFC", text).lower()
    return [w for w in _TOKEN.findall(low) if _CYR_ONLY.match(w) and len(w) >= 2]


def _nlu_lines(path: Path) -> Iterator[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("- ") and not stripped.startswith("- intent:"):
            yield stripped[2:].strip().strip('"')


def build_vocabulary(root: Path = ROOT) -> Vocabulary:
    """Word counts of the project's Kazakh texts (see the module docstring)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    texts: dict[str, list[str]] = {"kk": [], "ru": []}
    for path in sorted((root / "knowledge").rglob("*.yml")):
        try:
            _strings_by_language(yaml.load(path.read_text(encoding="utf-8"), Loader=loader), None, texts)  # noqa: S506 - a safe loader
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            logger.warning("restore: %s unreadable; skipped", path.name)
    kazakh: Counter[str] = Counter()
    for text in texts["kk"]:
        kazakh.update(_words(text))
    russian: Counter[str] = Counter()
    for text in texts["ru"]:
        russian.update(_words(text))
    nlu = root / "nlu_data" / "data" / "nlu"
    for path in sorted((nlu / "kk").glob("*.yml")):
        for line in _nlu_lines(path):
            words = _words(line)
            marked = [w for w in words if KK_LETTERS & set(w)]
            # a line written with Kazakh letters vouches for its plain words too; one written
            # without them (or in Latin) is what this module restores, not a source
            kazakh.update(words if words and len(marked) * 4 >= len(words) else marked)
    for path in sorted((nlu / "ru").glob("*.yml")):
        for line in _nlu_lines(path):
            russian.update(_words(line))
    return Vocabulary.from_counts(kazakh, russian)


_vocabulary: Vocabulary | None = None
_lock = threading.Lock()


def vocabulary() -> Vocabulary:
    """The process-wide vocabulary, built on first use."""
    global _vocabulary
    with _lock:
        if _vocabulary is None:
            try:
                _vocabulary = build_vocabulary()
            except Exception:  # noqa: BLE001 - restoring is an improvement, never a failure
                logger.exception("restore: vocabulary not built; Latin words are transliterated only")
                _vocabulary = Vocabulary({}, {}, frozenset(), frozenset())
            logger.info("restore: %d Kazakh word forms", len(_vocabulary.by_fold))
        return _vocabulary


# ---------------------------------------------------------------- restoring
@functools.lru_cache(maxsize=16384)
def _script(word: str) -> str:
    """"cyr", "latin", "mixed" (Cyrillic with Latin look-alikes) or "other"."""
    cyr = sum(1 for ch in word if _CYR.match(ch))
    latin = sum(1 for ch in word if ch in _LATIN_LETTERS)
    apos = sum(1 for ch in word if ch in _APOS)
    if cyr == len(word):
        return "cyr"
    if latin + apos == len(word) and latin:
        return "latin"
    if cyr and cyr + latin == len(word) and cyr >= latin:
        return "mixed"
    return "other"


def reads_as_kazakh(text: str) -> bool:
    """Whether a message reads as Kazakh: its words with Kazakh letters, Kazakh grammar words and
    words only the Kazakh vocabulary knows outnumber the words only the Russian one knows."""
    try:
        words = [m.group().lower() for m in _TOKEN.finditer(unicodedata.normalize("NFC", text)) if len(m.group()) >= 2]
        return _reads_as_kazakh(words, vocabulary())
    except Exception:  # noqa: BLE001 - never raises
        logger.exception("restore: language reading failed")
        return False


def _reads_as_kazakh(words: list[str], vocab: Vocabulary) -> bool:
    return sum(word_vote(word, vocab) for word in words) > 0


def word_vote(word: str, vocab: Vocabulary) -> int:
    """+1 for a Kazakh word, -1 for a Russian one, 0 for a word that tells nothing."""
    cached = _votes.get(word)
    if cached is not None:
        return cached
    if KK_LETTERS & set(word) or _KK_LATIN_SPECIAL & set(word):
        vote = 1
    else:
        if _script(word) == "latin":
            reading = read_latin(word)
            folded = fold(reading.default)
            known_kk = folded in vocab.kazakh_folded or reading.skeleton in vocab.by_skeleton
            known_ru = fold(word) in vocab.russian_folded or reading.skeleton in vocab.russian_skeletons
        else:
            folded = fold(word)
            known_kk = folded in vocab.kazakh_folded
            known_ru = folded in vocab.russian_folded
        if folded in _KK_FUNCTION_WORDS or (known_kk and not known_ru):
            vote = 1
        elif known_ru and not known_kk:
            vote = -1
        else:
            vote = 0
    if len(_votes) < _CACHE_SIZE:
        _votes[word] = vote
    return vote


_CACHE_SIZE = 50_000
_votes: dict[str, int] = {}
_restored: dict[tuple[str, bool, bool, bool], str | None] = {}


def _cased(original: str, restored: str) -> str:
    if original.isupper() and len(original) > 1:
        return restored.upper()
    if original[:1].isupper():
        return restored[:1].upper() + restored[1:]
    return restored


def _restore_cyrillic(low: str, vocab: Vocabulary, kazakh: bool) -> str | None:
    if KK_LETTERS & set(low):
        return None
    key = fold(low)
    found = vocab.by_fold.get(key)
    if (found is None and kazakh and CONTEXT_BACKOFF and len(key) >= 4 and key not in vocab.russian_folded
            and key[-3:] not in vocab.russian_endings):
        found = _by_context(key, vocab)
    if found is None or found == low:
        return None
    if not kazakh and (key in vocab.russian_folded or len(key) <= 3):
        return None  # a Russian word (or a short one: «кол») in a Russian message
    return found


def _restore_latin(low: str, vocab: Vocabulary, kazakh: bool, latin_kazakh: bool, strict: bool) -> str | None:
    reading = read_latin(low)
    candidates = vocab.by_skeleton.get(reading.skeleton)
    if not candidates and "ng" in low:
        # Latin Kazakh often writes «ң» as "ng" ("mening", "kelgensing", "zhanga"): tried against the vocabulary only,
        # since "ng" is also «нг» («енгізді») and loanwords end in -ing ("mobbing", "pirsing").
        alt = read_latin(low.replace("ng", "ñ"))
        if alt_candidates := vocab.by_skeleton.get(alt.skeleton):
            reading, candidates = alt, alt_candidates
    if candidates:
        hints = reading.strict_hints if strict else reading.hints
        best = max(candidates[:12], key=lambda wc: (_agreement(wc[0], hints), wc[1]))[0]
        if not kazakh and (fold(low) in vocab.russian_folded or reading.skeleton in vocab.russian_skeletons):
            return None
        return best
    if latin_kazakh:
        return reading.strict_default if strict else reading.default
    return None


def _restore_word(low: str, vocab: Vocabulary, kazakh: bool, latin_kazakh: bool, strict: bool) -> str | None:
    key = (low, kazakh, latin_kazakh, strict)
    if key in _restored:
        return _restored[key]
    script = _script(low)
    restored: str | None = None
    if script == "cyr":
        restored = _restore_cyrillic(low, vocab, kazakh)
    elif script == "mixed":
        cyr = low.translate(_LOOKALIKE)
        restored = _restore_cyrillic(cyr, vocab, kazakh) or cyr
    elif script == "latin":
        restored = _restore_latin(low, vocab, kazakh, latin_kazakh, strict)
    if len(_restored) < _CACHE_SIZE:
        _restored[key] = restored
    return restored


def restore_kazakh(text: str, lang: str | None = None) -> str:
    """``text`` with Kazakh words spelled with Kazakh letters in Cyrillic (see the module docstring).
    ``lang`` is the message's language when already decided ("kk" or "ru"); otherwise the message
    is read here. Never raises: on any trouble the text comes back as it was."""
    try:
        return _restore(text, lang)
    except Exception:  # noqa: BLE001 - never break a message over spelling
        logger.exception("restore failed; text left as it was")
        return text if isinstance(text, str) else ""


def _restore(text: str, lang: str | None) -> str:
    if not isinstance(text, str) or not text or len(text) > MAX_CHARS:
        return text if isinstance(text, str) else ""
    text = unicodedata.normalize("NFC", text)
    vocab = vocabulary()
    tokens = [m for m in _TOKEN.finditer(text) if len(m.group()) >= 2]
    if "@" in text or "/" in text or "\\" in text or "www" in text.lower():
        skip = [m.span() for m in _SKIP_SPAN.finditer(text)]
        tokens = [m for m in tokens if not any(a <= m.start() < b for a, b in skip)]
    if not tokens:
        return text
    lows = [m.group().lower() for m in tokens]
    kazakh = lang == "kk" or (lang != "ru" and _reads_as_kazakh(lows, vocab))
    latin = [w for w in lows if _script(w) == "latin"]
    # Kazakh Latin letters or apostrophes in the message: its plain Latin letters tell too (a is а, not ә)
    strict = bool(latin) and bool(_STRICT_MARKS.search(" ".join(latin)))
    # A Latin word no vocabulary knows is transliterated only in a Kazakh message written in Latin.
    latin_kazakh = kazakh and len(latin) * 2 >= len(lows)
    digits = any(ch.isdigit() for ch in text)
    out: list[str] = []
    last = 0
    for m, low in zip(tokens, lows):
        start, end = m.span()
        if digits and _NUMBER_BEFORE.match(text, max(0, start - 2), start) and fold(low) in _NUMBER_SUFFIXES:
            continue  # «45-тен», "2-ші": a suffix of a number
        restored = _restore_word(low, vocab, kazakh, latin_kazakh, strict)
        if restored is None or restored == low:
            continue
        out.append(text[last:start])
        out.append(_cased(m.group(), restored))
        last = end
    out.append(text[last:])
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m tendik.restore", description="restore Kazakh letters")
    parser.add_argument("--lang", choices=["kk", "ru"])
    parser.add_argument("text", nargs="+")
    args = parser.parse_args(argv)
    print(restore_kazakh(" ".join(args.text), args.lang), file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
