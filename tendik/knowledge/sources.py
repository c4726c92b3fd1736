"""Parse the shared legal source files (header + verbatim body) and split them into articles.

A source file has a header (source address, edition) and, after a line of dashes, the verbatim
text of one or more articles. Multi-article files (ILO conventions, Constitution arts 94-96) are
split into one norm per article. Editorial placeholders such as ``[...статья 95 ... опущена...]``
and section headings (``## Раздел ...``) are not norm text and are left out.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

SEPARATOR = re.compile(r"^-{20,}\s*$", re.M)
ARTICLE_HEADING = re.compile(
    r"^(?:Статья\s+(?P<ru>\d+)|(?P<kk>\d+)-бап|Article\s+(?P<en>\d+))\b", re.M
)
EDITORIAL = re.compile(r"^\s*(?:\[\.\.\..*\]|##\s.*)\s*$")
DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass
class SourceArticle:
    """One article cut out of a source file, text verbatim."""

    norm_id: str
    lang: str
    article: str
    text: str
    source_file: str
    header: dict[str, str] = field(default_factory=dict)

    @property
    def edition(self) -> str:
        line = self.header.get("edition", "")
        match = DATE.search(line)
        return match.group(1) if match else ""


def parse_header(header_text: str) -> dict[str, str]:
    """Read the ``key: value`` header lines we need (source, primary source, edition, title)."""
    out: dict[str, str] = {}
    for line in header_text.splitlines():
        key, _, value = line.partition(":")
        value = value.strip()
        low = key.lower()
        if low.startswith("норма") and "norm" not in out:
            out["norm"] = value
        elif low.startswith("источник текста") or low.startswith("источник (хранимая"):
            out.setdefault("source_url", value)
        elif low.startswith("первоисточник"):
            out.setdefault("primary_source", value)
        elif low.startswith("редакция"):
            out.setdefault("edition", value)
        elif low.startswith("статус для казахстана"):
            out.setdefault("status", value)
    return out


def split_file(path: Path) -> tuple[dict[str, str], str]:
    raw = path.read_text(encoding="utf-8")
    parts = SEPARATOR.split(raw, maxsplit=1)
    if len(parts) != 2:
        raise ValueError(f"{path.name}: no '-----' line separating header from text")
    return parse_header(parts[0]), parts[1].strip("\n")


def norm_prefix(file_name: str) -> tuple[str, str]:
    """``tk-006-ru.txt`` -> (``tk-006``, ``ru``)."""
    lang = file_name.rsplit("-", 1)[-1].removesuffix(".txt")
    stem = file_name.removesuffix(f"-{lang}.txt")
    return stem, lang


def code_of(stem: str) -> str:
    """The code family of a file stem: tk, koap, uk, gpk, const2026, ilo-c111, ilo-c100."""
    if stem.startswith("ilo-"):
        return "-".join(stem.split("-")[:2])
    return stem.split("-")[0]


def make_norm_id(code: str, article: str) -> str:
    if code.startswith("ilo-"):
        return f"{code}-a{int(article)}"
    return f"{code}-{int(article):03d}"


def articles_in_file(path: Path) -> list[SourceArticle]:
    header, body = split_file(path)
    stem, lang = norm_prefix(path.name)
    code = code_of(stem)
    lines = body.splitlines()
    starts: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        m = ARTICLE_HEADING.match(line)
        if m:
            starts.append((i, m.group("ru") or m.group("kk") or m.group("en")))
    if not starts:
        raise ValueError(f"{path.name}: no article heading found")
    out = []
    for n, (start, number) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        chunk = [ln for ln in lines[start:end]]
        while chunk and (not chunk[-1].strip() or EDITORIAL.match(chunk[-1])):
            chunk.pop()
        if any(EDITORIAL.match(ln) for ln in chunk):
            raise ValueError(f"{path.name}: editorial line inside article {number}")
        out.append(
            SourceArticle(
                norm_id=make_norm_id(code, number),
                lang=lang,
                article=str(int(number)),
                text="\n".join(chunk),
                source_file=path.name,
                header=header,
            )
        )
    return out


def read_all(source_dir: Path) -> list[SourceArticle]:
    files = sorted(source_dir.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no legal source files in {source_dir}")
    arts: list[SourceArticle] = []
    for f in files:
        arts.extend(articles_in_file(f))
    return arts


def squash(text: str) -> str:
    """Whitespace-insensitive form used to prove a stored norm is verbatim."""
    return re.sub(r"\s+", " ", text).strip()
