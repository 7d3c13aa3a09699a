"""The figure registry, its cache and the `scripts/figures.py` command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import figlib

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, str(ROOT / "scripts" / "figures.py")]


def run_cli(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, GRADBOOK_FIGURE_CACHE=str(cache))
    return subprocess.run(CLI + list(args), cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_every_figure_is_used_by_a_page_and_has_a_title():
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    used = set(re.findall(r"figures/([\w.-]+)", pages))
    registry = figlib.load_all()
    assert used <= set(registry), f"pages use unregistered figures: {used - set(registry)}"
    assert set(registry) <= used, f"figures no page shows: {set(registry) - used}"
    assert all(fig.title for fig in registry.values())


def test_list_names_every_figure(tmp_path):
    out = run_cli("--list", cache=tmp_path)
    assert out.returncode == 0, out.stderr
    for name in figlib.load_all():
        assert re.search(rf"^{re.escape(name)}\s+missing", out.stdout, re.M), out.stdout


def test_unknown_figure_is_a_clear_error(tmp_path):
    out = run_cli("--only", "no-such-figure", cache=tmp_path)
    assert out.returncode == 2
    assert "no figure named 'no-such-figure'" in out.stderr
    assert "composition" in out.stderr  # lists the known names


def test_only_builds_one_then_caches_then_force_redraws(tmp_path):
    first = run_cli("--only", "composition", cache=tmp_path)
    assert first.returncode == 0, first.stderr
    assert re.search(r"\[1/1\] composition\.png\s+generated in \d+\.\d s", first.stdout)
    assert "figures: 1 generated, 0 up to date" in first.stdout
    made = list(tmp_path.rglob("*.png"))
    assert [p.parent.name for p in made] == ["composition"]
    second = run_cli("--only", "composition.png", cache=tmp_path)
    assert "[1/1] composition.png  up to date" in second.stdout
    assert list(tmp_path.rglob("*.png")) == made
    forced = run_cli("--only", "composition", "--force", cache=tmp_path)
    assert "figures: 1 generated, 0 up to date" in forced.stdout
    assert made[0].read_bytes() == next(tmp_path.rglob("*.png")).read_bytes()


@pytest.fixture
def scratch_figure(tmp_path, monkeypatch):
    """A throw-away figure whose 'src module' is a file this test can edit."""
    module = tmp_path / "scratch_dep.py"
    module.write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    calls = []

    def draw(path: Path) -> None:
        calls.append(path)
        path.write_bytes(module.read_bytes())

    fig = figlib.Figure("scratch.txt", draw, ("scratch_dep",), "scratch",
                        module=__name__)
    return fig, module, calls


def test_cache_key_follows_the_src_modules_a_figure_uses(scratch_figure, tmp_path):
    fig, module, calls = scratch_figure
    cache = tmp_path / "cache"
    first = figlib.build_one(fig, root=cache)
    assert first.generated and figlib.build_one(fig, root=cache).generated is False
    module.write_text("VALUE = 2\n")
    second = figlib.build_one(fig, root=cache)
    assert second.generated and second.path != first.path
    assert not first.path.exists(), "the output of the old inputs is pruned"
    assert len(calls) == 2


def test_a_failing_figure_leaves_nothing_behind(tmp_path):
    def draw(path: Path) -> None:
        path.write_bytes(b"half a figure")
        raise RuntimeError("drawing failed")

    fig = figlib.Figure("broken.png", draw, (), "broken", module=__name__)
    with pytest.raises(RuntimeError, match="drawing failed"):
        figlib.build_one(fig, root=tmp_path)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_gif_writer_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match="at least one frame"):
        figlib.save_gif([], tmp_path / "x.gif", fps=10, palette=["#000", "#fff"])
    with pytest.raises(ValueError, match="2 to 256 colours"):
        figlib.save_gif([pytest.importorskip("numpy").zeros((2, 2, 3), "uint8")],
                        tmp_path / "x.gif", fps=10, palette=["#000"])
