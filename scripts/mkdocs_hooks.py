"""MkDocs hooks: build-time figures and self-hosted MathJax.

* ``on_files`` builds stale figures through ``figlib.build`` (the same code as
  ``python scripts/figures.py``) and adds them to the site as ``figures/<file>``
  straight from the cache, so nothing is written into ``docs/`` and
  ``mkdocs serve`` does not rebuild in a loop.
* ``on_page_markdown`` replaces ``{{ chapter.name }}`` by numbers and tables
  computed from ``src/`` at build time (``scripts/pagevalues.py``).
* ``on_files`` also adds the parts of the pinned ``mathjax`` npm package that pages need
  (``assets/mathjax/``): the combined TeX component, its fonts and the TeX
  extensions it loads on demand.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).resolve().parent))

import figlib  # noqa: E402
import pagevalues  # noqa: E402

log = logging.getLogger("mkdocs.hooks.gradbook")

MATHJAX = figlib.ROOT / "node_modules" / "mathjax" / "es5"
MATHJAX_PARTS = ("tex-mml-chtml.js", "output/chtml/fonts/woff-v2",
                 "input/tex/extensions")


def mathjax_files() -> list[Path]:
    if not (MATHJAX / MATHJAX_PARTS[0]).is_file():
        raise PluginError(
            f"MathJax is missing ({MATHJAX}). Run `make build` or `npm ci` "
            "to install the pinned npm package first."
        )
    found = []
    for part in MATHJAX_PARTS:
        path = MATHJAX / part
        found += [path] if path.is_file() else sorted(
            p for p in path.rglob("*") if p.is_file())
    return found


def on_files(files: Files, config) -> Files:
    try:
        results = figlib.build(report=log.info)
    except Exception as err:  # a figure that fails must fail the build
        raise PluginError(f"building figures failed: {err!r}") from err
    for result in results:
        files.append(File.generated(config, f"figures/{result.figure.filename}",
                                    abs_src_path=str(result.path)))
    for path in mathjax_files():
        rel = path.relative_to(MATHJAX).as_posix()
        files.append(File.generated(config, f"assets/mathjax/{rel}",
                                    abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    try:
        return pagevalues.render(markdown, where=page.file.src_uri)
    except KeyError as err:
        raise PluginError(err.args[0]) from err
