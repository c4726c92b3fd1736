"""The topic menus, defined once: which topics the assistant offers as buttons, in which order, and which
Rasa responses show them.

``python -m tendik.build.responses`` writes them into nlu_data/domain/responses.yml (tests/test_texts.py
fails when the committed file differs). A button's title is the catalog's ``topic.<intent>`` when the
catalog has one (a label shorter than the explanation's title, the "more topics" button), else the
title of the explanation that answers the intent (knowledge/explanations/*.yml).

To add a topic (its explanation, intent and NLU examples written): add the intent to a menu here
(tests/test_texts.py fails while an explanation is in no menu), give it a ``topic.<intent>`` label in
tendik/text_catalog.py only if its explanation's title is too long for a button, and run
``python -m tendik.build.responses`` (``tendik build`` does).

Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping

from tendik.texts import LANGS, has, label_from, variants

MORE_TOPICS = "more_topics"

# The 14 main topics, then the button that opens the other menu.
MAIN: tuple[str, ...] = (
    "ask_discrimination_definition",
    "ask_protected_grounds",
    "ask_lawful_distinctions",
    "ask_hiring_refusal",
    "ask_pregnant_dismissal",
    "ask_equal_pay",
    "ask_job_ads",
    "ask_religion_nationality_language",
    "ask_sexual_harassment",
    "ask_how_to_complain",
    "ask_time_limits",
    "ask_employer_liability",
    "ask_constitution",
    "ask_ilo_conventions",
    MORE_TOPICS,
)

# "More topics" (utter_more_topics).
MORE: tuple[str, ...] = (
    "ask_gender_equality",
    "ask_disability",
    "ask_language_at_work",
    "ask_trade_union",
    "ask_probation",
    "ask_maternity_leave",
    "ask_legal_aid",
    "ask_mediation",
    "ask_labour_inspection",
    "ask_moral_damage",
    "ask_evidence",
    "ask_retaliation",
)

MENUS: dict[str, tuple[str, ...]] = {"main": MAIN, "more": MORE}

# The Rasa responses in responses.yml's order: the text is the catalog's ``rasa.<name>``, then the menu
# shown under it (None: no buttons).
RESPONSES: dict[str, str | None] = {
    "utter_greet": "main",
    "utter_help": "main",
    "utter_goodbye": None,
    "utter_thanks": None,
    "utter_out_of_scope": "main",
    "utter_chitchat": None,
    "utter_language_switched": None,
    "utter_topics": "main",
    "utter_more_topics": "more",
    "utter_default": "main",
}


def button_titles(intent: str, explanation_titles: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """``{"kk": ..., "ru": ...}``: the catalog's label for the intent, else its explanation's title."""
    if has(f"topic.{intent}"):
        return variants(f"topic.{intent}")
    try:
        title = explanation_titles[intent]
    except KeyError:
        raise KeyError(f"topic {intent!r}: no explanation answers it and tendik/text_catalog.py has no topic.{intent}") from None
    return {lang: title[lang] for lang in LANGS}


def buttons(menu: str, lang: str | None, explanation_titles: Mapping[str, Mapping[str, str]]) -> list[dict[str, str]]:
    """The menu's buttons (``title``, ``payload`` "/<intent>") in ``lang``; "Kazakh / Russian" titles when
    the language is not known."""
    out = []
    for intent in MENUS[menu]:
        out.append({"title": label_from(button_titles(intent, explanation_titles), lang), "payload": f"/{intent}"})
    return out
