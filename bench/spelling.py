"""How much the situation reading depends on the spelling: every tune Kazakh message written in Cyrillic with its own
letters is rewritten mechanically into the other ways workers type it, and read again.

    .venv/bin/python -m bench.spelling [--json bench/spelling.json]

Spellings: ``no_kk_letters`` (ә -> а, қ -> к, і -> и ...: a Russian keyboard), ``latin_informal`` (zh, sh, ch; ә -> a,
қ -> k), ``latin_2021`` (the 2021 official alphabet: ä, ğ, q, ñ, ö, ū, ü, ı for і, ş, ç, j for ж), ``latin_qgh`` (q, gh,
ng, j for ж). For each, the exact-set ground accuracy of ``tendik.situation_model.read`` (the rules and the learned
check of the current build) against the labels, beside the Cyrillic original, and how many messages read right in
Cyrillic are read wrong in the rewritten spelling (and the reverse). The tune split only: the held-out split is never
read. The rewriting is letter by letter, so it tells where the reading depends on the letters, not how people write.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tendik.folding import KK_LETTERS, fold
from tendik.paths import ROOT
from tendik.situation_model import read

DEVSET = ROOT / "bench" / "devset" / "situations.yml"
TODAY = datetime.date(2026, 12, 5)

# A Russian keyboard: each Kazakh letter typed as the look-alike the project folds it to (ә -> а, қ -> к, і -> и ...).
_STRIP = str.maketrans({**{c: fold(c) for c in KK_LETTERS}, **{c.upper(): fold(c).upper() for c in KK_LETTERS}})
_INFORMAL = {"а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
             "з": "z", "и": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o",
             "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "h", "һ": "h",
             "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu",
             "я": "ya"}
_OFFICIAL_2021 = {**_INFORMAL, "ә": "ä", "ғ": "ğ", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü", "і": "ı",
                  "ж": "j", "ш": "ş", "ч": "ç"}
_QGH = {**_INFORMAL, "ғ": "gh", "қ": "q", "ң": "ng", "ж": "j", "й": "y"}


def _latin(table: dict[str, str]) -> Callable[[str], str]:
    def rewrite(text: str) -> str:
        out = []
        for ch in text:
            low = ch.lower()
            sub = table.get(low)
            out.append(ch if sub is None else (sub.capitalize() if ch != low else sub))
        return "".join(out)
    return rewrite


SPELLINGS: dict[str, Callable[[str], str]] = {
    "no_kk_letters": lambda text: text.translate(_STRIP),
    "latin_informal": _latin(_INFORMAL),
    "latin_2021": _latin(_OFFICIAL_2021),
    "latin_qgh": _latin(_QGH),
}


def measure(questions: list[dict[str, Any]]) -> dict[str, Any]:
    chosen = [q for q in questions if q.get("split") == "tune" and q.get("lang") == "kk" and q.get("style") == "cyrillic"]
    want = {q["id"]: set(q.get("grounds") or []) for q in chosen}
    original = {q["id"]: set(read(q["text"], TODAY, "kk").grounds) == want[q["id"]] for q in chosen}
    out: dict[str, Any] = {"messages": len(chosen), "cyrillic": round(sum(original.values()) / (len(chosen) or 1), 3)}
    for name, rewrite in SPELLINGS.items():
        ok = {q["id"]: set(read(rewrite(q["text"]), TODAY, "kk").grounds) == want[q["id"]] for q in chosen}
        out[name] = {"ground_accuracy": round(sum(ok.values()) / (len(chosen) or 1), 3),
                     "lost": sum(1 for i in ok if original[i] and not ok[i]),
                     "gained": sum(1 for i in ok if ok[i] and not original[i])}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.spelling", description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args(argv)
    questions = yaml.safe_load(args.devset.read_text(encoding="utf-8"))["questions"]
    result = measure(questions)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
