"""The strict site build: pages, generated figures, offline assets, caching."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import figlib
import pagevalues
from conftest import Build, free_port, mkdocs_build

pytestmark = pytest.mark.slow

CHAPTERS = ["python-intro", "asteroids", "house-prices"]
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


def images(page: Path) -> list[dict[str, str | None]]:
    return [a for t, a in tags(page) if t == "img"]


def test_strict_build_passes_without_warnings(built_site: Build):
    assert built_site.returncode == 0
    assert not re.search(r"^(WARNING|ERROR)\b", built_site.output, re.M), built_site.output


def test_clean_build_generates_every_figure(built_site: Build):
    registry = figlib.load_all()
    assert f"figures: {len(registry)} generated, 0 up to date" in built_site.output


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_pages_exist_with_alt_text_on_every_image(built_site: Build, chapter):
    page = built_site.site / chapter / "index.html"
    assert page.is_file()
    for img in images(page):
        assert (img.get("alt") or "").strip(), f"image without alt text: {img}"


def test_python_intro_has_two_generated_figures(built_site: Build):
    srcs = [img["src"] for img in images(built_site.site / "python-intro" / "index.html")]
    generated = [s for s in srcs if s.startswith("../figures/")]
    assert len(generated) >= 2, srcs
    for src in generated:
        assert (built_site.site / "python-intro" / src).resolve().is_file()


@pytest.mark.parametrize("chapter", ["asteroids", "house-prices"])
def test_chapter_has_a_gif_under_400_kb(built_site: Build, chapter):
    srcs = [img["src"] for img in images(built_site.site / chapter / "index.html")]
    gifs = [built_site.site / chapter / s for s in srcs if s.endswith(".gif")]
    assert gifs, srcs
    for gif in gifs:
        size = gif.resolve().stat().st_size
        assert 0 < size <= MAX_GIF_BYTES, f"{gif.name}: {size} bytes"
        assert gif.resolve().read_bytes()[:6] in (b"GIF87a", b"GIF89a")


def test_computed_values_are_filled_in(built_site: Build):
    """Every {{ chapter.name }} placeholder became its computed value."""
    for page in built_site.site.rglob("*.html"):
        left = pagevalues.PATTERN.findall(page.read_text(encoding="utf-8"))
        assert not left, f"{page}: placeholders left: {left}"
    html = (built_site.site / "house-prices" / "index.html").read_text(encoding="utf-8")
    assert html.count("optimum (closed form)") == 2
    assert html.count("optimum (Nelder–Mead)") == 1


def test_mathjax_is_self_hosted(built_site: Build):
    mathjax = built_site.site / "assets" / "mathjax"
    assert (mathjax / "tex-mml-chtml.js").is_file()
    assert list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert (mathjax / "input" / "tex" / "extensions" / "boldsymbol.js").is_file()


EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


def test_no_script_stylesheet_or_font_from_another_host(built_site: Build):
    offenders = []
    for page in built_site.site.rglob("*.html"):
        for tag, attrs in tags(page):
            if tag == "script" and EXTERNAL.match(attrs.get("src") or ""):
                offenders.append((page, attrs["src"]))
            loads = (attrs.get("rel") or "").lower() not in ("canonical", "alternate")
            if tag == "link" and loads and EXTERNAL.match(attrs.get("href") or ""):
                offenders.append((page, attrs["href"]))  # stylesheet, font, preconnect
            if tag in ("img", "source", "iframe") and EXTERNAL.match(attrs.get("src") or ""):
                offenders.append((page, attrs["src"]))
    for css in built_site.site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(
            r"@import\s+['\"]([^'\"]+)", text
        ):
            if EXTERNAL.match(url):
                offenders.append((css, url))
    assert not offenders, offenders


def test_no_figure_or_mathjax_written_into_docs():
    docs = Path(__file__).resolve().parent.parent / "docs"
    assert not (docs / "figures").exists()
    assert not (docs / "assets" / "mathjax").exists()


def test_second_build_regenerates_no_figure(built_site: Build, tmp_path):
    again = mkdocs_build(tmp_path / "site", built_site.cache, free_port())
    assert again.returncode == 0, again.output
    registry = figlib.load_all()
    assert f"figures: 0 generated, {len(registry)} up to date" in again.output
    assert again.output.count("up to date") >= len(registry)


def test_two_clean_builds_give_byte_identical_figures(built_site: Build, tmp_path):
    other = mkdocs_build(tmp_path / "site", tmp_path / "cache", free_port())
    assert other.returncode == 0, other.output
    registry = figlib.load_all()
    compared = 0
    for fig in registry.values():
        a = (built_site.site / "figures" / fig.filename).read_bytes()
        b = (other.site / "figures" / fig.filename).read_bytes()
        if fig.deterministic:
            assert a == b, f"{fig.filename} differs between two clean builds"
            compared += 1
        else:  # measured (timings): only its format is stable
            assert a[:8] == b[:8]
    assert compared >= 3
