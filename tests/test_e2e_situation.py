"""A worker's situation end to end through the REST channel (real Rasa, real action server): the
first reply names the ground and the stage and quotes the paragraph that names the ground; the
slots keep the situation across turns; "а сроки?" answers for that case with TK art. 160 and its
Constitutional Court notes; "у нас 5 человек" changes the route (TK art. 159); a denied ground is
dropped; the "more" buttons open the rest; no message is longer than 4,096 characters."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from tendik.knowledge.situations import load_situations
from tendik.ops.services import Services
from tendik.payload import AnswerPayload
from tests.test_e2e_rest import new_sender, send

SK = load_situations()


def payloads(reply: list[dict]) -> list[AnswerPayload]:
    """The typed payloads of a REST reply: Rasa sends a message's text (with its buttons) and its
    custom payload as two consecutive items (tendik.common.rasa_client.parse_reply pairs them)."""
    out = []
    text = None
    for m in reply:
        assert len(m.get("text") or "") <= 4096, m
        if "text" in m:
            text = m
            continue
        p = AnswerPayload.from_dict(m.get("custom"))
        if p is not None:
            assert text is not None and text["text"] == p.plain_text()
            assert [b["payload"] for b in text.get("buttons") or []] == [b.payload for b in p.buttons]
            out.append(p)
            text = None
    return out


def first(reply: list[dict]) -> AnswerPayload:
    found = payloads(reply)
    assert found, reply
    return found[0]


def slots(assistant: Services, sender: str) -> dict:
    tracker = assistant.api(f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker", timeout=30)
    return tracker["slots"]


def quoted(p: AnswerPayload) -> set[str]:
    return {f"{c.norm_id}:{c.paragraph}" for c in p.quoted()}


def test_a_dismissal_for_age_then_time_limits_then_a_small_employer(assistant: Services) -> None:
    sender = new_sender("sit-ru")
    reply = send(assistant, sender, "Мне 56 лет, вчера уволили, директор сказал что пора уступить место молодым")
    p = first(reply)
    assert p.source == "situation", p.to_dict()
    text = p.plain_text()
    assert SK.grounds["age"].name["ru"] in text and SK.stages["dismissal"].name["ru"] in text
    assert "tk-006:2" in quoted(p)
    assert len(text) <= 1000
    state = slots(assistant, sender)
    assert state["grounds"] == ["age"] and state["stage"] == "dismissal" and state["event_date"]

    limits = first(send(assistant, sender, "а сроки? сколько у меня времени"))
    assert limits.view == "route" and any(c.norm_id == "tk-160" for c in limits.quoted())
    assert "№ 88-НП" in limits.plain_text()

    small = first(send(assistant, sender, "у нас в ИП всего 5 человек работает"))
    assert small.view == "route", small.to_dict()
    assert SK.route("micro").phrase.text["ru"] in small.plain_text()
    state = slots(assistant, sender)
    assert state["employer_kind"] == "micro" and state["employer_size"] == 5
    assert state["grounds"] == ["age"]  # the situation persists


def test_a_correction_replaces_the_grounds(assistant: Services) -> None:
    sender = new_sender("sit-fix")
    first(send(assistant, sender, "Меня сокращают из-за декрета, разве так можно?"))
    assert set(slots(assistant, sender)["grounds"]) >= {"children_under_3"}
    p = first(send(assistant, sender, "нет, не беременна, у меня ребёнок 2 года"))
    assert slots(assistant, sender)["grounds"] == ["children_under_3"]
    assert p.situation.get("grounds") == ["children_under_3"]


def test_language_at_work_is_a_ground_not_a_switch(assistant: Services) -> None:
    sender = new_sender("sit-kk")
    p = first(send(assistant, sender, "бастық қазақша сөйлесеңдер айыппұл саламын деді, бұл заңды ма?"))
    assert p.lang == "kk"
    assert "language" in slots(assistant, sender)["grounds"]
    assert SK.grounds["language"].name["kk"] in p.plain_text()


def test_a_date_alone_does_not_make_a_situation(assistant: Services) -> None:
    """An off-topic question with "сегодня" keeps its intent (the date fills its slot, nothing more); a
    headcount alone is a situation follow-up."""
    parsed = assistant.api("/model/parse", {"text": "футбол сегодня қашан басталады, қайрат ойнайды ма?"})
    assert parsed["intent"]["name"] != "inform_situation", parsed["intent"]
    assert [e["entity"] for e in parsed["entities"] if e.get("extractor") == "TendikSituation"] == ["event_date"]
    parsed = assistant.api("/model/parse", {"text": "у нас в фирме всего 6 человек"})
    assert parsed["intent"]["name"] == "inform_situation", parsed["intent"]


@pytest.mark.parametrize("view", ["law", "steps", "route", "full"])
def test_the_more_buttons_open_the_rest(assistant: Services, view: str) -> None:
    sender = new_sender("sit-more")
    p = first(send(assistant, sender, "без прописки не берут на работу"))
    buttons = {json.loads(b.payload.removeprefix("/show_more"))["view"]: b.payload for b in p.buttons if b.payload.startswith("/show_more")}
    payload = buttons.get(view) or '/show_more{"view":"%s","topic":"%s"}' % (view, p.topic)  # noqa: UP031
    shown = payloads(send(assistant, sender, payload))
    assert shown and all(s.view == view and s.topic == p.topic for s in shown)
    if view == "law":
        assert quoted(p) <= {q for s in shown for q in quoted(s)}


def test_a_button_for_a_topic_that_does_not_exist_is_answered_politely(assistant: Services) -> None:
    reply = send(assistant, new_sender("sit-bad"), '/show_more{"view":"law","topic":"exp-nope"}')
    assert reply and not payloads(reply)
    assert "Не нашёл продолжения" in reply[0]["text"] or "жалғасын таба алмадым" in reply[0]["text"]
