"""Build-time math: TeX -> MathJax CHTML, with a disk cache and search-friendly text.

Used from the MkDocs hook in two steps per page (Material's search plugin indexes the
page HTML at ``on_page_context``, between the two):

* ``on_page_content`` -> :meth:`Typesetter.page_content`: every formula (pymdownx.arithmatex
  ``<span|div class="arithmatex">``, and ``$...$``/``$$...$$``/``\\(...\\)``/``\\[...\\]``/
  ``\\begin{env}`` inside notebook ``.jp-RenderedMarkdown``/``.jp-RenderedLatex`` cells) is
  typeset (from the cache, else by the node process) and replaced by a placeholder that
  holds a plain-text reading of the formula, e.g. ``∂L/∂w = (2/N) Σᵢ (ŷᵢ − yᵢ) xᵢ``::

      <span class="math-inline" data-math="KEY">x²</span>
      <div class="math-display" data-math="KEY">a/b</div>

  so the search index gets readable text, neither TeX source nor glyph soup.
* ``on_post_page`` -> :meth:`Typesetter.post_page`: each placeholder becomes the typeset
  CHTML (``<mjx-container>`` with assistive MathML for screen readers), the CSS that this
  page's math needs goes into one ``<style class="math-chtml-css">`` at the top of the
  ``<article>`` (Material's instant navigation swaps the article, so the CSS always
  travels with its math), and MathJax ``<script>`` tags (mkdocs-jupyter's MathJax 2
  loader and config) are removed.
* ``on_post_build`` -> :meth:`Typesetter.write_assets`: the woff files that the typeset
  math can use, and only those, into ``assets/mathjax/fonts/``. The @font-face rules use
  URLs relative to the page, so the site works at any depth and under any sub-path.

One node process per build (``typeset.cjs`` next to this file, started on the first
formula that is not in the cache, fed one JSON line per page, closed by :meth:`close`).
Each formula is cached in ``cache_dir/<sha256>.json``; the key covers the TeX, the display
flag, the page's earlier ``\\newcommand`` definitions, the MathJax version, the node
script and the configured macros. A rebuild without new formulas starts no node process.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

try:  # MkDocs prints a PluginError as a clean one-line build failure
    from mkdocs.exceptions import PluginError as _Base
except ImportError:  # pragma: no cover - mkdocs is always installed in this project
    _Base = Exception

__all__ = ["TexError", "TypesetterError", "Typesetter", "mathml_to_text", "find_tex"]

NODE_SCRIPT = Path(__file__).with_name("typeset.cjs")
FONT_DIR = "assets/mathjax/fonts"
FONT_SOURCE = "node_modules/mathjax-full/es5/output/chtml/fonts/woff-v2"
CACHE_FORMAT = 1
TEXT_VERSION = 2          # bump when mathml_to_text changes: cached texts get recomputed
INLINE_SCROLL_EM = 10.0   # inline math wider than this gets its own scroll box
DISPLAY_FOCUS_EM = 20.0   # display math wider than this may scroll on phones: tabindex=0


class TexError(_Base):
    """A formula that MathJax cannot typeset; the message names the page and formula."""

    def __init__(self, page: str, errors: list[tuple[str, bool, str]]):
        self.page = page
        self.errors = errors
        lines = [f"docs page {page}: TeX error in {_show(tex, display)}: {msg}"
                 for tex, display, msg in errors]
        if len(lines) > 1:
            lines[0] += f" (and {len(lines) - 1} more on this page:)"
        super().__init__("\n  ".join(lines))


class TypesetterError(_Base):
    """The typesetting toolchain (node, the mathjax-full npm package) is unusable."""


def _show(tex: str, display: bool) -> str:
    return f"$${tex}$$" if display else f"${tex}$"


# --------------------------------------------------------------------------------------
# Finding math in HTML
# --------------------------------------------------------------------------------------

_ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?P<body>.*?)</(?P=tag)>', re.S)
_NOTEBOOK_OPEN = re.compile(
    r'<div\b[^>]*\bclass="[^"]*\b(?:jp-RenderedMarkdown|jp-RenderedLatex)\b[^"]*"[^>]*>')
_DIV_TAG = re.compile(r"<(/?)div\b[^>]*>", re.I)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>|<!--.*?-->", re.S)
_SKIP_TAGS = {"code", "pre", "script", "style", "textarea", "kbd", "samp", "svg", "math",
              "mjx-container"}
_START = re.compile(r"\\\$|\$\$|\$|\\\(|\\\[|\\begin\{([^}\s]+)\}")

_MATHJAX_SCRIPT = re.compile(
    r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_MATHJAX_LOADER = re.compile(   # nbconvert's "<!-- Load mathjax -->" + loader (src may be "")
    r"<!--\s*Load mathjax\s*-->\s*<script\b[^>]*>[^<]*</script>", re.I)
_MATHJAX_COMMENT = re.compile(
    r"<!--\s*(?:Load mathjax|MathJax configuration|End of mathjax configuration)\s*-->",
    re.I)

_PLACEHOLDER = re.compile(
    r'<(?P<tag>span|div) class="(?P<cls>math-inline|math-display)" '
    r'data-math="(?P<key>[0-9a-f]{64})">[^<]*</(?P=tag)>')
_ARTICLE = re.compile(r"<article\b[^>]*>")


def find_tex(text: str) -> tuple[list[tuple[int, int, str, bool]], list[int]]:
    """TeX in one run of (HTML-escaped) text, the way MathJax's tex2jax finds it.

    Returns ``(maths, escapes)``: ``(start, end, tex, display)`` for each formula, with
    delimiters ``$$ $ \\( \\[`` stripped (``\\begin{env}...\\end{env}`` kept whole), the end
    delimiter only counted outside braces; and the positions of ``\\$`` escapes.
    """
    maths, escapes, pos = [], [], 0
    while (m := _START.search(text, pos)) is not None:
        token = m.group(0)
        if token == "\\$":
            escapes.append(m.start())
            pos = m.end()
            continue
        if m.group(1):
            env = m.group(1)
            end = _find_end(text, m.end(), "\\end{" + env + "}", nest="\\begin{" + env + "}")
            if end is not None:
                maths.append((m.start(), end, text[m.start():end], True))
                pos = end
            else:
                pos = m.end()
            continue
        close = {"$$": "$$", "$": "$", "\\(": "\\)", "\\[": "\\]"}[token]
        end = _find_end(text, m.end(), close)
        body = text[m.end(): end - len(close)] if end is not None else ""
        if end is None or not body.strip():
            pos = m.end()
            continue
        maths.append((m.start(), end, body, token in ("$$", "\\[")))
        pos = end
    return maths, escapes


def _find_end(text: str, pos: int, close: str, nest: str | None = None) -> int | None:
    braces, depth, i, n = 0, 0, pos, len(text)
    while i < n:
        c = text[i]
        if text.startswith(close, i) and braces == 0:
            if depth == 0:
                return i + len(close)
            depth -= 1
            i += len(close)
            continue
        if nest and text.startswith(nest, i):
            depth += 1
            i += len(nest)
            continue
        if c == "\\":
            i += 2
            continue
        if c == "{":
            braces += 1
        elif c == "}" and braces > 0:
            braces -= 1
        i += 1
    return None


@dataclass
class _Math:
    start: int
    end: int
    tex: str          # plain TeX (HTML entities decoded)
    display: bool
    block: bool       # the placeholder may be a <div> (arithmatex display math)
    pre: str = ""     # earlier \newcommand-style definitions on the page
    key: str = ""


_DEFINES = re.compile(
    r"\\(?:re)?newcommand\b|\\(?:re)?newenvironment\b|\\def\b|\\let\b|"
    r"\\DeclareMathOperator\b")


def _find_math(content: str) -> tuple[list[_Math], list[int]]:
    """Formulas in page HTML, in page order; and the ``\\$`` escapes in notebook text."""
    found: list[_Math] = []
    for m in _ARITHMATEX.finditer(content):
        tex = html.unescape(m.group("body")).strip()
        display = m.group("tag") == "div"
        for a, b in (("\\(", "\\)"), ("\\[", "\\]")):
            if tex.startswith(a) and tex.endswith(b):
                tex, display = tex[2:-2], a == "\\["
                break
        found.append(_Math(m.start(), m.end(), tex, display, block=m.group("tag") == "div"))
    taken = [(f.start, f.end) for f in found]
    escapes: list[int] = []
    for region_start, region_end in _notebook_regions(content):
        if any(a < region_end and region_start < b for a, b in taken):
            continue
        for start, end, in_code in _text_runs(content, region_start, region_end):
            if in_code:
                continue
            maths, dollars = find_tex(content[start:end])
            escapes += [start + i for i in dollars]
            found += [_Math(start + a, start + b, html.unescape(tex).strip(), display,
                            block=False) for a, b, tex, display in maths]
    found.sort(key=lambda f: f.start)
    return found, escapes


def _notebook_regions(content: str):
    """(start, end) of the inside of each notebook Markdown cell / LaTeX output."""
    pos = 0
    while (m := _NOTEBOOK_OPEN.search(content, pos)) is not None:
        depth, end = 1, None
        for t in _DIV_TAG.finditer(content, m.end()):
            depth += -1 if t.group(1) else 1
            if depth == 0:
                end = t.start()
                break
        if end is None:
            return
        yield m.end(), end
        pos = end


def _text_runs(content: str, start: int, end: int):
    """(start, end, in_code) for each run of text between the tags of content[start:end]."""
    skip: list[str] = []
    pos = start
    for tag in [*_TAG.finditer(content, start, end), None]:
        text_end = tag.start() if tag else end
        if text_end > pos:
            yield pos, text_end, bool(skip)
        if tag is None:
            return
        pos = tag.end()
        name = (tag.group(2) or "").lower()
        if name in _SKIP_TAGS and not tag.group(3):
            if not tag.group(1):
                skip.append(name)
            elif skip and skip[-1] == name:
                skip.pop()


def strip_mathjax_scripts(page_html: str) -> str:
    """Remove MathJax loaders/configs (e.g. mkdocs-jupyter's MathJax 2 block)."""
    def drop(m: re.Match) -> str:
        attrs, body = m.group("attrs"), m.group("body")
        if re.search(r"mathjax", attrs, re.I):   # src=".../mathjax/...", type="text/x-mathjax-config"
            return ""
        if re.search(r"\bMathJax\s*[.=]|window\.MathJax\b", body):
            return ""
        return m.group(0)
    page_html = _MATHJAX_LOADER.sub("", page_html)
    return _MATHJAX_COMMENT.sub("", _MATHJAX_SCRIPT.sub(drop, page_html))


# --------------------------------------------------------------------------------------
# MathML -> readable plain text (search index, previews)
# --------------------------------------------------------------------------------------

_SUP = dict(zip("0123456789+−-=()niT⊤abcdefghjklmoprstuvwxyzABDEGHIJKLMNOPRUVWβγδθφχ",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵀᵀᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵁⱽᵂᵝᵞᵟᶿᵠᵡ"))
_SUP.update({"′": "′", "″": "″", "‴": "‴", "∗": "*", "*": "*"})
_SUB = dict(zip("0123456789+−-=()aehijklmnoprstuvxβγρφχ",
                "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))
_ACCENTS = {"^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "¯": "\u0304",
            "‾": "\u0305", "―": "\u0305", "_": "\u0332", "˙": "\u0307", "¨": "\u0308",
            "→": "\u20d7", "⃗": "\u20d7", "ˇ": "\u030c", "´": "\u0301", "`": "\u0300",
            "˘": "\u0306", "˚": "\u030a"}
_BRACES = set("⏟⏞︸︷⎵⎴")
_LARGE = set("∑∏∐∫∬∭∮⋃⋂⨁⨂⨀⋁⋀")
_LARGE_TEXT = {"∑": "Σ", "∏": "Π"}   # what readers type and expect in search
_OPS = set("=<>≤≥≠≈≡∼≃≅∝→←↔↦⇒⇐⇔⟹⟸⟺⟶⟵∈∉∋⊂⊃⊆⊇∪∩∖+−±∓×÷⋅·∘∗⊗⊕∧∨≪≫≺≻⪯⪰∣∤∥:≔⊥") | {
    ":=", "≕", "-", "*"}
_OPEN = set("([{⟨⌊⌈")
_CLOSE = set(")]}⟩⌋⌉")
_INVISIBLE = {"\u2061", "\u2062", "\u2063", "\u2064"}
_DOUBLE_STRUCK = {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}


def _local(el: ET.Element) -> str:
    return el.tag.rsplit("}", 1)[-1]


def _simple(s: str) -> bool:
    return bool(s) and not any(c in " /+−-=<>±×·⋅,;:" for c in s)


def _enclosed(s: str) -> bool:
    if len(s) < 2 or s[0] != "(" or s[-1] != ")":
        return False
    depth = 0
    for i, c in enumerate(s):
        depth += (c == "(") - (c == ")")
        if depth == 0 and i < len(s) - 1:
            return False
    return True


def _wrap(s: str) -> str:
    return s if _simple(s) or _enclosed(s) else f"({s})"


def _script(base: str, script: str, table: dict, mark: str) -> str:
    compact = script.replace(" ", "")
    if compact and len(compact) <= 4 and all(c in table for c in compact):
        return base + "".join(table[c] for c in compact)
    if compact in ("′", "″", "‴"):
        return base + compact
    return base + mark + (script if _simple(script) and len(script) == 1 or
                          mark == "_" and re.fullmatch(r"\w+", script) else f"({script})")


class _Part:
    __slots__ = ("text", "kind")

    def __init__(self, text: str, kind: str):
        # kind: atom op punct open close large func frac braced space none
        self.text, self.kind = text, kind


def _part(el: ET.Element) -> _Part:
    name = _local(el)
    text = (el.text or "").strip() if name in ("mi", "mn", "mo", "ms") else None
    if name == "mi":
        if el.get("mathvariant") == "double-struck" and len(text) == 1:
            text = _DOUBLE_STRUCK.get(text, chr(0x1D538 + ord(text) - 65)
                                      if "A" <= text <= "Z" else text)
        return _Part(text, "func" if len(text) > 1 else "atom")
    if name == "mn":
        return _Part(text, "atom")
    if name == "mo":
        if not text or text in _INVISIBLE:
            return _Part("", "none")
        cls = el.get("data-mjx-texclass")
        if text in _LARGE:
            return _Part(_LARGE_TEXT.get(text, text), "large")
        if len(text) > 1 and text.isalpha() or cls == "OP" and text.isalpha():
            return _Part(text, "func")
        if text in (",", ";"):
            return _Part(text, "punct")
        if text in (".", "!", "′", "″"):
            return _Part(text, "close")
        if cls == "OPEN" or text in _OPEN:
            return _Part(text, "open")
        if cls == "CLOSE" or text in _CLOSE:
            return _Part(text, "close")
        if text in _OPS:
            return _Part(text, "op")
        return _Part(text, "atom")
    if name == "mtext":
        raw = (el.text or "").replace("\xa0", " ")
        return _Part(raw, "space" if not raw.strip() else "atom")
    if name == "ms":
        return _Part(f'"{text}"', "atom")
    if name == "mspace":
        if el.get("linebreak") == "newline":
            return _Part(" ", "space")
        width = re.match(r"\s*(-?[\d.]+)\s*(em|ex|mu|pt|px)?", el.get("width") or "0")
        em = float(width.group(1)) * {"ex": .5, "mu": 1 / 18, "pt": .1, "px": 1 / 16}.get(
            width.group(2) or "em", 1) if width else 0
        return _Part(" " if em >= .15 else "", "space" if em >= .15 else "none")
    kids = list(el)
    if name in ("mphantom", "annotation", "annotation-xml", "none", "mprescripts"):
        return _Part("", "none")
    if name in ("semantics", "maction"):
        return _part(kids[0]) if kids else _Part("", "none")
    if name == "mfrac" and len(kids) == 2:
        num, den = _row([kids[0]]), _row([kids[1]])
        if el.get("linethickness") in ("0", "0pt", "0em", "0px"):
            return _Part(f"{num} choose {den}", "frac")
        return _Part(f"{_wrap(num)}/{_wrap(den)}", "frac")
    if name == "msqrt":
        return _Part("√" + _wrap(_row(kids)), "atom")
    if name == "mroot" and len(kids) == 2:
        index = _row([kids[1]])
        return _Part(_script("", index, _SUP, "^") + "√" + _wrap(_row([kids[0]])), "atom")
    if name in ("msub", "msup", "msubsup") and len(kids) >= 2:
        base = _part(kids[0])
        text = _wrap(base.text) if base.kind not in ("large", "func") else base.text
        if name in ("msub", "msubsup"):
            text = _script(text, _row([kids[1]]), _SUB, "_")
        if name in ("msup", "msubsup"):
            text = _script(text, _row([kids[-1]]), _SUP, "^")
        return _Part(text, base.kind if base.kind in ("large", "func") else "atom")
    if name in ("munder", "mover", "munderover") and len(kids) >= 2:
        return _under_over(name, kids, el)
    if name in ("mtable",):
        return _Part(_table(el), "atom")
    if name == "mmultiscripts" and kids:
        return _part(kids[0])
    # mrow, mstyle, mpadded, menclose, merror, math, mtd, TeX atoms ...
    parts = _parts(kids)
    text = _join(parts)
    return _Part(text, parts[0].kind if len(parts) == 1 else "atom")


def _under_over(name: str, kids: list[ET.Element], el: ET.Element) -> _Part:
    base = _part(kids[0])
    under = _row([kids[1]]) if name != "mover" else None
    over = _row([kids[-1]]) if name != "munder" else None
    if base.kind in ("large", "func"):
        text = base.text
        if under is not None:
            text = _script(text, under, _SUB, "_")
        if over is not None:
            text = _script(text, over, _SUP, "^")
        return _Part(text, base.kind)
    text = base.text
    for script, accent_mark in ((under, "_"), (over, "^")):
        if script is None:
            continue
        if script in _BRACES:                  # \underbrace / \overbrace: the braced part
            return _Part(text, "braced")
        if script in _ACCENTS and (el.get("accent") == "true" or el.get("accentunder") == "true"
                                   or len(script) == 1):
            mark = _ACCENTS[script]
            text = "".join(c + mark for c in text) if mark in "\u0305\u0332" else text + mark
            continue
        if base.kind == "braced":
            text = f"{text} [{script}]"
            continue
        text = _script(_wrap(text), script, _SUB if accent_mark == "_" else _SUP, accent_mark)
    return _Part(text, "atom")


def _table(el: ET.Element) -> str:
    rows = []
    for tr in el:
        cells = list(tr)
        if _local(tr) == "mlabeledtr":
            cells = cells[1:]
        out = ""
        for i, td in enumerate(cells):
            cell = _row(list(td)).strip()
            if i < len(cells) - 1:
                cell = cell.rstrip(",; ")
            if i == 0 or not out:
                out += cell
            elif not cell:
                continue
            elif cell[0] in _OPS or cell.split(" ", 1)[0] in _OPS:
                out += " " + cell
            else:
                out += ", " + cell
        rows.append(out)
    rows = [r.rstrip(",; ") for r in rows[:-1]] + rows[-1:]
    return "; ".join(r for r in rows if r)


def _parts(kids: list[ET.Element]) -> list[_Part]:
    return [p for p in (_part(k) for k in kids) if p.kind != "none"]


def _row(kids: list[ET.Element]) -> str:
    return _join(_parts(kids))


def _join(parts: list[_Part]) -> str:
    out: list[str] = []
    prev = None
    for i, p in enumerate(parts):
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        text = p.text
        if p.kind == "frac" and not _enclosed(text) and (
                prev is not None and prev.kind in ("atom", "frac", "close", "func", "large")
                or nxt is not None and nxt.kind in ("atom", "frac", "open", "large", "func")):
            text = f"({text})"   # (2/N) Σ ..., not 2/N Σ ...
        if p.kind == "op":
            prefix = prev is None or prev.kind in ("op", "open", "punct", "large")
            out.append(text if prefix else f" {text} ")
        elif p.kind == "punct":
            out.append(text + " ")
        elif p.kind == "large":
            if prev is not None and prev.kind in ("atom", "frac", "close", "func", "braced"):
                out.append(" ")
            out.append(text + " ")
        elif p.kind == "func":
            if prev is not None and prev.kind in ("atom", "frac", "close", "braced"):
                out.append(" ")
            out.append(text)
            if nxt is not None and nxt.kind in ("atom", "frac", "func", "large"):
                out.append(" ")
        elif p.kind in ("atom", "braced") and prev is not None and prev.kind == "close" \
                and p.text[:1].isalnum():
            out.append(" " + text)
        else:
            out.append(text)
        prev = p
    return "".join(out)


def mathml_to_text(mathml: str) -> str:
    """A linear Unicode reading of MathML: ``x²``, ``a/b``, ``(a + b)/2``, ``√(x + 1)``."""
    try:
        root = ET.fromstring(mathml)
    except ET.ParseError:
        text = html.unescape(re.sub(r"<[^>]+>", "", mathml))
    else:
        text = _row([root])
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"([(\[{]) ", r"\1", text)
    text = re.sub(r" ([)\]},;])", r"\1", text)
    return unicodedata.normalize("NFC", text.strip())   # y + U+0302 -> ŷ


_ASSISTIVE = re.compile(r"<mjx-assistive-mml\b[^>]*>(.*?)</mjx-assistive-mml>", re.S)


def _readable(chtml: str) -> str:
    m = _ASSISTIVE.search(chtml)
    return mathml_to_text(m.group(1)) if m else ""


# --------------------------------------------------------------------------------------
# The node process
# --------------------------------------------------------------------------------------

class _Node:
    def __init__(self, root: Path, macros: dict, log: logging.Logger, version: str):
        node = shutil.which("node")
        if node is None:
            raise TypesetterError("math typesetting needs Node.js: `node` is not on PATH "
                                  "(install Node 20, then run `npm ci` / `make setup`)")
        self.stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self.stderr_text = ""
        self.closed = False
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [node, str(NODE_SCRIPT), str(root), json.dumps({"macros": macros})],
            cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
            text=True, encoding="utf-8")
        hello = self._read()
        if hello.get("version") != version:
            self.close()
            raise TypesetterError(f"node reports MathJax {hello.get('version')}, "
                                  f"node_modules has {version}: run `npm ci`")
        self.start_seconds = time.perf_counter() - t0
        log.debug("math: node started in %.2f s", self.start_seconds)

    def _read(self) -> dict:
        line = self.proc.stdout.readline() if not self.closed else ""
        if not line:
            self.close()
            self.stderr_text = self.stderr_text or "(no output)"
            raise TypesetterError(
                f"the MathJax node process ({NODE_SCRIPT.name}) stopped "
                f"(exit {self.proc.returncode}): {self.stderr_text[-2000:]}")
        return json.loads(line)

    def ask(self, request: dict) -> dict:
        try:
            self.proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
            self.proc.stdin.flush()
        except (OSError, ValueError):   # it died: _read reports why
            pass
        answer = self._read()
        if not answer.get("ok"):
            raise TypesetterError(f"MathJax node process failed: {answer.get('error')}")
        return answer

    def close(self) -> None:
        """Close its stdin (it exits on EOF), wait for it, release the pipes."""
        if self.closed:
            return
        self.closed = True
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.stderr.seek(0)
        self.stderr_text = self.stderr.read().strip()
        self.stderr.close()


# --------------------------------------------------------------------------------------
# The typesetter
# --------------------------------------------------------------------------------------

def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode()).hexdigest()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _valid_result(r) -> bool:
    return (isinstance(r, dict) and isinstance(r.get("html"), str)
            and r["html"].startswith("<mjx-container") and r["html"].endswith("</mjx-container>")
            and isinstance(r.get("rules"), list)
            and all(isinstance(x, list) and len(x) == 2 and x[0] in (0, 1)
                    and isinstance(x[1], str) for x in r["rules"])
            and isinstance(r.get("fonts"), list) and all(isinstance(f, str) for f in r["fonts"])
            and isinstance(r.get("bbox"), list) and len(r["bbox"]) == 3)


class Typesetter:
    """Typesets a site's math at build time; see the module docstring."""

    def __init__(self, root: Path, cache_dir: Path, log: logging.Logger,
                 macros: dict | None = None):
        self.root = Path(root)
        self.cache_dir = Path(cache_dir)
        self.log = log
        self.macros = dict(macros or {})
        self._node: _Node | None = None
        self._config_key: str | None = None
        self._version: str | None = None
        self._base: dict | None = None
        self._results: dict[str, dict] = {}   # key -> result, this build
        self._texts: dict[str, str] = {}      # key -> readable text
        self._families: set[str] = set()      # font families used by the pages served
        # pages/formulas: pages with math and their formulas; unique: distinct formulas;
        # cached: read from disk; typeset: by node; corrupt: damaged entries recomputed;
        # seconds: time spent in this object (node_seconds of it waiting for node).
        self.stats = {"pages": 0, "formulas": 0, "unique": 0, "cached": 0, "typeset": 0,
                      "corrupt": 0, "node_started": False, "node_starts": 0,
                      "node_start_seconds": 0.0, "node_seconds": 0.0, "seconds": 0.0}

    # ---- configuration and cache ----

    @property
    def version(self) -> str:
        if self._version is None:
            package = self.root / "node_modules" / "mathjax-full" / "package.json"
            try:
                self._version = json.loads(package.read_text(encoding="utf-8"))["version"]
            except (OSError, ValueError, KeyError) as err:
                raise TypesetterError(
                    f"the pinned npm package mathjax-full is missing ({package}): "
                    "run `npm ci` (or `make setup`)") from err
        return self._version

    @property
    def config_key(self) -> str:
        if self._config_key is None:
            script = hashlib.sha256(NODE_SCRIPT.read_bytes()).hexdigest()
            self._config_key = _digest({"format": CACHE_FORMAT, "mathjax": self.version,
                                        "script": script, "macros": self.macros})
        return self._config_key

    def key(self, tex: str, display: bool, pre: str = "") -> str:
        return _digest([self.config_key, bool(display), pre, tex])

    def _read_entry(self, path: Path, expect: dict, valid) -> tuple[dict, object] | None:
        """(header, payload) of a cache file; None when it is missing or damaged.

        A cache file is two lines: a JSON header (what the entry is for, its readable
        text and the sha256 of text + payload) and the JSON payload.
        """
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError):
            raw = ""
        head, _, body = raw.partition("\n")
        header = payload = None
        try:
            header = json.loads(head)
            if (isinstance(header, dict) and header.get("format") == CACHE_FORMAT
                    and all(header.get(k) == v for k, v in expect.items())
                    and header.get("digest") == _sha(f"{header.get('text', '')}\n{body}")):
                payload = json.loads(body)
        except ValueError:
            pass
        if payload is not None and valid(payload):
            return header, payload
        self.stats["corrupt"] += 1
        self.log.info("math cache: ignoring a damaged entry %s (recomputing it)", path.name)
        return None

    def _write_entry(self, path: Path, header: dict, payload) -> None:
        """Atomically (temp file + os.replace), so concurrent builds can share the cache."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        header = dict(header, format=CACHE_FORMAT,
                      digest=_sha(f"{header.get('text', '')}\n{body}"))
        data = json.dumps(header, ensure_ascii=False, separators=(",", ":")) + "\n" + body
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem[:16]}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _store_formula(self, f: _Math, result: dict) -> None:
        text = _readable(result["html"])
        self._results[f.key], self._texts[f.key] = result, text
        self._write_entry(self.cache_dir / f"{f.key}.json",
                    {"key": f.key, "tex": f.tex, "display": f.display, "pre": f.pre,
                     "text": text, "text_version": TEXT_VERSION}, result)

    def _load_formula(self, key: str, expect: dict) -> bool:
        entry = self._read_entry(self.cache_dir / f"{key}.json", dict(expect, key=key),
                                 _valid_result)
        if entry is None:
            return False
        header, self._results[key] = entry
        if header.get("text_version") == TEXT_VERSION and isinstance(header.get("text"), str):
            self._texts[key] = header["text"]
        return True

    def _node_process(self) -> _Node:
        if self._node is None:
            t0 = time.perf_counter()
            self._node = _Node(self.root, self.macros, self.log, self.version)
            self.stats["node_started"] = True
            self.stats["node_starts"] += 1
            self.stats["node_start_seconds"] = round(self._node.start_seconds, 3)
            self.stats["node_seconds"] += time.perf_counter() - t0
        return self._node

    @property
    def base(self) -> dict:
        if self._base is None:
            path = self.cache_dir / f"base-{self.config_key}.json"
            entry = self._read_entry(path, {"key": path.stem},
                               lambda b: isinstance(b, dict) and {"rules", "faces"} <= set(b))
            if entry is not None:
                self._base = entry[1]
            else:
                t0 = time.perf_counter()
                self._base = self._node_process().ask({"op": "base"})["base"]
                self.stats["node_seconds"] += time.perf_counter() - t0
                self._write_entry(path, {"key": path.stem}, self._base)
        return self._base

    def _typeset(self, maths: list[_Math], page_id: str) -> None:
        """Fill self._results for every formula (memory, then disk cache, then node)."""
        missing: dict[str, _Math] = {}
        for f in maths:
            f.key = self.key(f.tex, f.display, f.pre)
            if f.key in self._results or f.key in missing:
                continue
            if self._load_formula(f.key, {"tex": f.tex, "display": f.display, "pre": f.pre}):
                self.stats["cached"] += 1
            else:
                missing[f.key] = f
        if not missing:
            return
        node = self._node_process()
        t0 = time.perf_counter()
        items = list(missing.values())
        answer = node.ask({"op": "typeset", "items": [
            {"tex": f.tex, "display": f.display, "pre": f.pre} for f in items]})
        self.stats["node_seconds"] += time.perf_counter() - t0
        errors = []
        for f, result in zip(items, answer["results"], strict=True):
            if "error" in result:
                errors.append((f.tex, f.display, result["error"]))
                continue
            self._store_formula(f, result)
            self.stats["typeset"] += 1
        if errors:
            raise TexError(page_id, errors)

    def _result(self, key: str) -> dict:
        """The typeset formula; from the disk cache if page_content ran in another process."""
        if key not in self._results and not self._load_formula(key, {}):
            raise TypesetterError(f"math placeholder {key[:12]}… has no typeset formula "
                                  "(page_content was not run for this page?)")
        return self._results[key]

    def text(self, key: str) -> str:
        if key not in self._texts:
            self._texts[key] = _readable(self._result(key)["html"])
        return self._texts[key]

    # ---- the MkDocs steps ----

    def page_content(self, html_text: str, page_id: str, page_url: str) -> str:
        """on_page_content: formulas -> readable placeholders (typesetting them now)."""
        t0 = time.perf_counter()
        try:
            content = strip_mathjax_scripts(html_text)
            maths, escapes = _find_math(content)
            if not maths:
                return _replace(content, [(i, i + 2, "$") for i in escapes])
            pre = ""
            for f in maths:
                f.pre = pre
                if _DEFINES.search(f.tex):
                    pre += f.tex + "\n"
            self._typeset(maths, page_id)
            self.stats["pages"] += 1
            self.stats["formulas"] += len(maths)
            self.stats["unique"] = len(self._results)
            edits = [(i, i + 2, "$") for i in escapes]   # notebook \$ -> $ (processEscapes)
            for f in maths:
                tag = "div" if f.block else "span"
                cls = "math-display" if f.display else "math-inline"
                edits.append((f.start, f.end, f'<{tag} class="{cls}" data-math="{f.key}">'
                              f"{html.escape(self.text(f.key), quote=False)}</{tag}>"))
            return _replace(content, edits)
        finally:
            self.stats["seconds"] += time.perf_counter() - t0

    def post_page(self, output: str, page_id: str, page_url: str) -> str:
        """on_post_page: placeholders -> CHTML, plus the page's CSS; no MathJax scripts."""
        t0 = time.perf_counter()
        try:
            output = strip_mathjax_scripts(output)
            keys: list[str] = []

            def swap(m: re.Match) -> str:
                key = m.group("key")
                result = self._result(key)
                keys.append(key)
                w, h, d = result["bbox"]
                if m.group("cls") == "math-display":
                    tag = m.group("tag")
                    focus = ' tabindex="0"' if w > DISPLAY_FOCUS_EM else ""   # keyboard scroll
                    return f'<{tag} class="math-display"{focus}>{result["html"]}</{tag}>'
                if w > INLINE_SCROLL_EM:   # own scroll box, baseline kept (see math.css)
                    return (f'<span class="math-inline math-scroll" style="vertical-align:'
                            f'calc(-{max(d, 0):.3f}em - 1px)">{result["html"]}</span>')
                return f'<span class="math-inline">{result["html"]}</span>'

            output = _PLACEHOLDER.sub(swap, output)
            if not keys:
                return output
            style = f'<style class="math-chtml-css">{self.page_css(keys, page_url)}</style>'
            article = _ARTICLE.search(output)
            at = article.end() if article else output.index("<mjx-container")
            if not article:   # no Material article (fragment): before the first formula's box
                at = max(output.rfind("<span", 0, at), output.rfind("<div", 0, at))
            return output[:at] + style + output[at:]
        finally:
            self.stats["seconds"] += time.perf_counter() - t0

    def page_css(self, keys: list[str], page_url: str) -> str:
        """The CSS for the given formulas: MathJax's rules in MathJax's order, deduplicated."""
        base = self.base
        sections: list[dict[str, None]] = [{}, {}]
        families: set[str] = set()
        for key in dict.fromkeys(keys):
            result = self._result(key)
            for section, rule in result["rules"]:
                sections[section][rule] = None
            families.update(result["fonts"])
        families &= set(base["faces"])
        self._families |= families
        fonts = _relative(page_url, FONT_DIR)
        css = [r for s, r in base["rules"] if s == 0] + list(sections[0])
        css += [r for s, r in base["rules"] if s == 1]
        css += [base["faces"][f][0].replace("@@FONTS@@", fonts) for f in sorted(families)]
        css += list(sections[1])
        return "\n".join(css)

    def font_files(self) -> list[str]:
        """Names of the woff files that the pages typeset so far can use."""
        faces = self.base["faces"] if self._families else {}
        return sorted(faces[f][1] for f in self._families)

    def write_assets(self, site_dir: Path, prune: bool = True) -> list[Path]:
        """on_post_build: copy the used woff files into site_dir/assets/mathjax/fonts/.

        ``prune=False`` keeps fonts no page of this build used: a dirty build
        typesets only the pages it rebuilt, and the others still need theirs."""
        t0 = time.perf_counter()
        try:
            target = Path(site_dir) / FONT_DIR
            files = self.font_files()
            if not files:
                return []
            source = self.root / FONT_SOURCE
            target.mkdir(parents=True, exist_ok=True)
            written = []
            for name in files:
                src = source / name
                if not src.is_file():
                    raise TypesetterError(f"MathJax font {src} is missing: run `npm ci`")
                shutil.copyfile(src, target / name)
                written.append(target / name)
            for stale in target.glob("*.woff") if prune else ():
                if stale.name not in files:
                    stale.unlink()
            return written
        finally:
            self.stats["seconds"] += time.perf_counter() - t0

    def close(self) -> None:
        """End the node process if one was started."""
        if self._node is not None:
            self._node.close()
            self._node = None

    def __enter__(self) -> Typesetter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _replace(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping (start, end, new) edits."""
    out, pos = [], 0
    for start, end, new in sorted(edits):
        out += [text[pos:start], new]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _relative(page_url: str, target: str) -> str:
    """URL of site-root-relative ``target`` from the page at ``page_url`` (MkDocs page.url)."""
    page_url = page_url.lstrip("/")
    depth = page_url.count("/")   # "", "a.html" -> 0; "a/", "a/b.html" -> 1; "a/b/" -> 2
    return "../" * depth + target
