"""Language detection (kk/ru) and spelling-folding for Kazakh and Russian text.

Pure standard library: this module is imported both by the action server (Python 3.11) and by
Rasa's custom tokenizer and REST channel (Python 3.10), so it must stay dependency-free.

* ``fold(text)`` maps the spellings workers use onto one form: Latin-script Kazakh or translit
  Russian is transliterated to Cyrillic, Kazakh-specific letters are folded to their Russian
  keyboard look-alikes (ә->а, қ->к, ...), case and punctuation are dropped. Used for NLU features
  and lexical search, never for citations.
* ``LanguageDetector`` is a character n-gram naive Bayes model trained from the project's own
  Kazakh and Russian training examples (``python -m tendik.lang train``), with a rule that any
  Kazakh-specific letter means Kazakh.
* ``requested_language(text)`` recognises an explicit request to switch ("қазақша", "на русском");
  a message about a language AT WORK («қазақша сөйлесеңдер айыппұл саламын», "директор запретил
  говорить по-казахски", «бастық орысша сөйле дейді») is a ground of discrimination, not such a
  request (``about_language_at_work``), unless it also plainly asks the bot ("..., ответьте на русском").
"""

from __future__ import annotations

import json
import logging
import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tendik.folding import (  # noqa: F401 - fold, fold_tokens, KK_LETTERS ... are imported from here too
    _KK_FOLD,
    _KK_FUNCTION_WORDS,
    _WORD,
    KK_LETTERS,
    KK_QUESTION_WORDS,
    fold,
    fold_tokens,
)
from tendik.restore import vocabulary, word_vote

logger = logging.getLogger(__name__)

LANGS = ("kk", "ru")
# Detection below this confidence keeps the language the conversation already has.
DETECT_MIN_CONFIDENCE = 0.7
# A message changes the language of a conversation that has one only with this many words the language model
# was trained on (or with a Kazakh-only letter): "hmm", "test", "ok", "спасибо", «рахмет», a sticker's name or a
# bit of JSON say too little, and the character model is sure of itself on such short strings.
MIN_KNOWN_WORDS_TO_SWITCH = 2
KK_LATIN_MARKERS = set("äğıñöūüşçáóúýǵń")

# Russian grammar words: many of them against one Kazakh particle make the sentence Russian.
_RU_FUNCTION_WORDS = set(
    "и в во на не что я а с по у меня мне это как но из за от до так все уже только вообще его ее её он она мы вы "
    "они же ли бы или когда если чтобы потому при для без после тоже еще ещё сам сама нас нам их мой моя мою моё "
    "мое был была были есть нет который которая которые где почему теперь сейчас даже очень".split()
)
# Russian grammar words that are no Kazakh words («не» is "what", «он» is "ten"): the word vote of a mixed message.
_RU_ONLY_GRAMMAR = frozenset(_RU_FUNCTION_WORDS - {"не", "он"})
# Quoted speech («...», "...", “...”, '...'; not the apostrophes inside Latin Kazakh words: "Sa'lem"): someone
# else's words. The language detector ignores them when the writer has this many words of their own; the
# situation extractor reads a reason in them (tendik.situation).
QUOTED_SPEECH = re.compile(r"«[^»]{1,400}»|\"[^\"]{1,400}\"|“[^”]{1,400}”|„[^“”]{1,400}[“”]|(?<!\w)'[^']{4,400}'(?!\w)")
MIN_OWN_WORDS = 4
# Kazakh verb and personal endings ("орындаймын", "істейміз", "әйелмін", "қорлайды") are grammar too.
_KK_VERB_END = re.compile(r"(?:мын|мін|пын|пін|мыз|міз|пыз|піз|йды|йді|йтын|йтін)$|[әғқңөұүһі]\w*(?:ады|еді|ған|ген|қан|кен)$")

_REQUEST_KK = re.compile(
    r"(қазақ|казак|казах|qazaq|kazak|kazakh)\w*\s*(ша|ша\b|тілінде|тилинде|языке|язык|sha|şa|tilinde)|"
    r"\b(қазақша|казакша|qazaqsha|qazaqşa|kazaksha|kazakša|по-казахски|на казахском)\b",
    re.I,
)
_REQUEST_RU = re.compile(
    r"(орыс|orys)\w*\s*(ша|тілінде|тилинде|sha|şa|tilinde)|"
    r"\b(орысша|oryssha|orysşa|orysha|по-русски|по русски|на русском|po-russki|po russki|na russkom|"
    r"русский тілде|русском языке|на русский|русский язык)\b",
    re.I,
)


# Language at work (folded word prefixes): a ban, a fine, a requirement, mockery, an order reported
# from a boss or colleague. tendik/situation.py reads the same ground with its own, fuller lexicon.
_AT_WORK_PREFIXES = (
    "запрет", "запрещ", "нельзя", "штраф", "требу", "обязат", "застав", "смеют", "смеял", "смеет", "высмеи",
    "издева", "наказ", "увол", "ругает", "ругают", "начальн", "директор", "руководит", "работодат", "коллег",
    "бригадир", "приказ", "велит", "велел", "айыппул", "тыйым", "талап", "мазак", "уялт", "жазала", "кулед", "кулип",
    "бастык", "бастыг", "басшы", "ариптес", "жумыс беруши", "сойлесендер", "сойлемендер", "сойлемейсин",
)
_AT_WORK_WORDS = {
    "говорит", "говорят", "сказал", "сказала", "сказали", "дейди", "деди", "деген", "айтты", "айтады", "салады",
    "саламын", "салды", "салынады",
}
# ... unless the message plainly asks the bot.
_ADDRESSED_PREFIXES = (
    "ответ", "отвеч", "напиш", "переключ", "смени", "поменяй", "перейд", "переведи", "жауап", "аудар", "жазыныз",
    "жазшы", "пожалуйст",
)
_ADDRESSED_WORDS = {"пиши", "говори", "говорите", "жаз"}


def about_language_at_work(text: str) -> bool:
    """True when the message tells of a language at work (banned, fined, required, mocked, ordered
    by someone) rather than asking the bot to switch its language."""
    words = fold_tokens(text)
    joined = " ".join(words)
    at_work = any(w.startswith(_AT_WORK_PREFIXES) or w in _AT_WORK_WORDS for w in words) or "жумыс беруши" in joined
    addressed = any(w.startswith(_ADDRESSED_PREFIXES) or w in _ADDRESSED_WORDS for w in words) or "со мной" in joined
    return at_work and not addressed


def requested_language(text: str) -> str | None:
    """The language a user explicitly asks for, if the message is such a request (a message about
    a language at work is not: see ``about_language_at_work``)."""
    low = unicodedata.normalize("NFC", text).lower()
    kk = bool(_REQUEST_KK.search(low))
    ru = bool(_REQUEST_RU.search(low))
    if kk == ru or about_language_at_work(low):
        return None
    return "kk" if kk else "ru"


def padded_ngrams(words: Iterable[str], orders: Iterable[int]) -> list[str]:
    """Character n-grams of each word padded with a space on both sides (scikit-learn's ``char_wb``)."""
    grams: list[str] = []
    orders = tuple(orders)
    for word in words:
        padded = f" {word} "
        for n in orders:
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def _ngrams(text: str, orders: Iterable[int] = (1, 2, 3)) -> list[str]:
    return padded_ngrams(_WORD.findall(unicodedata.normalize("NFC", text).lower()), orders)


LATIN_RUSSIAN_CONFIDENCE = 0.9
# Kazakh endings of a folded word (after tendik.lang.fold: «істедім» -> "истедим", «жүрмін» -> "журмин"): verbs,
# persons, participles. A word of Russian typed in Latin letters rarely ends so.
_KK_FOLDED_END = re.compile(r"(?:мын|мин|пын|пин|мыз|миз|пыз|пиз|йды|йди|йтын|йтин|дым|дим|тым|тим|ган|ген|кан|кен|сын|син|ныз|низ)$")


def russian_in_latin_letters(low: str, letters: list[str]) -> bool:
    """Russian typed in Latin letters ("ya sanitarka v bolnice, nam zapretili ..."): no Cyrillic letter and
    no Latin Kazakh one (ä, ğ, ı, ş ...), and at least two Russian grammar words (я, в, на, что, мне ...
    after transliteration), at least twice as many as Kazakh ones (particles, pronouns, verb endings).
    The character model, trained on far more Latin Kazakh than Latin Russian, reads such text as Kazakh."""
    if any(("а" <= ch <= "я") or ch == "ё" or ch in KK_LATIN_MARKERS for ch in letters):
        return False
    words = fold(low).split()
    russian = sum(w in _RU_FUNCTION_WORDS for w in words)
    kazakh = sum(w in _KK_FUNCTION_WORDS or bool(_KK_FOLDED_END.search(w)) for w in words)
    return russian >= 2 and russian >= 2 * max(kazakh, 1)


class LanguageDetector:
    """Naive Bayes over character 1-3-grams, plus a hard rule for Kazakh-only letters."""

    def __init__(self, model: dict | None = None) -> None:
        self.model = model or {"logprob": {}, "unseen": {}, "prior": {}}
        self._words = set(self.model.get("words") or [])

    @classmethod
    def train(cls, samples: Iterable[tuple[str, str]], alpha: float = 0.5) -> LanguageDetector:
        counts: dict[str, Counter[str]] = {lang: Counter() for lang in LANGS}
        docs: Counter[str] = Counter()
        words: set[str] = set()
        for text, lang in samples:
            counts[lang].update(_ngrams(text))
            docs[lang] += 1
            words.update(w for w in fold_tokens(text) if len(w) >= 3)
        vocab = set().union(*counts.values())
        model: dict = {"logprob": {}, "unseen": {}, "prior": {}, "words": sorted(words)}
        total_docs = sum(docs.values()) or 1
        for lang in LANGS:
            total = sum(counts[lang].values()) + alpha * (len(vocab) + 1)
            model["logprob"][lang] = {
                g: round(math.log((counts[lang][g] + alpha) / total), 4) for g in vocab
            }
            model["unseen"][lang] = math.log(alpha / total)
            model["prior"][lang] = math.log(max(docs[lang], 1) / total_docs)
        return cls(model)

    @classmethod
    def load(cls, path: Path | None) -> LanguageDetector:
        if path is None or not Path(path).is_file():
            logger.warning("language model %s not found; using letter rules only", path)
            return cls()
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.model, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    @property
    def has_vocabulary(self) -> bool:
        return bool(self._words)

    def known_words(self, text: str) -> tuple[int, int]:
        """(known, total) folded words of 3+ letters, known = seen in the training examples."""
        tokens = [w for w in fold_tokens(text) if len(w) >= 3 and not w.isdigit()]
        return sum(1 for w in tokens if w in self._words), len(tokens)

    def detect(self, text: str) -> tuple[str | None, float]:
        """(language, confidence in 0.5..1) or (None, 0.0) when the text has no letters."""
        low = unicodedata.normalize("NFC", text or "").lower()
        letters = [ch for ch in low if ch.isalpha()]
        if not letters:
            return None, 0.0
        if any(ch in KK_LETTERS for ch in letters):
            return self._detect_with_kazakh_letters(low)
        if russian_in_latin_letters(low, letters):
            return "ru", LATIN_RUSSIAN_CONFIDENCE
        return self._naive_bayes(low, letters)

    def _detect_with_kazakh_letters(self, low: str) -> tuple[str | None, float]:
        """Kazakh-only letters are strong evidence, but a Russian sentence with a few Kazakh words
        mixed in ("уволили 2 ай бұрын, в суд еще успеваю?") is still Russian: it is Russian when
        at most a third of its words carry Kazakh letters and the rest reads clearly as Russian.
        Words quoted from someone else («сен біздің рудан емессің») do not count when the message
        has words of its own, and a Kazakh grammar word or two in a sentence built on Russian ones
        ("Сәлеметсіз бе. я вышла из декрета, ... так можно делать?") do not make it Kazakh."""
        own = QUOTED_SPEECH.sub(" ", low)
        if len(_WORD.findall(own)) >= MIN_OWN_WORDS:
            low = own
        words = _WORD.findall(low)
        marked = [w for w in words if KK_LETTERS & set(w)]
        rest = " ".join(w for w in words if not KK_LETTERS & set(w))
        kazakh_grammar = sum(w.translate(_KK_FOLD) in _KK_FUNCTION_WORDS or bool(_KK_VERB_END.search(w)) for w in words)
        russian_grammar = sum(w in _RU_FUNCTION_WORDS for w in words)
        kazakh_frame = kazakh_grammar > 0 and not (russian_grammar >= 4 and russian_grammar >= 3 * kazakh_grammar)
        if not kazakh_frame and len(marked) * 3 <= len(words) and self.model.get("logprob"):
            lang, confidence = self._naive_bayes(rest, [ch for ch in rest if ch.isalpha()])
            if lang == "ru" and confidence >= 0.9:
                return "ru", round(confidence * (1 - len(marked) / len(words)), 3)
        return self._word_majority(words)

    @staticmethod
    def _word_majority(words: list[str]) -> tuple[str, float]:
        """A message with Kazakh letters is Kazakh unless at least as many of its words are Russian as
        Kazakh (``tendik.restore``'s word vote: Kazakh letters or a Kazakh word of the project's texts
        against a Russian word of them; a word both know counts as Russian when it is a Russian grammar
        word that is no Kazakh word: что, по, это ...). Half-and-half messages ("Мен жүктімін, 5 айлық,
        горничная болып работаю по срочному договору. Менеджер сказал договор заканчивается...") are
        answered in Russian; the confidence is the Russian words' share, so such a message in a Kazakh
        conversation keeps Kazakh unless it is mostly Russian (DETECT_MIN_CONFIDENCE)."""
        vocab = vocabulary()  # never raises: an empty vocabulary when the texts are unreadable
        votes = [word_vote(w, vocab) or -(w in _RU_ONLY_GRAMMAR) for w in words if len(w) >= 2]
        kazakh, russian = sum(v > 0 for v in votes), sum(v < 0 for v in votes)
        if russian and russian >= kazakh:
            return "ru", round(russian / (kazakh + russian), 3)
        return "kk", 1.0

    def _naive_bayes(self, low: str, letters: list[str]) -> tuple[str | None, float]:
        if not letters:
            return None, 0.0
        grams = _ngrams(low)
        logprob = self.model.get("logprob") or {}
        if not grams or not logprob:
            # No model: Latin Kazakh diacritics still say Kazakh; otherwise assume Russian.
            if any(ch in KK_LATIN_MARKERS for ch in letters):
                return "kk", 0.9
            return "ru", 0.5
        scores = {}
        for lang in LANGS:
            table = logprob[lang]
            unseen = self.model["unseen"][lang]
            scores[lang] = self.model["prior"][lang] + sum(table.get(g, unseen) for g in grams)
        best = max(scores, key=lambda lang: scores[lang])
        other = min(scores, key=lambda lang: scores[lang])
        margin = (scores[best] - scores[other]) / max(len(grams), 1)
        confidence = 1 / (1 + math.exp(-8 * margin))
        return best, round(confidence, 3)


@dataclass(frozen=True)
class LanguageDecision:
    """The languages of one user message, decided once (by the REST channel) and passed on.

    ``reply``: the language to answer in; ``text``: the language the message is written in (None
    for a button payload or a text without letters); ``requested``: the language the message would
    switch to if it is a request to switch (an explicit "қазақша" / "на русском", else the other
    language: "смени язык")."""

    reply: str | None
    text: str | None
    requested: str

    def as_metadata(self) -> dict[str, str]:
        out = {"language_requested": self.requested}
        if self.reply:
            out["language"] = self.reply
        if self.text:
            out["text_language"] = self.text
        return out


def says_enough(text: str, detector: LanguageDetector) -> bool:
    """Whether ``text`` shows its language well enough to change the language a conversation already has:
    a Kazakh-only letter, or ``MIN_KNOWN_WORDS_TO_SWITCH`` words the detector was trained on (any
    words of three letters or more when it has no model)."""
    low = unicodedata.normalize("NFC", text or "").lower()
    if KK_LETTERS & set(low):
        return True
    known, total = detector.known_words(low)
    return (known if detector.has_vocabulary else total) >= MIN_KNOWN_WORDS_TO_SWITCH


def decide_language(
    text: str,
    detector: LanguageDetector,
    channel_choice: str | None = None,
    preference: str | None = None,
    current: str | None = None,
) -> LanguageDecision:
    """The reply language: the channel's choice (the user picked it in Telegram or the widget),
    else the user's explicit preference (it sticks), else the message's own language when nothing is
    known yet, or when detection is confident and the message says enough (``says_enough``: "hmm"
    or a lone "спасибо" does not turn a Kazakh conversation Russian), else the conversation's
    current language. A button payload ("/ask_equal_pay") carries no language of its own."""
    payload = text.startswith("/")
    detected, confidence = (None, 0.0) if payload else detector.detect(text)
    if channel_choice in LANGS:
        reply: str | None = channel_choice
    elif preference in LANGS:
        reply = preference
    elif detected and (current is None or (confidence >= DETECT_MIN_CONFIDENCE and says_enough(text, detector))):
        reply = detected
    else:
        reply = current or detected
    # "смени язык" names no language: the other one than the conversation is in.
    requested = requested_language(text) or ("ru" if (preference or channel_choice or current) == "kk" else "kk")
    return LanguageDecision(reply=reply, text=detected, requested=requested)


def load_nlu_samples(nlu_dir: Path) -> list[tuple[str, str]]:
    """Training examples per language from nlu_data/data/nlu/{kk,ru}/*.yml (no yaml needed)."""
    samples = []
    for lang in LANGS:
        for path in sorted((nlu_dir / lang).glob("*.yml")):
            for line in path.read_text(encoding="utf-8").splitlines():
                stripped = line.strip()
                if stripped.startswith("- ") and not stripped.startswith("- intent:"):
                    samples.append((stripped[2:].strip().strip('"'), lang))
    return samples


def main(argv: list[str] | None = None) -> None:
    import argparse

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(description="kk/ru language detector")
    sub = parser.add_subparsers(dest="cmd", required=True)
    train = sub.add_parser("train", help="train from the NLU training examples")
    train.add_argument("--nlu", type=Path, default=Path("nlu_data/data/nlu"))
    train.add_argument("--out", type=Path, default=Path("build/langid.json"))
    detect = sub.add_parser("detect", help="detect the language of a text")
    detect.add_argument("--model", type=Path, default=Path("build/langid.json"))
    detect.add_argument("text")
    args = parser.parse_args(argv)
    if args.cmd == "train":
        samples = load_nlu_samples(args.nlu)
        if not samples:
            raise SystemExit(f"no training examples under {args.nlu}")
        LanguageDetector.train(samples).save(args.out)
        logger.info("trained on %d examples -> %s", len(samples), args.out)
    else:
        print(LanguageDetector.load(args.model).detect(args.text), file=sys.stdout)


if __name__ == "__main__":
    main()
