"""Whether a message asks something (a question about the law) or only tells what happened.

A worker's story classified as a topic ("без прописки не берут на работу", «жүкті екенімді айтқан соң
алмады») wants what to do next; a question ("можно ли уволить беременную?", «қысқартуға құқығы бар ма»)
also wants the topic's other norms named. :func:`tendik.compose.situation_answer` orders its first reply
by this (``asked_law``). Every spelling reads alike: the words are compared after
:func:`tendik.lang.fold` (lower case, Latin script transliterated, Kazakh letters folded), so «бола ма»,
"bola ma" and "бола ма" are one question.
"""

from __future__ import annotations

import re

from tendik.lang import KK_QUESTION_WORDS, fold

# Question words and particles, folded (қанша -> канша, «ма» after a verb: бола ма, бар ма, ба/бе/па/пе).
_WORDS = KK_QUESTION_WORDS | frozenset({
    # Kazakh: more question words, and the forms Latin spellings fold to ("qalai" -> "калаи")
    "калаи", "каида", "кашан", "кандаи", "кимге", "неше", "нешеде", "кайсы", "кай", "каи",
    # Russian
    "ли", "разве", "сколько", "куда", "почему", "зачем", "какие", "какой", "какая", "каким", "каков", "кто", "где",
    "когда", "объясните", "обьясните", "подскажите", "скажите", "расскажите",
})
# Phrases that ask without a question mark ("это законно", "что делать", «не істеуім керек», «құқығы бар»).
_PHRASES = (
    "что делать", "что мне делать", "как быть", "что такое", "имеет право", "имеют право", "законно", "правомерно",
    "нормально", "так можно", "что грозит", "что будет", "или нет", "или как",
    "не истеу", "не истеим", "не истесем", "не болады", "кукыгы бар", "кукыгым бар", "занды", "дурыс па", "алде жок",
)
_CLAUSE = re.compile(r"[.,;:!\n—–]")
_PHRASE = re.compile(r"(?:^| )(?:" + "|".join(re.escape(p) for p in _PHRASES) + r")")


def asks_question(text: str) -> bool:
    """True when the message asks something: a question mark, a question word or particle, an asking
    phrase, or a clause that starts with "как". False for a story told without asking."""
    if "?" in text:
        return True
    clauses = [c for c in (fold(part) for part in _CLAUSE.split(text)) if c]  # each clause folded once
    folded = " ".join(clauses)  # == fold(text): the clause marks are not letters
    if _WORDS.intersection(folded.split()) or _PHRASE.search(folded):
        return True
    return any(c.startswith("как ") for c in clauses)
