"""bench/agreement.py: the blind labels name only tune ids, and the comparison counts as bench/eval.py does."""

from __future__ import annotations

import pytest
import yaml
from sklearn.metrics import f1_score

from bench import agreement
from bench.metrics import macro_f1


@pytest.mark.parametrize(("blind", "devset"), [("situations_blind.yml", "situations.yml"),
                                               ("intents_blind.yml", "questions.yml")])
def test_the_blind_labels_are_of_tune_messages_only_each_once(blind: str, devset: str) -> None:
    items = yaml.safe_load((agreement.AGREEMENT / blind).read_text(encoding="utf-8"))
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)) >= 140
    questions = yaml.safe_load((agreement.DEVSET / devset).read_text(encoding="utf-8"))["questions"]
    split = {q["id"]: q["split"] for q in questions}
    assert {split.get(i) for i in ids} == {"tune"}


def test_intents_are_scored_with_the_evals_macro_f1(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The intent agreement uses bench/eval.py's macro-F1 (averaged over the dev set's labels), so it compares
    with the intent target: a blind label outside them ("greet") lowers recall, it adds no class of its own."""
    questions = yaml.safe_load((agreement.DEVSET / "questions.yml").read_text(encoding="utf-8"))["questions"]
    tune = [q for q in questions if q["split"] == "tune" and q["lang"] == "kk"][:4]
    blind = [q["intent"] for q in tune[:3]] + ["greet"]
    (tmp_path / "intents_blind.yml").write_text(
        "".join(f"- id: {q['id']}\n  intent: {b}\n" for q, b in zip(tune, blind)), encoding="utf-8")
    monkeypatch.setattr(agreement, "AGREEMENT", tmp_path)
    row = agreement.intents()["kk"]
    pairs = [(q["intent"], b) for q, b in zip(tune, blind)]
    assert row == {"questions": 4, "accuracy": 0.75, "macro_f1": macro_f1(pairs)}
    assert row["macro_f1"] != round(f1_score(*zip(*pairs), average="macro"), 3)  # not over the union of labels


def test_a_blind_label_of_a_held_out_id_is_refused(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    questions = yaml.safe_load((agreement.DEVSET / "questions.yml").read_text(encoding="utf-8"))["questions"]
    held_out = next(q["id"] for q in questions if q["split"] == "heldout")
    (tmp_path / "intents_blind.yml").write_text(f"- id: {held_out}\n  intent: greet\n", encoding="utf-8")
    monkeypatch.setattr(agreement, "AGREEMENT", tmp_path)
    with pytest.raises(SystemExit, match="not tune ids"):
        agreement.intents()


def test_the_numbers_as_committed() -> None:
    """The comparison on the committed files (what bench/RESULTS.md reports): every message compared, rates in 0..1."""
    sit = agreement.situations()
    assert sum(row["messages"] for row in sit.values()) == 160
    assert all(0 <= row["grounds"] <= 1 and 0 <= row["stage"] <= 1 for row in sit.values())
    intents = agreement.intents()
    assert sum(row["questions"] for row in intents.values()) == 144
