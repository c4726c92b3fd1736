"""Personal data is masked before it is stored, logged or shown to an operator."""

from __future__ import annotations

import pytest

from actions.redact import redact


@pytest.mark.parametrize(
    ("text", "masked", "kept"),
    [
        ("Мой ИИН 850101300123, помогите", "[IIN]", "помогите"),
        ("ЖСН: 850101 300 123", "[IIN]", "ЖСН"),
        ("БИН работодателя 123456789012", "[IIN]", "работодателя"),
        ("позвоните +7 701 123 45 67", "[PHONE]", "позвоните"),
        ("тел 8(701)1234567 после обеда", "[PHONE]", "после обеда"),
        ("номер 87011234567", "[PHONE]", "номер"),
        ("напишите на aigul.s@mail.kz пожалуйста", "[EMAIL]", "пожалуйста"),
        ("карта 4111 1111 1111 1111 зарплатная", "[CARD]", "зарплатная"),
        ("Меня зовут Айгуль Сериковна, уволили", "[NAME]", "уволили"),
        ("менің атым Айгүл, жұмыстан шығарды", "[NAME]", "жұмыстан шығарды"),
        ("Иванов Иван Иванович уволил меня", "[NAME]", "уволил меня"),
        ("директор Петров И.И. сказал", "[NAME]", "директор"),
        ("бастық Сапаров Ерлан Бекұлы айтты", "[NAME]", "айтты"),
    ],
)
def test_personal_data_is_masked(text: str, masked: str, kept: str) -> None:
    out = redact(text)
    assert masked in out, out
    assert kept in out, out
    for secret in ("850101300123", "701 123", "7011234567", "aigul", "4111", "Айгуль", "Айгүл", "Иванов", "Петров", "Сапаров"):
        assert secret not in out, out


@pytest.mark.parametrize(
    "text",
    [
        "статья 6 пункт 2 Трудового кодекса",
        "уволили 12.03.2026, прошло 3 месяца",
        "зарплата 250 000 тенге, премия 15%",
        "Еңбек кодексінің 25-бабы",
        "работаю в Алматы на заводе 15 лет",
        "",
    ],
)
def test_ordinary_text_is_untouched(text: str) -> None:
    assert redact(text) == text
