"""Regenerate the site's figures (and the data and values they come with).

    python scripts/figures.py                 # everything stale; cached artifacts are skipped
    python scripts/figures.py --only NAME     # one figure and the data it needs (repeatable)
    python scripts/figures.py --force         # compute again even if cached
    python scripts/figures.py --list          # figures, where they are defined, cache state

The MkDocs hook runs the same engine (``python -m engine``) before every build.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "src", ROOT / "scripts"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from engine import build  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="NAME", default=[],
                        help="build only this figure (file name or stem)")
    parser.add_argument("--force", action="store_true",
                        help="compute again even when the cache is up to date")
    parser.add_argument("--list", action="store_true",
                        help="list the figures and whether they are cached")
    parser.add_argument("--jobs", type=int, default=None, help="parallel workers")
    args = parser.parse_args(argv)
    os.environ.update({k: v for k, v in build.driver_env().items() if k != "PYTHONPATH"})

    def report(line: str) -> None:
        print(line, flush=True)

    if args.list:
        status = build.status(report=report)
        for name, info in sorted(status.items()):
            print(f"{name:<30} {info['state']:<8} {info['where']}")
        return 0
    try:
        build.build(only=args.only or None, force=args.force, jobs=args.jobs, report=report)
    except KeyError as err:
        parser.error(err.args[0])
    except build.BuildFailed as err:
        print(f"engine: build failed\n{err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
