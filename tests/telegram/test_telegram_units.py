"""Pure parts of the Telegram bot, without a server: HTML escaping and splitting, the strict HTML
parser of the local Bot API server, sender-id hashing and its secret file, durations, cards built
from the knowledge base and their rotation, flood limiting, long button payloads."""

from __future__ import annotations

import logging
import random
import re
import stat

import pytest

from tendik.knowledge.explanations import load_knowledge
from tendik.knowledge.norms import paragraph_for_display
from tendik.telegram.cards import CardDeck, excerpt
from tendik.telegram.config import TelegramSettings, parse_duration
from tendik.telegram.context import Payloads
from tendik.telegram.html_text import escape, split_html, utf16_len
from tendik.telegram.ids import SECRET_FILE, SenderIds, load_or_create_secret
from tendik.telegram.middlewares import FloodLimiter
from tendik.texts import section
from tests.fakes.telegram_api import APIError, parse_telegram_html

pytestmark = pytest.mark.unit  # no services: `make test-unit`

KB = load_knowledge()
ANSWER_TEXTS = section("answer")
WORDS = [
    "жұмыс", "беруші", "кемсітушілік", "дискриминация", "статья", "Еңбек", "кодексінің", "6-бабы", "«цитата»", "—",
    "право", "📌", "ℹ️", "👍", "AT&T", "<script>", "a<b", "x>y", "«1.", "15)", "тармақ;", "равную", "оплату.",
]


def words(text: str) -> list[str]:
    return text.split()


def random_markup(rng: random.Random, n_words: int) -> tuple[str, str]:
    """(Telegram HTML, its visible text) built from escaped words, spaces, line breaks and tags."""
    html_parts, plain_parts = [], []
    open_tags: list[str] = []
    for _ in range(n_words):
        r = rng.random()
        if r < 0.06 and len(open_tags) < 3:
            tag = rng.choice(["b", "i", "blockquote", "u", 'a href="https://adilet.zan.kz/rus?x=1&amp;y=2"'])
            if tag.split()[0] in open_tags:
                continue
            html_parts.append(f"<{tag}>")
            open_tags.append(tag.split()[0])
        elif r < 0.12 and open_tags:
            html_parts.append(f"</{open_tags.pop()}>")
        word = rng.choice(WORDS)
        sep = rng.choice([" ", " ", " ", "\n", "\n\n"])
        html_parts.append(escape(word) + sep)
        plain_parts.append(word + sep)
    html_parts.extend(f"</{t}>" for t in reversed(open_tags))
    return "".join(html_parts), "".join(plain_parts)


# ---------------------------------------------------------------- splitting
@pytest.mark.parametrize("limit", [150, 400, 1000, 4096])
def test_split_html_keeps_words_tags_and_limit(limit: int) -> None:
    rng = random.Random(limit)
    for _ in range(60):
        markup, plain = random_markup(rng, rng.randint(5, 1500))
        parts = split_html(markup, limit)
        assert parts, markup
        seen: list[str] = []
        for part in parts:
            visible = parse_telegram_html(part)  # balanced, only Telegram's tags, escaped
            assert utf16_len(visible) <= limit, (limit, part)  # Telegram counts the parsed text
            assert visible.strip(), part
            seen.extend(words(visible))
        assert seen == words(plain), "a word was cut, lost or repeated"


def test_short_message_is_one_part_and_empty_is_none() -> None:
    assert split_html("<b>Сәлем</b>") == ["<b>Сәлем</b>"]
    assert split_html("   \n ") == []


def test_split_reopens_tags_in_the_next_part() -> None:
    markup = "<blockquote>" + " ".join(["сөз"] * 100) + "</blockquote>"
    parts = split_html(markup, 100)
    assert len(parts) > 3
    assert all(p.startswith("<blockquote>") and p.endswith("</blockquote>") for p in parts)


def test_split_prefers_paragraph_breaks() -> None:
    para = " ".join(["слово"] * 30)
    parts = split_html("\n\n".join([para] * 6), 500)
    assert all(p.strip() == "\n\n".join([para] * (len(p.split("\n\n")))) for p in parts)


def test_a_word_longer_than_a_message_is_cut_but_never_inside_an_entity() -> None:
    long_word = "&amp;" + "x" * 9000 + "&lt;"
    parts = split_html(f"<b>{long_word}</b>", 4096)
    assert len(parts) >= 3
    for p in parts:
        assert utf16_len(parse_telegram_html(p)) <= 4096


def test_emoji_count_as_two_utf16_units() -> None:
    parts = split_html(" ".join(["👍"] * 3000), 4096)
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert len(parts) >= 2  # 3000 emoji + spaces = 8999 units


# ---------------------------------------------------------------- answers as HTML: test_telegram_payload.py


@pytest.mark.parametrize(
    "bad",
    ["a < b", "x & y", "<b>open", "<b>x</i>", "<script>x</script>", "&nbsp;", "</b>", "<div>x</div>"],
)
def test_local_server_refuses_what_telegram_refuses(bad: str) -> None:
    with pytest.raises(APIError) as err:
        parse_telegram_html(bad)
    assert err.value.code == 400 and "can't parse entities" in err.value.description


def test_local_server_accepts_telegram_html() -> None:
    ok = '<b>a</b> <i>b</i> <blockquote>«c»</blockquote> <a href="https://x.kz/?a=1&amp;b=2">d</a> &lt;&gt;&amp;&quot;&#39;&#x27;'
    assert parse_telegram_html(ok) == "a b «c» d <>&\"''"


# ---------------------------------------------------------------- sender ids
def test_sender_id_is_a_keyed_hash() -> None:
    ids = SenderIds("secret-1")
    sid = ids.sender_id(7300000123)
    assert re.fullmatch(r"tg-[0-9a-f]{32}", sid)
    assert "7300000123" not in sid
    assert ids.sender_id(7300000123) == sid
    assert SenderIds("secret-2").sender_id(7300000123) != sid
    assert ids.sender_id(7300000124) != sid
    import hashlib
    import hmac

    assert sid == "tg-" + hmac.new(b"secret-1", b"7300000123", hashlib.sha256).hexdigest()[:32]


def test_id_secret_is_generated_once_with_mode_0600(tmp_path, caplog) -> None:  # noqa: ANN001
    with caplog.at_level(logging.WARNING, logger="tendik.telegram.ids"):
        first = load_or_create_secret("", tmp_path)
    path = tmp_path / SECRET_FILE
    assert path.exists() and len(first) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert any("generated a new id secret" in r.getMessage() for r in caplog.records)
    assert first not in caplog.text  # the secret itself is never logged
    assert load_or_create_secret("", tmp_path) == first  # stable across restarts
    assert load_or_create_secret("from-env", tmp_path) == "from-env"  # the environment wins


# ---------------------------------------------------------------- settings
@pytest.mark.parametrize(
    "value,seconds",
    [("7d", 604800), ("12h", 43200), ("30m", 1800), ("45s", 45), ("1w", 604800), ("3600", 3600), ("off", 0), ("0", 0), ("", 0)],
)
def test_durations(value: str, seconds: float) -> None:
    assert parse_duration(value) == seconds


def test_bad_duration_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_duration("weekly")


def test_settings_from_environment(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("TENDIK_TELEGRAM_TOKEN", "1:abc")
    monkeypatch.setenv("TENDIK_TELEGRAM_CARD_EVERY", "2d")
    monkeypatch.setenv("TENDIK_TELEGRAM_API_URL", "http://127.0.0.1:9")
    s = TelegramSettings()
    assert s.token == "1:abc" and s.telegram_card_every == 172800 and s.telegram_api_url == "http://127.0.0.1:9"
    assert "1:abc" not in repr(s)  # the token is a secret, never printed


# ---------------------------------------------------------------- cards
def _norm_text(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_cards_come_from_the_knowledge_base(lang: str) -> None:
    deck = CardDeck(KB)
    assert set(deck.ids) == set(KB.explanations)
    for card_id in deck.ids:
        card = deck.card(card_id, lang)
        exp = KB.explanations[card_id]
        visible = parse_telegram_html(card.html)
        assert utf16_len(visible) <= 4096
        assert exp.title[lang] in visible
        # the explanation's first statement, whole, and every "the base has nothing" statement
        assert _norm_text(exp.statements[0].text[lang]) in _norm_text(visible), card_id
        # the key norm: the first paragraph the shown statements rest on, cited with its edition
        key = next((r for st in exp.statements for r in st.rests_on), exp.linked()[0])
        assert card.norm_id == key.norm_id
        norm = KB.norms[key.norm_id]
        version, _ = norm.version(lang)
        verbatim = paragraph_for_display(version, key.paragraph)
        assert _norm_text(card.excerpt) in _norm_text(verbatim) or norm.whole_article_only(), card_id  # verbatim
        for line in card.excerpt.splitlines():
            assert _norm_text(line) in _norm_text(verbatim), card_id
        shown_key = None if norm.whole_article_only() else key.paragraph
        assert norm.citation(lang, shown_key)[1:] in visible  # cited in the standard form
        if version.edition:
            assert ".".join(reversed(version.edition.split("-"))) in visible  # edition date
        assert ("(үзінді)" if lang == "kk" else "(отрывок)") in visible  # marked as an excerpt
        first_step = exp.next_steps[lang].splitlines()[0].strip()
        assert first_step in visible  # what to do, from the explanation
        assert ANSWER_TEXTS["disclaimer"][lang] in visible
        if len(_norm_text(verbatim)) > len(_norm_text(card.excerpt)) and not norm.whole_article_only():
            assert "…»" in visible


def test_excerpt_cuts_at_a_sentence_or_word() -> None:
    text = "Первое предложение закона о труде. " * 3 + "Второе очень длинное " + "слово " * 100
    cut, was_cut = excerpt(text, 120)
    assert was_cut and cut.endswith(".") and len(cut) <= 120
    cut, was_cut = excerpt("слово " * 100, 50)
    assert was_cut and cut.split()[-1] == "слово" and len(cut) <= 50
    assert excerpt("Коротко.", 50) == ("Коротко.", False)


def test_rotation_never_repeats_a_card_and_covers_all() -> None:
    deck = CardDeck(KB)
    last, seen, sent = None, [], []
    for _ in range(len(deck.ids) * 3):
        card = deck.next_card(last, seen)
        assert card != last
        sent.append(card)
        seen = [c for c in seen if c in deck.ids] + [card]
        if set(deck.ids) <= set(seen):
            seen = []
        last = card
    n = len(deck.ids)
    assert set(sent[:n]) == set(deck.ids)  # one round shows every card once
    assert set(sent[n : 2 * n]) == set(deck.ids)


def test_rotation_with_a_preferred_topic() -> None:
    deck = CardDeck(KB)
    assert deck.next_card(None, [], preferred="exp-equal-pay") == "exp-equal-pay"
    assert deck.next_card("exp-equal-pay", [], preferred="exp-equal-pay") != "exp-equal-pay"


# ---------------------------------------------------------------- flood limit, payloads
def test_flood_limiter_allows_rate_per_window_and_warns_once() -> None:
    import asyncio

    async def run() -> tuple[list[tuple[bool, bool, float]], bool, list[tuple[bool, bool, float]]]:
        limiter = FloodLimiter(rate=3, window=60)
        results = [await limiter.allow("u") for _ in range(6)]
        other = (await limiter.allow("other"))[0]
        # a button press while flooded gets no notice and does not use it up
        presses = FloodLimiter(rate=1, window=60)
        pressed = [await presses.allow("p"), await presses.allow("p", notice=False), await presses.allow("p")]
        return results, other, pressed

    results, other, pressed = asyncio.run(run())
    assert [r[0] for r in results] == [True, True, True, False, False, False]
    assert [r[1] for r in results[3:]] == [True, False, False]
    assert 0 < results[3][2] <= 20  # the next slot: one every 60/3 s
    assert other
    assert [(allowed, warn) for allowed, warn, _ in pressed] == [(True, False), (False, False), (False, True)]


def test_long_rasa_payloads_fit_in_callback_data() -> None:
    payloads = Payloads()
    short = payloads.encode("/ask_equal_pay")
    assert short == "r:/ask_equal_pay" and payloads.decode(short) == "/ask_equal_pay"
    long_payload = '/inform{"text": "' + "ж" * 80 + '"}'
    data = payloads.encode(long_payload)
    assert len(data.encode()) <= 64 and payloads.decode(data) == long_payload
    assert Payloads().decode(data) is None  # unknown after a restart: the button is outdated


def test_broadcast_limiter_spaces_messages_overall_and_per_chat() -> None:
    import asyncio
    import time

    from tendik.telegram.broadcast import Limiter

    async def run() -> tuple[list[float], list[float]]:
        limiter = Limiter(rate=20, chat_interval=0.3)
        overall = []
        for chat in range(10):
            await limiter.wait(chat)
            overall.append(time.monotonic())
        same_chat = []
        for _ in range(3):
            await limiter.wait(99)
            same_chat.append(time.monotonic())
        return overall, same_chat

    overall, same_chat = asyncio.run(run())
    assert all(b - a >= 0.05 - 0.01 for a, b in zip(overall, overall[1:]))  # at most 20 per second
    assert all(b - a >= 0.3 - 0.01 for a, b in zip(same_chat, same_chat[1:]))  # at most one per 0.3 s in one chat


def test_empty_variables_mean_the_defaults(monkeypatch) -> None:  # noqa: ANN001
    """A copied .env.example has every variable empty: the defaults apply."""
    for name in ("TOKEN", "API_URL", "WEBHOOK_PORT", "CARD_EVERY", "USER_RATE", "BROADCAST_RATE", "ID_SECRET"):
        monkeypatch.setenv(f"TENDIK_TELEGRAM_{name}", "")
    s = TelegramSettings()
    assert s.token == "" and s.telegram_api_url == "https://api.telegram.org" and s.telegram_webhook_port == 8443
    assert s.telegram_card_every == 7 * 86400 and s.telegram_user_rate == 12 and s.telegram_broadcast_rate == 25
