"""Compute one artifact in a fresh process and record what it used.

The build driver (:mod:`engine.build`) starts a fork server for each build
that has imported only third-party libraries (numpy, matplotlib, ...) and this
module; every artifact is computed in a new child of that server. So no project
code from an earlier build, or from the long-lived ``mkdocs serve`` process,
can leak into a result, and after the computation the child knows exactly which
project files it needed:

* every module in ``sys.modules`` whose file lies in the project, and
* every project file it opened (an audit hook sees each ``open``),

minus the engine's own machinery (this module, the driver, the cache), which
does not shape any output. Those paths become the artifact's dependencies;
editing any of them, and nothing else, makes the artifact stale.
"""

from __future__ import annotations

import importlib
import os
import pickle
import sys
import time
import traceback
from pathlib import Path

from engine import cache, registry, runtime

ROOT = registry.ROOT
#: Project files that are machinery, not inputs: editing them changes no output.
MACHINERY = {f"scripts/engine/{name}.py" for name in
             ("worker", "build", "cache", "hook", "pages", "typeset", "bench", "__main__")}
IGNORED_DIRS = (".cache", ".venv", "node_modules", "site", ".git", ".pytest_cache",
                ".hypothesis")

_opened: set[str] = set()


def project_path(path) -> str | None:
    """``path`` relative to the project, if it is a project source file."""
    try:
        rel = Path(os.path.abspath(path)).relative_to(ROOT)
    except (ValueError, TypeError):
        return None
    parts = rel.parts
    if not parts or parts[0] in IGNORED_DIRS or any(p.startswith(".") for p in parts):
        return None
    if "__pycache__" in parts:  # a compiled module: its source is the dependency
        name = parts[-1].split(".", 1)[0] + ".py"
        rel = Path(*parts[:-2], name)
    return rel.as_posix()


def _audit(event: str, args) -> None:
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        mode = args[1] if len(args) > 1 else "r"
        if isinstance(mode, str) and ("w" in mode or "a" in mode or "x" in mode):
            return
        rel = project_path(os.fsdecode(args[0]))
        if rel is not None:
            _opened.add(rel)


def dependencies() -> tuple[list[str], list[str]]:
    """Project files this process used, and the top-level third-party modules it imported."""
    files = set(_opened)
    third_party = set()
    stdlib = sys.stdlib_module_names
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        rel = project_path(path) if path else None
        if rel is not None:
            files.add(rel)
        elif path and "site-packages" in path:
            top = name.split(".", 1)[0]
            if top not in stdlib and not top.startswith("_"):
                third_party.add(top)
    files = sorted(f for f in files if f not in MACHINERY and Path(ROOT, f).is_file())
    return files, sorted(third_party)


def describe_error(spec_line: str, exc: BaseException) -> str:
    """One readable message: which artifact, where it is defined, the exception, the traceback's tail."""
    summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if isinstance(exc, NotebookFailed):  # the cell and its error say it all
        return f"{spec_line}: {exc}"
    frames = traceback.extract_tb(exc.__traceback__)
    tail = traceback.format_list(frames[-6:])
    return f"{spec_line}: {summary}\n  traceback (most recent call last):\n" + "".join(
        "  " + line.replace("\n", "\n  ").rstrip(" ") for line in tail).rstrip()


def _compute(task: dict, store: cache.Store) -> dict:
    kind, name = task["kind"], task["name"]
    if kind == "registry":
        specs = registry.load_all()
        listing = [s.listing() for s in specs.values()]
        return {"listing": listing + [s.listing() for s in registry.notebook_specs()]}
    if kind == "notebook":
        return _notebook(task, store)
    importlib.import_module(task["module"])  # only this chapter: its imports are its dependencies
    spec = registry.REGISTRY[(kind, name)]
    if kind == "data":
        result = spec.fn()
        data = pickle.dumps(result, protocol=5)
        return {"outputs": {"data": {"object": store.put(data, ".pickle"), "ext": ".pickle"}}}
    if kind == "value":
        text = spec.fn()
        if not isinstance(text, str) or not text.strip():
            raise TypeError(f"a value must return a non-empty str, got {text!r}")
        return {"outputs": {"text": {"object": store.put(text.encode(), ".md"), "ext": ".md"}}}
    if kind == "figure":
        import matplotlib.pyplot as plt

        from engine import render, style

        outputs = {}
        for theme in style.variants(spec.meta["layouts"]):
            with plt.rc_context(theme.rc):
                result = spec.fn(theme)
                for role, blob, ext, meta in render.render(result, theme):
                    key = ("still" if role == "still" else "image") + style.suffix(theme)
                    outputs[key] = {"object": store.put(blob, ext), "ext": ext, "meta": meta}
            plt.close("all")
        return {"outputs": outputs}
    raise ValueError(f"unknown artifact kind {kind!r}")


# --- notebooks ---------------------------------------------------------------------

class NotebookFailed(Exception):
    """A cell of a notebook raised."""


def _shell():
    """An IPython shell in this process, with matplotlib's inline backend.

    The worker is already a fresh process, so the notebook gets a fresh
    namespace, and everything it imports or opens is recorded like for a figure;
    starting a separate kernel process would cost a second per notebook.
    (``tests/test_notebooks.py`` still runs every notebook in a real kernel.)
    """
    from IPython.core.interactiveshell import InteractiveShell

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):  # inline plots need no GUI event loop
            pass

    shell = Shell.instance()
    shell.enable_matplotlib("inline")
    return shell


def _outputs(shell, capture, result, count: int) -> list:
    import base64

    import nbformat

    def mime(data: dict) -> dict:
        return {k: (base64.b64encode(v).decode() if isinstance(v, bytes) else v)
                for k, v in data.items()}

    out = []
    for name, text in (("stdout", capture.stdout), ("stderr", capture.stderr)):
        if text:
            out.append(nbformat.v4.new_output("stream", name=name, text=text))
    for rich in capture.outputs:
        out.append(nbformat.v4.new_output("display_data", data=mime(rich.data),
                                          metadata=rich.metadata or {}))
    if result.result is not None:
        data, metadata = shell.display_formatter.format(result.result)
        out.append(nbformat.v4.new_output("execute_result", data=mime(data),
                                          metadata=metadata, execution_count=count))
    return out


def _notebook(task: dict, store: cache.Store) -> dict:
    """Run a Jupytext notebook top to bottom; keep it with its outputs."""
    import jupytext
    import nbformat
    from IPython.utils.capture import capture_output

    source = ROOT / task["where"].rsplit(":", 1)[0]
    _opened.add(project_path(source))
    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    shell = _shell()
    os.chdir(source.parent)
    count = 0
    for index, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        count += 1
        with capture_output() as capture:
            result = shell.run_cell(cell.source, store_history=True)
        cell.execution_count = count
        cell.outputs = _outputs(shell, capture, result, count)
        error = result.error_in_exec or result.error_before_exec
        if error is not None:
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            raise NotebookFailed(f"cell {index} of {len(nb.cells)} (`{first[:60]}`) raised "
                                 f"{type(error).__name__}: {error}")
    data = nbformat.writes(nb).encode()
    return {"outputs": {"notebook": {"object": store.put(data, ".ipynb"), "ext": ".ipynb"}}}


def _run_one(task: dict, store: cache.Store) -> dict:
    start = time.perf_counter()
    where = task.get("where", "")
    label = f"{task['kind']} {task['name']!r}" + (f" ({where})" if where else "")
    echo = {k: task[k] for k in ("kind", "name", "where") if k in task}
    try:
        result = _compute(task, store)
    except BaseException as exc:  # noqa: BLE001 - reported to the driver, which fails the build
        return {"ok": False, "task": echo, "error": describe_error(label, exc),
                "seconds": time.perf_counter() - start}
    files, third_party = dependencies()
    result.update(ok=True, task=echo, files=files, modules=third_party,
                  data_used=dict(runtime.USED), seconds=time.perf_counter() - start)
    return result


def run(task: dict) -> dict:
    """Compute ``task`` (``kind``, ``name``, ``cache``, ``data``); never raises.

    A task with ``names`` computes several values of one chapter module in this
    one process (they share its imports). Each value's dependencies are what the
    process had used by the time that value was done: a superset of its own, so
    an edit can only ever recompute too much, never too little.
    """
    sys.addaudithook(_audit)
    runtime.SUPPLIED = task.get("data", {})
    store = cache.Store(Path(task["cache"]))
    if "names" not in task:
        return _run_one(task, store)
    results = []
    for name in task["names"]:
        results.append(_run_one(dict(task, name=name, where=task["wheres"][name]), store))
        if not results[-1]["ok"]:
            break
    return {"batch": results}
