"""What the hook does to a page's text: placeholders, code includes and figures.

**Placeholders.** ``{{ chapter.name }}`` in page text is replaced by the
computed value of that name. Anything between ``{{`` and ``}}`` that is not a
registered name fails the build and lists the closest names. Code spans and
fenced code are left alone; ``\\{{`` writes a literal ``{{`` in prose.

**Code includes.** A fenced ``python`` block whose lines are
``--8<-- "src/gradbook/<module>.py:<section>"`` shows that section of the
source without its docstrings (a reader needs the signature and the body; the
docstrings are the API reference), followed by links to the reference entries
of the public functions it shows.

**Figures.** A generated figure is written in a page as::

    <figure id="fig-fits" markdown>
    ![](figures/house-fits.png)
    <figcaption markdown>What the reader should see.</figcaption>
    </figure>

and becomes a numbered figure ("Figure 2.") with light and dark variants, a
phone layout where the figure has one, a still frame for readers who prefer
reduced motion, width and height, lazy loading and click-to-enlarge. An empty
link ``[](#fig-fits)`` becomes "Figure 2". A generated image outside such a
figure fails the build.
"""

from __future__ import annotations

import ast
import difflib
import html
import posixpath
import re
import textwrap
from pathlib import Path


class PageError(Exception):
    """A mistake in a page; the message names the page and what to fix."""


# --- placeholders ------------------------------------------------------------

PLACEHOLDER = re.compile(r"(?<!\\)\{\{(.*?)\}\}", re.S)
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)", re.S)


def _prose_segments(markdown: str):
    """Split ``markdown`` into (is_prose, text) pieces; fenced code is not prose."""
    out, buf, fence = [], [], None
    for line in markdown.splitlines(keepends=True):
        m = FENCE.match(line)
        if fence is None and m:
            out.append((True, "".join(buf)))
            buf, fence = [line], m.group("fence")
        elif fence is not None:
            buf.append(line)
            if m and m.group("fence")[0] == fence[0] and len(m.group("fence")) >= len(fence) \
                    and line.strip() == m.group("fence"):
                out.append((False, "".join(buf)))
                buf, fence = [], None
        else:
            buf.append(line)
    out.append((fence is None, "".join(buf)))
    return out


def render_values(markdown: str, values: dict[str, str], page: str) -> str:
    """Replace every ``{{ name }}`` in the prose of ``markdown`` by ``values[name]``."""
    problems: list[str] = []

    def substitute(match: re.Match, depth: int = 0) -> str:
        name = match.group(1).strip()
        if name in values:
            # a value may itself hold placeholders (the errata quote other chapters' numbers)
            if depth < 3 and "{{" in values[name]:
                return PLACEHOLDER.sub(lambda m: substitute(m, depth + 1), values[name])
            return values[name]
        close = difflib.get_close_matches(name, list(values), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        problems.append(f"{{{{ {name} }}}} is not a computed value{hint}")
        return match.group(0)

    def prose(text: str) -> str:
        pieces, last = [], 0
        for span in CODE_SPAN.finditer(text):
            pieces.append(PLACEHOLDER.sub(substitute, text[last:span.start()]))
            pieces.append(span.group(0))
            last = span.end()
        pieces.append(PLACEHOLDER.sub(substitute, text[last:]))
        return "".join(pieces)

    result = "".join(prose(t) if is_prose else t for is_prose, t in _prose_segments(markdown))
    if problems:
        known = ", ".join(sorted(values))
        raise PageError(f"{page}: " + "; ".join(problems) +
                        f". Known values: {known}. Write \\{{{{ for a literal {{{{.")
    return result


# --- code includes -------------------------------------------------------------

INCLUDE = re.compile(r'^[ \t]*--8<--[ \t]+"(?P<path>[^":]+):(?P<section>[\w-]+)"[ \t]*$')


def section_source(root: Path, path: str, section: str, page: str) -> str:
    """The lines between ``# --8<-- [start:section]`` and ``[end:section]``."""
    file = root / path
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise PageError(f"{page}: cannot include {path}: {err}") from err
    start = f"# --8<-- [start:{section}]"
    end = f"# --8<-- [end:{section}]"
    try:
        i = next(k for k, line in enumerate(lines) if line.strip() == start)
        j = next(k for k, line in enumerate(lines) if k > i and line.strip() == end)
    except StopIteration:
        raise PageError(f"{page}: {path} has no section {section!r} "
                        f"(markers '{start}' and '{end}')") from None
    return textwrap.dedent("\n".join(lines[i + 1:j])).strip("\n")


#: Decorators that record the fuzz contract (`gradbook._contract`): API facts, not math.
HIDDEN_DECORATORS = {"contract"}


def strip_docstrings(source: str) -> tuple[str, list[str]]:
    """``source`` without the docstrings (and contract decorators) of its functions
    and classes, and the names of the top-level ones."""
    tree = ast.parse(source)
    drop: list[tuple[int, int]] = []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.col_offset == 0:
                names.append(node.name)
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(
                    getattr(body[0], "value", None), ast.Constant) and isinstance(
                    body[0].value.value, str):
                drop.append((body[0].lineno, body[0].end_lineno))
            for deco in getattr(node, "decorator_list", []):
                target = deco.func if isinstance(deco, ast.Call) else deco
                if getattr(target, "id", getattr(target, "attr", "")) in HIDDEN_DECORATORS:
                    drop.append((deco.lineno, deco.end_lineno))
    lines = source.splitlines()
    keep = [line for n, line in enumerate(lines, 1)
            if not any(a <= n <= b for a, b in drop)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(keep)).strip("\n"), names


def expand_includes(markdown: str, root: Path, page: str, public: dict[str, set[str]]) -> str:
    """Expand ``--8<--`` lines in python fences into docstring-free code plus reference links.

    ``public`` maps a module path (``src/gradbook/linalg.py``) to the names in
    its ``__all__``: only those get a link to the API reference.
    """
    out: list[str] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line)
        if not (m and line.strip().lstrip("`~").startswith("python")):
            out.append(line)
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].strip() != m.group("fence"):
            j += 1
        body = lines[i + 1:j]
        includes = [INCLUDE.match(b) for b in body if b.strip()]
        if not includes or not all(includes):
            out.extend(lines[i:j + 1])
            i = j + 1
            continue
        indent = m.group("indent")
        code, refs = [], []
        for inc in includes:
            source, names = strip_docstrings(section_source(root, inc["path"], inc["section"], page))
            code.append(source)
            module = inc["path"].removeprefix("src/").removesuffix(".py").replace("/", ".")
            refs += [f"{module}.{n}" for n in names if n in public.get(inc["path"], set())]
        out.append(line)
        out.extend(indent + c if c else c for c in "\n\n\n".join(code).splitlines())
        out.append(indent + m.group("fence"))
        if refs:
            # plain relative links (not autorefs): they also resolve in a dirty
            # rebuild that does not render the reference pages again
            base = posixpath.dirname(page)
            links = ", ".join(
                f"[`{r.rsplit('.', 1)[1]}`]"
                f"({posixpath.relpath('reference/' + r.split('.')[1] + '.md', base or '.')}#{r})"
                for r in refs)
            out.append("")
            out.append(f'{indent}<p class="code-ref" markdown>Reference: {links}</p>')
        i = j + 1
    return "\n".join(out) + ("\n" if markdown.endswith("\n") else "")


def public_names(root: Path) -> dict[str, set[str]]:
    """``__all__`` of every module under ``src/``, read without importing it."""
    out = {}
    for path in sorted((root / "src").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                try:
                    out[path.relative_to(root).as_posix()] = set(ast.literal_eval(node.value))
                except ValueError:
                    pass
    return out


# --- dirty rebuilds under `mkdocs serve --dirty` ---------------------------------------

REFERENCE = re.compile(r"^:::\s+gradbook\.(\w+)", re.M)
FIGURE_USE = re.compile(r"figures/([\w.-]+\.(?:png|gif))")


def page_dependencies(markdown: str, root: Path, result: dict) -> list[Path]:
    """Files whose change changes this page: its includes, its values, its figures,
    and for an API reference page its module."""
    deps = [root / m["path"] for m in (INCLUDE.match(line) for line in markdown.splitlines())
            if m]
    for name in PLACEHOLDER.findall(markdown):
        value = result["values"].get(name.strip())
        if value:
            deps.append(Path(value["path"]))
    for name in FIGURE_USE.findall(markdown):
        for f in result["figures"].get(name, {}).get("files", {}).values():
            deps.append(Path(f["path"]))
    deps += [root / "src" / "gradbook" / f"{m}.py" for m in REFERENCE.findall(markdown)]
    return deps


def invalidate_stale_pages(pages_: list, site_dir: Path, root: Path, result: dict) -> list[str]:
    """Delete the built page of every page whose dependencies changed after it was built.

    A dirty build rebuilds only pages whose Markdown is newer than their HTML; a
    page that shows a value, a figure or a function that just changed has to be
    rebuilt too, and a missing HTML file is how MkDocs is told so.
    """
    removed = []
    for file in pages_:
        dest = site_dir / file.dest_uri
        if not dest.is_file():
            continue
        built = dest.stat().st_mtime
        try:
            markdown = Path(file.abs_src_path).read_text(encoding="utf-8")
        except (OSError, TypeError):
            continue
        for dep in page_dependencies(markdown, root, result):
            try:
                if dep.stat().st_mtime > built:
                    dest.unlink()
                    removed.append(file.src_uri)
                    break
            except OSError:
                continue
    return removed


# --- notebook outputs ----------------------------------------------------------------

NB_IMAGE = re.compile(r'<img alt="(?P<alt>[^"]*)" class="[^"]*" src="data:image/png;base64,'
                      r'(?P<data>[A-Za-z0-9+/=]+)"\s*/?>')


def notebook_images(content: str) -> str:
    """Give a notebook's plots sizes and a caption, like every other image on the site."""
    import base64
    import struct

    count = 0

    def one(m: re.Match) -> str:
        nonlocal count
        count += 1
        head = base64.b64decode(m.group("data")[:44])
        width, height = struct.unpack(">II", head[16:24])  # the PNG's IHDR chunk
        alt = m.group("alt")
        if not alt or alt.startswith("No description"):
            alt = "A plot drawn by the code cell above it."
        return (f'<figure class="nb-output"><img src="data:image/png;base64,{m.group("data")}" '
                f'alt="{html.escape(alt)}" width="{width}" height="{height}">'
                f"<figcaption>Plot {count}, drawn by the cell above when this page was built."
                f"</figcaption></figure>")

    return NB_IMAGE.sub(one, content)


# --- quotations of the report ------------------------------------------------------

QUOTE = re.compile(r'<(?P<tag>q|blockquote)(?P<attrs>[^>]*\bclass="[^"]*\breport\b[^"]*"[^>]*)>'
                   r'(?P<body>.*?)</(?P=tag)>', re.S)
MATH = re.compile(r'<(span|div) class="arithmatex">(?P<tex>.*?)</\1>', re.S)


def quote_text(body: str) -> str:
    """The text of a quotation, with its math as the TeX it was written in."""
    def tex(m: re.Match) -> str:
        t = html.unescape(m.group("tex")).strip()
        for a, b in (("\\(", "\\)"), ("\\[", "\\]")):
            if t.startswith(a) and t.endswith(b):
                t = t[2:-2]
        return html.escape(t, quote=False)
    text = MATH.sub(tex, body)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(html.unescape(text).split())


def annotate_quotes(content: str) -> str:
    """Give every ``class="report"`` quotation a ``data-quote`` attribute: its text with TeX.

    Math inside a quotation is typeset later; the attribute keeps what the page
    quoted, so ``tests/test_quotes.py`` can compare it with the report itself.
    """
    def one(m: re.Match) -> str:
        if "data-quote=" in m.group("attrs"):
            return m.group(0)
        text = html.escape(quote_text(m.group("body")), quote=True)
        return (f'<{m.group("tag")}{m.group("attrs")} data-quote="{text}">'
                f'{m.group("body")}</{m.group("tag")}>')
    return QUOTE.sub(one, content)


# --- figures ---------------------------------------------------------------------

FIGURE_BLOCK = re.compile(r"<figure(?P<attrs>[^>]*)>(?P<body>.*?)</figure>", re.S)
GEN_IMG = re.compile(r'<img(?P<attrs>[^>]*?)src="(?P<prefix>[^"]*?)figures/(?P<name>[^"#/]+)"'
                     r'(?P<rest>[^>]*)/?>')
FIGCAPTION = re.compile(r"<figcaption>(?P<cap>.*?)</figcaption>", re.S)
ID_ATTR = re.compile(r'\bid="([^"]+)"')
EMPTY_REF = re.compile(r'<a href="#(?P<id>[^"]+)"></a>')
PHONE = "(max-width: 44.9375em)"


def _variant(prefix: str, name: str, files: dict, dark: bool, alt: str) -> str:
    """One scheme's picture. Always lazy: the variant of the other scheme is hidden
    (``display: none``) and a lazy image that is never shown is never fetched."""
    stem, ext = name.rsplit(".", 1)
    tail = "-dark" if dark else ""
    img = files["image" + tail]
    sources = []
    if "still" + tail in files:
        still = files["still" + tail]
        sources.append(f'<source media="(prefers-reduced-motion: reduce)" '
                       f'srcset="{prefix}figures/{stem}-still{tail}.png" '
                       f'width="{still["width"]}" height="{still["height"]}">')
    if "image-narrow" + tail in files:
        narrow = files["image-narrow" + tail]
        sources.append(f'<source media="{PHONE}" srcset="{prefix}figures/{stem}-narrow{tail}.{ext}" '
                       f'width="{narrow["width"]}" height="{narrow["height"]}" '
                       f'data-font-px="{narrow["min_font_px"]}">')
    href = f"{prefix}figures/{stem}{tail}.{ext}"
    scheme = "dark" if dark else "light"
    return (f'<a class="glightbox" href="{href}" data-type="image" data-gallery="{scheme}">'
            f'<picture>{"".join(sources)}'
            f'<img src="{href}#only-{scheme}" alt="{html.escape(alt)}" '
            f'width="{img["width"]}" height="{img["height"]}" loading="lazy" decoding="async" '
            f'data-font-px="{img["min_font_px"]}" data-figure="{name}"></picture></a>')


def figure_files(name: str, files: dict) -> dict[str, str]:
    """Site path -> cache path for every file of a figure."""
    stem, ext = name.rsplit(".", 1)
    out = {}
    for role, f in files.items():
        kind, _, variant = role.partition("-")
        base = stem + ("-still" if kind == "still" else "")
        out[f"figures/{base}{'-' + variant if variant else ''}{f['ext']}"] = f["path"]
    return out


def render_figures(content: str, figures: dict, page: str) -> str:
    """Number the page's figures and expand each generated image into its variants."""
    numbers: dict[str, int] = {}
    count = 0

    def one(match: re.Match) -> str:
        nonlocal count
        attrs, body = match.group("attrs"), match.group("body")
        img = GEN_IMG.search(body)
        if img is None:
            return match.group(0)
        name = img.group("name")
        if name not in figures:
            known = ", ".join(sorted(figures))
            raise PageError(f"{page}: figures/{name} is not a registered figure; known: {known}")
        cap = FIGCAPTION.search(body)
        if cap is None or not re.sub(r"<[^>]+>", "", cap.group("cap")).strip():
            raise PageError(f"{page}: figure figures/{name} has no <figcaption>")
        count += 1
        fid = ID_ATTR.search(attrs)
        if fid:
            numbers[fid.group(1)] = count
        fig = figures[name]
        alt = fig["meta"]["alt"]
        pictures = "".join(_variant(img.group("prefix"), name, fig["files"], dark, alt)
                           for dark in (False, True))
        caption = cap.group("cap").strip()
        caption = re.sub(r"^<p>", f'<p><span class="fig-label">Figure {count}.</span> ', caption, 1) \
            if caption.startswith("<p>") else f'<span class="fig-label">Figure {count}.</span> {caption}'
        if re.search(r'\bclass="', attrs):
            attrs = re.sub(r'\bclass="', 'class="gen-figure ', attrs, count=1)
        else:
            attrs += ' class="gen-figure"'
        return f"<figure{attrs}>{pictures}<figcaption>{caption}</figcaption></figure>"

    content = FIGURE_BLOCK.sub(one, content)
    leftover = [m.group("name") for m in GEN_IMG.finditer(content) if "data-figure=" not in m.group(0)]
    if leftover:
        raise PageError(f"{page}: generated image(s) {', '.join(leftover)} outside a "
                        f"<figure> with a <figcaption>; see README, 'Figures on a page'")

    def ref(match: re.Match) -> str:
        target = match.group("id")
        if target not in numbers:
            return match.group(0)
        return f'<a href="#{target}" class="fig-ref">Figure {numbers[target]}</a>'

    content = EMPTY_REF.sub(ref, content)
    dangling = [m.group("id") for m in EMPTY_REF.finditer(content)]
    if dangling:
        raise PageError(f"{page}: empty link(s) to #{', #'.join(dangling)}, which is no figure "
                        f"on this page")
    return content
