"""``make bench``: how long the site takes to build, in one run.

Rows (wall seconds, each build a fresh process exactly as a user runs it):

* **clean build**: empty cache, every figure, value and page;
* **no-change rebuild**: the same again, nothing edited (median of several);
* **bare build**: the same pages with no hook (MkDocs and its plugins alone,
  placeholders left as text): the baseline the no-change rebuild is held to;
* **page edit under serve**: ``mkdocs serve`` on a copy of the project, one page
  edited, time until the rebuilt site is served (median of several edits);
* one row per artifact: the seconds its worker spent computing it.

With Chromium installed (the browser tests use it), two more columns per page:
bytes transferred on a first visit and the time until its math is visible.

It prints a table and writes the numbers to ``.cache/bench/bench-<time>.json``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"clean build": 30.0, "no-change / bare": 1.2, "page edit under serve": 1.0}


def _env(cache: Path) -> dict:
    return dict(os.environ, GRADBOOK_CACHE=str(cache), NO_MKDOCS_2_WARNING="1")


def _build(cache: Path, site: Path, config: Path | None = None, strict: bool = True) -> tuple[float, str]:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q" if not strict else "--strict",
           "-d", str(site)]
    if config is not None:
        cmd += ["-f", str(config)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=_env(cache), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds, proc.stdout + proc.stderr


def _bare_config(tmp: Path, cache: Path) -> Path:
    """mkdocs.yml without the hook: the same pages, MkDocs and its plugins alone.

    The pages include the executed notebooks (copied from the cache into a copy
    of docs/, where mkdocs-jupyter renders them as usual); what the hook adds,
    computed values, figures and typeset math, is missing."""
    docs = tmp / "bare-docs"
    shutil.copytree(ROOT / "docs", docs)
    for nb in (cache / "site-files" / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, docs / "notebooks" / nb.name)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"^hooks:\n(  - .*\n)+", "", text, flags=re.M)
    text = text.replace("strict: true", "strict: false") + f"\ndocs_dir: {docs}\n"
    config = ROOT / ".bench-mkdocs.yml"  # beside mkdocs.yml: relative paths stay right
    config.write_text(text, encoding="utf-8")
    return config


def _serve_edit(cache: Path, tmp: Path, edits: int = 5) -> list[float]:
    """Seconds from a page edit to the rebuilt site, under ``mkdocs serve``."""
    project = tmp / "project"
    for name in ("src", "scripts", "docs", "tests"):  # tests/data holds the report's text
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "pyproject.toml", "package.json"):
        shutil.copy(ROOT / name, project / name)
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    port = 8765 + os.getpid() % 1000
    env = _env(cache) | {"PYTHONPATH": str(project / "src")}
    # as `make serve` runs it: --dirty rebuilds the edited page (and every page
    # whose values, figures or code changed), not the whole site
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "-a",
                             f"127.0.0.1:{port}"],
                            cwd=project, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines: list[tuple[float, str]] = []

    def read() -> None:
        for line in proc.stdout:
            lines.append((time.perf_counter(), line))

    threading.Thread(target=read, daemon=True).start()

    def wait(pattern: str, after: int) -> tuple[int, float]:
        deadline = time.perf_counter() + 300
        while time.perf_counter() < deadline:
            for i in range(after, len(lines)):
                if re.search(pattern, lines[i][1]):
                    return i, lines[i][0]
            time.sleep(0.01)
        raise SystemExit("serve did not rebuild:\n" + "".join(l for _, l in lines[-30:]))

    times = []
    try:
        seen, _ = wait(r"Serving on", 0)
        page = project / "docs" / "asteroids.md"
        for k in range(edits):
            time.sleep(1.5)
            text = page.read_text(encoding="utf-8")
            start = time.perf_counter()
            page.write_text(text + f"\n<!-- bench edit {k} -->\n", encoding="utf-8")
            # livereload waits build_delay (~0.25 s) for more changes; that is part of the wait
            seen, done = wait(r"Reloading browsers|Documentation built", seen + 1)
            if "Documentation built" in lines[seen][1]:
                seen, done = wait(r"Reloading browsers", seen)
            times.append(done - start)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return times


def _artifact_times(cache: Path) -> dict[str, float]:
    out = {}
    for entry in sorted((cache / "entries").glob("*/*.json")):
        data = json.loads(entry.read_text())
        if data["kind"] != "registry":
            out[f"{data['kind']} {data['name']}"] = data["seconds"]
    return out


def _pages_in_browser(site: Path) -> dict[str, dict]:
    """Bytes and time-to-math of every page, first visit, if Chromium is there."""
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        return {}
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import browsing  # the browser tests' own helpers
    except ImportError:
        return {}
    return browsing.measure_site(site, chromium)


def main() -> int:
    results: dict = {"rows": {}, "artifacts": {}, "pages": {}}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        cache = tmp / "cache"
        print("bench: clean build (empty cache) ...", flush=True)
        clean, _ = _build(cache, tmp / "site")
        print("bench: no-change rebuilds and bare builds, alternating ...", flush=True)
        bare_config = _bare_config(tmp, cache)
        warm, bare = [], []
        for _ in range(5):
            warm.append(_build(cache, tmp / "site")[0])
            bare.append(_build(cache, tmp / "bare", bare_config, strict=False)[0])
        print("bench: page edits under mkdocs serve ...", flush=True)
        bare_config.unlink()
        serve = _serve_edit(cache, tmp)
        results["artifacts"] = _artifact_times(cache)
        results["pages"] = _pages_in_browser(tmp / "site")
    rows = results["rows"]
    rows["clean build"] = clean
    rows["no-change rebuild"] = statistics.median(warm)
    rows["bare build (no hook)"] = statistics.median(bare)
    rows["no-change / bare"] = rows["no-change rebuild"] / rows["bare build (no hook)"]
    rows["page edit under serve"] = statistics.median(serve)
    results["samples"] = {"no-change": warm, "bare": bare, "serve": serve}

    print()
    print(f"{'measure':<28} {'value':>10}  target")
    for name, v in rows.items():
        unit = "×" if "/" in name else "s"
        target = TARGETS.get(name)
        mark = "" if target is None else (f"≤ {target:g}{unit}  " +
                                          ("ok" if v <= target else "MISSED"))
        print(f"{name:<28} {v:>9.2f}{unit}  {mark}")
    print()
    print(f"{'artifact':<44} {'seconds':>8}")
    for name, s in sorted(results["artifacts"].items(), key=lambda kv: -kv[1]):
        print(f"{name:<44} {s:>8.2f}")
    if results["pages"]:
        print()
        print(f"{'page':<28} {'transfer KB':>12} {'math visible ms':>16}")
        for page, m in results["pages"].items():
            print(f"{page:<28} {m['bytes'] / 1024:>12.0f} {m['math_ms']:>16.0f}")
    out = ROOT / ".cache" / "bench" / time.strftime("bench-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
