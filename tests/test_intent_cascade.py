"""The intent classifier's cascade (tendik/rasa/intent_classifier.py): the n-gram model answers
alone when it is sure and e5 runs only for the other messages; the trained model of build/, loaded
the way Rasa loads it, in Rasa's own environment."""

from __future__ import annotations

import json

from tendik.ops.env import RASA_MODEL
from tests.helpers.rasa_script import run_rasa_script

SCRIPT = r"""
import json, sys, tempfile
from pathlib import Path
import numpy as np
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from tendik.rasa import intent_classifier as ic

texts = json.loads(sys.argv[2])
storage, metadata = LocalModelStorage.from_model_archive(Path(tempfile.mkdtemp()), Path(sys.argv[1]))
name = next(n for n in metadata.predict_schema.nodes if "TendikIntentClassifier" in n)
node = metadata.predict_schema.nodes[name]
calls = []
real = ic.embed
def counting(batch, threads=1):
    calls.extend(batch)
    return real(batch, threads)
ic.embed = counting
out = {}
for threshold in (0.0, 0.8):
    clf = ic.TendikIntentClassifier.load({**node.config, "cascade_threshold": threshold}, storage, node.resource, None)
    calls.clear()
    probs = clf.predict_proba(texts)
    langs = clf._languages(texts)
    ngram = clf._softmax(clf._ngram_features(texts, langs) @ clf.coef_ngram.T + clf.intercept_ngram)
    out[str(threshold)] = {"probs": probs.tolist(), "ngram": ngram.tolist(), "embedded": len(calls)}
clf.coef_ngram = None  # a model trained before the cascade
calls.clear()
out["old"] = {"probs": clf.predict_proba(texts).tolist(), "embedded": len(calls)}
print(json.dumps(out))
"""

TEXTS = [
    "здравствуйте",                                    # small talk: the n-grams are sure
    "сәлеметсіз бе",
    "меня уволили из-за возраста, что делать?",
    "жұмысқа алмады, себебі мен жүктімін",
    "qwe rty",                                         # no word the model knows
    "а сроки какие?",
]


def run() -> dict:
    return run_rasa_script(SCRIPT, str(RASA_MODEL), json.dumps(TEXTS), timeout=600)


def test_e5_runs_only_where_the_ngram_model_is_unsure() -> None:
    import numpy as np

    out = run()
    joint, cascade, ngram = (np.array(out[k]["probs"]) for k in ("0.0", "0.8", "0.8"))
    ngram = np.array(out["0.8"]["ngram"])
    assert out["0.0"]["embedded"] == len(TEXTS)  # threshold 0: the joint model for every message
    sure = ngram.max(axis=1) >= 0.8
    assert 0 < sure.sum() < len(TEXTS)  # the texts cover both cases
    assert out["0.8"]["embedded"] == int((~sure).sum())  # e5 only for the unsure ones
    assert np.allclose(cascade[sure], ngram[sure], atol=1e-6)
    assert np.allclose(cascade[~sure], joint[~sure], atol=1e-6)
    assert np.allclose(cascade.sum(axis=1), 1.0)
    # where the n-gram model decides, it names the joint model's intent on these texts
    assert (cascade.argmax(axis=1) == joint.argmax(axis=1)).all()
    # a model without the n-gram model (trained before the cascade) runs the joint model always
    assert out["old"]["embedded"] == len(TEXTS)
    assert np.allclose(np.array(out["old"]["probs"]), joint, atol=1e-6)
