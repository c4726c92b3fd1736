"""Drafts (tendik.drafts): the templates' format, Kazakh case endings and dates, filling (fields,
conditions, missing and bad fields), and the documents: DOCX opened with python-docx and PDF text
extracted with pypdf, compared with the filled text in both languages, every Kazakh letter included;
deterministic files, no personal data in file names or logs."""

from __future__ import annotations

import datetime
import io
import logging
import re
import time
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from tendik.drafts.dates import format_date, format_date_loc, format_date_long, parse_date_value
from tendik.drafts.docx_out import render_docx
from tendik.drafts.kazakh import inflect, number_word
from tendik.drafts.pdf_out import FontsMissing, attachment_line, find_fonts, render_pdf
from tendik.drafts.render import (
    BadDates,
    FilledDraft,
    MissingFields,
    body_blocks,
    fill,
    load_templates,
    template_problems,
)
from tendik.knowledge.norms import load_norms
from tendik.texts import text

pytestmark = pytest.mark.unit

TODAY = datetime.date(2026, 7, 1)
KAZAKH = "әғқңөұүһі ӘҒҚҢӨҰҮҺІ"
TEMPLATES = load_templates()
IDS = sorted(TEMPLATES)
LANGS = ("kk", "ru")


def full_fields(template_id: str) -> dict[str, object]:
    """A value for every field of the template; text values carry every Kazakh letter."""
    out: dict[str, object] = {}
    for name in TEMPLATES[template_id].fields:
        if name == "today":
            continue  # filled from fill(today=...)
        if name in TEMPLATES[template_id].date_fields():
            out[name] = "15.03.2026" if name != "worker_birth_date" else datetime.date(1990, 2, 1)
        else:
            out[name] = f"{name} {KAZAKH} Ұлжан"
    return out


def minimal_fields(template_id: str) -> dict[str, object]:
    t = TEMPLATES[template_id]
    full = full_fields(template_id)
    return {name: full[name] for name, f in t.fields.items() if f.required and name in full}


def nows(value: str) -> str:
    return re.sub(r"\s+", "", value)


# ---------------------------------------------------------------- templates
def test_every_template_loads_and_keeps_the_format() -> None:
    assert IDS == ["claim-outline", "commission-application", "inspection-complaint", "request-reasons"]
    norms = load_norms()
    for t in TEMPLATES.values():
        assert template_problems(t) == [], t.id
        for lang in LANGS:
            assert t.body[lang].startswith("ЖОБА" if lang == "kk" else "ЧЕРНОВИК"), (t.id, lang)
        for ref in t.rests_on:
            assert all(ref.paragraph in v.paragraphs() for v in norms[ref.norm_id].versions.values()), (t.id, str(ref))


def test_a_broken_template_is_reported() -> None:
    t = TEMPLATES["request-reasons"]
    broken = type(t)(t.id, t.title, t.addressee, t.rests_on, t.fields,
                     {"kk": t.body["kk"] + "\n{nobody} [[if worker_name]] open", "ru": t.body["ru"] + "{worker_name:plural}"})
    problems = template_problems(broken)
    assert any("{nobody}" in p for p in problems)
    assert any("[[if]] without" in p for p in problems)
    assert any("'plural'" in p for p in problems)


# ---------------------------------------------------------------- Kazakh endings and dates
@pytest.mark.parametrize(("word", "forms"), [
    ("Ерлан", ("Ерланға", "Ерланның", "Ерланды", "Ерланда", "Ерланнан")),
    ("Әсел", ("Әселге", "Әселдің", "Әселді", "Әселде", "Әселден")),
    ("Алматы", ("Алматыға", "Алматының", "Алматыны", "Алматыда", "Алматыдан")),
    ("Болат", ("Болатқа", "Болаттың", "Болатты", "Болатта", "Болаттан")),
    ("Бек", ("Бекке", "Бектің", "Бекті", "Бекте", "Бектен")),
    ("Шымкент", ("Шымкентке", "Шымкенттің", "Шымкентті", "Шымкентте", "Шымкенттен")),
    ("Айгүл", ("Айгүлге", "Айгүлдің", "Айгүлді", "Айгүлде", "Айгүлден")),
    ("Иванов", ("Ивановқа", "Ивановтың", "Ивановты", "Ивановта", "Ивановтан")),
    ("Сергей", ("Сергейге", "Сергейдің", "Сергейді", "Сергейде", "Сергейден")),
    ("Игорь", ("Игорьге", "Игорьдің", "Игорьді", "Игорьде", "Игорьден")),
    ("су", ("суға", "судың", "суды", "суда", "судан")),
    ("кіру", ("кіруге", "кірудің", "кіруді", "кіруде", "кіруден")),
    ("Жәнібек", ("Жәнібекке", "Жәнібектің", "Жәнібекті", "Жәнібекте", "Жәнібектен")),
    ("Тараз", ("Таразға", "Тараздың", "Таразды", "Таразда", "Тараздан")),
    ("Әкімшілік", ("Әкімшілікке", "Әкімшіліктің", "Әкімшілікті", "Әкімшілікте", "Әкімшіліктен")),
    ("«Арман»", ("«Арман»-ға", "«Арман»-ның", "«Арман»-ды", "«Арман»-да", "«Арман»-нан")),
])
def test_kazakh_case_endings_follow_vowel_harmony_and_the_last_sound(word: str, forms: tuple[str, ...]) -> None:
    assert tuple(inflect(word, case) for case in ("dat", "gen", "acc", "loc", "abl")) == forms


def test_endings_on_phrases_and_numbers() -> None:
    assert inflect("Ерлан Болатұлы", "gen") == "Ерлан Болатұлының"
    assert inflect("2026", "loc") == "2026-да" and inflect("12", "loc") == "12-де" and inflect("10", "dat") == "10-ға"
    assert [number_word(n) for n in (1, 12, 20, 40, 100, 300, 1000, 2026, 0)] == \
        ["бір", "екі", "жиырма", "қырық", "жүз", "жүз", "мың", "алты", "нөл"]
    with pytest.raises(ValueError):
        inflect("Ерлан", "plural")


MONTHS_KK = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"]
LOC_KK = ["қаңтарда", "ақпанда", "наурызда", "сәуірде", "мамырда", "маусымда", "шілдеде", "тамызда", "қыркүйекте", "қазанда",
          "қарашада", "желтоқсанда"]
MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]


@pytest.mark.parametrize("month", range(1, 13))
def test_dates_in_kazakh_and_russian(month: int) -> None:
    day = datetime.date(2026, month, 12)
    assert format_date(day) == f"12.{month:02d}.2026"
    assert format_date_long(day, "kk") == f"2026 жылғы 12 {MONTHS_KK[month - 1]}"
    assert format_date_loc(day, "kk") == f"2026 жылғы 12 {LOC_KK[month - 1]}"
    assert format_date_long(day, "ru") == format_date_loc(day, "ru") == f"12 {MONTHS_RU[month - 1]} 2026 г."


def test_reading_dates() -> None:
    d = datetime.date(2026, 3, 12)
    for value in (d, datetime.datetime(2026, 3, 12, 10, 0), "2026-03-12", "12.03.2026", "12/03/2026", " 12 марта 2026 ", "12 наурыз"):
        assert parse_date_value(value, TODAY) == d, value
    assert parse_date_value("кеше", TODAY) == datetime.date(2026, 6, 30)
    for bad in ("31.02.2026", "2026-02-30", "когда-то", "", None, 42):
        assert parse_date_value(bad, TODAY) is None, bad


# ---------------------------------------------------------------- filling
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("template_id", IDS)
def test_full_and_minimal_fields_fill_every_template(template_id: str, lang: str) -> None:
    for fields in (full_fields(template_id), minimal_fields(template_id)):
        draft = fill(template_id, fields, lang, today=TODAY)
        assert draft.body.startswith("ЖОБА" if lang == "kk" else "ЧЕРНОВИК")
        assert "{" not in draft.body and "[[" not in draft.body and "]]" not in draft.body
        assert "\n\n\n" not in draft.body
        assert f"worker_name {KAZAKH} Ұлжан" in draft.body
        assert format_date(TODAY) in draft.body  # {today:date}
        assert draft.title == TEMPLATES[template_id].title[lang]
        assert draft.file_name("pdf") == f"{template_id}-{lang}.pdf"
    full = fill(template_id, full_fields(template_id), lang, today=TODAY)
    minimal = fill(template_id, minimal_fields(template_id), lang, today=TODAY)
    assert len(full.body) > len(minimal.body)


def test_conditions_inside_lines_and_whole_lines() -> None:
    base = minimal_fields("request-reasons")
    without = fill("request-reasons", base, "ru", today=TODAY).body
    with_date = fill("request-reasons", {**base, "event_date": "12.03.2026", "employer_address": "г. Астана"}, "ru", today=TODAY).body
    assert "Решение (действие) в отношении меня: decision" in without and ", дата:" not in without
    assert f"decision {KAZAKH} Ұлжан, дата: 12.03.2026." in with_date
    assert "Адрес: г. Астана\n" in with_date and "Адрес: г. Астана" not in without
    kk = fill("commission-application", {**minimal_fields("commission-application"), "order_date": "2026-03-15"}, "kk", today=TODAY).body
    assert "көшірмесі маған 2026 жылғы 15 наурызда табыс етілді" in kk
    assert kk.count("2026 жылғы 15 наурызда мына жағдай орын алды") == 1  # {event_date:date_loc}


def test_values_stay_text() -> None:
    fields = {**minimal_fields("request-reasons"), "decision": "{worker_name} [[if ground]]x[[end]]\x07\x1b", "ground": ""}
    body = fill("request-reasons", fields, "ru", today=TODAY).body
    assert "{worker_name} [[if ground]]x[[end]]." in body  # one pass: a value is never a placeholder
    assert "\x07" not in body and "\x1b" not in body
    assert "Прошу также сообщить" not in body  # an empty value is no value


@pytest.mark.parametrize("lang", LANGS)
def test_missing_required_fields_are_listed_by_label(lang: str) -> None:
    fields = minimal_fields("claim-outline")
    del fields["worker_iin"], fields["demands"]
    fields["court_name"] = "   "
    with pytest.raises(MissingFields) as err:
        fill("claim-outline", fields, lang, today=TODAY)
    t = TEMPLATES["claim-outline"]
    assert sorted(err.value.fields) == ["court_name", "demands", "worker_iin"]
    message = err.value.message()
    for name in ("court_name", "demands", "worker_iin"):
        assert f"«{t.fields[name].label[lang]}»" in message
    assert message.startswith(text("drafts.missing", lang, fields="").split(":")[0])
    other = "ru" if lang == "kk" else "kk"
    assert err.value.message(other).startswith(text("drafts.missing", other, fields="").split(":")[0])


def test_today_is_required_unless_given() -> None:
    with pytest.raises(MissingFields) as err:
        fill("request-reasons", minimal_fields("request-reasons") | {"today": None}, "kk")
    assert err.value.fields == ["today"]


@pytest.mark.parametrize("lang", LANGS)
def test_unreadable_dates_are_refused(lang: str) -> None:
    fields = {**minimal_fields("inspection-complaint"), "event_date": "31.02.2026"}
    with pytest.raises(BadDates) as err:
        fill("inspection-complaint", fields, lang, today=TODAY)
    assert err.value.fields == ["event_date"]
    assert TEMPLATES["inspection-complaint"].fields["event_date"].label[lang] in err.value.message()
    with pytest.raises(ValueError):
        fill("inspection-complaint", minimal_fields("inspection-complaint"), "en", today=TODAY)


def test_the_norms_footer_cites_every_paragraph_with_its_edition() -> None:
    ru = fill("request-reasons", minimal_fields("request-reasons"), "ru", today=TODAY)
    assert [n.text() for n in ru.norms] == [
        "статья 6 Трудового кодекса РК (пункт 1; пункт 2; пункт 4; редакция от 01.07.2026)",
        "статья 22 Трудового кодекса РК (пункт 1, подпункт 14; пункт 1, подпункт 21; редакция от 01.07.2026)",
        "статья 25 Трудового кодекса РК (пункт 1; редакция от 01.07.2026)",
        "статья 160 Трудового кодекса РК (редакция от 01.07.2026)",
    ]
    kk = fill("claim-outline", minimal_fields("claim-outline"), "kk", today=TODAY)
    assert "Салық кодексінің 668-бабы (1-тармақша; 01.07.2026 редакциясы)" in [n.text() for n in kk.norms]
    assert "«Кәсіптік одақтар туралы» Заңның 17-бабы (8-тармақша; 18.04.2023 редакциясы)" in [n.text() for n in kk.norms]


def test_body_blocks() -> None:
    blocks = body_blocks("ЧЕРНОВИК — x\n\nКому: A\n\nЗАЯВЛЕНИЕ\nо чём-то\n\nОбстоятельства\nтекст.\n[подсказка]\nПРОШУ СУД:   [п. 4)]\n"
                         "12.03.2026\n\n———\nПОЯСНЕНИЯ (удалите)\n• пункт")
    kinds = [(b.kind, b.notes) for b in blocks if b.kind != "blank"]
    assert kinds == [("mark", False), ("text", False), ("title", False), ("subtitle", False), ("heading", False), ("text", False),
                     ("hint", False), ("heading", False), ("text", False), ("separator", True), ("notes_heading", True),
                     ("bullet", True)]


# ---------------------------------------------------------------- documents
def expected_body(draft: FilledDraft, *, numbered: bool) -> list[str]:
    out = [draft.title]
    for b in draft.blocks():
        if b.kind != "blank":
            out.append(("• " + b.text) if (b.kind == "bullet" and numbered) else b.text)
    if draft.attachments:
        out.append(draft.attachments_heading)
        out += [attachment_line(n, a) if numbered else a for n, a in enumerate(draft.attachments, 1)]
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("template_id", IDS)
def test_docx_opens_and_holds_the_draft(template_id: str, lang: str) -> None:
    draft = fill(template_id, full_fields(template_id), lang, today=TODAY)
    data = render_docx(draft)
    document = docx.Document(io.BytesIO(data))
    body = [p.text for p in document.paragraphs]
    assert body == expected_body(draft, numbered=False)
    assert document.paragraphs[1].runs[0].bold  # the draft mark, boxed, right after the title
    assert document.paragraphs[1].text == draft.body.splitlines()[0]
    section = document.sections[0]
    assert [p.text for p in section.header.paragraphs] == [text("drafts.mark", lang)]
    assert [p.text for p in section.footer.paragraphs] == [text("drafts.rests_on", lang), *(n.text() for n in draft.norms)]
    assert KAZAKH in "\n".join(body)
    core = document.core_properties
    assert core.title == draft.title and core.author == "Теңдік"
    assert core.created and core.modified
    assert core.created.replace(tzinfo=None) == core.modified.replace(tzinfo=None) == datetime.datetime(2026, 7, 1)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def pdf_body(data: bytes, draft: FilledDraft) -> str:
    reader = PdfReader(io.BytesIO(data))
    header = nows(text("drafts.mark", draft.lang))
    footer = nows("".join([text("drafts.rests_on", draft.lang), *(n.text() for n in draft.norms)]))
    bodies = []
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, 1):
        got = nows(page.extract_text())
        end = footer + nows(text("drafts.page", draft.lang, page=number, pages=pages))
        assert got.startswith(header), (number, got[:80])
        assert got.endswith(end), (number, got[-200:])
        bodies.append(got[len(header):len(got) - len(end)])
    return "".join(bodies)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("template_id", IDS)
def test_pdf_text_extracts_as_the_draft(template_id: str, lang: str) -> None:
    draft = fill(template_id, full_fields(template_id), lang, today=TODAY)
    data = render_pdf(draft)
    assert data.startswith(b"%PDF-")
    assert pdf_body(data, draft) == nows("".join(expected_body(draft, numbered=True)))
    reader = PdfReader(io.BytesIO(data))
    assert KAZAKH.replace(" ", "") in nows("".join(p.extract_text() for p in reader.pages))
    assert reader.metadata is not None and reader.metadata.get("/CreationDate") == "D:20260701000000Z"
    assert reader.metadata.get("/Title") == draft.title


def test_every_kazakh_letter_renders_in_both_formats() -> None:
    letters = "әғқңөұүһі ӘҒҚҢӨҰҮҺІ"
    fields = {**minimal_fields("request-reasons"), "worker_name": letters, "decision": letters}
    draft = fill("request-reasons", fields, "kk", today=TODAY)
    extracted = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(draft))).pages)
    opened = "\n".join(p.text for p in docx.Document(io.BytesIO(render_docx(draft))).paragraphs)
    for letter in letters.replace(" ", ""):
        assert letter in extracted and letter in opened, letter
    assert extracted.count(letters) >= 2 and opened.count(letters) >= 2


def test_documents_are_deterministic() -> None:
    draft = fill("claim-outline", full_fields("claim-outline"), "kk", today=TODAY)
    first_pdf, first_docx = render_pdf(draft), render_docx(draft)
    time.sleep(1.1)  # a clock in the files would show here
    assert render_pdf(draft) == first_pdf and render_docx(draft) == first_docx
    other = fill("claim-outline", full_fields("claim-outline"), "kk", today=datetime.date(2026, 7, 2))
    assert render_pdf(other) != first_pdf


def test_fonts_are_found_and_their_absence_is_explained(tmp_path: Path) -> None:
    regular, bold = find_fonts()
    assert regular.name == "DejaVuSans.ttf" and bold.name == "DejaVuSans-Bold.ttf"
    assert find_fonts([Path("/usr/share/fonts/truetype/dejavu")], use_fc_match=False) == (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"))
    with pytest.raises(FontsMissing, match="fonts-dejavu-core"):
        find_fonts([tmp_path], use_fc_match=False)


def test_no_user_text_in_logs_or_file_names(caplog: pytest.LogCaptureFixture) -> None:
    secret = "Жұмабаева Сезім 900201400123"
    fields = {**minimal_fields("claim-outline"), "worker_name": secret, "worker_iin": secret}
    with caplog.at_level(logging.DEBUG):
        draft = fill("claim-outline", fields, "kk", today=TODAY)
        render_docx(draft)
        render_pdf(draft)
        with pytest.raises(MissingFields):
            fill("claim-outline", {"worker_name": secret}, "ru", today=TODAY)
    assert caplog.records  # the modules do log
    for record in caplog.records:
        assert "Жұмабаева" not in record.getMessage() and "900201400123" not in record.getMessage()
    assert "Жұмабаева" not in draft.file_name("docx") and "900201400123" not in draft.file_name("pdf")


def test_make_files_and_the_fields_the_program_fills() -> None:
    from tendik.drafts.files import MIME, make_files, program_fields

    filled = program_fields(["sex", "age", "other", "unknown-ground"], ["tk-006:2", "tk-160:0", "nk-668:0.1", "tk-006:2"], "ru")
    assert filled == {"ground": "пол, возраст",
                      "norms": "статья 6 Трудового кодекса РК (пункт 2); статья 160 Трудового кодекса РК; "
                               "статья 668 Налогового кодекса РК (подпункт 1)"}
    assert program_fields([], [], "kk") == {}
    fields = {**minimal_fields("inspection-complaint"), **program_fields(["pregnancy"], ["tk-054:2"], "kk")}
    files = make_files("inspection-complaint", fields, "kk", today=TODAY)
    assert [(f.name, f.mime) for f in files] == [("inspection-complaint-kk.docx", MIME["docx"]), ("inspection-complaint-kk.pdf", MIME["pdf"])]
    opened = "\n".join(p.text for p in docx.Document(io.BytesIO(files[0].data)).paragraphs)
    assert "мына мән-жайға байланысты деп есептеймін: жүктілік." in opened
    assert "Еңбек кодексінің 54-бабы (2-тармақ)" in opened
    with pytest.raises(MissingFields):
        make_files("inspection-complaint", {}, "kk", today=TODAY)
