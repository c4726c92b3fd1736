"""What the review service needs to know about the Rasa project and the knowledge base: the
intents a reviewer may choose, the knowledge ids (with titles), and the action each intent leads
to (for exported test stories). Read once from ``nlu_data/`` and ``knowledge/``."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import yaml

from tendik.common.config import ROOT

logger = logging.getLogger(__name__)

NLU_DATA = ROOT / "nlu_data"


@functools.cache
def intents() -> tuple[str, ...]:
    data = yaml.safe_load((NLU_DATA / "domain" / "intents.yml").read_text(encoding="utf-8"))
    return tuple(sorted(str(i) for i in data.get("intents") or []))


@functools.cache
def knowledge_titles() -> dict[str, str]:
    """knowledge id -> a short title (explanations: their Russian title; norms: their citation)."""
    from tendik.knowledge.explanations import load_knowledge

    kb = load_knowledge()
    out: dict[str, str] = {}
    for kid, exp in kb.explanations.items():
        out[kid] = exp.title.get("ru") or exp.title.get("kk") or kid
    for kid, norm in kb.norms.items():
        try:
            out[kid] = norm.citation("ru", None)
        except Exception:  # noqa: BLE001 - a title is a nicety
            out[kid] = kid
    return dict(sorted(out.items()))


@functools.cache
def intent_actions(rules_dir: Path = NLU_DATA / "data" / "rules") -> dict[str, str]:
    """intent -> the action a one-step rule runs for it (``greet`` -> ``utter_greet``); legal
    intents without a rule of their own are answered by ``action_answer``."""
    out: dict[str, str] = {}
    for file in sorted(rules_dir.glob("*.yml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for rule in data.get("rules") or []:
            steps = rule.get("steps") or []
            if len(steps) == 2 and "intent" in steps[0] and "action" in steps[1] and not rule.get("condition"):
                out.setdefault(str(steps[0]["intent"]), str(steps[1]["action"]))
    return out


def expected_action(intent: str) -> str:
    return intent_actions().get(intent) or "action_answer"
