"""The content check: every legal statement of every explanation traced to the paragraphs it rests
on, and nothing in what users read that the law in the base does not carry.

    python -m tendik.knowledge.content_check [exp-id ...]   # the explanations (fast, no services)
    python bench/content_check.py                            # also every rendering (make content-check)

Static checks, per explanation and language:
- the loader's validation: links exist, every statement rests on a shown paragraph or says what it is;
- every linked paragraph is rested on by at least one statement (nothing quoted for show);
- an article a statement names ("статья 159", "159-бап") is one the statement rests on;
- a date a statement gives is in a paragraph it rests on, or is that norm's edition;
- the three-month direct-to-court reinstatement limit is never stated as valid law;
- the statutes' own terms (жұмыскер, келісу комиссиясы, жауаптылық, аумақтық бөлімше), no 1995
  Constitution article numbers.
The rendering checks live in bench/content_check.py (they import the front ends).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass

from tendik.knowledge.explanations import LANGS, Explanation, KnowledgeBase, Statement, load_explanations, validate
from tendik.knowledge.norms import load_norms

# Words a statute does not use for the thing it names: the statute's own term is on the right.
WRONG_TERMS: dict[str, list[tuple[re.Pattern[str], str]]] = {
    "kk": [
        (re.compile(r"жауапкершіл", re.I), "жауаптылық"),
        (re.compile(r"келісім комиссия", re.I), "келісу комиссиясы"),
        (re.compile(r"қызметкер", re.I), "жұмыскер"),
        (re.compile(r"жергілікті бөлімше", re.I), "аумақтық бөлімше"),
        (re.compile(r"жыныстық қысым", re.I), "жыныстық қудалау"),
        (re.compile(r"басқалардан нашар қара", re.I), "(a calque: say what the law says)"),
    ],
    "ru": [
        (re.compile(r"местно\w* подразделени\w* уполномоченного органа", re.I), "территориальное подразделение"),
        (re.compile(r"согласительн\w+ комитет", re.I), "согласительная комиссия"),
    ],
}
OLD_CONSTITUTION = re.compile(
    r"(стать\w*\s+(14|24|39)\s+Конституци)|(Конституци\w*\s+(14|24|39)-ба)|(Конституци\w*\s+РК\s+(14|24|39)\b)", re.I
)
# Three months ("три месяца", "3 месяца", "үш ай", "3 ай") said of going to court or of reinstatement
# is only ever said together with the Constitutional Court's finding that the limit does not
# conform to the Constitution (other three-month rules, such as the longest probation, are fine).
THREE_MONTHS = re.compile(r"\b(?:тр[её]х|три|3)[\s-]*(?:х\s*)?месяц\w*|\b(?:үш|3)[\s-]*а[йи]\w*|тр[её]хмесячн\w*", re.I)
COURT_OR_REINSTATEMENT = re.compile(r"восстановл|увольнен|уволи|шығар|\bсуд|\bиск|обращени|қайта алу|қайта ал\w*|\bсот|талап қою|жүгін", re.I)
UNCONSTITUTIONAL = re.compile(r"не\s*соответствующ\w*\s+Конституции|неконституцион\w*|Конституцияға\s+сәйкес\s+келмейді", re.I)


def states_three_month_limit(sentence: str) -> bool:
    """True when ``sentence`` offers a three-month limit for going to court or for reinstatement
    without saying that the Constitutional Court found it unconstitutional."""
    return bool(THREE_MONTHS.search(sentence) and COURT_OR_REINSTATEMENT.search(sentence) and not UNCONSTITUTIONAL.search(sentence))


DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")
# Article numbers a statement names: "статья 6", "статьи 22 и 159", "статьями 52–54", "159-бап",
# "22 және 159-баптар", "6-бабының".
RU_ARTICLES = re.compile(r"стат(?:ья|ьи|ье|ью|ьёй|ьей|ей|ьям|ьями|ьях)\s+((?:\d+(?:-\d+)?)(?:\s*(?:,|и|–|-|—)\s*\d+(?:-\d+)?)*)", re.I)
KK_ARTICLES = re.compile(r"((?:\d+(?:-\d+)?\s*(?:,|және|–|—)\s*)*\d+)\s*[-–]\s*ба[пб]", re.I)
NUMBER = re.compile(r"\d+")


@dataclass
class Finding:
    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def named_articles(text: str, lang: str) -> set[str]:
    """Article numbers a sentence names. A range "52–54" names its ends only."""
    pattern = KK_ARTICLES if lang == "kk" else RU_ARTICLES
    out: set[str] = set()
    for m in pattern.finditer(text):
        span = m.group(1)
        out.update(NUMBER.findall(span.split("-")[0] if re.fullmatch(r"\d+-\d+", span) else span))
    return out


def _rested_text(kb: KnowledgeBase, st: Statement, lang: str) -> str:
    texts = []
    for ref in st.rests_on:
        norm = kb.norms[ref.norm_id]
        for version in norm.versions.values():
            texts.append(version.paragraphs().get(ref.paragraph, ""))
            texts.append(".".join(reversed(version.edition.split("-"))) if version.edition else "")
    return "\n".join(texts)


def check_statement(kb: KnowledgeBase, exp: Explanation, n: int, st: Statement) -> list[Finding]:
    out: list[Finding] = []
    where = f"{exp.id} statement {n}"
    rested_articles = {kb.norms[r.norm_id].article for r in st.rests_on if r.norm_id in kb.norms}
    for lang in LANGS:
        text = st.text.get(lang, "")
        for article in sorted(named_articles(text, lang) - rested_articles, key=int):
            out.append(Finding(where, f"({lang}) names article {article} but rests on none of it: {sorted(map(str, st.rests_on))}"))
        rested = _rested_text(kb, st, lang)
        for m in DATE.finditer(text):
            if m.group(0) not in rested:
                out.append(Finding(where, f"({lang}) gives the date {m.group(0)}, which no paragraph it rests on carries"))
        for sentence in re.split(r"(?<=[.;!?])\s+", text):
            if states_three_month_limit(sentence):
                out.append(Finding(where, f"({lang}) states a three-month limit without the Constitutional Court's finding: {sentence[:90]!r}"))
        for pattern, right in WRONG_TERMS[lang]:
            if pattern.search(text):
                out.append(Finding(where, f"({lang}) uses {pattern.pattern!r}; the statutes say {right}"))
        if OLD_CONSTITUTION.search(text):
            out.append(Finding(where, f"({lang}) cites a 1995 Constitution article number"))
    return out


def check_explanation(kb: KnowledgeBase, exp: Explanation) -> list[Finding]:
    out: list[Finding] = []
    rested = {ref for st in exp.all_statements() for ref in st.rests_on}
    for ref in exp.linked():
        if ref not in rested:
            out.append(Finding(exp.id, f"links {ref} but no statement rests on it"))
    for n, st in enumerate(exp.all_statements(), 1):
        out.extend(check_statement(kb, exp, n, st))
    for lang in LANGS:
        for pattern, right in WRONG_TERMS[lang]:
            if pattern.search(exp.title.get(lang, "")):
                out.append(Finding(exp.id, f"title ({lang}) uses {pattern.pattern!r}; the statutes say {right}"))
    return out


def static_findings(kb: KnowledgeBase) -> list[Finding]:
    out = [Finding("validate", p) for p in validate(kb)]
    if out:
        return out  # the rest assumes a consistent knowledge base
    for exp in kb.explanations.values():
        out.extend(check_explanation(kb, exp))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ids", nargs="*", help="only these explanation ids")
    args = parser.parse_args(argv)
    kb = KnowledgeBase(norms=load_norms(), explanations=load_explanations())
    if args.ids:
        kb.explanations = {k: v for k, v in kb.explanations.items() if k in args.ids}
    findings = static_findings(kb)
    for f in findings:
        print(f)
    statements = sum(len(e.all_statements()) for e in kb.explanations.values())
    print(f"{len(kb.explanations)} explanations, {statements} statements, {len(findings)} problems", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
