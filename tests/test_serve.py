"""`mkdocs serve` on a copy of the project: an edit to `src/` is served fresh, errors recover.

The serve process runs for the whole test; the copy's code is edited under it.
What it serves after the edit must equal what a clean process computes from the
edited files, and a figure that raises must fail that rebuild, show its error,
and leave the server running so that fixing the file brings the site back.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from conftest import Build, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def copy_project(dest: Path) -> Path:
    for name in ("src", "scripts", "docs", "tests"):
        shutil.copytree(ROOT / name, dest / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("mkdocs.yml", "package.json", "pyproject.toml"):
        shutil.copy(ROOT / name, dest / name)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest


class Server:
    """``mkdocs serve`` in a subprocess, its output collected line by line."""

    def __init__(self, project: Path, cache: Path, mode: tuple = ("--strict",)):
        self.port = free_port()
        env = dict(os.environ, GRADBOOK_CACHE=str(cache), NO_MKDOCS_2_WARNING="1",
                   PYTHONPATH=str(project / "src"))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", *mode, "-a",
             f"127.0.0.1:{self.port}"], cwd=project, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, start: int = 0, timeout: float = 300) -> int:
        """Index of the first output line from ``start`` on that matches ``pattern``."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i in range(start, len(self.lines)):
                if re.search(pattern, self.lines[i]):
                    return i
            if self.proc.poll() is not None:
                raise AssertionError("mkdocs serve exited:\n" + "\n".join(self.lines[-40:]))
            time.sleep(0.2)
        raise AssertionError(f"no line matching {pattern!r}:\n" + "\n".join(self.lines[-40:]))

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as r:
            return r.read()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=10)
        self.proc.stdout.close()


def without_livereload(page: bytes) -> bytes:
    return re.sub(rb"<script>(?:(?!</script>).)*?livereload\(\d+, \d+\);\s*</script>", b"",
                  page, flags=re.S)


def linear_w(prices) -> str:
    """The linear model's least-squares slope, formatted as the page's table does."""
    x = np.array([1.0, 2.0, 3.0, 4.0])
    w = np.polyfit(x, np.asarray(prices), 1)[0]
    return f"{w:.11g}".replace("-", "−")


def test_serve_serves_fresh_code_and_recovers_from_a_failing_figure(built_site: Build,
                                                                     tmp_path):
    project = copy_project(tmp_path / "project")
    cache = tmp_path / "cache"
    shutil.copytree(built_site.cache, cache)  # start warm, like a developer's second day
    server = Server(project, cache)
    try:
        start = server.wait_for(r"Serving on http://")
        page = server.get("/house-prices/").decode()
        assert linear_w([0.7, 1.5, 4.5, 9.5]) in page

        # 1. edit src/: the next rebuild serves values and figures from the edited code
        module = project / "src" / "gradbook" / "regression.py"
        text = module.read_text()
        edited = text.replace("PRICES = np.array([0.7, 1.5, 4.5, 9.5])",
                              "PRICES = np.array([0.7, 1.5, 4.5, 9.9])")
        assert edited != text
        module.write_text(edited)
        done = server.wait_for(r"Documentation built in", start + 1)
        page = server.get("/house-prices/").decode()
        assert linear_w([0.7, 1.5, 4.5, 9.9]) in page
        assert linear_w([0.7, 1.5, 4.5, 9.5]) not in page
        served_gif = server.get("/figures/house-fit.gif")

        clean = tmp_path / "clean-cache"
        proc = subprocess.run([sys.executable, "scripts/figures.py", "--only", "house-fit"],
                              cwd=project, capture_output=True, text=True, timeout=600,
                              env=dict(os.environ, GRADBOOK_CACHE=str(clean),
                                       PYTHONPATH=str(project / "src")))
        assert proc.returncode == 0, proc.stderr
        fresh = [p for p in clean.glob("objects/*/*.gif")]
        assert served_gif in [p.read_bytes() for p in fresh]

        # 2. a figure that raises fails that rebuild, says where, and serve keeps running
        chapter = project / "scripts" / "chapters" / "house_prices.py"
        source = chapter.read_text()
        broken = source.replace("    x = np.linspace(0.0, 5.5, 300)\n",
                                "    raise RuntimeError('boom in a figure')\n", 1)
        assert broken != source
        chapter.write_text(broken)
        failed = server.wait_for(r"boom in a figure", done + 1)
        assert any("figure 'house-fits.png' (scripts/chapters/house_prices.py:" in line
                   for line in server.lines[done:failed + 5])
        server.wait_for(r"error happened during the rebuild", done + 1)
        assert server.proc.poll() is None

        chapter.write_text(source)
        server.wait_for(r"Documentation built in", failed + 1)
        assert linear_w([0.7, 1.5, 4.5, 9.9]) in server.get("/house-prices/").decode()
    finally:
        server.stop()


def test_dirty_serve_rebuilds_the_pages_an_edit_reaches(built_site: Build, tmp_path):
    """`make serve` runs `mkdocs serve --dirty`: only changed pages are rebuilt, and a
    page whose values come from an edited module counts as changed."""
    project = copy_project(tmp_path / "project")
    cache = tmp_path / "cache"
    shutil.copytree(built_site.cache, cache)
    server = Server(project, cache, mode=("--dirty", "--no-strict"))  # as `make serve`
    try:
        start = server.wait_for(r"Serving on http://")
        assert linear_w([0.7, 1.5, 4.5, 9.5]) in server.get("/house-prices/").decode()
        untouched = without_livereload(server.get("/reference/linalg/"))
        module = project / "src" / "gradbook" / "regression.py"
        module.write_text(module.read_text().replace(
            "PRICES = np.array([0.7, 1.5, 4.5, 9.5])", "PRICES = np.array([0.7, 1.5, 4.5, 9.9])"))
        done = server.wait_for(r"Documentation built in", start + 1)
        assert any("rebuilding" in line and "page(s)" in line for line in server.lines[start:done])
        page = server.get("/house-prices/").decode()
        assert linear_w([0.7, 1.5, 4.5, 9.9]) in page
        # not reached by the edit: not rebuilt (serve injects a script with the build's epoch)
        assert without_livereload(server.get("/reference/linalg/")) == untouched
        # a page edit alone rebuilds that page
        doc = project / "docs" / "asteroids.md"
        doc.write_text(doc.read_text() + "\nA sentence added while serving.\n")
        server.wait_for(r"Documentation built in", done + 1)
        assert b"A sentence added while serving." in server.get("/asteroids/")
    finally:
        server.stop()
