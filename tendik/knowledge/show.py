"""Print a stored norm paragraph by paragraph with the keys explanations link to.

    python -m tendik.knowledge.show tk-160 [ru|kk|en]
    python -m tendik.knowledge.show --list
"""

from __future__ import annotations

import argparse

from tendik.knowledge.norms import load_norms, paragraph_for_display


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("norm_id", nargs="?")
    parser.add_argument("lang", nargs="?", default="ru")
    parser.add_argument("--list", action="store_true", help="list every stored norm with its citation")
    args = parser.parse_args()
    norms = load_norms()
    if args.list or not args.norm_id:
        for norm in norms.values():
            version, _ = norm.version(args.lang)
            print(f"{norm.id:16s} {norm.citation(args.lang)} [{version.edition or 'authentic text'}] {version.text.splitlines()[0][:80]}")
        return
    norm = norms[args.norm_id]
    version, fallback = norm.version(args.lang)
    print(f"# {norm.citation(args.lang)} ({version.lang}{', fallback' if fallback else ''}), edition {version.edition or '-'}")
    if norm.whole_article_only():
        print("# NOTE: a Constitutional Court note concerns the whole article: it is always shown whole (link it as \"0\").")
    for key in version.paragraphs():
        print(f"\n== {args.norm_id}:{key}  ({norm.citation(args.lang, key)})")
        print(paragraph_for_display(version, key))


if __name__ == "__main__":
    main()
