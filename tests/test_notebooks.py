"""Every notebook runs top to bottom in a fresh kernel, and links back to its chapter."""

from __future__ import annotations

import os
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.py"))
CHAPTERS = ["python-intro", "asteroids", "robot-arm", "house-prices", "backpropagation",
            "leaky-relu"]


def test_every_chapter_has_a_notebook():
    assert sorted(p.stem for p in NOTEBOOKS) == sorted(CHAPTERS)


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_kernel(source, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT / "src"),
                                                      os.environ.get("PYTHONPATH", "")]))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = jupytext.read(source)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
    assert any(c.cell_type == "code" and any(o.output_type == "display_data" for o in c.outputs)
               for c in nb.cells), "a playground draws at least one figure"


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_links_back_to_its_chapter_and_the_chapter_to_it(source):
    first = jupytext.read(source).cells[0].source
    assert f"../../{source.stem}/" in first, "the notebook's first cell links its chapter"
    chapter = (ROOT / "docs" / f"{source.stem}.md").read_text(encoding="utf-8")
    assert f"notebooks/{source.stem}.ipynb" in chapter, "the chapter links its notebook"
