"""Choose the NLU fallback threshold (FallbackClassifier in nlu_data/config.yml) on the dev set's
TUNE split only: `make tune-fallback`.

For each tune question it asks the real Rasa server for the intent ranking (/model/parse) and the
real action server for both answers action_answer could give: the intent's explanation, and the
low-confidence path (hybrid retrieval, or "unsure"). For each candidate threshold it then counts
what the user would have got: a citation of an expected norm (in-scope questions), no legal
citation at all (out-of-scope questions). Prints the table and the best threshold; it does not
edit the config.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tendik.ops.services import Services
from tendik.retrieval.evaluate import Question, load_devset

ROOT = Path(__file__).resolve().parents[1]

THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 15)]


def action_answer(services: Services, q: Question, intent: str, confidence: float, ranking: list[dict]) -> set[str]:
    """Norm ids cited by action_answer for this question under the given NLU result."""
    reply = services.call_action("action_answer", q.text, q.lang, intent, confidence, ranking)
    cited: set[str] = set()
    for r in reply.get("responses") or []:
        cited.update(c["norm_id"] for c in (r.get("custom") or {}).get("citations") or [])
    return cited


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rasa-port", type=int, default=5325)
    parser.add_argument("--action-port", type=int, default=5375)
    args = parser.parse_args()
    questions = [q for q in load_devset() if q.split == "tune"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        services = Services(args.rasa_port, args.action_port, f"sqlite:///{tmp}/tune.db", Path(tmp) / "logs")
        try:
            print(f"[tune-fallback] starting Rasa + action server; {len(questions)} tune questions ...", flush=True)
            services.start()
            for q in questions:
                parse = services.api("/model/parse", {"text": q.text}, timeout=60)
                ranking = [r for r in parse.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
                top = ranking[0]
                by_intent = action_answer(services, q, top["name"], top["confidence"], ranking)
                fallback = action_answer(services, q, "nlu_fallback", 1 - top["confidence"], ranking)
                rows.append((q, top["confidence"], by_intent, fallback))
        finally:
            services.stop()

    print("threshold  kk-citation  ru-citation  out-of-scope-cited")
    best = None
    for t in THRESHOLDS:
        score = {}
        oos_cited = 0
        for lang in ("kk", "ru"):
            ok = n = 0
            for q, conf, by_intent, fallback in rows:
                if q.lang != lang:
                    continue
                cited = by_intent if conf >= t else fallback
                expected = {k for k in q.knowledge if not k.startswith("exp-")}
                if expected:
                    n += 1
                    ok += bool(cited & expected)
                elif cited:
                    oos_cited += 1
            score[lang] = ok / max(n, 1)
        total = score["kk"] + score["ru"] - oos_cited
        print(f"{t:9.2f}  {score['kk']:11.3f}  {score['ru']:11.3f}  {oos_cited:18d}")
        if best is None or total > best[0] + 1e-9:
            best = (total, t)
    print(f"best threshold on the tune split: {best[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
