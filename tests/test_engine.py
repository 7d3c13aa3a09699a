"""The build engine on a small scratch project: freshness, dependencies, cache, errors.

Each test copies the engine into a temporary project with its own tiny chapter
module and library, runs ``python -m engine`` there exactly as the MkDocs hook
does (a subprocess with that project's ``src`` and ``scripts`` first on the
path), and edits files between runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHAPTER = '''
import matplotlib.pyplot as plt
from engine import data, figure, load, value
import scratchlib


@data("scratch.run")
def run():
    return {"n": scratchlib.N, "squares": [k * k for k in range(scratchlib.N)]}


@value("scratch.count")
def count():
    return f"{len(load('scratch.run')['squares'])} squares"


@value("scratch.constant")
def constant():
    return "always the same"


@figure("scratch-plot.png", title="Scratch", alt="A scratch plot of squares.")
def plot(theme):
    fig, ax = plt.subplots(figsize=(theme.width(), 2.5))
    ax.plot(load("scratch.run")["squares"], color=theme.ink("blue"))
    ax.set_title("squares")
    return fig
'''

OTHER = '''
import matplotlib.pyplot as plt
from engine import figure, value
import otherlib


@value("other.text")
def text():
    return otherlib.TEXT


@figure("other-plot.png", title="Other", alt="Another scratch plot.")
def plot(theme):
    fig, ax = plt.subplots(figsize=(theme.width(), 2.5))
    ax.plot([0, 1], [0, otherlib.HEIGHT], color=theme.ink("orange"))
    return fig
'''


class Project:
    """A scratch project with the real engine and two tiny chapters."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copytree(ROOT / "scripts" / "engine", root / "scripts" / "engine",
                        ignore=shutil.ignore_patterns("__pycache__"))
        (root / "scripts" / "chapters").mkdir(parents=True)
        (root / "scripts" / "chapters" / "__init__.py").write_text("")
        (root / "src").mkdir()
        self.write("scripts/chapters/scratch.py", CHAPTER)
        self.write("scripts/chapters/other.py", OTHER)
        self.write("src/scratchlib.py", "N = 5\n")
        self.write("src/otherlib.py", "TEXT = 'hello'\nHEIGHT = 2.0\n")
        self.cache = root / "cache"

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))

    def env(self) -> dict:
        env = dict(os.environ, GRADBOOK_CACHE=str(self.cache), MPLBACKEND="Agg",
                   PYTHONPATH=os.pathsep.join([str(self.root / "src"), str(self.root / "scripts")]))
        return env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        out = self.root / "out.json"
        proc = subprocess.run([sys.executable, "-m", "engine", "--json", str(out), *args],
                              cwd=self.root, env=self.env(), capture_output=True, text=True,
                              timeout=300)
        if check:
            assert proc.returncode == 0, proc.stderr
        return proc

    def outputs(self) -> dict:
        return json.loads((self.root / "out.json").read_text())

    @staticmethod
    def computed(proc: subprocess.CompletedProcess) -> set[str]:
        return {line.split()[2] for line in proc.stderr.splitlines()
                if line.startswith("[") and "computed in" in line and "registry" not in line}


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path / "project")


def test_first_run_computes_everything_second_run_nothing(project):
    first = project.run()
    assert project.computed(first) == {"scratch.run", "scratch.count", "scratch.constant",
                                       "scratch-plot.png", "other.text", "other-plot.png"}
    assert "engine: 2 figures, 3 values, 0 notebooks, 1 data computed; 0 up to date" in first.stderr
    second = project.run()
    assert project.computed(second) == set()
    assert "engine: 0 figures, 0 values, 0 notebooks, 0 data computed; 6 up to date" in second.stderr
    assert project.outputs()["values"]["scratch.count"]["text"] == "5 squares"


def test_an_edit_invalidates_exactly_what_imported_the_file(project):
    project.run()
    project.write("src/scratchlib.py", "N = 7\n")
    again = project.run()
    # everything whose module imported scratchlib; nothing of the other chapter
    assert project.computed(again) == {"scratch.run", "scratch.count", "scratch.constant",
                                       "scratch-plot.png"}
    assert project.outputs()["values"]["scratch.count"]["text"] == "7 squares"
    project.write("src/otherlib.py", "TEXT = 'bye'\nHEIGHT = 2.0\n")
    assert project.computed(project.run()) == {"other.text", "other-plot.png"}


def test_a_file_read_at_run_time_is_a_dependency(project):
    project.write("scripts/chapters/reader.py", '''
        from pathlib import Path
        from engine import value

        @value("reader.text")
        def text():
            return (Path(__file__).parent / "reader.txt").read_text()
    ''')
    project.write("scripts/chapters/reader.txt", "first")
    project.run()
    assert project.outputs()["values"]["reader.text"]["text"] == "first"
    project.write("scripts/chapters/reader.txt", "second")
    assert project.computed(project.run()) == {"reader.text"}
    assert project.outputs()["values"]["reader.text"]["text"] == "second"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete"])
def test_a_damaged_cache_entry_is_recomputed_not_shipped(project, damage):
    project.run()
    figure = project.outputs()["figures"]["scratch-plot.png"]["files"]["image"]
    path = Path(figure["path"])
    good = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(b"")
    elif damage == "garbage":
        path.write_bytes(b"\x89PNG not really" + good[20:])
    else:
        path.unlink()
    again = project.run()
    assert "scratch-plot.png" in project.computed(again)
    assert "corrupted" in again.stderr or "missing" in again.stderr
    assert Path(project.outputs()["figures"]["scratch-plot.png"]["files"]["image"]["path"]
                ).read_bytes() == good


def test_an_error_names_the_artifact_its_definition_and_the_traceback(project):
    project.write("scripts/chapters/broken.py", '''
        from engine import value

        def helper():
            raise ValueError("boom")

        @value("broken.thing")
        def thing():
            return helper()
    ''')
    proc = project.run(check=False)
    assert proc.returncode == 1
    assert "value 'broken.thing' (scripts/chapters/broken.py:7): ValueError: boom" in proc.stderr
    assert "in helper" in proc.stderr and 'raise ValueError("boom")' in proc.stderr


def test_an_oserror_keeps_its_path(project):
    project.write("scripts/chapters/missing.py", '''
        from engine import value

        @value("missing.file")
        def thing():
            return open("/no/such/dir/data.csv").read()
    ''')
    proc = project.run(check=False)
    assert proc.returncode == 1
    assert "FileNotFoundError" in proc.stderr and "/no/such/dir/data.csv" in proc.stderr


@pytest.mark.parametrize("result", ["None", "''", "'   '", "42"])
def test_a_value_must_be_a_non_empty_string(project, result):
    project.write("scripts/chapters/empty.py", f'''
        from engine import value

        @value("empty.thing")
        def thing():
            return {result}
    ''')
    proc = project.run(check=False)
    assert proc.returncode == 1
    assert "value 'empty.thing'" in proc.stderr and "non-empty str" in proc.stderr


def test_illegible_text_fails_the_figure(project):
    project.write("scripts/chapters/tiny.py", '''
        import matplotlib.pyplot as plt
        from engine import figure

        @figure("tiny.png", title="Tiny", alt="Tiny text.")
        def tiny(theme):
            fig, ax = plt.subplots(figsize=(theme.width(), 2))
            ax.set_title("far too small", fontsize=6)
            return fig
    ''')
    proc = project.run(check=False)
    assert proc.returncode == 1
    assert "figure 'tiny.png'" in proc.stderr and "too small" in proc.stderr


def test_serial_and_parallel_builds_give_identical_bytes(project, tmp_path):
    project.run("--jobs", "1")
    serial = {name: Path(f["files"]["image"]["path"]).read_bytes()
              for name, f in project.outputs()["figures"].items()}
    shutil.rmtree(project.cache)
    project.run("--jobs", "2")
    parallel = {name: Path(f["files"]["image"]["path"]).read_bytes()
                for name, f in project.outputs()["figures"].items()}
    assert serial == parallel


def test_two_builds_sharing_one_cache_at_the_same_time(project):
    results = []

    def build():
        results.append(project.run(check=False))

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    after = project.run()
    assert project.computed(after) == set()  # what both wrote is complete and verified


def test_a_new_chapter_module_is_discovered(project):
    project.run()
    project.write("scripts/chapters/late.py", '''
        from engine import value

        @value("late.thing")
        def thing():
            return "late"
    ''')
    again = project.run()
    assert project.computed(again) == {"late.thing"}
    assert project.outputs()["values"]["late.thing"]["text"] == "late"


NOTEBOOK = '''# %% [markdown]
# # Scratch notebook

# %%
import scratchlib
print("N is", scratchlib.N)
'''


def test_a_notebook_runs_in_a_kernel_and_reruns_when_what_it_imports_changes(project):
    project.write("docs/notebooks/scratch.py", NOTEBOOK)
    first = project.run()
    assert "scratch.ipynb" in project.computed(first)
    nb = json.loads(Path(project.outputs()["notebooks"]["scratch.ipynb"]["path"]).read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == [1]  # the engine's tracing cells are gone
    assert "".join(code[0]["outputs"][0]["text"]) == "N is 5\n"
    assert project.computed(project.run()) == set()  # nothing changed: not executed again
    project.write("src/otherlib.py", "TEXT = 'x'\nHEIGHT = 3.0\n")  # not imported by it
    assert "scratch.ipynb" not in project.computed(project.run())
    project.write("src/scratchlib.py", "N = 9\n")  # imported inside the kernel
    assert "scratch.ipynb" in project.computed(project.run())
    nb = json.loads(Path(project.outputs()["notebooks"]["scratch.ipynb"]["path"]).read_text())
    assert "".join([c for c in nb["cells"] if c["cell_type"] == "code"][0]["outputs"][0]["text"]) \
        == "N is 9\n"


def test_a_failing_cell_fails_the_build_naming_the_notebook_and_the_cell(project):
    project.write("docs/notebooks/broken.py", NOTEBOOK + "\n# %%\nx = 1\n\n# %%\n1 / 0\n")
    proc = project.run(check=False)
    assert proc.returncode == 1
    assert "notebook 'broken.ipynb' (docs/notebooks/broken.py:1)" in proc.stderr
    assert "cell 4 of 4 (`1 / 0`) raised ZeroDivisionError: division by zero" in proc.stderr
