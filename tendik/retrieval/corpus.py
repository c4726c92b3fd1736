"""Search documents with stable ids, built from the knowledge base.

Ids never depend on list positions: ``exp-equal-pay@ru`` (an explanation in Russian) and
``tk-006:2@kk`` (paragraph 2 of Labour Code art. 6, Kazakh text). Each document points back to the
knowledge id (``exp-equal-pay``, ``tk-006``) that evaluation and answers use.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from tendik.knowledge.explanations import KnowledgeBase

MAX_CHARS = 1200


@dataclass(frozen=True)
class Document:
    doc_id: str
    knowledge_id: str
    kind: str  # "explanation" | "norm"
    lang: str  # kk | ru | en
    paragraph: str | None
    text: str


def build_corpus(kb: KnowledgeBase) -> list[Document]:
    docs: list[Document] = []
    for exp in sorted(kb.explanations.values(), key=lambda e: e.id):
        for lang in ("kk", "ru"):
            keywords = ", ".join(exp.keywords.get(lang, []))
            text = f"{exp.title[lang]}. {exp.summary[lang]} {keywords}".strip()
            docs.append(Document(f"{exp.id}@{lang}", exp.id, "explanation", lang, None, text[:MAX_CHARS]))
    for norm_id in sorted(kb.norms):
        norm = kb.norms[norm_id]
        for lang, version in sorted(norm.versions.items()):
            heading = version.text.splitlines()[0]
            paras = version.paragraphs()
            keys = [k for k in paras if "." not in k] or ["0"]
            for key in keys:
                body = paras.get(key, version.text)
                docs.append(
                    Document(f"{norm_id}:{key}@{lang}", norm_id, "norm", lang, key, f"{heading}. {body}"[:MAX_CHARS])
                )
    ids = [d.doc_id for d in docs]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate document ids in the corpus")
    return docs


def corpus_hash(docs: list[Document]) -> str:
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: d.doc_id):
        h.update(json.dumps(asdict(d), ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return h.hexdigest()


def searchable(doc: Document, lang: str, available: dict[str, set[str]]) -> bool:
    """A query in ``lang`` searches documents in that language, plus norms not stored in it."""
    if doc.lang == lang:
        return True
    return lang not in available.get(doc.knowledge_id, set())
