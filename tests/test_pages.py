"""What the hook does to page text: strict placeholders, code includes, figure markup, quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import pages

ROOT = Path(__file__).resolve().parent.parent
VALUES = {"house.tol": "$10^{-10}$", "house.best_model": "**sigmoid**", "house.table": "| a |"}


def test_known_placeholders_are_filled():
    assert pages.render_values("tol {{ house.tol }}, best {{house.best_model}}.", VALUES, "p.md") \
        == "tol $10^{-10}$, best **sigmoid**."


@pytest.mark.parametrize("near_miss, suggestion", [
    ("{{ house.Tol }}", "house.tol"),
    ("{{ house.best-model }}", "house.best_model"),
    ("{{ house.tabel }}", "house.table"),
    ("{{ nothing like it }}", None),
])
def test_a_near_miss_placeholder_fails_and_lists_the_closest_names(near_miss, suggestion):
    with pytest.raises(pages.PageError) as err:
        pages.render_values(f"text {near_miss} text", VALUES, "docs/x.md")
    message = str(err.value)
    assert message.startswith("docs/x.md:") and "is not a computed value" in message
    if suggestion:
        assert f"did you mean {suggestion}" in message
    assert "Known values: house.best_model, house.table, house.tol" in message


def test_code_spans_fences_and_escapes_are_left_literal():
    text = ("Write `{{ house.nope }}` in code, ``{{ x }}`` too, and \\{{ house.nope }} in prose.\n"
            "```python\nprint('{{ house.nope }}')\n```\n"
            "~~~\n{{ also.literal }}\n~~~\n"
            "Then {{ house.tol }}.\n")
    out = pages.render_values(text, VALUES, "p.md")
    assert "`{{ house.nope }}`" in out and "print('{{ house.nope }}')" in out
    assert "{{ also.literal }}" in out and "\\{{ house.nope }}" in out
    assert out.endswith("Then $10^{-10}$.\n")


def test_includes_drop_docstrings_and_link_the_reference():
    md = '```python\n--8<-- "src/gradbook/linalg.py:power"\n```\n'
    out = pages.expand_includes(md, ROOT, "p.md", pages.public_names(ROOT))
    assert "def power(base, exponent):" in out
    assert '"""' not in out and "Parameters" not in out
    assert "[`power`](reference/linalg.md#gradbook.linalg.power)" in out
    assert "[`_check_exponent`]" not in out  # private helpers are shown but not linked


def test_an_include_of_a_missing_section_fails():
    md = '```python\n--8<-- "src/gradbook/linalg.py:no_such_section"\n```\n'
    with pytest.raises(pages.PageError, match="has no section 'no_such_section'"):
        pages.expand_includes(md, ROOT, "p.md", {})


def test_strip_docstrings_keeps_code_and_comments():
    source = 'def f(x):\n    """Doc.\n\n    More.\n    """\n    # a comment\n    return x  # why\n'
    code, names = pages.strip_docstrings(source)
    assert code == "def f(x):\n    # a comment\n    return x  # why"
    assert names == ["f"]


FIGURES = {"a.png": {"meta": {"alt": "Alt of a."}, "files": {
    "image": {"path": "/c/1.png", "ext": ".png", "width": 648, "height": 400, "min_font_px": 16.7},
    "image-dark": {"path": "/c/2.png", "ext": ".png", "width": 648, "height": 400,
                   "min_font_px": 16.7},
    "image-narrow": {"path": "/c/3.png", "ext": ".png", "width": 648, "height": 800,
                     "min_font_px": 16.7},
    "image-narrow-dark": {"path": "/c/4.png", "ext": ".png", "width": 648, "height": 800,
                          "min_font_px": 16.7}}},
    "b.gif": {"meta": {"alt": "Alt of b."}, "files": {
        "image": {"path": "/c/5.gif", "ext": ".gif", "width": 540, "height": 300,
                  "min_font_px": 13.9},
        "image-dark": {"path": "/c/6.gif", "ext": ".gif", "width": 540, "height": 300,
                       "min_font_px": 13.9},
        "still": {"path": "/c/7.png", "ext": ".png", "width": 540, "height": 300,
                  "min_font_px": 13.9},
        "still-dark": {"path": "/c/8.png", "ext": ".png", "width": 540, "height": 300,
                       "min_font_px": 13.9}}}}


def test_figures_are_numbered_with_variants_and_references():
    html = ('<p>See <a href="#fig-b"></a>.</p>'
            '<figure id="fig-a">\n<p><img alt="" src="../figures/a.png" /></p>\n'
            '<figcaption>\n<p>First.</p>\n</figcaption>\n</figure>'
            '<figure id="fig-b">\n<p><img alt="" src="../figures/b.gif" /></p>\n'
            '<figcaption>\n<p>Second.</p>\n</figcaption>\n</figure>')
    out = pages.render_figures(html, FIGURES, "p.md")
    assert '<a href="#fig-b" class="fig-ref">Figure 2</a>' in out
    assert '<span class="fig-label">Figure 1.</span> First.' in out
    assert 'src="../figures/a.png#only-light"' in out and 'src="../figures/a-dark.png#only-dark"' in out
    assert 'srcset="../figures/a-narrow.png"' in out and 'srcset="../figures/a-narrow-dark.png"' in out
    assert 'media="(prefers-reduced-motion: reduce)" srcset="../figures/b-still.png"' in out
    assert 'width="648" height="400"' in out and 'alt="Alt of a."' in out
    assert out.count('loading="lazy"') == 4
    assert out.count('class="glightbox"') == 4


@pytest.mark.parametrize("html, message", [
    ('<p><img alt="" src="figures/a.png" /></p>', "outside a <figure>"),
    ('<figure><p><img alt="" src="figures/a.png" /></p></figure>', "has no <figcaption>"),
    ('<figure><img src="figures/zz.png"/><figcaption>x</figcaption></figure>', "not a registered"),
    ('<p><a href="#fig-nowhere"></a></p>', "no figure on this page"),
])
def test_figure_mistakes_fail_the_page(html, message):
    with pytest.raises(pages.PageError, match=message):
        pages.render_figures(html, FIGURES, "p.md")


def test_figure_files_map_site_paths_to_the_cache():
    files = pages.figure_files("b.gif", FIGURES["b.gif"]["files"])
    assert files == {"figures/b.gif": "/c/5.gif", "figures/b-dark.gif": "/c/6.gif",
                     "figures/b-still.png": "/c/7.png", "figures/b-still-dark.png": "/c/8.png"}


def test_quotations_carry_their_text_with_tex():
    html = ('<p>It says <q class="report">the <span class="arithmatex">\\(a &lt; b\\)</span> '
            '<em>case</em></q>.</p>')
    out = pages.annotate_quotes(html)
    assert 'data-quote="the a &lt; b case"' in out


def test_a_value_may_hold_placeholders_of_other_values():
    values = dict(VALUES, **{"errata.entry": "the tolerance is {{ house.tol }}"})
    assert pages.render_values("{{ errata.entry }}.", values, "p.md") == \
        "the tolerance is $10^{-10}$."
    with pytest.raises(pages.PageError, match="house.tool"):
        pages.render_values("{{ errata.bad }}", dict(values, **{"errata.bad": "{{ house.tool }}"}),
                            "p.md")
