"""The one kk/ru text catalog (tendik/text_catalog.py, read through tendik.texts) and the topic menus
(tendik/topics.py): every key in both languages, Kazakh written in Kazakh, the same placeholders in
both, no kk/ru table anywhere else in tendik/, every key the code names exists, the fallbacks of an
unknown language, and nlu_data/domain/responses.yml exactly as `python -m tendik.build.responses`
generates it."""

from __future__ import annotations

import ast
import re
import string
import subprocess
from pathlib import Path

import pytest
import yaml

from tendik import texts
from tendik.build import responses
from tendik.knowledge.explanations import load_explanations
from tendik.paths import NLU
from tendik.text_catalog import CATALOG
from tendik.texts import label, section, system_message, text
from tendik.topics import MAIN, MENUS, MORE, MORE_TOPICS, RESPONSES, button_titles, buttons

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tendik"
KAZAKH_LETTERS = set("әғқңөұүһі")
BOT_NAME = "Теңдік"  # the bot's name is written the Kazakh way in both languages
# Texts that are the same in both languages on purpose.
BILINGUAL = {"telegram.choose_language", "topic.ask_constitution"}
# Kazakh texts that happen to use only the letters Kazakh shares with Russian (exactly these texts:
# when one is rewritten, it is checked again).
KAZAKH_WITHOUT_KAZAKH_LETTERS = {
    "telegram.vote_helpful": "👍 Пайдалы",
    "telegram.delete_no": "Бас тарту",
    "telegram.card_footer": "Карточкалардан бас тарту: /unsubscribe",
    "telegram.command.unsubscribe": "Карточкалардан бас тарту",
    "telegram.period.week.many": "{n} апта сайын",
    "telegram.period.minute.many": "{n} минут сайын",
    "telegram.period.second.many": "{n} секунд сайын",
}


def placeholders(value: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(value) if name is not None)


# ---------------------------------------------------------------- the catalog
def test_every_key_is_dotted_and_has_both_languages() -> None:
    assert len(CATALOG) > 100
    for key, variants in CATALOG.items():
        assert re.fullmatch(r"[a-z]+(\.[a-z_0-9]+)+", key), f"{key}: keys are dotted names (section.name)"
        assert set(variants) == {"kk", "ru"}, key
        for lang, value in variants.items():
            assert isinstance(value, str) and value.strip() == value and value, f"{key} ({lang}): empty or padded"


def test_kazakh_is_written_in_kazakh_and_russian_in_russian() -> None:
    for key, variants in CATALOG.items():
        kk, ru = variants["kk"], variants["ru"]
        if key in BILINGUAL:
            assert kk == ru, f"{key}: listed as one text for both languages"
            continue
        assert kk != ru, f"{key}: the same text in both languages"
        if re.search(r"[а-яё]{2,}", ru.lower()) and KAZAKH_WITHOUT_KAZAKH_LETTERS.get(key) != kk:
            assert KAZAKH_LETTERS & set(kk.lower()), f"{key}: Kazakh text without Kazakh letters: {kk!r}"
        # Kazakh words a Russian text may carry: the bot's name, and a «quoted» word the user types.
        russian = re.sub(r"«[^»]*»", "", ru.replace(BOT_NAME, ""))
        assert not KAZAKH_LETTERS & set(russian.lower()), f"{key}: Kazakh letters in the Russian text: {ru!r}"
    for key, kk in KAZAKH_WITHOUT_KAZAKH_LETTERS.items():
        assert CATALOG[key]["kk"] == kk, f"{key}: the exemption no longer applies, take it out"


def test_placeholders_are_the_same_in_both_languages() -> None:
    for key, variants in CATALOG.items():
        assert placeholders(variants["kk"]) == placeholders(variants["ru"]), key


def _text_tables(tree: ast.AST) -> list[int]:
    """Lines of dict literals with "kk" and "ru" keys whose values are texts (or tables of texts)."""
    def is_text(node: ast.AST | None) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        if isinstance(node, ast.JoinedStr):
            return True
        if isinstance(node, ast.BinOp):
            return is_text(node.left) or is_text(node.right)
        if isinstance(node, (ast.Tuple, ast.List)):
            return any(is_text(e) for e in node.elts)
        return isinstance(node, ast.Dict) and any(is_text(v) for v in node.values)

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            values = {k.value: v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant)}
            if {"kk", "ru"} <= set(values) and (is_text(values["kk"]) or is_text(values["ru"])):
                lines.append(node.lineno)
    return lines


def test_no_other_module_defines_a_kk_ru_text_table() -> None:
    """Texts live in tendik/text_catalog.py; the knowledge base (tendik/knowledge: statute names,
    terms) is the other place with kk/ru data. Settings (numbers per language) are not texts."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "tendik/text_catalog.py" or rel.startswith("tendik/knowledge/"):
            continue
        found += [f"{rel}:{line}" for line in _text_tables(ast.parse(path.read_text(encoding="utf-8")))]
    assert not found, "kk/ru texts outside the catalog (move them to tendik/text_catalog.py):\n" + "\n".join(found)


def test_the_table_scan_finds_a_table() -> None:
    assert _text_tables(ast.parse('X = {"a": {"kk": "сәлем", "ru": "привет"}}\n')) == [1]
    assert _text_tables(ast.parse('X = {"kk": f"{n} апта", "ru": f"каждые {n}"}[lang]\n')) == [1]
    assert _text_tables(ast.parse('X = {"kk": 1.0, "ru": 2.0}\n')) == []


# The lookups (module, name) and the catalog sections a literal key given to them can be in.
LOOKUPS = {
    ("tendik.texts", "text"): ("",), ("tendik.texts", "label"): ("",), ("tendik.texts", "variants"): ("",),
    ("tendik.texts", "system_message"): ("system.",), ("tendik.system_messages", "message"): ("system.",),
    ("tendik.telegram.texts", "t"): ("telegram.",), ("tendik.telegram.texts", "short"): ("telegram.",),
    ("tendik.web.texts", "text"): ("web.", "system."),
}


def test_every_key_the_code_names_is_in_the_catalog() -> None:
    missing, seen = [], 0
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            alias.asname or alias.name: LOOKUPS[(node.module, alias.name)]
            for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            for alias in node.names if (node.module, alias.name) in LOOKUPS
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names and node.args):
                continue
            key = node.args[0]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                seen += 1
                if not any(prefix + key.value in CATALOG for prefix in names[node.func.id]):
                    missing.append(f"{rel}:{node.lineno} {node.func.id}({key.value!r})")
    assert seen > 50
    assert not missing, "\n".join(missing)


def test_catalog_modules_need_only_the_standard_library() -> None:
    """Rasa's REST channel (Python 3.10, its own venv) imports tendik.system_messages -> tendik.texts."""
    allowed = {"__future__", "collections.abc", "tendik.text_catalog", "tendik.texts"}
    for name in ("texts.py", "text_catalog.py", "topics.py", "system_messages.py"):
        for node in ast.walk(ast.parse((PACKAGE / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.module in allowed, (name, node.module)
            elif isinstance(node, ast.Import):
                pytest.fail(f"{name} imports {[a.name for a in node.names]}")


def test_catalog_imports_on_rasas_python() -> None:
    python = ROOT / ".venv-rasa" / "bin" / "python"
    if not python.exists():
        pytest.skip("no .venv-rasa")
    code = "from tendik.system_messages import message; import tendik.topics; print(message('unavailable', 'kk'))"
    result = subprocess.run([str(python), "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == CATALOG["system.unavailable"]["kk"]


# ---------------------------------------------------------------- lookups and fallbacks
def test_text_in_a_language_and_both_when_the_language_is_unknown() -> None:
    assert text("web.message_too_long", "kk", limit=50) == CATALOG["web.message_too_long"]["kk"].format(limit=50)
    for unknown in (None, "en", ""):
        both = text("web.message_too_long", unknown, limit=50)
        assert both == "\n\n".join(CATALOG["web.message_too_long"][lang].format(limit=50) for lang in ("kk", "ru"))
    assert system_message("unavailable", None).index("Кешіріңіз") < system_message("unavailable", None).index("Извините")


def test_answer_parts_fall_back_to_russian() -> None:
    """An answer is in one language: its parts are Russian when the language is unknown."""
    assert text("answer.disclaimer", None) == CATALOG["answer.disclaimer"]["ru"]
    assert text("telegram.period.day.many", "en", n=2) == "каждые 2 дн."


def test_labels_are_kazakh_slash_russian_when_the_language_is_unknown() -> None:
    assert label("telegram.skip", None) == "Өткізіп жіберу / Пропустить"
    assert label("telegram.skip", "ru") == "Пропустить"
    assert label("topic.ask_constitution", None) == "Конституция (2026)", "one text when both are the same"


def test_a_placeholder_may_be_called_lang() -> None:
    assert text("answer.lang_fallback", "ru", lang="казахский").endswith("казахский)")


def test_an_unknown_key_names_the_catalog() -> None:
    with pytest.raises(KeyError, match="text_catalog"):
        text("telegram.no_such_text", "kk")


def test_section_strips_the_prefix_and_keeps_the_order() -> None:
    commands = section("telegram.command")
    assert list(commands)[:2] == ["start", "help"]
    assert commands["start"] == CATALOG["telegram.command.start"]
    commands["start"]["kk"] = "changed"
    assert CATALOG["telegram.command.start"]["kk"] != "changed", "a copy, not the catalog itself"


# ---------------------------------------------------------------- topic menus and responses.yml
EXPLANATIONS = load_explanations()
TITLES = {exp.intent: exp.title for exp in EXPLANATIONS.values()}


def test_every_topic_is_in_exactly_one_menu() -> None:
    topics = [i for menu in MENUS.values() for i in menu if i != MORE_TOPICS]
    assert len(topics) == len(set(topics)), "a topic in two menus"
    assert set(topics) == set(TITLES), "every explanation is offered in a menu, and every menu topic has one"
    assert MAIN[-1] == MORE_TOPICS and len(MAIN) == 15 and len(MORE) == 12


def test_menu_intents_exist_in_the_domain() -> None:
    intents = set(yaml.safe_load((NLU / "domain" / "intents.yml").read_text(encoding="utf-8"))["intents"])
    assert {i for menu in MENUS.values() for i in menu} <= intents


def test_button_titles_come_from_the_catalog_or_the_explanation() -> None:
    assert button_titles("ask_time_limits", TITLES) == texts.variants("topic.ask_time_limits")
    assert button_titles("ask_probation", TITLES) == TITLES["ask_probation"]
    assert button_titles(MORE_TOPICS, TITLES) == {"kk": "Басқа тақырыптар", "ru": "Другие темы"}
    for key in section("topic"):
        assert key in MAIN or key in MORE, f"topic.{key}: a label for a topic no menu shows"
        assert CATALOG[f"topic.{key}"] != TITLES.get(key), f"topic.{key}: the same as the explanation's title, drop it"
    both = buttons("main", None, TITLES)
    assert both[0] == {"title": "Кемсітушілік деген не? / Что такое дискриминация?", "payload": "/ask_discrimination_definition"}


def test_responses_yml_is_what_the_generator_writes() -> None:
    """Edit tendik/text_catalog.py (texts), tendik/topics.py (menus) or the explanations' titles, then
    run `python -m tendik.build.responses` (`tendik build` does it too)."""
    committed = (NLU / "domain" / "responses.yml").read_text(encoding="utf-8")
    assert committed == responses.render(), "nlu_data/domain/responses.yml is out of date: run python -m tendik.build.responses"


def test_generated_responses_have_a_kazakh_a_russian_and_a_bilingual_variation() -> None:
    data = yaml.safe_load(responses.render())["responses"]
    assert list(data) == list(RESPONSES)
    for name, menu in RESPONSES.items():
        kk, ru, both = data[name]
        assert kk["condition"][0]["value"] == "kk" and ru["condition"][0]["value"] == "ru" and "condition" not in both
        assert both["text"] == kk["text"] + "\n\n" + ru["text"]
        expected = [f"/{i}" for i in MENUS[menu]] if menu else []
        for variation in (kk, ru, both):
            assert [b["payload"] for b in variation.get("buttons", [])] == expected, name


def test_generator_check_mode(tmp_path: Path) -> None:
    out = tmp_path / "responses.yml"
    assert responses.main(["--check", "--out", str(out)]) == 1
    assert responses.main(["--out", str(out)]) == 0
    assert responses.main(["--check", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == responses.render()
