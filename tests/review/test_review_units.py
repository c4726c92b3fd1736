"""Unit tests of the review service's pure parts (no server, no assistant)."""

from __future__ import annotations

import pytest
from multidict import MultiDict

from tendik.review import exports, queries
from tendik.review.tracker import Event, parse_turns
from tendik.review.web import _safe_next

pytestmark = pytest.mark.unit  # no services: `make test-unit`


@pytest.mark.parametrize("value", ["//evil.example", "/\t/evil.example", "/\n/evil.example", "https://evil.example", "/\\evil",
                                   "javascript:alert(1)", "", None, "/ok path"])
def test_login_redirect_only_to_local_paths(value):
    assert _safe_next(value) == "/conversations"


def test_login_redirect_keeps_local_paths():
    assert _safe_next("/transcript?id=rv-1&x=%2F") == "/transcript?id=rv-1&x=%2F"


def test_filters_parse_and_sanitise():
    f = queries.Filters.from_query(MultiDict(channel="telegram", language="xx", date_from="2026-02-30", intent="ask_equal_pay",
                                             max_confidence="1.5", fallback="1", reviewed="maybe", q="  Жұмыс  "))
    assert (f.channel, f.language, f.date_from, f.intent, f.max_confidence, f.fallback, f.reviewed, f.q) == (
        "telegram", "", "", "ask_equal_pay", "", True, "", "Жұмыс")
    assert set(f.errors) == {"date_from", "max_confidence"}
    assert queries.Filters.from_query(MultiDict(intent="a' OR 1=1 --")).errors == ["intent"]
    assert queries.search_words("Жұмыстан ШЫҒАРДЫ, x") == ["жумыстан", "шыгарды"]


@pytest.mark.parametrize("value", ["", "garbage", "!!!", "eyJ4Ijox", "W10", "a" * 900])
def test_bad_cursors_are_ignored(value):
    assert queries.decode_cursor(value) is None


def test_cursor_round_trip_keeps_exact_float():
    ts = 1795609924.8023612
    assert queries.decode_cursor(queries.encode_cursor(ts, "snd/ü")) == (ts, "snd/ü")


def test_example_text_is_one_masked_line_without_entity_syntax():
    text = "мой номер +7 701 123 45 67\nи [Иванов](person) {x}"
    out = exports.example_text(text)
    assert "\n" not in out and "[PHONE]" in out and "](" not in out


def test_csv_cells_cannot_start_a_formula():
    assert exports._csv_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert exports._csv_safe("-1") == "'-1" and exports._csv_safe("обычный") == "обычный"


def test_parse_turns_groups_events():
    def e(i, kind, **data):
        return Event(id=i, sender_id="s", type=kind, ts=float(i), intent=None, action=data.get("name"), data=data)

    evs = [
        e(1, "action", name="action_session_start"), e(2, "bot", text="hello before anything"),
        e(3, "user", text="привет", parse_data={"intent": {"name": "greet", "confidence": 0.9}, "intent_ranking": []},
          input_channel="web", metadata={"language": "ru"}),
        e(4, "slot", name="language", value="kk"), e(5, "action", name="utter_greet"), e(6, "bot", text="Сәлем!"),
        e(7, "action", name="action_listen"),
    ]
    turns = parse_turns(evs)
    assert [t.user_event_id for t in turns] == [None, 3]
    assert turns[0].replies[0].text == "hello before anything"
    greet = turns[1]
    assert (greet.intent, greet.confidence, greet.channel, greet.language, greet.actions) == ("greet", 0.9, "web", "kk", ["utter_greet"])
    assert [r.text for r in greet.replies] == ["Сәлем!"]
