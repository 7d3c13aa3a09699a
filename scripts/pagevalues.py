"""Numbers and tables that pages state, computed at build time.

A page writes ``{{ chapter.name }}`` where a computed value belongs; the MkDocs
hook replaces it with the Markdown that the registered function returns. So a
table of fitted parameters, a threshold or a prediction is never typed by hand:
it is whatever the code in ``src/`` gives when the site is built. An unknown
name fails the build.

Value functions live in ``scripts/values_*.py`` and register themselves with
:func:`value`; results are computed once per process.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from pathlib import Path
from typing import Callable

SCRIPTS = Path(__file__).resolve().parent
PATTERN = re.compile(r"\{\{\s*([a-z][a-z0-9_]*\.[a-z0-9_]+)\s*\}\}")

REGISTRY: dict[str, Callable[[], str]] = {}


def value(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Register a function returning the Markdown for ``{{ name }}``."""
    if not PATTERN.fullmatch("{{ %s }}" % name):
        raise ValueError(f"value names look like 'chapter.name', got {name!r}")

    def register(fn: Callable[[], str]) -> Callable[[], str]:
        if name in REGISTRY:
            raise ValueError(f"value {name!r} is registered twice")
        REGISTRY[name] = functools.cache(fn)
        return fn

    return register


def load_all() -> dict[str, Callable[[], str]]:
    """Import every ``scripts/values_*.py`` so their values register."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    for path in sorted(SCRIPTS.glob("values_*.py")):
        importlib.import_module(path.stem)
    return REGISTRY


def render(markdown: str, where: str = "page") -> str:
    """Replace every ``{{ chapter.name }}`` in ``markdown`` by its computed value."""
    registry = load_all()

    def substitute(match: re.Match) -> str:
        name = match.group(1)
        if name not in registry:
            known = ", ".join(sorted(registry)) or "none"
            raise KeyError(f"{where}: unknown computed value {{{{ {name} }}}}; "
                           f"known: {known}")
        return str(registry[name]())

    return PATTERN.sub(substitute, markdown)
