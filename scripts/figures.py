"""Regenerate the site's figures.

    python scripts/figures.py                 # every figure, cached ones skipped
    python scripts/figures.py --only NAME     # one figure (repeatable)
    python scripts/figures.py --force         # draw again even if cached
    python scripts/figures.py --list          # names, cache state and paths

The MkDocs hook (scripts/mkdocs_hooks.py) calls the same ``figlib.build``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import figlib  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="NAME", default=[],
                        help="build only this figure (file name or stem)")
    parser.add_argument("--force", action="store_true",
                        help="draw again even when the cache is up to date")
    parser.add_argument("--list", action="store_true",
                        help="list the figures and whether they are cached")
    args = parser.parse_args(argv)
    try:
        figures = figlib.select(args.only)
    except KeyError as err:
        parser.error(err.args[0])
    if args.list:
        for fig in figures:
            path = figlib.cached_path(fig)
            state = "cached " if path.exists() else "missing"
            kind = "" if fig.deterministic else "  (measured: varies per run)"
            print(f"{fig.filename:<28} {state} {path}{kind}")
        return 0
    figlib.build([f.filename for f in figures], force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
