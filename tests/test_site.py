"""The strict site build: pages, generated figures, values, offline assets, caching."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import Build, free_port, mkdocs_build
from engine import registry

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ["python-intro", "asteroids", "robot-arm", "house-prices", "backpropagation",
            "leaky-relu"]
MAX_GIF_BYTES = 400 * 1024


class Tags(HTMLParser):
    """Collects (tag, attrs) of every start tag."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(path: Path) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def pages(build: Build) -> list[Path]:
    return sorted(p for p in build.site.rglob("index.html"))


def specs(kind: str) -> dict:
    return {name: s for (k, name), s in registry.load_all().items() if k == kind}


def test_strict_build_passes_without_warnings(built_site: Build):
    assert built_site.returncode == 0
    assert not re.search(r"^(WARNING|ERROR)\b", built_site.output, re.M), built_site.output


def test_clean_build_computes_every_artifact(built_site: Build):
    n_fig, n_val, n_data = len(specs("figure")), len(specs("value")), len(specs("data"))
    n_nb = len(list((ROOT / "docs" / "notebooks").glob("*.py")))
    assert (f"engine: {n_fig} figures, {n_val} values, {n_nb} notebooks, {n_data} data computed;"
            " 0 up to date" in built_site.output), built_site.output[-2000:]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_pages_have_figures_with_alt_text_and_sizes(built_site: Build, chapter):
    page = built_site.site / chapter / "index.html"
    assert page.is_file()
    imgs = [a for t, a in tags(page) if t == "img"]
    assert any("figures/" in (a.get("src") or "") for a in imgs), chapter
    for img in imgs:
        assert (img.get("alt") or "").strip(), f"image without alt text: {img}"
        assert img.get("width") and img.get("height"), f"image without dimensions: {img}"


@pytest.mark.parametrize("chapter", ["asteroids", "robot-arm", "house-prices",
                                     "backpropagation", "leaky-relu"])
def test_chapter_gifs_are_at_most_400_kb(built_site: Build, chapter):
    srcs = [a["src"] for t, a in tags(built_site.site / chapter / "index.html")
            if t == "img" and (a.get("src") or "").split("#")[0].endswith(".gif")]
    assert srcs, chapter
    for src in srcs:
        gif = (built_site.site / chapter / src.split("#")[0]).resolve()
        assert 0 < gif.stat().st_size <= MAX_GIF_BYTES, f"{gif.name}: {gif.stat().st_size} bytes"
        assert gif.read_bytes()[:6] in (b"GIF87a", b"GIF89a")


def test_every_figure_has_light_dark_and_still_variants(built_site: Build):
    out = built_site.site / "figures"
    for name, spec in specs("figure").items():
        stem, ext = name.rsplit(".", 1)
        expected = [f"{stem}.{ext}", f"{stem}-dark.{ext}"]
        if "narrow" in spec.meta["layouts"]:
            expected += [f"{stem}-narrow.{ext}", f"{stem}-narrow-dark.{ext}"]
        if ext == "gif":
            expected += [f"{stem}-still.png", f"{stem}-still-dark.png"]
        for file in expected:
            assert (out / file).is_file(), file


def test_computed_values_are_filled_in(built_site: Build):
    for page in built_site.site.rglob("*.html"):
        text = re.sub(r"<(pre|code)\b.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r"\{\{.*?\}\}", text), f"{page}: a placeholder was left"
    html = (built_site.site / "house-prices" / "index.html").read_text(encoding="utf-8")
    assert html.count("optimum (closed form)") == 2
    assert html.count("optimum (Nelder–Mead)") == 1


def test_code_on_pages_has_no_docstrings(built_site: Build):
    for page in pages(built_site):
        html = page.read_text(encoding="utf-8")
        for block in re.findall(r'<div class="language-python highlight">(.*?)</div>', html,
                                re.S):
            code = re.sub(r"<[^>]+>", "", block)
            assert '"""' not in code and "&quot;&quot;&quot;" not in code, page


def test_every_page_has_its_own_description(built_site: Build):
    seen: dict[str, Path] = {}
    for page in pages(built_site):
        descriptions = [a.get("content") for t, a in tags(page)
                        if t == "meta" and a.get("name") == "description"]
        assert len(descriptions) == 1 and descriptions[0], page
        assert descriptions[0] not in seen, f"{page} repeats the description of {seen.get(descriptions[0])}"
        seen[descriptions[0]] = page


def test_reference_is_built_from_the_docstrings(built_site: Build):
    html = (built_site.site / "reference" / "linalg" / "index.html").read_text(encoding="utf-8")
    assert 'id="gradbook.linalg.power"' in html
    assert "exponentiation by squaring" in html.lower()
    chapter = (built_site.site / "python-intro" / "index.html").read_text(encoding="utf-8")
    assert "../reference/linalg/#gradbook.linalg.power" in chapter


EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


def test_no_script_stylesheet_or_font_from_another_host(built_site: Build):
    offenders = []
    for page in built_site.site.rglob("*.html"):
        for tag, attrs in tags(page):
            if tag == "script" and EXTERNAL.match(attrs.get("src") or ""):
                offenders.append((page, attrs["src"]))
            loads = (attrs.get("rel") or "").lower() not in ("canonical", "alternate")
            if tag == "link" and loads and EXTERNAL.match(attrs.get("href") or ""):
                offenders.append((page, attrs["href"]))
            if tag in ("img", "source", "iframe") and EXTERNAL.match(attrs.get("src") or ""):
                offenders.append((page, attrs["src"]))
    for css in built_site.site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(
                r"@import\s+['\"]([^'\"]+)", text):
            if EXTERNAL.match(url):
                offenders.append((css, url))
    assert not offenders, offenders


def test_nothing_generated_is_written_into_docs():
    docs = ROOT / "docs"
    assert not (docs / "figures").exists()
    assert not (docs / "assets" / "mathjax").exists()


def test_second_build_computes_nothing(built_site: Build, tmp_path):
    again = mkdocs_build(tmp_path / "site", built_site.cache, free_port())
    assert again.returncode == 0, again.output
    assert "engine: 0 figures, 0 values, 0 notebooks, 0 data computed" in again.output, \
        again.output[-2000:]


def _measured(cache: Path) -> set[str]:
    """Figures computed from measured (non-deterministic) data, e.g. build-time timings."""
    measured_data = {n for n, s in specs("data").items() if not s.meta["deterministic"]}
    out = set()
    for entry in (cache / "entries" / "figure").glob("*.json"):
        used = json.loads(entry.read_text())["data"]
        if measured_data & set(used):
            out.add(entry.name.removesuffix(".json"))
    return out


def test_two_clean_builds_give_byte_identical_figures(built_site: Build, tmp_path):
    other = mkdocs_build(tmp_path / "site", tmp_path / "cache", free_port())
    assert other.returncode == 0, other.output
    measured = _measured(built_site.cache)
    assert measured == {"matmul-timing.png"}
    compared = 0
    for file in sorted((built_site.site / "figures").iterdir()):
        stem = re.sub(r"(-narrow)?(-still)?(-dark)?$", "", file.stem)
        if any(m.rsplit(".", 1)[0] == stem for m in measured):
            continue
        assert file.read_bytes() == (other.site / "figures" / file.name).read_bytes(), file.name
        compared += 1
    assert compared >= 30


def test_pages_hold_typeset_math_and_no_mathjax_script(built_site: Build):
    for page in pages(built_site):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*(mathjax|tex-mml|x-mathjax-config)", html, re.I), page
        assert 'class="arithmatex"' not in html, f"{page}: math left for the browser"
    chapter = (built_site.site / "house-prices" / "index.html").read_text(encoding="utf-8")
    assert chapter.count("<mjx-container") > 50
    assert "<mjx-assistive-mml" in chapter or 'aria-label="' in chapter
    fonts = list((built_site.site / "assets" / "mathjax" / "fonts").glob("*.woff"))
    assert 3 <= len(fonts) <= 12, fonts  # only the fonts the site's math uses


def test_search_index_holds_readable_text_not_tex(built_site: Build):
    index = json.loads((built_site.site / "search" / "search_index.json").read_text("utf-8"))
    text = " ".join(doc["text"] for doc in index["docs"])
    assert not re.search(r"\\\(|\\\[|\\frac|\\partial|\\sigma", text), "TeX in the search index"
    assert "mjx-" not in text
    house = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("house-prices/"))
    assert "∂L/∂w" in house  # math as readable text


def test_a_broken_formula_fails_the_build_naming_page_and_formula(built_site: Build, tmp_path):
    from test_serve import copy_project

    project = copy_project(tmp_path / "project")
    page = project / "docs" / "asteroids.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nBroken: $\\frac{a$.\n",
                    encoding="utf-8")
    import os
    import shutil
    import subprocess
    import sys
    cache = tmp_path / "cache"
    shutil.copytree(built_site.cache, cache)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d",
                           str(tmp_path / "site")], cwd=project, capture_output=True, text=True,
                          env=dict(os.environ, GRADBOOK_CACHE=str(cache),
                                   PYTHONPATH=str(project / "src")), timeout=600)
    assert proc.returncode != 0
    assert "asteroids.md" in proc.stderr and "\\frac{a" in proc.stderr, proc.stderr[-2000:]


def test_touching_the_python_intro_module_redraws_only_that_chapter(built_site: Build, tmp_path):
    """Dependencies are recorded, not declared: an edit to gradbook.linalg recomputes
    what imported it (the Python-introduction chapter, its notebook, and the checks
    page, which imports every chapter), and nothing else."""
    import os
    import shutil
    import subprocess
    import sys

    from test_serve import copy_project

    project = copy_project(tmp_path / "project")
    cache = tmp_path / "cache"
    shutil.copytree(built_site.cache, cache)
    module = project / "src" / "gradbook" / "linalg.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "engine"], cwd=project, capture_output=True,
                          text=True, timeout=600,
                          env=dict(os.environ, GRADBOOK_CACHE=str(cache),
                                   PYTHONPATH=os.pathsep.join([str(project / "src"),
                                                               str(project / "scripts")])))
    assert proc.returncode == 0, proc.stderr
    computed = {line.split()[2] for line in proc.stderr.splitlines()
                if "computed in" in line and "registry" not in line}
    python_intro = {name for (kind, name), spec in registry.load_all().items()
                    if spec.module == "chapters.python_intro" and kind == "figure"}
    assert python_intro <= computed, computed
    allowed = ("python", "power-", "matmul-", "thumb-python-intro", "checks.")
    assert all(name.startswith(allowed) for name in computed), computed


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_has_an_executed_downloadable_notebook(built_site: Build, chapter):
    page = built_site.site / "notebooks" / chapter / "index.html"
    assert page.is_file()
    html = page.read_text(encoding="utf-8")
    assert f'href="/notebooks/{chapter}/{chapter}.ipynb"' in html or \
        f"{chapter}.ipynb" in html, "no download link"
    nb = json.loads((built_site.site / "notebooks" / chapter / f"{chapter}.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(isinstance(c["execution_count"], int) for c in code)
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    assert any(o["output_type"] == "display_data" and "image/png" in o["data"]
               for c in code for o in c["outputs"]), "a playground draws a figure"
