"""Every built page in a real browser (Debian's Chromium driven by Playwright).

Checks what a reader sees: every formula typeset (no raw TeX, no MathJax error,
no red undefined macro), every image loaded, no request to any other host, no
failed request, no console error, and math typeset again after an instant
navigation click. Full-page screenshots go to $SCREENSHOT_DIR when it is set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import Build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-dev-shm-usage"]
INSTALL_HINT = ("Chromium is not installed: `sudo apt-get install -y chromium` "
                "(Debian's package; never `playwright install`), or set CHROMIUM "
                "to a Chromium binary.")


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="module")
def browser():
    if not chromium_available():
        if os.environ.get("CI") == "true":
            pytest.fail(INSTALL_HINT + " Under CI=true the browser tests must run.")
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


class Visit:
    """A page with every request, failure and console error it caused recorded."""

    def __init__(self, browser, origin: str) -> None:
        self.origin = origin
        self.context = browser.new_context(viewport={"width": 1440, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.failures: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failures.append(r.url))
        self.page.on("response", lambda r: r.status >= 400
                     and self.failures.append(f"{r.status} {r.url}"))
        self.page.on("console", lambda m: m.type == "error"
                     and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def offsite(self) -> list[str]:
        host = urlsplit(self.origin).netloc
        return [u for u in self.requests
                if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).netloc != host]

    def close(self) -> None:
        self.context.close()


# docs/javascripts/mathjax-config.js marks the article once MathJax is done with it.
TYPESET = "document.querySelector('article')?.dataset.math === 'typeset'"


# Every way a formula can fail to render, as a list of human-readable problems.
MATH_PROBLEMS = """() => {
  const problems = [];
  for (const s of document.querySelectorAll('.arithmatex')) {
    if (!s.querySelector('mjx-container'))
      problems.push('not typeset: ' + s.textContent.slice(0, 80));
  }
  for (const e of document.querySelectorAll('mjx-merror'))
    problems.push('MathJax error: ' + (e.getAttribute('data-mjx-error') || e.textContent));
  for (const e of document.querySelectorAll('mjx-container *')) {
    const c = getComputedStyle(e).color;
    if (c === 'rgb(255, 0, 0)' && e.textContent.trim())
      problems.push('red (undefined macro?): ' + e.textContent.slice(0, 80));
  }
  const copy = document.body.cloneNode(true);  // article, navigation and TOC
  copy.querySelectorAll('pre, code, mjx-assistive-mml, script').forEach(n => n.remove());
  const raw = copy.textContent.match(/\\\\[\\(\\[]|\\\\(frac|begin|mathbf|cdot|sum|left)\\b/);
  if (raw) problems.push('raw TeX in text: ' + raw[0]);
  return problems;
}"""

BROKEN_IMAGES = """() => [...document.images]
  .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"""


def page_urls(build: Build) -> list[str]:
    urls = []
    for page in sorted(build.site.rglob("index.html")):
        rel = page.parent.relative_to(build.site).as_posix()
        urls.append(f"{build.origin}/" + ("" if rel == "." else rel + "/"))
    return urls


def open_and_check(visit: Visit, url: str, shots: str | None) -> list[str]:
    visit.page.goto(url, wait_until="load")
    visit.page.wait_for_function(TYPESET, timeout=20_000)
    visit.page.wait_for_load_state("networkidle")
    problems = visit.page.evaluate(MATH_PROBLEMS)
    problems += [f"image did not load: {src}"
                 for src in visit.page.evaluate(BROKEN_IMAGES)]
    if shots:
        name = urlsplit(url).path.strip("/").replace("/", "_") or "home"
        Path(shots).mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)
    return problems


def test_every_page_renders_offline(browser, served_site: Build):
    urls = page_urls(served_site)
    assert len(urls) >= 3, urls
    shots = os.environ.get("SCREENSHOT_DIR")
    for url in urls:
        visit = Visit(browser, served_site.origin)
        try:
            problems = open_and_check(visit, url, shots)
            assert not problems, f"{url}: {problems}"
            if url != served_site.origin + "/":
                assert visit.page.locator("mjx-container").count() > 0, (
                    f"{url}: a chapter without a single typeset formula")
            assert not visit.offsite(), f"{url} requested another host: {visit.offsite()}"
            assert not visit.failures, f"{url}: failed requests {visit.failures}"
            assert not visit.errors, f"{url}: console errors {visit.errors}"
        finally:
            visit.close()


def test_math_renders_after_instant_navigation(browser, served_site: Build):
    visit = Visit(browser, served_site.origin)
    try:
        visit.page.goto(served_site.origin + "/", wait_until="load")
        visit.page.wait_for_function(TYPESET, timeout=20_000)
        visit.page.evaluate("window.__sameDocument = true")
        visit.page.locator("nav.md-nav--primary a[href$='asteroids/']").first.click()
        visit.page.wait_for_url("**/asteroids/")
        visit.page.wait_for_function(TYPESET, timeout=20_000)
        assert visit.page.evaluate("window.__sameDocument === true"), (
            "the click reloaded the page: instant navigation is not active")
        assert visit.page.evaluate(MATH_PROBLEMS) == []
        assert visit.page.evaluate(BROKEN_IMAGES) == []
        assert not visit.offsite() and not visit.errors and not visit.failures
    finally:
        visit.close()


def test_checker_catches_broken_math(browser, served_site: Build):
    """Negative control: a page with an undefined macro and raw TeX must be flagged."""
    bad = served_site.site / "broken-math-control.html"  # beside index.html: same links
    html = (served_site.site / "index.html").read_text(encoding="utf-8")
    html = html.replace(
        "<article", '<article data-control="1"', 1
    ).replace(
        "</article>",
        r'<p><span class="arithmatex">\(\notamacro x\)</span></p>'
        r'<p><span class="arithmatex">\(a_b_c\)</span></p>'
        r"<p>left as text: \(a+b\)</p></article>", 1)
    bad.write_text(html, encoding="utf-8")
    visit = Visit(browser, served_site.origin)
    try:
        problems = open_and_check(visit, f"{served_site.origin}/{bad.name}", None)
    finally:
        visit.close()
        bad.unlink()
    joined = "\n".join(problems)
    assert "red (undefined macro?)" in joined, problems
    assert "MathJax error" in joined, problems
    assert "raw TeX in text" in joined, problems


def test_dark_mode_keeps_figures_on_a_light_card(browser, served_site: Build):
    """Figures are drawn on white; in the dark scheme they must not sit on black."""
    context = browser.new_context(viewport={"width": 1440, "height": 900},
                                  color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(served_site.origin + "/python-intro/", wait_until="load")
        page.wait_for_function(TYPESET, timeout=20_000)
        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert scheme == "slate"
        backgrounds = page.evaluate("""() => [...document.querySelectorAll(
            'article img[src*="figures/"]')].map(i => getComputedStyle(i).backgroundColor)""")
        assert backgrounds and set(backgrounds) == {"rgb(255, 255, 255)"}, backgrounds
        shots = os.environ.get("SCREENSHOT_DIR")
        if shots:
            page.screenshot(path=str(Path(shots) / "python-intro-dark.png"), full_page=True)
    finally:
        context.close()
