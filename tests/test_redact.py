"""Personal data is masked before it is stored, logged or shown to an operator."""

from __future__ import annotations

import pytest

from tendik.redact import looks_personal, redact

pytestmark = pytest.mark.unit  # no services: `make test-unit`


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


# ---------------------------------------------------------------- spelling does not matter
# The probe's spellings (letters glued to the digits, 3+ spaces, "/", "_", soft hyphen, look-alike
# letters, fullwidth "＠") and more of our own, in Kazakh and Russian. Each must lose every digit
# of the number or the whole address, and keep the words around it.
SPELLINGS = [
    # IIN / BIN
    ("ИИН900101300123", "[IIN]", "ИИН"),
    ("ЖСН900101300123 жұмыстан шығарды", "[IIN]", "жұмыстан шығарды"),
    ("мой иин: 900101300123.", "[IIN]", "мой иин"),
    ("ИИН 900 101 300 123", "[IIN]", "ИИН"),
    ("ИИН 900101   300123, помогите", "[IIN]", "помогите"),
    ("ИИН 9001-0130-0123", "[IIN]", "ИИН"),
    ("ИИН 900101/300123", "[IIN]", "ИИН"),
    ("ИИН 900101_300123", "[IIN]", "ИИН"),
    ("ИИН 9001\u00ad01300123 (soft hyphen)", "[IIN]", "soft hyphen"),
    ("ИИН 9001\u200b0130\u200b0123", "[IIN]", "ИИН"),
    ("ИИН ９００１０１３００１２３", "[IIN]", "ИИН"),
    ("ИИН 9OO1O13OO123", "[IIN]", "ИИН"),  # Latin O
    ("ЖСН 9001О1З00123", "[IIN]", "ЖСН"),  # Cyrillic О and З
    ("ЖСН: 900101\u00a0300123", "[IIN]", "ЖСН"),
    ("ИИН 900101—300123", "[IIN]", "ИИН"),
    ("ИИН (900101) 300123", "[IIN]", "ИИН"),
    ("менің ЖСН-ім 900101300123, көмектесіңіз", "[IIN]", "көмектесіңіз"),
    ("ИИН 9 0 0 1 0 1 3 0 0 1 2 3", "[IIN]", "ИИН"),
    ("ИИН 900101\n300123", "[IIN]", "ИИН"),
    ("ИИН 900101\t\t300123", "[IIN]", "ИИН"),
    ("ИИН ٩٠٠١٠١٣٠٠١٢٣", "[IIN]", "ИИН"),  # Arabic-Indic digits
    ("ИИН 𝟗𝟎𝟎𝟏𝟎𝟏𝟑𝟎𝟎𝟏𝟐𝟑", "[IIN]", "ИИН"),  # mathematical bold digits
    ("ИИН ⑨⓪⓪①⓪①③⓪⓪①②③", "[IIN]", "ИИН"),  # circled digits
    # phones
    ("тел87011234567", "[PHONE]", "тел"),
    ("тел.+77011234567", "[PHONE]", "тел."),
    ("звоните 8 701   123 45 67", "[PHONE]", "звоните"),
    ("8/701/123/45/67 звоните", "[PHONE]", "звоните"),
    ("нөмірім 8_701_123_45_67", "[PHONE]", "нөмірім"),
    ("+7 (701) 123-45-67 после шести", "[PHONE]", "после шести"),
    ("+7\u00a0701\u00a0123\u00a045\u00a067", "[PHONE]", ""),
    ("телефон 8 7О1 123 45 67", "[PHONE]", "телефон"),  # Cyrillic О for zero
    ("телефон 8 701 l23 45 67", "[PHONE]", "телефон"),  # Latin l for one
    ("＋７ ７０１ １２３ ４５ ６７ хабарласыңыз", "[PHONE]", "хабарласыңыз"),
    ("номерім 8‑701‑123‑45‑67", "[PHONE]", "номерім"),  # non-breaking hyphens
    ("8–701–123–45–67 (en dash)", "[PHONE]", "en dash"),
    ("телефон: 8(701)1234567, после обеда", "[PHONE]", "после обеда"),
    ("WhatsApp: 7011234567", "[PHONE]", "WhatsApp"),
    ("8\u00ad701\u00ad123\u00ad45\u00ad67 қоңырау шалыңыз", "[PHONE]", "қоңырау шалыңыз"),
    ("+7-701-123-45-67", "[PHONE]", ""),
    ("8 (7172) 12-10-56 приёмная", "[PHONE]", "приёмная"),
    ("т.8.701.123.45.67", "[PHONE]", "т."),
    ("tel:+7701-123-4567", "[PHONE]", "tel:"),
    # e-mail
    ("aigul＠mail.kz", "[EMAIL]", ""),
    ("почта aigul@mail．kz", "[EMAIL]", "почта"),
    ("aigul (at) mail (dot) kz", "[EMAIL]", ""),
    ("aigul [at] mail [dot] kz", "[EMAIL]", ""),
    ("пишите aigul собака mail точка kz", "[EMAIL]", "пишите"),
    ("поштам aigul @ mail.kz", "[EMAIL]", "поштам"),
    ("пишите:aigul.s@mail.kz", "[EMAIL]", "пишите:"),
    ("айгуль@почта.рф", "[EMAIL]", ""),
    ("AIGUL@MAIL.KZ", "[EMAIL]", ""),
    ("aigul@mаil.kz", "[EMAIL]", ""),  # Cyrillic а in the domain
    ("aigul\u200b@mail.kz", "[EMAIL]", ""),
    ("e-mail:aigul_s@gmail.com", "[EMAIL]", "e-mail:"),
    # cards
    ("карта4111111111111111", "[CARD]", "карта"),
    ("карта 4111-1111-1111-1111", "[CARD]", "карта"),
    ("карта 4111   1111   1111   1111", "[CARD]", "карта"),
    ("карта ４１１１ １１１１ １１１１ １１１１", "[CARD]", "карта"),
    ("картам 5555/5555/5555/4444", "[CARD]", "картам"),
    ("карта 4111_1111_1111_1111", "[CARD]", "карта"),
    # names with look-alike letters
    ("Меня зовут Aйгуль, уволили", "[NAME]", "уволили"),
]


@pytest.mark.parametrize(("text", "placeholder", "kept"), SPELLINGS, ids=[repr(s[0])[:40] for s in SPELLINGS])
def test_every_spelling_is_masked(text: str, placeholder: str, kept: str) -> None:
    out = redact(text)
    assert placeholder in out, out
    assert kept in out, out
    assert not looks_personal(out), out  # not one digit run of nine or more, no address left
    assert redact(out) == out  # masking again changes nothing
    for secret in ("aigul", "айгуль", "Aйгуль", "4111", "5555", "9001", "701", "7172"):
        assert secret.lower() not in out.lower(), out


def test_two_numbers_side_by_side_are_both_masked() -> None:
    assert redact("ватсап 8 701 123 45 67 немесе 8 702 765 43 21") == "ватсап [PHONE] немесе [PHONE]"
    assert redact("87011234567 87017654321") == "[PHONE] [PHONE]"
    assert redact("ИИН 900101300123 тел 87011234567") == "ИИН [IIN] тел [PHONE]"


@pytest.mark.parametrize(
    "text",
    [
        "с 01.01.2020 по 31.12.2021 работал без договора",
        "01.01.2020-31.12.2021",
        "2024-05-17 уволили",
        "работаю с 2019 года, 8 часов в день",
        "оклад 180 000, стаж 12 лет",
        "жалақым 150 000 теңге, 3 ай төленбеді",
        "в 10:30 сказали уйти",
        "Html5 и CSS3",
        "меня уволили в 2О21 году",
        "О беременности сказала в 8 недель",
        "ЖСН деген не? ИИН керек пе?",
        "уволили\u00a0без\u00a0причины ＠ работе",
    ],
)
def test_ordinary_text_with_odd_characters_is_untouched(text: str) -> None:
    assert redact(text) == text


def test_looks_personal_is_stricter_than_masking() -> None:
    # nine digits are no known kind of number, so redact() keeps them, but an export must not
    assert redact("счёт 123 456 789") == "счёт 123 456 789"
    assert looks_personal("счёт 123 456 789")
    assert looks_personal("ИИН 9OO1O13OO123") and looks_personal("a (at) b (dot) kz") and looks_personal("x＠y．kz")
    assert not looks_personal("статья 54, уволили 12.03.2026, [PHONE] [IIN] [EMAIL]")
