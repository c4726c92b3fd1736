"""The situation metrics of `make eval` (bench/eval_situations.py) on small hand-made replies.

The replies below are written for these tests in the shape the REST channel returns (a text
message, then the ``tendik_answer`` payload); the payloads are made with the real
:class:`tendik.payload.AnswerPayload` and :class:`tendik.citation.Citation`. All but the last
test carry the unit marker; the last runs two tune-split messages against the real assistant."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bench import eval_situations as es
from tendik.citation import Citation
from tendik.ops.services import Services
from tendik.payload import AnswerPayload, Button, Section

TODAY = dt.date(2026, 3, 20)  # a Friday
NAMES = {
    "age": {"kk": "жас", "ru": "возраст"},
    "pregnancy": {"kk": "жүктілік", "ru": "беременность"},
    "children_under_3": {"kk": "үш жасқа дейінгі балаларының болуы", "ru": "наличие детей в возрасте до трёх лет"},
    "sex": {"kk": "жыныс", "ru": "пол"},
}
ART6 = "Никто не может подвергаться дискриминации по признаку: пол, возраст, язык."  # names written as in the catalog


def cite(norm_id: str, paragraph: str | None, text: str = "Текст нормы.") -> Citation:
    return Citation(norm_id=norm_id, citation=f"статья {norm_id}", paragraph=paragraph, edition="в редакции от 01.07.2026",
                    edition_date="01.07.2026", text=text, text_lang="ru", source_url="", stale=False)


def typed(case: str, quoted_: list[Citation], listed: list[Citation] = (), lang: str = "ru",  # type: ignore[assignment]
          situation: dict[str, Any] | None = None, buttons: list[Button] = ()) -> AnswerPayload:  # type: ignore[assignment]
    """A typed first reply: the case named, a law section quoting ``quoted_``, a see-also list of ``listed``."""
    citations = [*quoted_, *listed]
    sections = [Section(kind="situation", heading="Ваш случай", text=case),
                Section(kind="law", citations=list(range(len(quoted_)))),
                Section(kind="disclaimer", text="Это правовая информация, а не консультация.")]
    if listed:
        sections.append(Section(kind="see_also", items=[c.citation for c in listed]))
    return AnswerPayload(lang=lang, sections=sections, citations=citations, buttons=list(buttons), source="situation",
                         situation=situation or {})


def rest(payload: AnswerPayload | dict[str, Any], text: str | None = None) -> list[dict[str, Any]]:
    """What the REST channel returns for one legal answer: its text, then its payload."""
    custom = payload.to_dict() if isinstance(payload, AnswerPayload) else payload
    shown = text if text is not None else AnswerPayload.from_dict(custom).plain_text()  # type: ignore[union-attr]
    return [{"recipient_id": "u", "text": shown}, {"recipient_id": "u", "custom": custom}]


# ------------------------------------------------------------------------------------------------ paragraphs


@pytest.mark.unit
@pytest.mark.parametrize(("norm_id", "paragraph", "label", "expected"), [
    ("tk-006", "2", "tk-006:2", True),
    ("tk-006", "3", "tk-006:2", False),
    ("tk-007", "2", "tk-006:2", False),
    ("tk-022", "1", "tk-022:1.15", True),  # a paragraph shows its items
    ("tk-022", "1.15", "tk-022:1", False),  # an item does not show its whole paragraph
    ("tk-022", "1.1", "tk-022:1.15", False),  # "1.1" is not a prefix item of "1.15"
    ("tk-160", None, "tk-160:0", True),  # the whole article
    ("tk-160", None, "tk-160:2", True),
    ("tk-006", "2", "tk-006:0", False),  # one paragraph is not the whole article
])
def test_covers(norm_id: str, paragraph: str | None, label: str, expected: bool) -> None:
    assert es.covers(cite(norm_id, paragraph).to_dict(), label) is expected


@pytest.mark.unit
def test_quoted_counts_law_sections_only() -> None:
    payload = typed("признак — возраст.", [cite("tk-006", "2")], listed=[cite("tk-160", None)]).to_dict()
    assert [c["norm_id"] for c in es.quoted(payload)] == ["tk-006"]
    assert es.any_covered(es.quoted(payload), ["tk-160:0"]) is False
    assert es.any_covered(es._citations(payload), ["tk-160:0"]) is True  # cited (listed), not quoted


@pytest.mark.unit
def test_old_payload_without_sections_quotes_its_citations() -> None:
    old = {"type": "tendik_answer", "answer_id": "a", "source": "intent", "knowledge_ids": ["exp-age"],
           "citations": [cite("tk-006", "2").to_dict()], "scores": {}}
    assert [c["paragraph"] for c in es.quoted(old)] == ["2"]
    garbage = {"type": "tendik_answer", "citations": "nope", "sections": [{"kind": "law", "citations": [5, "x", True]}]}
    assert es.quoted(garbage) == []


# ------------------------------------------------------------------------------------------------ reading a reply


@pytest.mark.unit
def test_first_answer_text_pairs_the_text_with_its_payload() -> None:
    payload = typed("признак — возраст.", [cite("tk-006", "2")])
    reply = [{"text": "Здравствуйте!"}, *rest(payload, text="ответ"), {"text": "ещё", "buttons": [{"title": "x", "payload": "/x"}]}]
    text, custom = es.first_answer_text(reply)
    assert text == "ответ" and custom is not None and custom["answer_id"] == payload.answer_id
    # A payload sent without a text message before it: its plain text, rendered.
    text, _ = es.first_answer_text([{"custom": payload.to_dict()}])
    assert text == payload.plain_text() and "возраст" in text
    assert es.first_answer_text([{"text": "Не понял", "buttons": []}]) == ("", None)


@pytest.mark.unit
def test_button_payloads_each_once_from_messages_and_payloads() -> None:
    payload = typed("x", [], buttons=[Button("Закон", '/show_more{"view": "law"}'), Button("Шаги", '/show_more{"view": "steps"}')])
    reply = [*rest(payload), {"text": "меню", "buttons": [{"title": "Закон", "payload": '/show_more{"view": "law"}'},
                                                        {"title": "Темы", "payload": "/more_topics"}, {"title": "пусто"}]}]
    assert es.button_payloads(reply) == ['/show_more{"view": "law"}', '/show_more{"view": "steps"}', "/more_topics"]


@pytest.mark.unit
def test_requested_view() -> None:
    assert es.requested_view('/show_more{"view":"law","topic":"exp-age"}') == "law"
    assert es.requested_view('/show_more{"view": "route"}') == "route"
    assert es.requested_view("/more_topics") is None
    assert es.requested_view("/show_more{broken") is None
    assert es.requested_view('/ask{"view":"law"}') is None


# ------------------------------------------------------------------------------------------------ names


@pytest.mark.unit
def test_names_grounds_whole_words_outside_quotes() -> None:
    assert es.names_grounds("Ваш случай: признак — возраст; этап — увольнение.", ["age"], "ru", NAMES)
    assert es.names_grounds("ВОЗРАСТ", ["age"], "ru", NAMES)
    assert es.names_grounds("признак — наличие детей в возрасте до трех лет", ["children_under_3"], "ru", NAMES)  # ё = е
    assert not es.names_grounds("признак — возраст", ["age", "pregnancy"], "ru", NAMES)  # every ground
    assert not es.names_grounds("положение и полномочия", ["sex"], "ru", NAMES)  # «пол» inside words
    assert not es.names_grounds("жасқа толмаған", ["age"], "kk", NAMES)
    assert es.names_grounds("белгі — жас.", ["age"], "kk", NAMES)
    assert not es.names_grounds("признак — возраст", ["age"], "kk", NAMES)  # the reply language's name
    assert not es.names_grounds("признак — возраст", ["unknown_ground"], "ru", NAMES)
    # The quoted paragraph lists every ground: a name found only there does not count.
    payload = typed("Мы поняли ваш вопрос.", [cite("tk-006", "2", ART6)]).to_dict()
    text = AnswerPayload.from_dict(payload).plain_text()  # type: ignore[union-attr]
    assert es.names_grounds(text, ["sex"], "ru", NAMES)
    assert not es.names_grounds(es.own_words(text, payload), ["sex"], "ru", NAMES)


# ------------------------------------------------------------------------------------------------ dates, employer


@pytest.mark.unit
@pytest.mark.parametrize(("label", "kind", "day"), [
    (None, "none", None),
    ("вчера", "day", dt.date(2026, 3, 19)),
    ("кеше", "day", dt.date(2026, 3, 19)),
    ("екі апта бұрын", "day", dt.date(2026, 3, 6)),
    ("на прошлой неделе", "day", dt.date(2026, 3, 9)),  # its Monday, as the extractor reads it
    ("12.03", "day", dt.date(2026, 3, 12)),
    ("15.04", "day", dt.date(2025, 4, 15)),  # no future dates: last year's
    ("в январе", "month", None),
    ("өткен айда", "month", None),
])
def test_expected_date(label: str | None, kind: str, day: dt.date | None) -> None:
    assert es.expected_date(label, TODAY) == (kind, day)


@pytest.mark.unit
def test_date_ok() -> None:
    assert es.date_ok("вчера", "2026-03-19", TODAY)
    assert not es.date_ok("вчера", "2026-03-20", TODAY)
    assert not es.date_ok("вчера", None, TODAY)
    assert es.date_ok("в январе", None, TODAY)  # a month only: no day expected
    assert not es.date_ok("в январе", "2026-01-15", TODAY)
    assert es.date_ok(None, None, TODAY) and not es.date_ok(None, "2026-03-19", TODAY)


@pytest.mark.unit
def test_employer_ok() -> None:
    assert es.employer_ok({"kind": "micro", "size": 12}, "micro", 12)
    assert es.employer_ok({"kind": "micro", "size": 12}, "micro", "12")
    assert not es.employer_ok({"kind": "micro", "size": 12}, "micro", 11)
    assert not es.employer_ok({"kind": "micro", "size": 12}, "micro", None)
    assert es.employer_ok({"kind": "other"}, "other", 300)  # no size labelled
    assert not es.employer_ok({"kind": "other"}, "civil_service", None)
    assert es.employer_ok(None, None, None)


@pytest.mark.unit
def test_situation_from_slots_then_payload_then_nothing() -> None:
    slots = {"grounds": ["pregnancy", "age"], "stage": "dismissal", "employer_kind": None, "employer_size": None,
             "event_date": None, "language": "ru"}
    payload = {"situation": {"grounds": ["sex"], "stage": "pay"}}
    got, source = es.situation_of(slots, payload)
    assert source == "slots" and got["grounds"] == ["age", "pregnancy"] and got["stage"] == "dismissal"
    got, source = es.situation_of({"language": "ru"}, payload)  # a model without the situation slots
    assert source == "payload" and got["grounds"] == ["sex"] and got["stage"] == "pay"
    got, source = es.situation_of({"language": "ru"}, {"type": "tendik_answer"})
    assert source == "none" and got["grounds"] == [] and got["stage"] is None


# ------------------------------------------------------------------------------------------------ one message


QUESTION = {"id": "sit-ru-900", "lang": "ru", "style": "cyrillic", "split": "heldout", "text": "меня уволили, мне 56 лет",
            "grounds": ["age"], "stage": "dismissal", "date": "вчера", "employer": {"kind": "micro", "size": 5},
            "paragraphs": ["tk-006:2"]}


@pytest.mark.unit
def test_score_item_first_reply_ok() -> None:
    payload = typed("Признак — возраст; этап — увольнение.", [cite("tk-006", "2", ART6)])
    slots = {"grounds": ["age"], "stage": "dismissal", "employer_kind": "micro", "employer_size": 5, "event_date": "2026-03-19"}
    row = es.score_item(QUESTION, rest(payload), slots, TODAY, NAMES)
    assert row["grounds_ok"] and row["grounds_found"] and row["stage_ok"] and row["employer_ok"] and row["date_ok"]
    assert row["first_reply_ok"] and row["typed_payload"] and row["quoted"] == ["tk-006:2"]
    assert row["first_message_chars"] == len(payload.plain_text())
    assert row["date_expected"] == "2026-03-19" and row["situation_source"] == "slots"
    assert QUESTION["text"] not in json.dumps(row, ensure_ascii=False)  # ids only, never the texts


@pytest.mark.unit
def test_score_item_misses() -> None:
    # Quotes the right paragraph but names another ground; a second ground found too; stage wrong.
    payload = typed("Признак — пол.", [cite("tk-006", "2", ART6)])
    slots = {"grounds": ["age", "sex"], "stage": "hiring", "employer_kind": None, "event_date": "2026-03-20"}
    row = es.score_item(QUESTION, rest(payload), slots, TODAY, NAMES)
    assert not row["grounds_ok"] and row["grounds_found"] and not row["stage_ok"]
    assert row["employer_ok"] is False and row["date_ok"] is False
    assert row["quotes_paragraph"] and not row["names_grounds"] and not row["first_reply_ok"]
    # Names the ground but quotes a paragraph that is not labelled (cited only in a list does not count).
    payload = typed("Признак — возраст.", [cite("tk-025", "2")], listed=[cite("tk-006", "2")])
    row = es.score_item(QUESTION, rest(payload), slots, TODAY, NAMES)
    assert row["names_grounds"] and not row["quotes_paragraph"] and not row["first_reply_ok"]
    # No legal answer at all (a fallback with the topic menu): nothing named, nothing quoted, still measured.
    row = es.score_item(QUESTION, [{"text": "Не понял вопрос.", "buttons": [{"title": "Темы", "payload": "/more_topics"}]}],
                        {}, TODAY, NAMES)
    assert not row["answered"] and not row["first_reply_ok"] and row["first_message_chars"] == len("Не понял вопрос.")
    assert row["situation_source"] == "none" and row["grounds_ok"] is False


@pytest.mark.unit
def test_unlabelled_employer_and_date_count_as_spurious_not_as_accuracy() -> None:
    q = {**QUESTION, "employer": None, "date": None}
    slots = {"grounds": ["age"], "stage": "dismissal", "employer_kind": "other", "employer_size": None, "event_date": "2026-03-01"}
    row = es.score_item(q, rest(typed("Признак — возраст.", [cite("tk-006", "2")])), slots, TODAY, NAMES)
    assert row["employer_ok"] is None and row["date_ok"] is None
    assert row["employer_spurious"] and row["date_spurious"]


@pytest.mark.unit
def test_check_followup() -> None:
    reply = rest(typed("Куда обращаться.", [], listed=[cite("tk-159", "1")]))
    slots = {"grounds": ["age"], "employer_kind": "micro", "employer_size": 12}
    assert es.check_followup({"paragraphs": ["tk-159:1"], "employer": {"kind": "micro", "size": 12}}, reply, slots) == []
    assert es.check_followup({"paragraphs": ["tk-160:0"]}, reply, slots) == ["paragraphs"]
    assert es.check_followup({"employer": {"kind": "micro", "size": 7}}, reply, slots) == ["employer"]
    assert es.check_followup({"grounds": ["children_under_3"]}, reply, slots) == ["grounds"]
    assert es.check_followup({"grounds": ["age"]}, reply, slots) == []
    assert es.check_followup({"paragraphs": ["tk-159:1"]}, [{"text": "Не понял"}], slots) == ["paragraphs"]


# ------------------------------------------------------------------------------------------------ summaries


def _row(id_: str, lang: str, split: str, ok: bool, chars: int, followup_ok: bool | None = None) -> dict[str, Any]:
    q = {**QUESTION, "id": id_, "lang": lang, "split": split, "date": None, "employer": None}
    payload = typed("Признак — возраст." if ok else "Признак — пол.", [cite("tk-006", "2")], lang=lang)
    text = NAMES["age" if ok else "sex"][lang].ljust(chars, "-")
    row = es.score_item(q, rest(payload, text=text), {"grounds": ["age"] if ok else ["sex"], "stage": "dismissal"}, TODAY, NAMES)
    followups = [] if followup_ok is None else [{"n": 0, "expect": ["paragraphs"], "ok": followup_ok,
                                                  "failed": [] if followup_ok else ["paragraphs"], "cited": []}]
    views = [{"payload": '/show_more{"view":"law"}', "chars": 10, "answered": True, "view": "law" if ok else "short"},
             {"payload": "/more_topics", "chars": 10, "answered": False, "view": None}]
    row.update(followups=followups, views=views, max_message_chars=chars, ms=[10.0, 20.0])
    return row


@pytest.mark.unit
def test_summarise_per_split_and_language() -> None:
    rows = [_row("a", "ru", "heldout", True, 600, True), _row("b", "ru", "heldout", False, 800, False),
            _row("c", "kk", "heldout", True, 5000), _row("d", "ru", "tune", True, 100)]
    s = es.summarise(rows)
    ru = s["heldout"]["ru"]
    assert ru["messages"] == 2 and ru["ground_accuracy"] == 0.5 and ru["stage_accuracy"] == 1.0
    assert ru["first_reply_ok"] == 0.5 and ru["followups"] == 2 and ru["followups_ok"] == 0.5
    assert ru["first_message_chars"] == {"median": 700.0, "p95": 790.0, "max": 800}
    assert ru["employer_accuracy"] is None and ru["date_accuracy"] is None  # nothing labelled
    assert s["heldout"]["kk"]["max_message_chars"] == 5000 and s["max_message_chars"] == 5000
    assert s["tune"]["ru"]["messages"] == 1 and s["tune"]["kk"]["messages"] == 0
    assert s["latency_ms"]["turns"] == 8 and s["latency_ms"]["first_p95"] == 10.0
    assert s["views_pressed"] == 8 and s["views_as_requested"] == "3/4"
    by_id = {m["id"]: m["failed"] for m in s["misses"]}
    assert set(by_id) == {"b", "c"}
    assert "grounds_ok" in by_id["b"] and "names_grounds" in by_id["b"] and "followup0:paragraphs" in by_id["b"]
    assert by_id["c"] == ["over_4096"]
    json.dumps(s)  # results.json can hold it


@pytest.mark.unit
def test_markdown_and_replacing_only_its_section() -> None:
    s = es.summarise([_row("a", "ru", "heldout", True, 600), _row("b", "kk", "heldout", True, 700),
                      _row("c", "ru", "tune", True, 100), _row("d", "kk", "tune", False, 100)])
    section = es.markdown(s)
    assert section[0] == es.START and section[-1] == es.END
    text = "\n".join(section)
    assert "| ground accuracy (exact set) | 1.0 | 1.0 | >= 0.93 |" in text
    assert QUESTION["text"] not in text
    marker = "<!-- notes -->"
    doc = "# Results\n\nold numbers\n\n" + marker + "\nnotes kept\n"
    once = es.replace_section(doc, es.markdown(None), marker)
    assert "Numbers: filled by the next" in once and once.index(es.START) < once.index(marker) and once.endswith("notes kept\n")
    twice = es.replace_section(once, section, marker)
    assert twice.count(es.START) == 1 and "Numbers: filled" not in twice and "old numbers" in twice
    assert twice.endswith("notes kept\n") and "| ground accuracy (exact set) | 1.0 | 1.0" in twice


@pytest.mark.unit
def test_devset_labels_are_all_understood() -> None:
    """Every dev-set label the metrics read: grounds and stages the knowledge base names, paragraphs
    written norm:key, dates that resolve to a day or name a month."""
    from tendik.knowledge.situations import load_situations
    from tendik.situation import extract

    sk = load_situations()
    questions = es.load()
    assert len(questions) >= 120
    for q in questions:
        assert set(q["grounds"]) <= set(sk.grounds), q["id"]
        assert q["stage"] is None or q["stage"] in sk.stages, q["id"]
        assert q["paragraphs"] and all(":" in p for p in q["paragraphs"]), q["id"]
        if q.get("date"):  # a date expression the extractor knows (a day, or a month only)
            assert extract(q["date"], TODAY).date_text is not None, q["id"]
        for fu in q.get("followups") or []:
            assert set(fu["expect"]) <= {"paragraphs", "grounds", "employer"}, q["id"]



# ------------------------------------------------------------------------------------------------ against the assistant


def test_run_against_the_assistant(assistant: Services) -> None:
    """The real REST channel and tracker: every message scored, follow-ups answered in the same
    conversation, the first reply's buttons pressed, no text of a message in what is written out."""
    questions = es.load()
    tune = [q for q in questions if q["split"] == "tune"]
    chosen = [next(q for q in tune if q["lang"] == "ru" and q.get("followups")), next(q for q in tune if q["lang"] == "kk")]
    rows = es.run_services(assistant, chosen)
    assert [r["id"] for r in rows] == [q["id"] for q in chosen]
    for q, r in zip(chosen, rows, strict=True):
        assert r["answered"] and r["first_message_chars"] > 0
        assert r["max_message_chars"] >= r["first_message_chars"] and r["max_message_chars"] <= es.TELEGRAM_LIMIT
        assert len(r["followups"]) == len(q.get("followups") or [])
        assert len(r["ms"]) == 1 + len(r["followups"]) + len(r["views"])
    assert rows[0]["followups"] and rows[0]["views"]  # a legal answer has "more" buttons
    s = es.summarise(rows)
    dumped = json.dumps(s, ensure_ascii=False)
    assert all(q["text"] not in dumped for q in chosen)
    assert s["tune"]["ru"]["messages"] == 1 and s["tune"]["kk"]["messages"] == 1
