"""tendik.asking.asks_question: a question about the law (any spelling, with or without a question
mark) against a story told without asking anything."""

from __future__ import annotations

import pytest

from tendik.asking import asks_question

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text", [
    "можно ли уволить беременную?",
    "меня уволили из-за возраста, это законно",
    "имеет ли право работодатель не брать из-за прописки",
    "что мне делать если не взяли на работу из за детей",
    "как доказать дискриминацию в суде",
    "подскажите сроки обращения в суд",
    "mozhno li uvolit beremennuyu",
    "жүкті екенімді айтқан соң қысқартамыз дейді, құқығы бар ма",
    "жукти екенимди айткан сон кыскартамыз дейди, кукыгы бар ма",
    "jukti ekenimdi aitqan soñ qysqartamyz deidi, qūqyğy bar ma",
    "шағымды қайда беремін",
    "сотқа қанша уақыт ішінде жүгінуге болады",
    "енді не істеуім керек",
    "мне ставят самые тяжелые ночные смены а другим нормальные, это считается нарушением или нет",
    "mne stavyat samye tyazhelye nochnye smeny, eto schitaetsya narusheniem ili net",
    "маған ғана түнгі ауысым береді, бұл кемсіту әлде жоқ",
])
def test_questions(text: str) -> None:
    assert asks_question(text)


@pytest.mark.parametrize("text", [
    "без прописки в Алматы не берут на работу, а я из Талдыкоргана",
    "меня незаконно уволили, потому что мне 58 лет",
    "не взяли на работу — я баптистка",
    "так как я беременна, мне отказали в переводе",
    "тұрғылықты жерім басқа облыста деп жұмысқа алмады",
    "turgylykty zherim baska oblysta dep zhumyska almady",
    "ауылдан келгендерге айлықты қалалықтардан аз төлейді, жұмысымыз бірдей",
    "",
    "😀👍",
])
def test_stories(text: str) -> None:
    assert not asks_question(text)
