"""A learned second opinion on the grounds the rule extractor (``tendik.situation``) reads.

The rules name a ground only when one of their cues fires; a story phrased in a way no cue knows gets no
ground, and a cue that fires on background ("мне 45, работаю 10 лет ...") gets one too many. This model is a
one-vs-rest logistic regression per ground over character 2-5-grams of the folded text (``tendik.lang.fold``:
every spelling of Kazakh and Russian reads alike), TF-IDF weighted, trained on the situation dev set's *tune*
split (the held-out split is never read). It only corrects the rules:

* in a story (``DROP_MIN_WORDS`` words or more, where a fact is often only background: "мне 45, ипотека,
  ..."), a ground the rules found is dropped when the model gives it a probability below ``drop_below``;
* when the message tells a situation (the rules found a stage or the employer; not a request to the bot
  about its language) and the rules found no ground at all and denied none, the grounds the model gives
  ``add_from`` or more are taken;
* when the drop leaves none of the rules' grounds (they were all background) in a message that tells a
  situation, the grounds the model gives ``refill_from`` or more are taken instead;
* beside the rules' grounds that are kept, a ground the model gives ``second_from`` or more (and the message
  does not deny) is added: the second reason of a story ("старая и ещё женщина") that no cue knew.

The thresholds were chosen by replaying the extractor's history (``bench/situation_model.py``): each
tune batch read by the rules as they were before that batch was written and by a model trained on the
earlier batches only. The model never writes law; it only chooses which ground's reviewed text and
paragraph the answer shows.

Build, query, evaluate are separate steps:

    python -m tendik.situation_model train [--devset bench/devset/situations.yml] [--out build/situation-model.npz]
    python -m tendik.situation_model read "текст"        # the rules, the model's probabilities, the result
    python -m tendik.situation_model measure --devset bench/devset/situations.yml [--split heldout]

``train`` needs scikit-learn (the app environment has it); reading needs numpy only, so Rasa's NLU
pipeline (Python 3.10) and the action server (3.11) both use it. Without a built model file the rules
answer alone (a warning is logged once).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import logging
import math
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tendik.lang import fold, padded_ngrams, requested_language
from tendik.paths import ROOT, setting
from tendik.situation import GROUNDS, Situation, extract, report

logger = logging.getLogger(__name__)

FORMAT = 1
NGRAMS = (2, 5)
DEVSET = ROOT / "bench" / "devset" / "situations.yml"
DEFAULT_OUT = ROOT / "build" / "situation-model.npz"
# Chosen by replaying batches 10-25 (bench/situation_model.py, bench/situation_model.json; bench/RESULTS.md):
# 0.15 rather than 0.1 since batches 19-20 (0.864 / 0.846 -> 0.879 / 0.850 over 528 messages per language);
# adding from 0.5 (was 0.7) with the refill and the second ground since batches 21-25 (0.872 / 0.844 ->
# 0.885 / 0.858 over 1,019 kk + 684 ru messages), checked on batch 26 before it joined the tune split.
DROP_BELOW = 0.15
ADD_FROM = 0.5
REFILL_FROM = 0.5
SECOND_FROM = 0.8
DROP_MIN_WORDS = 25  # a short message that names a ground ("не повысили, потому что я кореец") keeps it
C = 10.0  # inverse regularisation strength of each logistic regression
MIN_DF = 2


def model_path() -> Path:
    return Path(setting("TENDIK_SITUATION_MODEL") or DEFAULT_OUT)


def ngrams(text: str) -> list[str]:
    """Character n-grams of each folded word padded with spaces (the ``char_wb`` analyzer)."""
    low, high = NGRAMS
    return padded_ngrams(fold(text).split(), range(low, high + 1))


def _tfidf(grams: Iterable[str], index: dict[str, int], idf: Sequence[float]) -> dict[int, float]:
    """Sublinear term frequency times idf, L2-normalised (as scikit-learn's TfidfVectorizer computes it)."""
    counts = Counter(index[g] for g in grams if g in index)
    values = {i: (1.0 + math.log(c)) * idf[i] for i, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
    return {i: v / norm for i, v in values.items()}


def _sure(probs: dict[str, float], threshold: float, besides: Sequence[str] = ()) -> tuple[str, ...]:
    """The grounds the model gives ``threshold`` or more, most probable first, except ``besides``."""
    return tuple(g for _, g in sorted(((p, g) for g, p in probs.items() if p >= threshold and g not in besides),
                                      reverse=True))


def checked(probs: dict[str, float], grounds: Sequence[str], negated: Sequence[str], told: bool, story: bool,
            drop_below: float, add_from: float, refill_from: float = REFILL_FROM,
            second_from: float = SECOND_FROM, stated: Sequence[str] = (), not_added: Sequence[str] = ()) -> tuple[str, ...]:
    """The correction rule: in a ``story``, drop the rules' grounds the model gives less than ``drop_below``
    (a ground it does not know is kept). When the message tells a situation (``told``: see
    :func:`tells_a_situation`) and the rules found no ground and denied none, take the grounds it gives
    ``add_from`` or more, most probable first; when the drop left none of the rules' grounds, those it gives
    ``refill_from`` or more. Beside the grounds kept, add those it gives ``second_from`` or more that the
    message does not deny. A ground in ``stated`` (a relative given as the reason) is never dropped; one in
    ``not_added`` (a language the worker speaks well) is never added."""
    kept = tuple(g for g in grounds if not story or g in stated or probs.get(g, 1.0) >= drop_below)
    if not grounds:
        return () if negated or not told else _sure(probs, add_from, not_added)
    if not kept:
        return _sure(probs, refill_from, (*negated, *not_added)) if told else ()
    return kept + _sure(probs, second_from, (*kept, *negated, *not_added))


@dataclass(frozen=True)
class GroundModel:
    grounds: tuple[str, ...]
    index: dict[str, int]
    idf: Any  # numpy array (n_features,)
    weights: Any  # numpy array (n_features, n_grounds)
    bias: Any  # numpy array (n_grounds,)
    drop_below: float = DROP_BELOW
    add_from: float = ADD_FROM
    refill_from: float = REFILL_FROM
    second_from: float = SECOND_FROM
    info: dict[str, Any] | None = None

    def probabilities(self, text: str) -> dict[str, float]:
        import numpy as np

        values = _tfidf(ngrams(text), self.index, self.idf)
        if values:
            rows = np.fromiter(values.keys(), dtype=np.int64, count=len(values))
            scores = np.fromiter(values.values(), dtype=np.float64, count=len(values)) @ self.weights[rows] + self.bias
        else:
            scores = self.bias
        probs = 1.0 / (1.0 + np.exp(-np.asarray(scores, dtype=np.float64)))
        return {g: float(p) for g, p in zip(self.grounds, probs)}

    def correct(self, text: str, grounds: Sequence[str], negated: Sequence[str] = (), told: bool = True,
                stated: Sequence[str] = (), not_added: Sequence[str] = ()) -> tuple[str, ...]:
        """The rules' grounds, checked by :func:`checked` (the text is not scored when the model can change
        nothing: no ground found and nothing to add)."""
        story = len(text.split()) >= DROP_MIN_WORDS
        if not grounds and (negated or not told):
            return ()
        return checked(self.probabilities(text), grounds, negated, told, story, self.drop_below, self.add_from,
                       self.refill_from, self.second_from, stated, not_added)

    def save(self, path: Path) -> None:
        import numpy as np

        path.parent.mkdir(parents=True, exist_ok=True)
        vocab = sorted(self.index, key=self.index.__getitem__)
        meta = {"format": FORMAT, "ngrams": list(NGRAMS), "drop_below": self.drop_below, "add_from": self.add_from,
                "refill_from": self.refill_from, "second_from": self.second_from,
                **(self.info or {})}
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(tmp, grounds=np.array(self.grounds), vocab=np.array(vocab), idf=self.idf.astype(np.float32),
                            weights=self.weights.astype(np.float32), bias=self.bias.astype(np.float64),
                            meta=np.array(json.dumps(meta, ensure_ascii=False)))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> GroundModel:
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != FORMAT or tuple(meta.get("ngrams") or ()) != NGRAMS:
                raise ValueError(f"{path}: situation model format {meta.get('format')}, expected {FORMAT}; run `make build`")
            vocab = [str(v) for v in data["vocab"]]
            return cls(grounds=tuple(str(g) for g in data["grounds"]), index={g: i for i, g in enumerate(vocab)},
                       idf=data["idf"].astype(np.float64), weights=data["weights"].astype(np.float64),
                       bias=data["bias"].astype(np.float64), drop_below=float(meta["drop_below"]),
                       add_from=float(meta["add_from"]), refill_from=float(meta.get("refill_from", REFILL_FROM)),
                       second_from=float(meta.get("second_from", SECOND_FROM)), info=meta)


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> GroundModel | None:
    p = Path(path)
    if not p.is_file():
        logger.warning("situation model %s not found; the rules read the grounds alone (run `make build`)", p)
        return None
    try:
        return GroundModel.load(p)
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("situation model %s unusable (%s); the rules read the grounds alone", p, type(exc).__name__)
        return None


def default_model() -> GroundModel | None:
    """The built model (``TENDIK_SITUATION_MODEL`` or build/situation-model.npz), loaded once; None without one."""
    return _load_cached(str(model_path()))


def tells_a_situation(text: str, situation: Situation) -> bool:
    """The model may add a ground only to a message the rules read as a situation at work (a stage, or the
    employer) that is not a request to the bot about its reply language: "ответь на казахском" is no
    ground of language, and "какой банк даёт кредит дешевле" is no story about property status."""
    return bool(situation.stage or situation.employer_kind) and requested_language(text) is None


def read(text: str, today: datetime.date, lang: str | None = None, model: GroundModel | None = None) -> Situation:
    """``tendik.situation.extract`` with its grounds checked by the model (``default_model()`` when not
    given; the rules alone when there is none)."""
    situation = extract(text, today, lang)
    model = model or default_model()
    if model is None:
        return situation
    grounds = model.correct(text, situation.grounds, situation.negated, tells_a_situation(text, situation), situation.stated,
                            situation.not_added)
    return situation if grounds == situation.grounds else replace(situation, grounds=grounds)


# --------------------------------------------------------------------------------------------------
# Training (scikit-learn, app environment only).


def _tune_questions(devset: Path) -> list[dict[str, Any]]:
    import yaml

    questions = yaml.safe_load(devset.read_text(encoding="utf-8"))["questions"]
    return [q for q in questions if q.get("split") == "tune"]


def fit(texts: Sequence[str], labels: Sequence[Iterable[str]], grounds: Sequence[str] | None = None,
        info: dict[str, Any] | None = None) -> GroundModel:
    """One logistic regression per ground (balanced classes) over TF-IDF character n-grams."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    grounds = tuple(grounds or GROUNDS)
    label_sets = [set(x) for x in labels]
    vectorizer = TfidfVectorizer(analyzer=ngrams, min_df=MIN_DF, sublinear_tf=True)
    x = vectorizer.fit_transform(list(texts))
    n_features = x.shape[1]
    weights = np.zeros((n_features, len(grounds)))
    bias = np.full(len(grounds), -30.0)  # a ground never labelled is never predicted
    for j, ground in enumerate(grounds):
        y = np.array([ground in s for s in label_sets])
        if y.sum() < 3 or y.all():
            continue
        clf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(x, y)
        weights[:, j] = clf.coef_[0]
        bias[j] = clf.intercept_[0]
    vocab = vectorizer.get_feature_names_out()
    return GroundModel(grounds=grounds, index={str(g): i for i, g in enumerate(vocab)}, idf=vectorizer.idf_.copy(),
                       weights=weights, bias=bias, info=info)


def train(devset: Path = DEVSET) -> GroundModel:
    questions = _tune_questions(devset)
    return fit([q["text"] for q in questions], [q.get("grounds") or [] for q in questions],
               info={"trained_on": f"{devset.name} split=tune", "messages": len(questions)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tendik.situation_model", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train on the dev set's tune split and save")
    t.add_argument("--devset", type=Path, default=DEVSET)
    t.add_argument("--out", type=Path, default=DEFAULT_OUT)
    r = sub.add_parser("read", help="one message: the rules, the model's probabilities, the result")
    r.add_argument("text")
    r.add_argument("--model", type=Path, default=None)
    m = sub.add_parser("measure", help="accuracy on the dev set with the model (as `python -m tendik.situation`)")
    m.add_argument("--devset", type=Path, default=DEVSET)
    m.add_argument("--split", choices=("tune", "heldout"), default="tune",
                   help="heldout prints numbers only; tune includes the model's own training messages")
    m.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    args = parser.parse_args(argv)
    if args.command == "train":
        trained = train(args.devset)
        trained.save(args.out)
        print(f"situation model: {len(trained.index)} n-grams x {len(trained.grounds)} grounds from "
              f"{trained.info['messages'] if trained.info else '?'} tune messages -> {args.out}")
        return 0
    model: GroundModel | None = GroundModel.load(args.model) if getattr(args, "model", None) else default_model()
    if model is None:
        print("no situation model; run `make build`", file=sys.stderr)
        return 1
    if args.command == "measure":
        report(args.devset, args.split, args.today, read, "rules + learned ground check (trained on the tune split)")
        return 0
    today = datetime.date.today()
    rules = extract(args.text, today)
    probs = model.probabilities(args.text)
    print("rules:", list(rules.grounds), "denied:", list(rules.negated))
    print("model:", {g: round(p, 3) for g, p in sorted(probs.items(), key=lambda kv: -kv[1]) if p >= 0.05})
    print("read:", list(read(args.text, today, model=model).grounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
