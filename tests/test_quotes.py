"""Every quotation of the report on the site is in the report.

A page quotes the report with ``<q class="report">`` or
``<blockquote class="report">``; the build hook gives each such element a
``data-quote`` attribute holding its text with the math as the TeX it was
written in. ``test_every_quotation_on_the_site_is_in_the_report`` collects
them from the built site and compares each with ``tests/data/report.md``
(the report's body) after ``chapters.errata.normalise``: whitespace
collapsed, TeX spacing dropped, spaces next to symbols dropped, HTML
unescaped. That test builds the site and is marked slow; the others are fast:
the normaliser itself (a wrong quotation must fail), the quotations in the
Markdown sources, and the errata entries.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from chapters import errata

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REPORT_BODY = ROOT / "tests" / "data" / "report.md"
SEED = Path("/work/shared/seed/000_daaa204a6ed474d8.txt")


class Quotes(HTMLParser):
    """``(tag, data-quote or None, line)`` of every element with class ``report``."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str | None, int]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "report" in (a.get("class") or "").split():
            self.found.append((tag, a.get("data-quote"), self.getpos()[0]))


def site_quotes(site: Path) -> list[tuple[str, str, str | None]]:
    """``(page, tag, quote)`` for every report quotation in the built site."""
    out = []
    for page in sorted(site.rglob("*.html")):
        parser = Quotes()
        parser.feed(page.read_text(encoding="utf-8"))
        out += [(f"{page.relative_to(site)}:{line}", tag, quote)
                for tag, quote, line in parser.found]
    return out


# --- the site (slow: builds it) ---------------------------------------------------------

@pytest.mark.slow
def test_every_quotation_on_the_site_is_in_the_report(built_site):
    quotes = site_quotes(built_site.site)
    assert len(quotes) >= 30, quotes  # the three live chapters and the errata quote the report
    problems = []
    for where, tag, quote in quotes:
        if tag not in ("q", "blockquote"):
            problems.append(f"{where}: class report on <{tag}>, not on <q> or <blockquote>")
        elif quote is None:
            problems.append(f"{where}: <{tag} class=\"report\"> without data-quote")
        elif not errata.in_report(quote):
            problems.append(f"{where}: not in the report: {quote!r}")
    assert not problems, "\n".join(problems)
    pages = {where.split("/")[0] for where, _, _ in quotes}
    assert {"python-intro", "asteroids", "house-prices", "errata"} <= pages


# --- the normaliser ---------------------------------------------------------------------

def test_report_body_is_the_seed_without_its_title_page():
    body = REPORT_BODY.read_text(encoding="utf-8")
    assert body.startswith("Table of Contents\n")
    if SEED.is_file():  # the seed is outside the repository; compare where it exists
        assert SEED.read_text(encoding="utf-8").endswith(body)


@pytest.mark.parametrize("quote", [
    "loss function derivative dW, db is the same as for linear",
    "loss  function\n derivative dW,db is the same as for linear",  # whitespace only
    r"J(\theta_0, \theta_1) = L_{MSE} = \frac{1}{N} \cdot \sum_{i=0}^N (h_{\theta}(x_i) - y_i)^2",
    r"J(\theta_0,\theta_1)=L_{MSE}=\frac{1}{N}\cdot\sum_{i=0}^N(h_{\theta}(x_i)-y_i)^2",
    r"$\frac{1}{N}\,\cdot \sum_{i=0}^N$",  # delimiters and TeX spacing
    r"\frac{1}{N} \quad \cdot \sum_{i=0}^N",
    "In ideal situation once MSE is 0 &ndash; we don&#x27;t move anymore.",  # HTML escapes
    "return dot(i, vec3d[:, None])",
])
def test_normalised_quotation_is_found(quote):
    assert errata.in_report(quote)


@pytest.mark.parametrize("quote", [
    "loss function derivative dW, db is the same as for cubic",  # a changed word
    "lossfunction derivative dW, db is the same as for linear",  # two words run together
    r"J(\theta_0, \theta_1) = L_{MSE} = \frac{1}{N} \cdot \sum_{i=1}^N",  # i=1, not i=0
    r"\frac{2}{N} \sum_{i=0}^N (b + W \cdot x_i - y_i) \cdot x_i^3",  # an added power
    "w=2.939305864784624 b=-3.2979591578193054",  # a changed last digit
    "In ideal situation once MSE is 0 - we don't move anymore.",  # hyphen for en dash
    "",
    "   ",
])
def test_wrong_quotation_is_not_found(quote):
    assert not errata.in_report(quote)


def test_normalise_spacing_rules():
    n = errata.normalise
    assert n(r"a\,b \; c\!d \quad e\qquad f") == n("a b c d e f")
    assert n(r"\frac{1}{N} \sum") == n(r"\frac{1}{N}\sum")
    assert n(r"\cdot x") != n(r"\cdotx")  # a space between two words is kept
    assert n(r"\quadrant") == r"\quadrant"  # only the command \quad is spacing
    assert n("a &amp; b") == n("a & b") == "a&b"


# --- the sources (fast) -------------------------------------------------------------------

SOURCE_QUOTE = re.compile(r'<(q|blockquote)\b[^>]*\bclass="[^"]*\breport\b[^"]*"[^>]*>(.*?)</\1>',
                          re.S)


def markdown_quotes() -> list[tuple[str, str]]:
    out = []
    for page in sorted(DOCS.glob("*.md")):
        for m in SOURCE_QUOTE.finditer(page.read_text(encoding="utf-8")):
            out.append((page.name, m.group(2)))
    entries = yaml.safe_load(errata.ERRATA.read_text(encoding="utf-8"))
    for e in entries:
        for field in ("right", "consequence"):
            for m in SOURCE_QUOTE.finditer(e.get(field) or ""):
                out.append((f"errata.yml {e.get('id')} {field}", m.group(2)))
    return out


FENCE_LINE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n`]*$", re.M)


def source_text(quote: str) -> str:
    """A quotation's Markdown without the Markdown: fence lines and code-span backticks."""
    return re.sub(r"`+", "", FENCE_LINE.sub("", quote))


def test_source_text_drops_only_markdown():
    assert source_text("```python\nx = prev_r @ x\n```\n").strip() == "x = prev_r @ x"
    assert source_text("`return 1`") == "return 1"


def test_every_quotation_in_the_markdown_sources_is_in_the_report():
    """The same comparison on the sources: fences and backticks are Markdown, not text."""
    quotes = markdown_quotes()
    assert len(quotes) >= 25
    missing = [(where, q) for where, q in quotes if not errata.in_report(source_text(q))]
    assert not missing, missing


# --- the errata -----------------------------------------------------------------------------

def test_errata_entries_are_valid():
    errata.load_entries.cache_clear()
    entries = errata.load_entries()
    ids = {e["id"] for e in entries}
    for required in ("dot-matrix-times-vector", "vec3d-to-vec2d-drops-w", "mse-sum-from-zero",
                     "sigmoid-model-without-20", "cubic-gradient-is-linear",
                     "linear-run-stopped-early", "ranking-flips", "cubic-learning-rate-unstable"):
        assert required in ids
    assert {e["chapter"] for e in entries} >= {"python-intro", "asteroids", "house-prices"}


GOOD = {
    "id": "an-example", "chapter": "house-prices", "where": "House prices, the cubic model",
    "quote": "loss function derivative dW, db is the same as for linear",
    "right": "x cubed", "derivation": "house-prices.md#the-cubic-model",
    "check": "tests/test_house_prices.py::test_report_cubic_numbers_are_the_closed_form_"
             "fixed_point_of_its_rule",
    "consequence": "a fixed point",
}


def test_a_good_entry_validates():
    assert errata.validate(dict(GOOD), 0, set())["id"] == "an-example"


@pytest.mark.parametrize("change, message", [
    ({"quote": "loss function derivative dW, db is the same as for cubic"}, "not in the report"),
    ({"check": "tests/test_house_prices.py::test_no_such_test"}, "not an existing test"),
    ({"check": "tests/test_no_such_file.py::test_x"}, "not an existing test"),
    ({"derivation": "house-prices.md#no-such-section"}, "has no section"),
    ({"derivation": "no-such-page.md#x"}, "derivation must be"),
    ({"chapter": "no-such-chapter"}, "is no page"),
    ({"right": "  "}, "missing or empty field"),
    ({"consequence": None}, "missing or empty field"),
    ({"id": "Not Kebab"}, "kebab-case"),
    ({"where": "the $x^3$ model"}, "no math"),
    ({"extra": "field"}, "unknown field"),
])
def test_a_bad_entry_fails_with_a_message_naming_it(change, message):
    entry = {**GOOD, **change}
    with pytest.raises(errata.ErratumError, match=message) as info:
        errata.validate(entry, 0, set())
    assert "errata.yml" in str(info.value)


def test_an_id_used_twice_fails():
    seen: set[str] = set()
    errata.validate(dict(GOOD), 0, seen)
    with pytest.raises(errata.ErratumError, match="used twice"):
        errata.validate(dict(GOOD), 1, seen)


def test_code_quotes_are_shown_as_code():
    assert errata.quotation("return dot(i, vec3d[:, None])") == \
        '<q class="report">`return dot(i, vec3d[:, None])`</q>'
    assert errata.quotation("And it worked. That's much better.") == \
        '<q class="report">And it worked. That\'s much better.</q>'


def test_errata_page_renders_every_entry_with_its_anchor_and_check():
    text = errata.entries()
    for e in errata.load_entries():
        assert f"{{#{e['id']}}}" in text
        assert f"]({e['derivation']})" in text
    assert text.count('<q class="report">') >= len(errata.load_entries())
    links = errata.chapter_links("house-prices")
    assert "(errata.md#cubic-gradient-is-linear)" in links
    assert "errata.md" in errata.chapter_links("backpropagation")  # none yet: a pointer
