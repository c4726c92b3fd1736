"""The learned check on the situation extractor's grounds (tendik.situation_model): its features read every
spelling alike, its numpy-only inference gives scikit-learn's probabilities, it survives a save and a
load, and it corrects the rules only as documented (drop a ground it rules out; add grounds only when
the rules found none and denied none). The training messages here are written for these tests."""

from __future__ import annotations

import datetime
import logging
import math
from pathlib import Path

import numpy as np
import pytest

from tendik.situation import GROUNDS, extract
from tendik.situation_model import (
    DROP_MIN_WORDS,
    MIN_DF,
    C,
    GroundModel,
    default_model,
    fit,
    ngrams,
    read,
    tells_a_situation,
)

pytestmark = pytest.mark.unit

TODAY = datetime.date(2026, 3, 20)

TRAIN = [
    ("директор запретил носить хиджаб на работе", ["religion"]),
    ("бастық хиджаб киюге тыйым салды", ["religion"]),
    ("из-за намаза не отпускают в пятницу", ["religion"]),
    ("намаз оқуға рұқсат бермейді", ["religion"]),
    ("меня уволили за то что вступил в профсоюз", ["trade_union"]),
    ("кәсіподаққа кіргенім үшін жұмыстан шығарды", ["trade_union"]),
    ("профсоюзный активист, перевели на склад", ["trade_union"]),
    ("кәсіподақ мүшесімін, айлықты кесті", ["trade_union"]),
    ("зарплату задерживают второй месяц", []),
    ("жалақыны уақытында бермейді", []),
    ("график поменяли без предупреждения", []),
    ("кестені ескертусіз өзгертті", []),
]


def _model() -> GroundModel:
    return fit([t for t, _ in TRAIN], [g for _, g in TRAIN], grounds=("religion", "trade_union", "age"))


def test_ngrams_read_every_spelling_alike() -> None:
    assert ngrams("Жүкті") == ngrams("жукти") == ngrams("jükti")
    assert " жу" in ngrams("жүкті") and "кти " in ngrams("жүкті")
    assert ngrams("") == [] and ngrams("😀 🎉") == []
    assert ngrams("а") == [" а", "а ", " а "]  # a one-letter word: only the n-grams that fit


def test_inference_gives_scikit_learns_probabilities() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    model = _model()
    texts = [t for t, _ in TRAIN]
    vec = TfidfVectorizer(analyzer=ngrams, min_df=MIN_DF, sublinear_tf=True).fit(texts)
    x = vec.transform(texts)
    for ground in ("religion", "trade_union"):
        clf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(x, [ground in g for _, g in TRAIN])
        for probe in ("начальник против хиджаба", "kasipodaqqa kirdim", "", "🙂", "айлықты кешіктіреді хиджаб хиджаб"):
            want = clf.predict_proba(vec.transform([probe]))[0, 1]
            assert model.probabilities(probe)[ground] == pytest.approx(want, abs=1e-9), (ground, probe)


def test_a_ground_never_labelled_is_never_predicted() -> None:
    assert _model().probabilities("мне 55 лет, сказали старая")["age"] < 1e-9


def test_save_and_load_keep_the_probabilities(tmp_path: Path) -> None:
    model = _model()
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = GroundModel.load(path)
    assert loaded.grounds == model.grounds and loaded.index == model.index
    assert (loaded.drop_below, loaded.add_from) == (model.drop_below, model.add_from)
    for probe in ("хиджаб киюге болмайды", "профсоюз", "жалақы"):
        got, want = loaded.probabilities(probe), model.probabilities(probe)
        assert got == pytest.approx(want, abs=1e-5)


def _fixed(probs: dict[str, float], refill_from: float = math.inf, second_from: float = math.inf) -> GroundModel:
    """A model whose probabilities do not depend on the text: weights zero, the bias gives each one. The refill
    and the second ground are off unless asked for, so that each rule is tested alone."""
    grounds = tuple(probs)
    bias = np.array([np.log(p / (1 - p)) for p in probs.values()])
    return GroundModel(grounds=grounds, index={"xx": 0}, idf=np.ones(1), weights=np.zeros((1, len(grounds))), bias=bias,
                       drop_below=0.1, add_from=0.7, refill_from=refill_from, second_from=second_from)


STORY = " ".join(["слово"] * DROP_MIN_WORDS)  # long enough to be a story


def test_correct_drops_only_what_the_model_rules_out_and_only_in_a_story() -> None:
    m = _fixed({"age": 0.05, "sex": 0.5, "religion": 0.95})
    assert m.correct(STORY, ("age", "sex")) == ("sex",)
    assert m.correct(STORY, ("sex", "religion")) == ("sex", "religion")  # the rules' order is kept
    assert m.correct(STORY, ("age",)) == ()  # dropped; nothing is added in its place
    assert m.correct(STORY, ("minor",)) == ("minor",)  # a ground the model does not know is kept
    short = " ".join(["слово"] * (DROP_MIN_WORDS - 1))
    assert m.correct(short, ("age", "sex")) == ("age", "sex")  # a short message that names a ground keeps it


def test_correct_adds_only_when_the_rules_found_and_denied_nothing() -> None:
    m = _fixed({"age": 0.72, "sex": 0.5, "religion": 0.95})
    assert m.correct("…", ()) == ("religion", "age")  # most probable first; 0.5 is not sure enough
    assert m.correct("…", (), negated=("age",)) == ()  # "не из-за возраста": the model adds nothing
    assert m.correct("…", ("sex",)) == ("sex",)
    assert m.correct("…", (), told=False) == ()  # not a situation at work: nothing is added


def test_when_the_drop_leaves_nothing_the_models_sure_grounds_replace_the_background() -> None:
    m = _fixed({"age": 0.05, "official_status": 0.81, "sex": 0.3}, refill_from=0.5)
    assert m.correct(STORY, ("age",)) == ("official_status",)  # "мне 58 ..." was background; the rank was the reason
    assert m.correct(STORY, ("age",), told=False) == ()  # not a situation at work: nothing in its place
    assert m.correct(STORY, ("age",), negated=("official_status",)) == ()  # a denied ground never comes back
    short = " ".join(["слово"] * (DROP_MIN_WORDS - 1))
    assert m.correct(short, ("age",)) == ("age",)  # nothing dropped in a short message, so nothing to refill
    assert _fixed({"age": 0.05, "official_status": 0.81}).correct(STORY, ("age",)) == ()  # the refill off: as before


def test_a_second_ground_the_model_is_sure_of_joins_the_rules_ones() -> None:
    m = _fixed({"age": 0.6, "sex": 0.9, "religion": 0.85, "health": 0.79}, second_from=0.8)
    assert m.correct("…", ("age",)) == ("age", "sex", "religion")  # the rules' first, then the most probable
    assert m.correct("…", ("age",), negated=("sex",)) == ("age", "religion")  # "не из-за того что я женщина"
    assert m.correct("…", ("sex",)) == ("sex", "religion")  # never twice
    assert m.correct(STORY, ("age", "health")) == ("age", "health", "sex", "religion")
    assert m.correct("…", ()) == ("sex", "religion", "health")  # no rules' ground: add_from (0.7) decides, as before


def test_read_takes_the_models_reason_when_the_rules_read_only_background() -> None:
    text = ("Мне 58 лет, работаю в районном акимате главным специалистом восемь лет. Новый аким сказал, что "
            "обычным специалистам повышение не положено, и отдал должность своему водителю, хотя конкурс я прошла")
    rules = extract(text, TODAY)
    assert "age" in rules.grounds and rules.stage is not None
    read_ = read(text, TODAY, model=_fixed({"age": 0.02, "official_status": 0.9, "sex": 0.2}, refill_from=0.5))
    assert read_.grounds == ("official_status",) and read_.stage == rules.stage


@pytest.mark.parametrize(("text", "told"), [
    ("ответь на казахском, пожалуйста", False),  # a request to the bot, not a ground of language
    ("қазақша жауап беріңізші", False),
    ("какой банк даёт кредит дешевле", False),  # no stage, no employer
    ("начальник оштрафовал за разговор на казахском с коллегой", True),
    ("у нас в ИП 6 человек", True),  # the employer
])
def test_only_a_situation_at_work_gets_a_ground_added(text: str, told: bool) -> None:
    assert tells_a_situation(text, extract(text, TODAY)) is told


def test_read_without_a_model_is_the_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("TENDIK_SITUATION_MODEL", str(tmp_path / "missing.npz"))
    text = "мне 58, директор сказал пора на пенсию и уволил"
    with caplog.at_level(logging.WARNING, logger="tendik.situation_model"):
        assert default_model() is None
        assert read(text, TODAY) == extract(text, TODAY)
    assert "not found" in caplog.text and text not in caplog.text


def test_a_broken_model_file_falls_back_to_the_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a numpy archive")
    monkeypatch.setenv("TENDIK_SITUATION_MODEL", str(bad))
    assert default_model() is None
    other = tmp_path / "other.npz"
    np.savez(other, meta=np.array('{"format": 99, "ngrams": [2, 5]}'))
    monkeypatch.setenv("TENDIK_SITUATION_MODEL", str(other))
    assert default_model() is None


def test_read_applies_the_model_to_the_rules_grounds() -> None:
    text = ("Работаю кладовщиком на складе стройматериалов восемь лет, мне 58. В понедельник директор сказал, что склад "
            "закрывают, и уволил всю смену, меня тоже. Расчёт обещали выдать только через месяц")
    rules = extract(text, TODAY)
    assert rules.grounds == ("age",)
    dropped = read(text, TODAY, model=_fixed({"age": 0.01}))
    assert dropped.grounds == () and dropped.stage == rules.stage and dropped.date == rules.date
    assert read(text, TODAY, model=_fixed({"age": 0.9})) == rules


def test_a_ground_stated_by_the_rules_is_never_dropped() -> None:
    m = _fixed({"other": 0.01, "disability": 0.01})
    assert m.correct(STORY, ("other",), stated=("other",)) == ("other",)  # "из-за брата": the model rarely saw one
    assert m.correct(STORY, ("other", "disability"), stated=("other",)) == ("other",)  # the rest is still checked
    assert m.correct(STORY, ("other",)) == ()
    text = ("Мен 39 жастамын, Павлодарда тұрамын. Мектеп асханасында 10 жыл аспаз болып істеймін. Күйеуім өткен жылы апаттан "
            "кейін 1-топ мүгедек болып қалды. 16 қыркүйекте штат қысқарды деп мені шығарды, директор ашық «күйеуің ауру, сен "
            "бізге сенімсіз қызметкерсің» деді.")
    rules = extract(text, TODAY)
    assert rules.grounds == ("other",) and rules.stated == ("other",)
    assert read(text, TODAY, model=_fixed({"other": 0.01})).grounds == ("other",)


def test_a_language_spoken_well_is_never_added() -> None:
    m = _fixed({"language": 0.95, "nationality": 0.9}, refill_from=0.5, second_from=0.8)
    assert m.correct("…", ("nationality",), not_added=("language",)) == ("nationality",)
    assert m.correct("…", ("nationality",)) == ("nationality", "language")
    assert m.correct("…", (), not_added=("language",)) == ("nationality",)  # the rest may still be added
    text = "Вакансияда «тек қазақ ұлтынан» деп жазылған. Мен кәріспін, қазақша да, орысша да еркін сөйлеймін."
    rules = extract(text, TODAY)
    assert rules.grounds == ("nationality",) and rules.not_added == ("language",)
    assert read(text, TODAY, model=m).grounds == ("nationality",)


def test_the_built_model_knows_every_ground() -> None:
    built = Path(__file__).resolve().parents[1] / "build" / "situation-model.npz"
    if not built.is_file():
        pytest.skip("build/situation-model.npz is built by `make build`")
    model = GroundModel.load(built)
    assert model.grounds == GROUNDS and len(model.index) > 10_000
    assert model.info and model.info["trained_on"].endswith("split=tune")
    assert 0 < model.drop_below < model.add_from < 1


def test_the_measuring_command_says_which_reader_it_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    import tendik.situation as situation
    import tendik.situation_model as situation_model

    devset = tmp_path / "d.yml"
    devset.write_text("questions:\n  - {id: t-ru-1, lang: ru, style: cyrillic, split: tune, text: 'уволили за хиджаб',"
                      " grounds: [religion], stage: dismissal, date: null}\n", encoding="utf-8")
    monkeypatch.setenv("TENDIK_SITUATION_MODEL", str(tmp_path / "missing.npz"))
    assert situation_model.main(["measure", "--devset", str(devset), "--today", "2026-03-20"]) == 1
    path = tmp_path / "m.npz"
    _model().save(path)
    monkeypatch.setenv("TENDIK_SITUATION_MODEL", str(path))
    assert situation_model.main(["measure", "--devset", str(devset), "--today", "2026-03-20"]) == 0
    out = capsys.readouterr().out
    assert "reader=rules + learned ground check" in out and "ru: n=1 grounds=1.000 stage=1.000" in out
    assert situation.main(["--devset", str(devset), "--today", "2026-03-20"]) == 0
    assert "reader=rules " in capsys.readouterr().out
