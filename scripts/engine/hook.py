"""The MkDocs hook: computed artifacts in, pages out.

* ``on_files``: runs the build driver (``python -m engine``) in a subprocess,
  relays its progress lines, fails the build with its error message, and adds
  every figure file to the site as ``figures/<file>`` straight from the cache
  (nothing is written into ``docs/``, so ``mkdocs serve`` does not loop), and
  every executed notebook as ``notebooks/<name>.ipynb``, which mkdocs-jupyter
  then renders as a page.
* ``on_page_markdown``: code includes without docstrings, then computed values
  for ``{{ chapter.name }}`` (:mod:`engine.pages`).
* ``on_page_content``: numbered figures with their variants, then math turned
  into readable text for the search index (:mod:`engine.typeset`).
* ``on_post_page``: the typeset math; ``on_post_build`` ships the fonts it uses.

MkDocs executes this file again for every build of ``mkdocs serve``; the
engine's modules are dropped from ``sys.modules`` first, so an edit to any of
them takes effect in the next rebuild, like an edit to ``src/`` or a chapter.
"""

from __future__ import annotations

import json
import os
import re
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
for _name in [n for n in sys.modules if n == "engine" or n.startswith("engine.")]:
    del sys.modules[_name]
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from engine import cache, pages  # noqa: E402
from engine.build import driver_env  # noqa: E402
from engine.typeset import Typesetter  # noqa: E402

log = logging.getLogger("mkdocs.hooks.engine")
STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)

STATE: dict = {}


def run_engine() -> dict:
    """Bring the artifacts up to date in a fresh process; return figures and values."""
    with tempfile.TemporaryDirectory(prefix="engine-") as tmp:
        out = Path(tmp) / "outputs.json"
        proc = subprocess.Popen([sys.executable, "-m", "engine", "--json", str(out)],
                                cwd=ROOT, env=driver_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        lines = []
        for line in proc.stderr:
            line = line.rstrip("\n")
            lines.append(line)
            if re.match(r"\[\d+/\d+\] |engine: (?!build failed)", line):
                log.info(line)
        if proc.wait() != 0:
            text = "\n".join(lines)
            failed = text.split("engine: build failed", 1)[-1].strip() or text
            raise PluginError(f"computing figures and values failed:\n{failed}")
        return json.loads(out.read_text(encoding="utf-8"))


def on_config(config):
    STATE.clear()
    STATE["public"] = pages.public_names(ROOT)
    STATE["math"] = Typesetter(ROOT, cache.default_root(ROOT) / "math", log)
    return config


def on_startup(command, dirty) -> None:
    # This file is executed again for every build; the environment outlives that.
    os.environ["GRADBOOK_DIRTY"] = "1" if dirty else ""


def dirty() -> bool:
    return bool(os.environ.get("GRADBOOK_DIRTY"))


@event_priority(100)  # before mkdocs-jupyter, which turns the .ipynb files into pages
def on_files(files: Files, config) -> Files:
    result = run_engine()
    if dirty():
        stale = pages.invalidate_stale_pages(files.documentation_pages(), Path(config["site_dir"]),
                                             ROOT, result)
        if stale:
            log.info(f"rebuilding {len(stale)} page(s) whose values, figures or code changed")
    STATE.update(figures=result["figures"],
                 values={name: v["text"] for name, v in result["values"].items()})
    for name, fig in result["figures"].items():
        for site_path, cache_path in pages.figure_files(name, fig["files"]).items():
            files.append(File.generated(config, site_path, abs_src_path=cache_path))
    named = cache.default_root(ROOT) / "site-files"
    for name, nb in result["notebooks"].items():
        # A named copy (the download link mkdocs-jupyter makes says robot-arm.ipynb),
        # as a plain source file: mkdocs-jupyter needs its path to render the page.
        target = named / "notebooks" / name
        data = Path(nb["path"]).read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            cache.atomic_write(target, data)
        files.append(File(f"notebooks/{name}", src_dir=str(named), dest_dir=config["site_dir"],
                          use_directory_urls=config["use_directory_urls"]))
    return files


def on_env(env, config, files):
    """Keep the theme's compiled templates between builds: ``mkdocs serve`` makes
    a new template environment for every rebuild and compiled all of them again."""
    import jinja2

    folder = cache.default_root(ROOT) / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    return env


def on_page_markdown(markdown: str, page, config, files) -> str:
    where = page.file.src_uri
    try:
        markdown = pages.expand_includes(markdown, ROOT, where, STATE["public"])
        return pages.render_values(markdown, STATE["values"], where)
    except pages.PageError as err:
        raise PluginError(str(err)) from err


def on_page_content(html: str, page, config, files) -> str:
    try:
        html = pages.render_figures(html, STATE["figures"], page.file.src_uri)
        html = pages.annotate_quotes(html)
        if page.file.src_uri.endswith(".ipynb"):
            html = pages.notebook_images(html)
            # mkdocs-jupyter inlines ~600 KB of JupyterLab CSS; the search index
            # must not parse it (it doubled the build time): back in on_post_page
            styles = []
            html = STYLE.sub(lambda m: styles.append(m.group(0)) or
                             f"<!--gradbook-style-{len(styles) - 1}-->", html)
            STATE.setdefault("styles", {})[page.file.src_uri] = styles
            page.meta["description"] = (
                f"{page.title}: a notebook to run yourself, executed when the site was built; "
                "change its settings and see the chapter's numbers and figures change.")
    except pages.PageError as err:
        raise PluginError(str(err)) from err
    # math becomes readable text here (what the search index sees) and CHTML after it
    return STATE["math"].page_content(html, page.file.src_uri, page.url)


def on_post_page(output: str, page, config) -> str:
    styles = STATE.get("styles", {}).pop(page.file.src_uri, [])
    for i, style in enumerate(styles):
        output = output.replace(f"<!--gradbook-style-{i}-->", style, 1)
    return STATE["math"].post_page(output, page.file.src_uri, page.url)


def on_post_build(config) -> None:
    math = STATE.pop("math", None)
    if math is not None:
        math.write_assets(Path(config["site_dir"]), prune=not dirty())
        math.close()
        s = math.stats
        log.info(f"math: {s['formulas']} formulas on {s['pages']} pages, {s['typeset']} typeset, "
                 f"{s['cached']} from the cache")


def on_build_error(error) -> None:
    math = STATE.pop("math", None)
    if math is not None:
        math.close()
