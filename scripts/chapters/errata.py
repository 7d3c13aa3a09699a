"""Errata (docs/errata.md): the report's mistakes, one checked entry each.

The entries live in ``errata.yml`` next to this module, a YAML list; every
chapter author appends the entries of their chapter (the format is in
README.md and in :data:`FIELDS`). At build time :func:`entries` renders them
as one block per entry, grouped by chapter, and **fails the build**, naming
the entry, when

* a field is missing, empty or not text, or the id is not unique kebab-case;
* the quote is not in the report (``tests/data/report.md``, compared after
  :func:`normalise`);
* the check is not an existing test: ``tests/<file>.py::<test>`` is parsed
  with :mod:`ast` and must define that function;
* the derivation is not a section of one of our pages (``page.md#anchor``,
  with the anchor as MkDocs' table of contents makes it).

``{{ chapter.name }}`` in ``right`` and ``consequence`` is replaced by that
computed value, so the errata state numbers the same way the pages do.

Each chapter page links its own entries with ``{{ errata.<chapter> }}``
(``errata.house_prices`` for ``house-prices.md``): a list of links.

:func:`normalise` is also the comparison ``tests/test_quotes.py`` applies to
every quotation of the report on the built site.
"""

from __future__ import annotations

import ast
import functools
import html
import re
from pathlib import Path

import markdown
import yaml

from engine import data, load, value

ROOT = Path(__file__).resolve().parents[2]
ERRATA = Path(__file__).with_name("errata.yml")
REPORT = ROOT / "tests" / "data" / "report.md"
DOCS = ROOT / "docs"
FIELDS = ("id", "chapter", "where", "quote", "right", "derivation", "check", "consequence")
#: Chapters in the order of the site's navigation; each gets an ``errata.<chapter>`` value.
CHAPTERS = ("python-intro", "asteroids", "robot-arm", "house-prices", "backpropagation",
            "leaky-relu")
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PLACEHOLDER = re.compile(r"(?<!\\)\{\{\s*([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)\s*\}\}")


class ErratumError(ValueError):
    """An entry of errata.yml is incomplete or unproven; the message names it."""


# --- comparing quotations with the report ----------------------------------------

_TEX_SPACING = re.compile(r"(?<!\\)\\(?:[,;:! ]|q?quad(?![A-Za-z]))")


def normalise(text: str) -> str:
    r"""``text`` reduced to what a quotation must keep.

    HTML entities are unescaped, ``$`` math delimiters dropped, TeX spacing
    (``\,`` ``\;`` ``\:`` ``\!`` ``\quad`` ``\qquad`` and ``\ ``) removed and
    whitespace collapsed to single spaces; then a space next to anything that
    is not a letter, digit or underscore (an operator, a bracket, a brace, a
    backslash, punctuation) is dropped. So ``\frac{1}{N} \sum`` and
    ``\frac{1}{N}\sum`` compare equal, and so do ``a  b`` and ``a b``, but a
    changed word, digit or symbol does not.
    """
    text = html.unescape(text).replace("$", "")
    text = _TEX_SPACING.sub(" ", text)
    text = " ".join(text.split())
    return re.sub(r" (?=[^\w ])|(?<=[^\w ]) ", "", text)


@functools.cache
def report_text() -> str:
    return REPORT.read_text(encoding="utf-8")


@functools.cache
def _normalised_report() -> str:
    return normalise(report_text())


@functools.cache
def _normalised_code() -> tuple[str, ...]:
    """The report's fenced code blocks, each normalised."""
    blocks, current = [], None
    for line in report_text().splitlines():
        if line.strip().startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append(normalise("\n".join(current)))
                current = None
        elif current is not None:
            current.append(line)
    return tuple(blocks)


def in_report(quote: str) -> bool:
    """Whether ``quote`` is a passage of the report (see :func:`normalise`)."""
    q = normalise(quote)
    return bool(q) and q in _normalised_report()


def is_code(quote: str) -> bool:
    """Whether ``quote`` comes from one of the report's code listings."""
    q = normalise(quote)
    return bool(q) and any(q in block for block in _normalised_code())


# --- checking an entry -------------------------------------------------------------

def has_test(node_id: str) -> bool:
    """Whether ``tests/<file>.py::<name>`` (or ``::<Class>::<name>``) is a test function."""
    path, sep, rest = node_id.partition("::")
    file = ROOT / path
    if not (sep and rest and path.startswith("tests/") and path.endswith(".py")
            and file.is_file()):
        return False
    *classes, name = rest.split("::")
    name = re.sub(r"\[.*\]$", "", name)
    body = ast.parse(file.read_text(encoding="utf-8")).body
    for cls in classes:
        body = next((n.body for n in body if isinstance(n, ast.ClassDef) and n.name == cls), [])
    return name.startswith("test") and any(
        isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name for n in body)


def _strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[end + 4:]
    return text


def _page_toc(page: str) -> tuple[tuple[int, str, str], ...]:
    """``(level, anchor, text)`` of every heading of ``docs/<page>``, as MkDocs makes them."""
    md = markdown.Markdown(extensions=[
        "toc", "attr_list", "md_in_html", "admonition", "tables", "footnotes",
        "pymdownx.details", "pymdownx.superfences", "pymdownx.arithmatex"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}})
    md.convert(_strip_front_matter((DOCS / page).read_text(encoding="utf-8")))
    out: list[tuple[int, str, str]] = []

    def walk(tokens):
        for t in tokens:
            out.append((t["level"], t["id"], html.unescape(re.sub(r"<[^>]+>", "", t["name"]))))
            walk(t["children"])
    walk(md.toc_tokens)
    return tuple(out)


@data("errata.headings")
def headings() -> dict[str, tuple]:
    """The headings of every page, read once per change of a page.

    The errata only need the headings; as a separate artifact, an edit that
    leaves every heading alone gives the same object, and the errata values,
    which depend on that object and not on the pages, are not computed again.
    """
    return {p.name: _page_toc(p.name) for p in sorted(DOCS.glob("*.md"))}


def _toc(page: str) -> tuple[tuple[int, str, str], ...]:
    return load("errata.headings").get(page, ())


def sections(page: str) -> dict[str, str]:
    """Anchor -> heading text of every heading of ``docs/<page>``."""
    return {anchor: text for _, anchor, text in _toc(page)}


def expand(text: str, entry_id: str) -> str:
    """An entry's Markdown, with its `{{ chapter.name }}` placeholders left in place.

    The MkDocs hook fills them in when it inserts this page's values (a value may
    hold placeholders; an unknown name fails the build there). Computing them here
    would import every chapter, and make the errata depend on all of them.
    """
    return text


def validate(entry, index: int, seen: set[str]) -> dict:
    """The entry as a dict of stripped strings; ErratumError naming it if anything is wrong."""
    if not isinstance(entry, dict):
        raise ErratumError(f"errata.yml, item {index + 1}: an entry is a mapping of "
                           f"{', '.join(FIELDS)}; got {type(entry).__name__}")
    label = f"errata.yml, entry {entry.get('id', f'number {index + 1}')!r}"
    missing = [f for f in FIELDS if not isinstance(entry.get(f), str) or not entry[f].strip()]
    if missing:
        raise ErratumError(f"{label}: missing or empty field(s): {', '.join(missing)} "
                           f"(every entry needs {', '.join(FIELDS)})")
    extra = sorted(set(entry) - set(FIELDS))
    if extra:
        raise ErratumError(f"{label}: unknown field(s) {', '.join(extra)}")
    e = {f: entry[f].strip() for f in FIELDS}
    if not ID.fullmatch(e["id"]):
        raise ErratumError(f"{label}: the id must be kebab-case (a-z, 0-9, -)")
    if e["id"] in seen:
        raise ErratumError(f"{label}: the id is used twice")
    seen.add(e["id"])
    if f"{e['chapter']}.md" not in load("errata.headings"):
        raise ErratumError(f"{label}: chapter {e['chapter']!r} is no page docs/{e['chapter']}.md")
    if "$" in e["where"]:
        raise ErratumError(f"{label}: 'where' becomes a heading, and headings hold no math")
    if not in_report(e["quote"]):
        raise ErratumError(f"{label}: the quote is not in the report ({REPORT.relative_to(ROOT)}, "
                           f"compared without spacing differences): {e['quote']!r}")
    if not has_test(e["check"]):
        raise ErratumError(f"{label}: the check {e['check']!r} is not an existing test "
                           f"(tests/<file>.py::<test function>)")
    page, sep, anchor = e["derivation"].partition("#")
    if not (sep and anchor and page.endswith(".md") and page in load("errata.headings")):
        raise ErratumError(f"{label}: the derivation must be 'page.md#section' of a page in "
                           f"docs/, got {e['derivation']!r}")
    if anchor not in sections(page):
        raise ErratumError(f"{label}: docs/{page} has no section #{anchor}; its sections: "
                           f"{', '.join(sections(page))}")
    return e


@functools.cache
def load_entries() -> tuple[dict, ...]:
    """Every entry of errata.yml, validated."""
    data = yaml.safe_load(ERRATA.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not data:
        raise ErratumError("errata.yml must be a non-empty YAML list of entries")
    seen: set[str] = set()
    return tuple(validate(entry, i, seen) for i, entry in enumerate(data))


# --- rendering -----------------------------------------------------------------------

def _chapter_order(chapter: str) -> tuple[int, str]:
    return (CHAPTERS.index(chapter) if chapter in CHAPTERS else len(CHAPTERS), chapter)


def title(chapter: str) -> str:
    """A chapter's short title: its page's first heading up to a colon ("House prices")."""
    if f"{chapter}.md" not in load("errata.headings"):
        return chapter
    first = next((text for level, _, text in _toc(f"{chapter}.md") if level == 1), chapter)
    return first.split(":", 1)[0].strip()


def quotation(quote: str) -> str:
    """The quote as an inline ``<q class="report">``; from a code listing, as code."""
    q = " ".join(quote.split())
    if is_code(q):
        ticks = "`" * (max((len(r) for r in re.findall(r"`+", q)), default=0) + 1)
        pad = " " if q.startswith("`") or q.endswith("`") else ""
        q = f"{ticks}{pad}{q}{pad}{ticks}"
    return f'<q class="report">{q}</q>'


def node_id(check: str) -> str:
    """A test's node id as code that may wrap after ``/``, ``::`` and ``_`` on a phone."""
    text = html.escape(check)
    text = re.sub(r"(/|::|_)", r"\1<wbr>", text)
    return f"<code>{text}</code>"


def render(e: dict) -> str:
    page, _, anchor = e["derivation"].partition("#")
    section = sections(page)[anchor]
    where = " ".join(e["where"].split())
    return "\n".join([
        f"### {where} {{#{e['id']}}}",
        "",
        f"**The report:** {quotation(e['quote'])}",
        "",
        f"**What is right:** {expand(e['right'], e['id'])}",
        "",
        f"**The check:** {node_id(e['check'])} proves it; the derivation is in "
        f"[{title(page.removesuffix('.md'))}, “{section}”]({e['derivation']}).",
        "",
        f"**What follows:** {expand(e['consequence'], e['id'])}",
        "",
    ])


@value("errata.entries")
def entries() -> str:
    """Every entry, grouped by chapter in the order of the navigation."""
    by_chapter: dict[str, list[dict]] = {}
    for e in load_entries():
        by_chapter.setdefault(e["chapter"], []).append(e)
    out = []
    for chapter in sorted(by_chapter, key=_chapter_order):
        out += [f"## {title(chapter)}", "",
                f"On our page: [{title(chapter)}]({chapter}.md).", ""]
        out += [render(e) for e in by_chapter[chapter]]
    return "\n".join(out)


@value("errata.summary")
def summary() -> str:
    found = load_entries()
    chapters = {e["chapter"] for e in found}
    return (f"{len(found)} {'entry' if len(found) == 1 else 'entries'} in {len(chapters)} "
            f"{'chapter' if len(chapters) == 1 else 'chapters'}")


def chapter_links(chapter: str) -> str:
    """A Markdown list of links to ``chapter``'s entries on the errata page."""
    mine = [e for e in load_entries() if e["chapter"] == chapter]
    if not mine:
        return "None so far: [the errata page](errata.md) lists the other chapters'."
    return "\n".join(f"- [{' '.join(e['where'].split())}](errata.md#{e['id']})" for e in mine)


def _register_chapter_links() -> None:
    for chapter in CHAPTERS:
        def links(chapter: str = chapter) -> str:
            return chapter_links(chapter)
        links.__name__ = f"links_{chapter.replace('-', '_')}"
        value(f"errata.{chapter.replace('-', '_')}")(links)


_register_chapter_links()
