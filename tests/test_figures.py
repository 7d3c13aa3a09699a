"""`python scripts/figures.py`: the command that regenerates figures, on the real chapters."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine import registry

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, str(ROOT / "scripts" / "figures.py")]


def run_cli(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, GRADBOOK_CACHE=str(cache))
    return subprocess.run(CLI + list(args), cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def figures() -> dict:
    return {name: spec for (kind, name), spec in registry.load_all().items() if kind == "figure"}


def test_every_figure_is_used_by_a_page_and_has_a_title_and_alt_text():
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    used = set(re.findall(r"figures/([\w.-]+\.(?:png|gif))", pages))
    registered = set(figures())
    assert used <= registered, f"pages use unregistered figures: {used - registered}"
    assert registered <= used, f"figures no page shows: {registered - used}"
    for spec in figures().values():
        assert spec.meta["title"].strip() and len(spec.meta["alt"]) > 30, spec.name


def test_list_names_every_figure_with_where_it_is_defined(tmp_path):
    out = run_cli("--list", cache=tmp_path)
    assert out.returncode == 0, out.stderr
    for name, spec in figures().items():
        assert re.search(rf"^{re.escape(name)}\s+stale\s+{re.escape(spec.where)}$", out.stdout,
                         re.M), out.stdout


def test_unknown_figure_is_a_clear_error(tmp_path):
    out = run_cli("--only", "no-such-figure", cache=tmp_path)
    assert out.returncode == 2
    assert "no figure named 'no-such-figure'" in out.stderr
    assert "composition" in out.stderr  # lists the known names


@pytest.mark.slow
def test_only_builds_one_then_caches_then_force_redraws(tmp_path):
    first = run_cli("--only", "composition", cache=tmp_path)
    assert first.returncode == 0, first.stderr
    assert re.search(r"\] figure composition\.png  computed in \d+\.\d s", first.stdout)
    assert "1 figure, 0 values" in first.stdout
    second = run_cli("--only", "composition.png", cache=tmp_path)
    assert "0 figures, 0 values, 0 notebooks, 0 data computed" in second.stdout
    forced = run_cli("--only", "composition", "--force", cache=tmp_path)
    assert "1 figure, 0 values" in forced.stdout
    listed = run_cli("--list", cache=tmp_path)
    assert re.search(r"^composition\.png\s+cached", listed.stdout, re.M)
    assert re.search(r"^house-fits\.png\s+stale", listed.stdout, re.M)
