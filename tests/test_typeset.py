"""Build-time math (scripts/engine/typeset.py + typeset.cjs): no MkDocs build needed.

Needs `node` on PATH and `npm ci` done (node_modules/mathjax-full), like the site build.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from engine import typeset
from engine.typeset import TexError, Typesetter

ROOT = Path(__file__).resolve().parent.parent
LOG = logging.getLogger("test.typeset")


def inline(tex: str) -> str:
    """pymdownx.arithmatex (generic) output for $tex$ (it HTML-escapes the TeX)."""
    return f'<span class="arithmatex">\\({_esc(tex)}\\)</span>'


def display(tex: str) -> str:
    return f'<div class="arithmatex">\\[{_esc(tex)}\\]</div>'


def _esc(tex: str) -> str:
    return tex.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def material(content: str) -> str:
    """The part of a Material page around the content that post_page works on."""
    return ('<!doctype html><html><head><title>t</title>'
            '<script src="../assets/javascripts/bundle.js"></script></head><body>'
            '<div class="md-content" data-md-component="content">'
            f'<article class="md-content__inner md-typeset">{content}</article>'
            '</div></body></html>')


def render(ts: Typesetter, content: str, page_id: str = "fixture.md",
           page_url: str = "fixture/") -> tuple[str, str]:
    """(page_content output = what search indexes, post_page output = what ships)."""
    searchable = ts.page_content(content, page_id, page_url)
    return searchable, ts.post_page(material(searchable), page_id, page_url)


def placeholders(searchable: str) -> list[str]:
    return [_unesc(t) for t in re.findall(r'data-math="[0-9a-f]{64}">([^<]*)<', searchable)]


def _unesc(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


MACRO_HEAVY = (r"\boldsymbol{\theta}_{k+1} = \boldsymbol{\theta}_k - \alpha\,"
               r"\operatorname{softmax}(\mathbf{z})\,\lVert \nabla L \rVert"
               r" + \tfrac{1}{2}\dfrac{a}{b} + \underbrace{x + y}_{\text{sum}}"
               r" + \begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix} + \mathbb{R}^n")
ALIGNED = r"\begin{aligned} f(x) &= (x + 1)^2 \\ &= x^2 + 2x + 1 \end{aligned}"
CASES = r"|x| = \begin{cases} x, & x \ge 0,\\ -x, & \text{otherwise.} \end{cases}"
GRADIENT = r"\frac{\partial L}{\partial w} = \frac{2}{N} \sum_i (\hat y_i - y_i)\, x_i"

PAGE = "\n".join([
    "<h1>Fixture</h1>",
    "<p>Inline " + inline("x^2") + " and " + inline(r"\frac{a}{b}") + " and "
    + inline("a < b") + ".</p>",
    display(GRADIENT),
    display(ALIGNED),
    display(CASES),
    "<p>Macros: " + inline(MACRO_HEAVY) + "</p>",
    "<pre><code>not math: \\(x\\) $y$</code></pre>",
])
N_PAGE = 7

NOTEBOOK = """
<!-- Load mathjax -->
<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX-AMS_CHTML-full,Safe"> </script>
<!-- MathJax configuration -->
<script type="text/x-mathjax-config">
    init_mathjax = function() { if (window.MathJax) { MathJax.Hub.Config({}); } }
    init_mathjax();
</script>
<!-- End of mathjax configuration -->
<script>document.addEventListener('clipboard-copy', function () {})</script>
<div class="jupyter-wrapper"><div class="jp-Notebook">
<div class="jp-Cell jp-MarkdownCell"><div class="jp-InputArea">
<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput" data-mime-type="text/markdown">
<h1 id="title">Title</h1><p>Inline $x^2 + \\alpha$ and a &lt; b, display:</p>
<p>$$\\frac{a}{b} = c$$</p>
<p>It costs 5 \\$ and <code>$not math$</code> stays code.</p>
</div></div></div>
<div class="jp-Cell jp-CodeCell"><div class="jp-InputArea"><pre>s = "$a$"</pre></div>
<div class="jp-OutputArea"><div class="jp-RenderedLatex jp-OutputArea-output" data-mime-type="text/latex">
$\\displaystyle \\sum_i x_i$
</div>
<div class="jp-RenderedText jp-OutputArea-output"><pre>price: $5 and $6</pre></div>
</div></div>
</div></div>
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("math-cache")


@pytest.fixture(scope="module")
def ts(cache):
    with Typesetter(ROOT, cache, LOG) as t:
        yield t


@pytest.fixture(scope="module")
def page(ts):
    return render(ts, PAGE)


def test_page_is_typeset_with_readable_search_text(page):
    searchable, out = page
    # search index: readable text, neither TeX nor glyphs
    texts = placeholders(searchable)
    assert len(texts) == N_PAGE
    assert texts[:4] == ["x²", "a/b", "a < b", "∂L/∂w = (2/N) Σᵢ (ŷᵢ − yᵢ) xᵢ"]
    assert texts[4] == "f(x) = (x + 1)²; = x² + 2x + 1"
    assert texts[5] == "|x| = {x, x ≥ 0; −x, otherwise."
    assert "softmax(z)" in texts[6] and "‖∇L‖" in texts[6] and "ℝⁿ" in texts[6]
    prose = searchable.split("<pre>")[0]
    assert "\\(" not in prose and "\\frac" not in prose and "mjx-" not in searchable
    assert "arithmatex" not in searchable
    # shipped page: CHTML, nothing left for a browser-side MathJax
    assert out.count("<mjx-container") == N_PAGE
    assert "\\(" not in out.split("<pre>")[0] and "\\[" not in out and "data-math=" not in out
    assert "<mjx-merror" not in out and "arithmatex" not in out
    assert out.count('<div class="math-display"') == 3
    assert out.count('class="math-inline') == 4
    assert "<pre><code>not math: \\(x\\) $y$</code></pre>" in out


def test_accessible_mathml_kept(page):
    _, out = page
    assert out.count("<mjx-assistive-mml") == N_PAGE
    assert out.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') == N_PAGE
    assert out.count('aria-hidden="true"') >= N_PAGE   # the glyphs are hidden, the MathML is read
    assert "<mi>x</mi><mo>&lt;</mo>" not in out           # a < b survived as MathML text
    assert "<mo>&lt;</mo>" in out


def test_css_in_article_fonts_relative(page):
    _, out = page
    styles = re.findall(r'<style class="math-chtml-css">(.*?)</style>', out, re.S)
    assert len(styles) == 1
    # in the article, so it travels with it on instant navigation
    assert re.search(r'<article[^>]*><style class="math-chtml-css">', out)
    css = styles[0]
    assert "mjx-container" in css and "mjx-c.mjx-c1D465.TEX-I::before" in css  # the x glyph
    assert 'url("../assets/mathjax/fonts/MathJax_Main-Regular.woff")' in css
    assert "@@FONTS@@" not in css
    assert not re.search(r"<script[^>]*mathjax", out, re.I)


def test_notebook_math_and_scripts(ts):
    searchable, out = render(ts, NOTEBOOK, "notebooks/demo.ipynb", "notebooks/demo/")
    assert placeholders(searchable) == ["x² + α", "a/b = c", "Σᵢ xᵢ"]
    assert out.count("<mjx-container") == 3
    assert '<span class="math-display"><mjx-container' in out   # inside <p>: a span, not a div
    assert "$x^2" not in out and "$$" not in out and "\\displaystyle" not in out
    assert "It costs 5 $ and <code>$not math$</code> stays code." in out
    assert '<pre>s = "$a$"</pre>' in out and "<pre>price: $5 and $6</pre>" in out
    scripts = re.findall(r"<script\b.*?</script>", out, re.S | re.I)
    assert len(scripts) == 2 and not any(re.search("mathjax", x, re.I) for x in scripts)
    assert "cdnjs" not in out and "MathJax.Hub" not in out and "Load mathjax" not in out
    assert "clipboard-copy" in out                                # other scripts stay
    assert 'url("../../assets/mathjax/fonts/' in out


@pytest.mark.parametrize("tex, text", [
    ("x^2", "x²"),
    (r"\frac{a}{b}", "a/b"),
    (r"\frac{a+b}{2}", "(a + b)/2"),
    (r"\sqrt{x+1}", "√(x + 1)"),
    (r"e^{-x^2}", "e^(−x²)"),
    (r"x_{i,j}^\top", "x_(i, j)ᵀ"),
    (r"\hat y_i = w x_i + b", "ŷᵢ = wxᵢ + b"),
    (r"A \in \mathbb{R}^{m \times n}", "A ∈ ℝ^(m × n)"),
    (r"\lVert \mathbf v \rVert \le \sqrt{2}\, v_{\max}", "‖v‖ ≤ √2 vₘₐₓ"),
    (r"\sigma'(a) = \sigma(a)\,(1 - \sigma(a))", "σ′(a) = σ(a) (1 − σ(a))"),
    (r"\sum_{i=1}^{N} x_i", "Σᵢ₌₁ᴺ xᵢ"),
    (r"\lim_{h \to 0} \frac{f(x+h) - f(x)}{h}", "lim_(h → 0) ((f(x + h) − f(x))/h)"),
    (r"\log_2 n", "log₂ n"),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "(a, b; c, d)"),
])
def test_readable_text(ts, tex, text):
    searchable, _ = render(ts, "<p>" + inline(tex) + "</p>")
    assert placeholders(searchable) == [text]


def test_tex_errors_name_page_and_formula(ts):
    with pytest.raises(TexError) as err:
        ts.page_content("<p>" + inline(r"\frac{a") + "</p>", "house-prices.md", "house-prices/")
    assert str(err.value) == (r"docs page house-prices.md: TeX error in $\frac{a$: "
                              "Missing close brace")
    with pytest.raises(TexError, match=r"docs page x\.md: TeX error in \$\$\\notamacro x\$\$: "
                                       r"Undefined control sequence \\notamacro"):
        ts.page_content(display(r"\notamacro x"), "x.md", "x/")
    with pytest.raises(TexError) as err:   # every error of the page, and errors are not cached
        ts.page_content(inline(r"\frac{a") + inline("a_b_c") + inline("ok"), "y.md", "y/")
    assert len(err.value.errors) == 2 and "Double subscripts" in str(err.value)


def test_definitions_are_page_scoped(ts):
    searchable, out = render(ts, "<p>" + inline(r"\newcommand{\R}{\mathbb{R}}") + inline(r"\R^n")
                             + "</p>", "defs.md", "defs/")
    assert placeholders(searchable)[1] == "ℝⁿ"
    with pytest.raises(TexError, match=r"Undefined control sequence \\R"):
        ts.page_content(inline(r"\R^n"), "other.md", "other/")   # nothing leaks to other pages


def test_no_math_page_is_left_alone(tmp_path):
    with Typesetter(ROOT, tmp_path, LOG) as t:
        html = "<p>No math here, 5 $ and 6 $.</p>"
        assert t.page_content(html, "plain.md", "plain/") == html
        assert t.post_page(material(html), "plain.md", "plain/") == material(html)
        assert t.write_assets(tmp_path / "site") == []
        assert t.stats["node_started"] is False


def _pages(n_pages: int, per_page: int) -> list[str]:
    return ["".join("<p>" + inline(rf"x_{{{p}}}^{{{i}}} + \frac{{{i}}}{{y_{p}}}") + "</p>"
                    for i in range(per_page)) for p in range(n_pages)]


def test_one_node_process_per_build(tmp_path):
    with Typesetter(ROOT, tmp_path, LOG) as t:
        for i, html in enumerate(_pages(2, 50)):
            render(t, html, f"p{i}.md", f"p{i}/")
        node = t._node
        assert t.stats["node_starts"] == 1 and t.stats["typeset"] == 100
        assert t.stats["formulas"] == 100 and t.stats["pages"] == 2
    assert t._node is None and node.proc.poll() is not None      # closed at the end


def test_warm_cache_starts_no_node_and_gives_the_same_pages(tmp_path):
    pages = _pages(2, 5) + [PAGE]
    with Typesetter(ROOT, tmp_path, LOG) as cold:
        first = [render(cold, html, f"p{i}.md", f"p{i}/") for i, html in enumerate(pages)]
    assert cold.stats["node_started"]
    with Typesetter(ROOT, tmp_path, LOG) as warm:
        second = [render(warm, html, f"p{i}.md", f"p{i}/") for i, html in enumerate(pages)]
    assert second == first
    assert warm.stats["node_started"] is False and warm.stats["typeset"] == 0
    assert warm.stats["cached"] == cold.stats["typeset"] == warm.stats["unique"]
    assert not list(tmp_path.glob(".*.tmp"))                        # atomic writes left nothing


def test_damaged_cache_entry_is_recomputed(tmp_path):
    html = "<p>" + inline("x^2") + inline("y^3") + "</p>"
    with Typesetter(ROOT, tmp_path, LOG) as cold:
        _, good = render(cold, html)
    key = cold.key("x^2", False)
    entry = tmp_path / f"{key}.json"
    head, body = entry.read_text(encoding="utf-8").split("\n", 1)
    entry.write_text(head + "\n" + body.replace("mjx-c1D465", "mjx-c1D466"), encoding="utf-8")
    (tmp_path / f"{cold.key('y^3', False)}.json").write_text('{"trunc', encoding="utf-8")
    with Typesetter(ROOT, tmp_path, LOG) as again:
        _, out = render(again, html)
    assert out == good                                     # the damage was not shipped
    assert again.stats["corrupt"] == 2 and again.stats["typeset"] == 2
    with Typesetter(ROOT, tmp_path, LOG) as third:          # and the entries were rewritten
        assert render(third, html)[1] == good
    assert third.stats["corrupt"] == 0 and not third.stats["node_started"]


def test_fonts_written_are_those_referenced(tmp_path, cache):
    with Typesetter(ROOT, cache, LOG) as t:
        outputs = {"fixture/": render(t, PAGE)[1],
                   "notebooks/demo/": render(t, NOTEBOOK, "nb.ipynb", "notebooks/demo/")[1]}
        site = tmp_path / "site"
        (site / "assets/mathjax/fonts").mkdir(parents=True)
        (site / "assets/mathjax/fonts/MathJax_Fraktur-Bold.woff").write_bytes(b"stale")
        written = t.write_assets(site)
    referenced = set()
    for url, out in outputs.items():
        for ref in re.findall(r'url\("([^"]+\.woff)"\)', out):
            target = (site / url / ref).resolve()          # resolves from the page's folder
            assert target.is_file() and target.stat().st_size > 1000, ref
            referenced.add(target.name)
    assert {p.name for p in written} == referenced
    assert {p.name for p in (site / "assets/mathjax/fonts").iterdir()} == referenced
    assert {"MathJax_Zero.woff", "MathJax_Main-Regular.woff",
            "MathJax_Math-Italic.woff"} <= referenced
    assert "MathJax_Fraktur-Bold.woff" not in referenced


@pytest.mark.parametrize("url, rel", [
    ("", "assets/mathjax/fonts"), ("index.html", "assets/mathjax/fonts"),
    ("a/", "../assets/mathjax/fonts"), ("a/b.html", "../assets/mathjax/fonts"),
    ("a/b/", "../../assets/mathjax/fonts"),
])
def test_font_urls_relative_to_the_page(url, rel):
    assert typeset._relative(url, "assets/mathjax/fonts") == rel


@pytest.mark.parametrize("text, found", [
    ("$a$ and $$b$$", [("a", False), ("b", True)]),
    (r"\(a\) \[b\]", [("a", False), ("b", True)]),
    (r"costs \$5 and $x$", [("x", False)]),
    (r"${a$b}$ then $c$", [("{a$b}", False), ("c", False)]),
    (r"\begin{align}a\\b\end{align}", [(r"\begin{align}a\\b\end{align}", True)]),
    ("a lone $ sign", []),
])
def test_find_tex(text, found):
    maths, _ = typeset.find_tex(text)
    assert [(tex, d) for _, _, tex, d in maths] == found


def test_cache_key_covers_display_and_configuration(ts, tmp_path):
    assert ts.key("x", False) != ts.key("x", True) != ts.key("x", True, pre=r"\def\a{b}")
    other = Typesetter(ROOT, tmp_path, LOG, macros={"RR": r"\mathbb{R}"})
    assert other.key("x", False) != ts.key("x", False)
    entry = json.loads((ts.cache_dir / f"{ts.key('x^2', False)}.json")
                       .read_text(encoding="utf-8").split("\n", 1)[0])
    assert entry["tex"] == "x^2" and entry["display"] is False and entry["text"] == "x²"


def test_clear_errors_when_the_toolchain_is_missing(tmp_path, monkeypatch):
    with pytest.raises(typeset.TypesetterError, match=r"mathjax-full.*npm ci"):
        Typesetter(tmp_path, tmp_path / "cache", LOG).page_content(inline("x"), "a.md", "a/")
    monkeypatch.setattr(typeset.shutil, "which", lambda name: None)
    with pytest.raises(typeset.TypesetterError, match=r"`node` is not on PATH"):
        Typesetter(ROOT, tmp_path / "cache", LOG).page_content(inline("x"), "a.md", "a/")


def test_a_node_crash_fails_the_build_clearly(tmp_path):
    with Typesetter(ROOT, tmp_path, LOG) as t:
        t.page_content(inline("x"), "a.md", "a/")
        t._node.proc.kill()
        t._node.proc.wait()
        with pytest.raises(typeset.TypesetterError, match="node process .* stopped"):
            t.page_content(inline("y"), "b.md", "b/")
