"""Kazakh letters restored (tendik.restore): Latin alphabets, words typed without Kazakh letters,
Russian left alone, never an exception."""

from __future__ import annotations

import random

import pytest

from tendik.lang import fold
from tendik.restore import build_vocabulary, reads_as_kazakh, restore_kazakh, vocabulary

pytestmark = pytest.mark.unit  # no services: `make test-unit`


@pytest.mark.parametrize(
    ("typed", "restored"),
    [
        ("жумыска алмады", "жұмысқа алмады"),
        ("жумыстан шыгарып жиберди", "жұмыстан шығарып жіберді"),
        ("енбек кодексинин кай бабы", "еңбек кодексінің қай бабы"),
        ("жумыс беруши неге карауы керек", "жұмыс беруші неге қарауы керек"),
        ("бiлiм", "білім"),  # a Latin i inside a Cyrillic word
        ("ЖУМЫС", "ЖҰМЫС"),
        ("Жумыс беруши", "Жұмыс беруші"),
    ],
)
def test_words_typed_without_kazakh_letters(typed: str, restored: str) -> None:
    assert restore_kazakh(typed) == restored


@pytest.mark.parametrize(
    ("typed", "restored"),
    [
        # 2021 alphabet
        ("jūmystan şyğardy", "жұмыстан шығарды"),
        ("üş jasqa deiıngı balam bar", "үш жасқа дейінгі балам бар"),
        ("eñbek kodeksınıñ", "еңбек кодексінің"),
        # 2018 (acutes)
        ("eńbek kodeksiniń", "еңбек кодексінің"),
        # 2017 (apostrophes)
        ("a'iel", "әйел"),
        ("I'shki ta'rtip", "Ішкі тәртіп"),
        # ad hoc
        ("jumystan shygardy", "жұмыстан шығарды"),
        ("zhumystan shygardy", "жұмыстан шығарды"),
        ("kasipodaq meni sotta qorgai ala ma", "кәсіподақ мені сотта қорғай ала ма"),
        ("qazaqsha", "қазақша"),
        ("kazakša", "қазақша"),
        # «ң» written "ng" where the letters as written are no word of the vocabulary
        ("mening enbek kodeksining", "менің еңбек кодексінің"),
        ("eng bolmasa", "ең болмаса"),
    ],
)
def test_latin_alphabets(typed: str, restored: str) -> None:
    assert restore_kazakh(typed) == restored


@pytest.mark.parametrize("word", ["engizdi", "mobbing", "pirsing", "deiingi"])
def test_an_ng_that_may_be_two_letters_is_not_forced_to_the_kazakh_letter(word: str) -> None:
    # «енгізді», loanwords in -ing, «дейінгі»: "ng" is «нг» there
    assert "ң" not in restore_kazakh(f"meni tizimge {word} dep", "kk")


@pytest.mark.parametrize(
    "text",
    [
        "меня уволили из-за беременности, это законно?",
        "директор запретил говорить по-казахски",
        "nachalnik snizil mne zarplatu",
        "мне сказали кол забить",
        "жұмыстан шығарды",  # already spelled right
        "",
        "123 456",
        "😀🙏",
    ],
)
def test_untouched(text: str) -> None:
    assert restore_kazakh(text) == text


def test_a_russian_message_keeps_its_russian_words_and_gets_its_kazakh_ones() -> None:
    assert restore_kazakh("бастык маган только грязную работу дает") == "бастық маған только грязную работу дает"


def test_mixed_kazakh_message_restores_the_kazakh_words_only() -> None:
    out = restore_kazakh("жумыста мени нерусская деп обзывают, бул дискриминация ма")
    assert out.startswith("жұмыста мені нерусская деп обзывают") and "бұл" in out


def test_urls_emails_and_number_suffixes_are_kept() -> None:
    assert restore_kazakh("https://zhumys.kz/kk жумыс") == "https://zhumys.kz/kk жұмыс"
    assert restore_kazakh("a.b@mail.kz жумыс") == "a.b@mail.kz жұмыс"
    assert restore_kazakh("жасы 45-тен асканда").startswith("жасы 45-тен")


def test_an_unknown_word_of_a_latin_kazakh_message_is_transliterated() -> None:
    out = restore_kazakh("bastyq jumysta qyzğanyşpen qaraidy")
    assert not any("a" <= ch <= "z" for ch in out)


def test_the_language_hint_decides_a_short_ambiguous_text() -> None:
    assert restore_kazakh("кол", "kk") == "қол"
    assert restore_kazakh("кол", "ru") == "кол"


def test_reads_as_kazakh() -> None:
    assert reads_as_kazakh("жумыстан шыгарды")
    assert reads_as_kazakh("jumystan shygardy")
    assert not reads_as_kazakh("меня уволили с работы")
    assert not reads_as_kazakh("")


def test_idempotent() -> None:
    for text in ["жумыска алмады", "jūmystan şyğardy", "kasipodaq meni sotta qorgai ala ma", "бастык маган только"]:
        once = restore_kazakh(text)
        assert restore_kazakh(once) == once


def test_restoring_changes_only_letters_that_fold_alike() -> None:
    text = "жумыс беруши маган карсы кемситу жасады, бул занды ма"
    assert fold(restore_kazakh(text)) == fold(text)


def test_garbage_never_raises() -> None:
    rng = random.Random(7)
    alphabet = "aäqğñöūüıшщъьәқңөұүһіjw'’ʼ`´-_@/\\.:0123456789 \n\t\x00\x07\ufeff😀🙏İ"
    samples = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400))) for _ in range(300)]
    samples += ["a" * 100_000, "ж" * 5000, "\udcff", "İİİ", "ǅ", "'''", "'" * 50]
    for text in samples:
        assert isinstance(restore_kazakh(text), str)
    assert restore_kazakh(None) == ""  # type: ignore[arg-type]
    assert restore_kazakh(b"bytes") == ""  # type: ignore[arg-type]


def test_vocabulary_is_the_projects_own_and_deterministic() -> None:
    first, again = vocabulary(), build_vocabulary()
    assert first.by_fold == again.by_fold
    assert first.by_fold["жумыс"] == "жұмыс" and "жумыс" not in first.russian_folded
    assert "уволили" in first.russian_folded
