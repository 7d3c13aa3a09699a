"""Every built page in a real browser (Debian's Chromium driven by Playwright).

Per page, on a first visit with an empty cache, scrolled to the bottom so that
lazy images load:

* every formula is already typeset when the HTML is parsed (no MathJax script,
  no raw TeX, no error, a machine-readable form for every formula);
* total transfer ≤ 1 MB and cumulative layout shift ≤ 0.02;
* no request to another host, no failed request, no console error;
* at 1280 px: no equation wider than the column, figure text ≥ 11 px;
* at 390 px, in the dark scheme: no sideways scroll, no equation cut off, the
  dark variant of every figure, figure text ≥ 9 px; every image has dimensions
  and sits in a captioned figure; the copy button covers no code.

Full-page screenshots go to $SCREENSHOT_DIR when it is set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import browsing
from conftest import Build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INSTALL_HINT = ("Chromium is not installed: `sudo apt-get install -y chromium` "
                "(Debian's package; never `playwright install`), or set CHROMIUM "
                "to a Chromium binary.")


def chromium_available() -> bool:
    return Path(browsing.CHROMIUM).is_file() or shutil.which(browsing.CHROMIUM) is not None


@pytest.fixture(scope="module")
def browser():
    if not chromium_available():
        if os.environ.get("CI") == "true":
            pytest.fail(INSTALL_HINT + " Under CI=true the browser tests must run.")
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browsing.CHROMIUM, args=browsing.FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(built_site: Build):
    """The built site on a static host at the origin it was built for."""
    server = browsing.serve(built_site.site, built_site.port)
    yield built_site
    server.shutdown()
    server.server_close()


def shoot(visit: browsing.Visit, url: str, tag: str) -> None:
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        name = urlsplit(url).path.strip("/").replace("/", "_") or "home"
        Path(shots).mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(Path(shots) / f"{name}-{tag}.png"), full_page=True)


def test_every_page_on_a_desktop(browser, site: Build):
    urls = browsing.page_urls(site.site, site.origin)
    assert len(urls) >= 15, urls
    failures = {}
    for url in urls:
        visit = browsing.Visit(browser, site.origin, width=1280)
        try:
            visit.open(url)
            at_ready = visit.page.evaluate("window.__mathAtDomReady")
            visit.scroll_to_bottom()
            problems = visit.page.evaluate(browsing.MATH_PROBLEMS)
            problems += visit.page.evaluate(browsing.LAYOUT_PROBLEMS, True)
            if at_ready is None or at_ready["untypeset"]:
                problems.append(f"math not typeset at DOMContentLoaded: {at_ready}")
            size = visit.transferred()
            if size > browsing.BUDGET_BYTES:
                problems.append(f"transfer {size / 1024:.0f} KB > 1024 KB")
            cls = visit.page.evaluate("window.__cls")
            if cls > browsing.MAX_CLS:
                problems.append(f"cumulative layout shift {cls:.3f} > {browsing.MAX_CLS}")
            problems += [f"image did not load: {src}" for src in visit.page.evaluate(
                "() => [...document.images].filter(i => i.offsetParent !== null"
                " && !(i.complete && i.naturalWidth)).map(i => i.src)")]
            problems += [f"request to another host: {u}" for u in visit.offsite()]
            problems += [f"failed request: {u}" for u in visit.failures]
            problems += [f"console error: {e}" for e in visit.errors]
            shoot(visit, url, "1280-light")
        finally:
            visit.close()
        if problems:
            failures[url] = problems
    assert not failures, failures


def test_every_page_on_a_phone_in_the_dark(browser, site: Build):
    failures = {}
    for url in browsing.page_urls(site.site, site.origin):
        visit = browsing.Visit(browser, site.origin, width=390, scheme="dark")
        try:
            visit.open(url)
            visit.scroll_to_bottom()
            problems = visit.page.evaluate(browsing.LAYOUT_PROBLEMS, False)
            scheme = visit.page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            if scheme != "slate":
                problems.append(f"scheme {scheme}, not slate")
            shown = visit.page.evaluate(browsing.SHOWN)
            problems += [f"light variant shown in the dark: {s}" for s in shown
                         if "-dark." not in s]
            problems += [f"console error: {e}" for e in visit.errors]
            shoot(visit, url, "390-dark")
        finally:
            visit.close()
        if problems:
            failures[url] = problems
    assert not failures, failures


def test_phone_layouts_and_stills_are_served(browser, site: Build):
    """Multi-panel figures restack on a phone; animations rest on a still when asked."""
    visit = browsing.Visit(browser, site.origin, width=390)
    try:
        visit.open(site.origin + "/house-prices/")
        visit.scroll_to_bottom()
        shown = visit.page.evaluate(browsing.SHOWN)
        assert any("house-loss-surfaces-narrow.png" in s for s in shown), shown
        assert any(s.split("#")[0].endswith("house-fit.gif") for s in shown), shown
    finally:
        visit.close()
    calm = browsing.Visit(browser, site.origin, width=1280, reduced_motion="reduce")
    try:
        calm.open(site.origin + "/house-prices/")
        calm.scroll_to_bottom()
        shown = calm.page.evaluate(browsing.SHOWN)
        shown = [s.split("#")[0] for s in shown]
        assert any(s.endswith("house-fit-still.png") for s in shown), shown
        assert not any(s.endswith(".gif") for s in shown), shown
    finally:
        calm.close()


def test_math_is_there_after_instant_navigation(browser, site: Build):
    visit = browsing.Visit(browser, site.origin)
    try:
        visit.open(site.origin + "/")
        visit.page.evaluate("window.__sameDocument = true")
        visit.page.locator("nav.md-nav--primary a[href$='errata/']").first.click()
        visit.page.wait_for_url("**/errata/")
        visit.page.wait_for_load_state("networkidle")
        assert visit.page.evaluate("window.__sameDocument === true"), (
            "the click reloaded the page: instant navigation is not active")
        assert visit.page.locator("article mjx-container").count() > 20
        assert visit.page.evaluate(browsing.MATH_PROBLEMS) == []
        # the page's math stylesheet came with the article: glyphs have their font
        family = visit.page.evaluate(
            "getComputedStyle(document.querySelector('article mjx-c')).fontFamily")
        assert "MJX" in family, family
        assert not visit.offsite() and not visit.errors and not visit.failures
    finally:
        visit.close()


def test_the_checks_catch_a_broken_page(browser, site: Build):
    """Negative control: raw TeX, a wide equation, an image without a caption, a light
    figure in the dark and a covered line of code must all be reported."""
    page = site.site / "house-prices" / "index.html"
    html = page.read_text(encoding="utf-8")
    bad = html.replace(
        "</article>",
        r'<p>left as text: \(a+b\)</p>'
        r'<div class="math-display" style="overflow-x: hidden; width: 200px">'
        r'<mjx-container style="display:inline-block;width:3000px">x</mjx-container></div>'
        r'<p><img src="../figures/house-fits.png" alt="x"></p></article>', 1)
    control = site.site / "house-prices" / "control.html"
    control.write_text(bad, encoding="utf-8")
    visit = browsing.Visit(browser, site.origin, width=390)
    try:
        visit.open(f"{site.origin}/house-prices/control.html")
        visit.scroll_to_bottom()
        problems = visit.page.evaluate(browsing.MATH_PROBLEMS)
        problems += visit.page.evaluate(browsing.LAYOUT_PROBLEMS, False)
    finally:
        visit.close()
        control.unlink()
    joined = "\n".join(problems)
    for expected in ("raw TeX in text", "equation cut off", "image without dimensions",
                     "image outside a captioned figure"):
        assert expected in joined, (expected, problems)
