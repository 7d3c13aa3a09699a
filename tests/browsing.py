"""What the browser tests (and ``make bench``) measure on a page, in one place.

The built site is served the way a static host serves it: files as they are,
text compressed with gzip when the browser asks for it. Chromium is Debian's
package, driven by Playwright; nothing is downloaded.
"""

from __future__ import annotations

import functools
import gzip
import io
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-dev-shm-usage"]
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")
BUDGET_BYTES = 1024 * 1024
MAX_CLS = 0.02


class StaticHost(SimpleHTTPRequestHandler):
    """Files from the site folder; text gzip-compressed, as static hosts do."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # the base class redirects to the slash URL
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path, port: int) -> ThreadingHTTPServer:
    handler = functools.partial(StaticHost, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def page_urls(site: Path, origin: str) -> list[str]:
    urls = []
    for page in sorted(site.rglob("index.html")):
        rel = page.parent.relative_to(site).as_posix()
        urls.append(f"{origin}/" + ("" if rel == "." else rel + "/"))
    return urls


# --- in-page checks -------------------------------------------------------------

#: Before any script can have run: is every formula already typeset?
MATH_AT_DOM_READY = """() => {
  const text = document.body.innerText;
  return {
    containers: document.querySelectorAll('mjx-container').length,
    untypeset: document.querySelectorAll('.arithmatex, [data-math]:not(mjx-container)').length,
    raw: (text.match(/\\\\[\\(\\[]|\\\\(frac|begin|mathbf|cdot|sum|left)\\b/) || [null])[0],
  };
}"""

#: Every way a formula can fail, as readable problems.
MATH_PROBLEMS = """() => {
  const problems = [];
  for (const e of document.querySelectorAll('mjx-merror'))
    problems.push('MathJax error: ' + e.textContent.slice(0, 80));
  for (const c of document.querySelectorAll('mjx-container')) {
    if (!c.querySelector('mjx-assistive-mml math') && !c.getAttribute('aria-label'))
      problems.push('formula without a machine-readable form');
  }
  for (const s of document.querySelectorAll('script'))
    if (/mathjax/i.test(s.src + ' ' + s.type + ' ' + s.textContent.slice(0, 200)))
      problems.push('a MathJax script: ' + (s.src || s.type));
  // text outside code and outside the math's own MathML (no cloning: a cloned
  // <img> would start loading every variant of every figure)
  const skip = 'pre, code, mjx-assistive-mml, script, style';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  let text = '';
  while (walker.nextNode()) text += walker.currentNode.nodeValue;
  const raw = text.match(/\\\\[\\(\\[]|\\\\(frac|begin|mathbf|cdot|sum|left)\\b/);
  if (raw) problems.push('raw TeX in text: ' + raw[0]);
  return problems;
}"""

#: Layout problems at the current width.
LAYOUT_PROBLEMS = """(desktop) => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1)
    problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
  const column = document.querySelector('article').getBoundingClientRect().width;
  for (const box of document.querySelectorAll('article .math-display')) {
    const style = getComputedStyle(box);
    const wide = box.scrollWidth > box.clientWidth + 1;
    if (wide && !['auto', 'scroll'].includes(style.overflowX))
      problems.push('equation cut off: ' + box.textContent.slice(0, 60));
    const eq = box.querySelector('mjx-container');
    if (desktop && eq && eq.getBoundingClientRect().width > column + 1)
      problems.push(`equation wider than the column (${Math.round(eq.getBoundingClientRect().width)} > ${Math.round(column)} px)`);
  }
  for (const img of document.querySelectorAll('article img')) {
    if (!img.getAttribute('width') || !img.getAttribute('height'))
      problems.push('image without dimensions: ' + img.src);
    const fig = img.closest('figure');
    if (!fig || !fig.querySelector('figcaption'))
      problems.push('image outside a captioned figure: ' + img.src);
  }
  for (const img of document.querySelectorAll('article img[data-figure]')) {
    const name = img.dataset.figure;
    const variants = [...document.querySelectorAll(`article img[data-figure="${name}"]`)];
    if (!variants.some(v => v.src.includes('-dark.')) || !variants.some(v => !v.src.includes('-dark.')))
      problems.push('figure without a light and a dark variant: ' + name);
    if (img.offsetParent === null || !img.complete || !img.naturalWidth) continue;
    const narrow = img.currentSrc.includes('-narrow');
    const source = narrow ? img.parentElement.querySelector('source[data-font-px]') : img;
    const px = parseFloat(source.dataset.fontPx) * img.clientWidth / img.naturalWidth;
    const needed = desktop ? 11 : 9;
    if (px < needed - 0.05)
      problems.push(`figure text ${px.toFixed(1)} px < ${needed} px: ${img.currentSrc.split('/').pop()}`);
  }
  for (const button of document.querySelectorAll('.md-clipboard, .zeroclipboard-container')) {
    const code = button.closest('pre')?.querySelector('code')
      || button.closest('.jp-InputArea-editor')?.querySelector('pre, .CodeMirror-code');
    if (!code) continue;
    const a = button.getBoundingClientRect(), b = code.getBoundingClientRect();
    if (a.width && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
      problems.push('the copy button covers code');
  }
  return problems;
}"""

#: Which figure variant each visible image shows.
SHOWN = """() => [...document.querySelectorAll('article img[data-figure]')]
  .filter(i => i.offsetParent !== null).map(i => i.currentSrc || i.src)"""

#: Cumulative layout shift, observed from the start of the page's life.
CLS_INIT = """
window.__cls = 0;
new PerformanceObserver(list => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
}).observe({type: 'layout-shift', buffered: true});
window.__mathAtDomReady = null;
document.addEventListener('DOMContentLoaded', () => {
  window.__mathAtDomReady = {
    t: performance.now(),
    containers: document.querySelectorAll('mjx-container').length,
    untypeset: document.querySelectorAll('.arithmatex').length,
  };
});
"""


class Visit:
    """One page in a fresh browser context: every request, failure and console error."""

    def __init__(self, browser, origin: str, *, width: int = 1280, scheme: str = "light",
                 reduced_motion: str = "no-preference") -> None:
        self.origin = origin
        self.context = browser.new_context(viewport={"width": width, "height": 900},
                                           color_scheme=scheme, reduced_motion=reduced_motion)
        self.context.add_init_script(CLS_INIT)
        self.page = self.context.new_page()
        self.requests: list = []
        self.failures: list[str] = []
        self.errors: list[str] = []
        self.page.on("requestfinished", lambda r: self.requests.append(r))
        self.page.on("requestfailed", lambda r: self.failures.append(r.url))
        self.page.on("response", lambda r: r.status >= 400
                     and self.failures.append(f"{r.status} {r.url}"))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def scroll_to_bottom(self) -> None:
        """Scroll through the page so that every lazy image comes into view and loads."""
        height = self.page.evaluate("document.documentElement.scrollHeight")
        for y in range(0, height + 900, 700):
            self.page.evaluate(f"window.scrollTo(0, {y})")
            self.page.wait_for_timeout(40)
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_timeout(200)

    def transferred(self) -> int:
        total = 0
        for request in self.requests:
            try:
                sizes = request.sizes()
            except Exception:  # noqa: BLE001 - a request without sizes counts nothing
                continue
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return total

    def math_visible_ms(self) -> float:
        """When the math could first be seen: the HTML parsed (it holds the typeset
        math) and the math fonts it needs arrived."""
        return self.page.evaluate("""() => {
          const ready = window.__mathAtDomReady ? window.__mathAtDomReady.t : NaN;
          const fonts = performance.getEntriesByType('resource')
            .filter(r => /mathjax\\/fonts\\//.test(r.name)).map(r => r.responseEnd);
          return Math.max(ready, ...fonts);
        }""")

    def offsite(self) -> list[str]:
        host = urlsplit(self.origin).netloc
        return [r.url for r in self.requests
                if urlsplit(r.url).scheme in ("http", "https", "ws", "wss")
                and urlsplit(r.url).netloc != host]

    def close(self) -> None:
        self.context.close()


def measure_site(site: Path, chromium: str = CHROMIUM) -> dict[str, dict]:
    """Transfer (bytes) and time until the math is visible (ms) of every page, first visit."""
    from playwright.sync_api import sync_playwright

    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = serve(site, port)
    origin = f"http://127.0.0.1:{port}"
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
            for url in page_urls(site, origin):
                visit = Visit(browser, origin)
                try:
                    visit.open(url)
                    visit.scroll_to_bottom()
                    out[urlsplit(url).path] = {"bytes": visit.transferred(),
                                               "math_ms": visit.math_visible_ms()}
                finally:
                    visit.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out
