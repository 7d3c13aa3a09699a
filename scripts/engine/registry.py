"""The registry: what the chapter modules say they compute.

A chapter module (``scripts/chapters/<chapter>.py``) registers its artifacts
with three decorators:

* ``@data("chapter.name")``: an experiment run whose result (any picklable
  object) several figures and values share; they read it with
  ``load("chapter.name")``, so it is computed once per change, not once per user;
* ``@figure("name.png", title=..., alt=...)``: a function ``draw(theme)`` that
  returns a matplotlib figure (or :class:`engine.render.Frames` for a GIF);
  the engine draws it once per theme (light, dark) and layout (wide, and
  narrow for multi-panel figures);
* ``@value("chapter.name")``: a function returning the Markdown that replaces
  ``{{ chapter.name }}`` on a page.

Nothing here imports numpy or matplotlib: the build driver reads the registry
without drawing anything.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "scripts" / "chapters"
NOTEBOOKS = ROOT / "docs" / "notebooks"
KINDS = ("data", "figure", "value", "notebook")
VALUE_NAME = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
FIGURE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.(png|gif)")
LAYOUTS = ("wide", "narrow")


@dataclass(frozen=True)
class Spec:
    """One registered artifact."""

    kind: str
    name: str
    fn: Callable = field(compare=False, repr=False)
    module: str = ""
    file: str = ""
    line: int = 0
    meta: dict = field(default_factory=dict, compare=False)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def listing(self) -> dict:
        """A JSON-able description (what the build driver sees)."""
        return {"kind": self.kind, "name": self.name, "module": self.module,
                "file": self.file, "line": self.line, "meta": self.meta}


REGISTRY: dict[tuple[str, str], Spec] = {}


def _register(kind: str, name: str, fn: Callable, meta: dict) -> Callable:
    key = (kind, name)
    source = inspect.getsourcefile(fn) or "?"
    try:
        rel = Path(source).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        rel = source
    line = inspect.getsourcelines(fn)[1] if source != "?" else 0
    old = REGISTRY.get(key)
    if old is not None and (old.file, old.line) != (rel, line):
        raise ValueError(f"{kind} {name!r} is registered twice: at {old.where} and {rel}:{line}")
    REGISTRY[key] = Spec(kind, name, fn, fn.__module__, rel, line, meta)
    return fn


def data(name: str, *, deterministic: bool = True) -> Callable:
    """Register ``fn()`` as shared data; ``deterministic=False`` for measurements."""
    if not VALUE_NAME.fullmatch(name):
        raise ValueError(f"data names look like 'chapter.name', got {name!r}")
    return lambda fn: _register("data", name, fn, {"deterministic": deterministic})


def value(name: str) -> Callable:
    """Register ``fn() -> str`` as the Markdown for ``{{ name }}``."""
    if not VALUE_NAME.fullmatch(name):
        raise ValueError(f"value names look like 'chapter.name' (lower case, digits, "
                         f"underscores), got {name!r}")
    return lambda fn: _register("value", name, fn, {})


def figure(filename: str, *, title: str, alt: str, narrow: bool = False) -> Callable:
    """Register ``draw(theme)`` as the figure ``filename`` (``.png`` or ``.gif``).

    ``title`` is a short name (lists, logs); ``alt`` describes the picture for
    readers who cannot see it. ``narrow=True`` asks for a second, phone layout
    (``theme.narrow``): multi-panel figures restack their panels for it.
    """
    if not FIGURE_NAME.fullmatch(filename):
        raise ValueError(f"figure names look like 'some-name.png' or '.gif', got {filename!r}")
    if not (title.strip() and alt.strip()):
        raise ValueError(f"figure {filename!r} needs a title and alt text")
    layouts = LAYOUTS if narrow else LAYOUTS[:1]
    meta = {"title": title, "alt": " ".join(alt.split()), "layouts": list(layouts),
            "format": filename.rsplit(".", 1)[1]}
    return lambda fn: _register("figure", filename, fn, meta)


def chapter_files() -> list[Path]:
    return sorted(p for p in CHAPTERS.glob("*.py") if p.name != "__init__.py")


def notebook_files() -> list[Path]:
    """Notebook sources: Jupytext percent-format ``docs/notebooks/<name>.py``."""
    return sorted(NOTEBOOKS.glob("*.py"))


def notebook_specs() -> list[Spec]:
    """One artifact per notebook source: the executed notebook, ``<name>.ipynb``."""
    out = []
    for path in notebook_files():
        rel = path.relative_to(ROOT).as_posix()
        out.append(Spec("notebook", f"{path.stem}.ipynb", None, "", rel, 1, {"source": rel}))
    return out


def load_all() -> dict[tuple[str, str], Spec]:
    """Import every chapter module so that its artifacts register."""
    scripts = str(ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    for path in chapter_files():
        importlib.import_module(f"chapters.{path.stem}")
    return REGISTRY


def get(kind: str, name: str) -> Spec:
    load_all()
    try:
        return REGISTRY[(kind, name)]
    except KeyError:
        known = sorted(n for k, n in REGISTRY if k == kind)
        raise KeyError(f"no {kind} named {name!r}; known: {', '.join(known)}") from None
