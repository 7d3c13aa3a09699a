"""The build driver: find what is stale and compute it, in parallel, in fresh processes.

One build:

1. **Registry.** The list of artifacts comes from importing the chapter
   modules. That list is itself cached (keyed like any artifact by the files
   the import used), so a build with nothing changed imports no chapter code.
2. **Check.** An artifact is *current* when its entry's format, the sha256 of
   every project file it used, the data objects it loaded, the library
   versions it ran with and the sha256 of every output it stored all still
   match. Anything else (a missing entry, an edited file, a truncated or
   altered object) makes it stale, and the reason is logged.
3. **Compute.** Stale ``@data`` artifacts first, then stale figures and
   values, each in a new child of a fork server started for this build
   (:mod:`engine.worker`), as many at a time as there are cores. One progress
   line per artifact, a summary at the end.

The driver itself imports no numpy and no project code: the MkDocs hook runs it
as a subprocess, so even a ``mkdocs serve`` that has been running for hours
gets artifacts computed from the files as they are now.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import multiprocessing
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine import cache, registry

ROOT = registry.ROOT
PRELOAD = ["engine.worker", "numpy", "matplotlib.pyplot", "PIL.Image", "scipy.optimize",
           "scipy.stats", "sympy", "nbformat", "jupytext", "IPython"]


def driver_env() -> dict[str, str]:
    """The environment of a build: this checkout's code first, one BLAS thread per worker."""
    env = dict(os.environ)
    paths = [str(ROOT / "src"), str(ROOT / "scripts")]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env.update(PYTHONPATH=os.pathsep.join(paths), MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


#: At most this many tasks run without the fork server (each spawns its own interpreter).
LIGHT = 2
#: Seconds an artifact is expected to take when no earlier entry says (to start long ones first).
GUESS = {"data": 2.0, "notebook": 2.0, "figure": 1.0, "value": 0.05}


class BuildFailed(Exception):
    """One or more artifacts failed; the message holds every error."""


@dataclass
class Plan:
    """What one build found and did."""

    listing: list[dict] = field(default_factory=list)
    entries: dict[tuple[str, str], dict] = field(default_factory=dict)
    computed: dict[str, int] = field(default_factory=lambda: {"data": 0, "figure": 0, "value": 0,
                                                               "notebook": 0})
    current: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    stale_reasons: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        c = self.computed
        made = ", ".join(f"{c[k]} {k if k == 'data' or c[k] == 1 else k + 's'}"
                         for k in ("figure", "value", "notebook", "data"))
        return f"engine: {made} computed; {self.current} up to date"


class Checker:
    """Decides whether a cache entry is still current (memoising file hashes)."""

    def __init__(self, store: cache.Store):
        self.store = store
        self._files: dict[str, str | None] = {}
        self._versions: dict[str, str | None] = {}

    def file_sha(self, rel: str) -> str | None:
        if rel not in self._files:
            try:
                self._files[rel] = cache.sha256_file(ROOT / rel)
            except OSError:
                self._files[rel] = None
        return self._files[rel]

    def version(self, dist: str) -> str | None:
        if dist not in self._versions:
            try:
                self._versions[dist] = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                self._versions[dist] = None
        return self._versions[dist]

    def stale_reason(self, entry: dict | None, data_objects: dict[str, str]) -> str | None:
        """Why ``entry`` cannot be used, or None if it is current."""
        if entry is None:
            return "not cached"
        if entry.get("python") != platform.python_version():
            return "another Python version"
        for rel, sha in entry.get("files", {}).items():
            if self.file_sha(rel) != sha:
                return f"{rel} changed"
        for name, sha in entry.get("data", {}).items():
            if data_objects.get(name) != sha:
                return f"data {name} changed"
        for dist, version in entry.get("versions", {}).items():
            if self.version(dist) != version:
                return f"{dist} {version} -> {self.version(dist)}"
        for role, out in entry.get("outputs", {}).items():
            path = self.store.object_path(out["object"], out["ext"])
            if not path.is_file():
                return f"cached {role} is missing"
            if not self.store.verify(path, out["object"]):
                return f"cached {role} is corrupted (sha256 mismatch)"
        return None


_DIST_MAP: dict[str, list[str]] | None = None


def versions_of(modules: list[str]) -> dict[str, str]:
    """Distribution versions of the given top-level modules."""
    global _DIST_MAP
    if _DIST_MAP is None:
        _DIST_MAP = importlib.metadata.packages_distributions()
    out = {}
    for top in modules:
        for dist in _DIST_MAP.get(top, []):
            try:
                out[dist] = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                pass
    return out


def _run_and_send(conn, task: dict) -> None:
    from engine import worker

    conn.send(worker.run(task))
    conn.close()


class Runner:
    """Runs worker tasks, each in a fresh process.

    Many tasks (a clean build, an edited library module) go to children of a fork
    server made for this build, which has imported numpy, matplotlib and the
    other slow libraries once (``PRELOAD``). A few tasks (say, the page headings
    after a page edit) do not wait for that: each runs in a child forked from
    this process, which has loaded no project code but the engine's own.
    """

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = None

    def map(self, tasks: list[dict]):
        from engine import worker

        if not tasks:
            return
        if self.pool is None and len(tasks) <= LIGHT:
            # fork this process (only the engine's own modules are loaded here, and
            # no thread runs yet), one child per task
            ctx = multiprocessing.get_context("fork")
            children = []
            for task in tasks:
                receive, send = ctx.Pipe(duplex=False)
                child = ctx.Process(target=_run_and_send, args=(send, task))
                child.start()
                send.close()
                children.append((task, child, receive))
            for task, child, receive in children:
                try:
                    yield receive.recv()
                except EOFError:
                    yield {"ok": False, "task": {k: task[k] for k in ("kind", "name")},
                           "error": f"{task['kind']} {task['name']}: the worker died "
                                    f"(exit code {child.exitcode})", "seconds": 0.0}
                finally:
                    receive.close()
                    child.join()
            return
        if self.pool is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            self.pool = ctx.Pool(processes=max(1, self.jobs), maxtasksperchild=1)
        yield from self.pool.imap_unordered(worker.run, tasks)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None


def _entry_from(result: dict, task: dict, checker: Checker) -> dict:
    files = {}
    for rel in result["files"]:
        sha = checker.file_sha(rel)
        if sha is not None:
            files[rel] = sha
    return {"kind": task["kind"], "name": task["name"], "files": files,
            "data": result.get("data_used", {}), "versions": versions_of(result["modules"]),
            "python": platform.python_version(), "outputs": result.get("outputs", {}),
            "listing": result.get("listing"), "seconds": round(result["seconds"], 3),
            "where": task.get("where", "")}


def build(*, only: list[str] | None = None, force: bool = False, jobs: int | None = None,
          root: Path | None = None, report=print,
          kinds=("data", "figure", "value", "notebook")) -> Plan:
    """Bring every artifact (or the figures in ``only`` and what they need) up to date."""
    start = time.perf_counter()
    store = cache.Store(root or cache.default_root(ROOT))
    checker = Checker(store)
    runner = Runner(jobs or os.cpu_count() or 1)
    plan = Plan()
    errors: list[str] = []

    def run(tasks: list[dict]) -> None:
        total = sum(len(t.get("names", [0])) for t in tasks)
        results = (r for batch in runner.map(tasks) for r in batch.get("batch", [batch]))
        for i, result in enumerate(results, 1):
            task = result["task"]  # results come back unordered
            key = (task["kind"], task["name"])
            if not result["ok"]:
                errors.append(result["error"])
                report(f"[{i}/{total}] {task['kind']} {task['name']}  FAILED")
                continue
            entry = _entry_from(result, task, checker)
            store.write_entry(task["kind"], task["name"], entry)
            plan.entries[key] = entry
            if task["kind"] in plan.computed:
                plan.computed[task["kind"]] += 1
            plan.seconds[f"{task['kind']} {task['name']}"] = result["seconds"]
            report(f"[{i}/{total}] {task['kind']} {task['name']}  computed in "
                   f"{result['seconds']:.1f} s ({plan.stale_reasons.get(task['name'], 'forced')})")

    try:
        # 1. the registry
        chapters = [p.relative_to(ROOT).as_posix()
                    for p in registry.chapter_files() + registry.notebook_files()]
        entry = store.read_entry("registry", "chapters")
        reason = checker.stale_reason(entry, {})
        if reason is None and entry.get("chapters") != chapters:
            reason = "chapter modules added or removed"
        if reason is not None or force:
            plan.stale_reasons["chapters"] = reason or "forced"
            run([_task("registry", "chapters", "", store)])
            if errors:
                raise BuildFailed("\n\n".join(errors))
            entry = dict(plan.entries[("registry", "chapters")], chapters=chapters)
            store.write_entry("registry", "chapters", entry)
        plan.listing = entry["listing"]
        specs = {(s["kind"], s["name"]): s for s in plan.listing}
        wanted = _select(specs, only, kinds)

        # 2. data, then 3. figures and values
        data_objects: dict[str, str] = {}
        # Notebooks use no @data (their kernels import gradbook directly), so they
        # run beside the data and keep every core busy while the figures wait for it.
        for phase in (("data", "notebook"), ("figure", "value")):
            tasks = []
            for key in sorted(k for k in wanted if k[0] in phase):
                spec = specs[key]
                entry = store.read_entry(*key)
                reason = "forced" if force else checker.stale_reason(entry, data_objects)
                if reason is None:
                    plan.entries[key] = entry
                    plan.current += 1
                else:
                    plan.stale_reasons[key[1]] = reason
                    task = _task(key[0], key[1], f"{spec['file']}:{spec['line']}", store,
                                 _supplied(plan, store), spec["module"])
                    task["expected"] = (entry or {}).get("seconds") or GUESS[key[0]]
                    tasks.append(task)
            # longest first, so that no long artifact starts last and runs alone
            run(sorted(_batched(tasks), key=lambda t: -t["expected"]))
            if errors:
                raise BuildFailed("\n\n".join(errors))
            for (kind, name), entry in plan.entries.items():
                if kind == "data":
                    data_objects[name] = entry["outputs"]["data"]["object"]
    finally:
        runner.close()
    keep = {o["object"] for e in plan.entries.values() for o in e.get("outputs", {}).values()}
    if only is None and set(kinds) == set(registry.KINDS):
        store.prune(keep)
    report(f"{plan.summary()} in {time.perf_counter() - start:.1f} s (cache: {store.root})")
    return plan


def status(report=print) -> dict[str, dict]:
    """Every figure with where it is defined and whether its cache entry is current."""
    plan = build(kinds=(), report=report)
    store = cache.Store(cache.default_root(ROOT))
    checker = Checker(store)
    data_objects = {}
    for spec in plan.listing:
        if spec["kind"] == "data":
            entry = store.read_entry("data", spec["name"])
            if entry and checker.stale_reason(entry, {}) is None:
                data_objects[spec["name"]] = entry["outputs"]["data"]["object"]
    out = {}
    for spec in plan.listing:
        if spec["kind"] == "figure":
            reason = checker.stale_reason(store.read_entry("figure", spec["name"]), data_objects)
            out[spec["name"]] = {"state": "cached" if reason is None else "stale",
                                 "reason": reason, "where": spec_where(spec)}
    return out


def _batched(tasks: list[dict]) -> list[dict]:
    """Stale values of one chapter module become one task: they share its imports,
    and a process per value would spend most of its time importing."""
    out, groups = [], {}
    for task in tasks:
        if task["kind"] != "value":
            out.append(task)
            continue
        group = groups.get(task["module"])
        if group is None:
            group = groups[task["module"]] = dict(task, names=[], wheres={}, expected=0.0)
            out.append(group)
        group["names"].append(task["name"])
        group["expected"] += task["expected"]
        group["wheres"][task["name"]] = task["where"]
    return out


def _supplied(plan: Plan, store: cache.Store) -> dict[str, tuple[str, str]]:
    out = {}
    for (kind, name), entry in plan.entries.items():
        if kind == "data":
            o = entry["outputs"]["data"]
            out[name] = (str(store.object_path(o["object"], o["ext"])), o["object"])
    return out


def _task(kind: str, name: str, where: str, store: cache.Store, data=None,
          module: str = "") -> dict:
    return {"kind": kind, "name": name, "where": where, "cache": str(store.root),
            "data": data or {}, "module": module}


def _select(specs: dict, only: list[str] | None, kinds) -> set:
    """The artifacts to bring up to date: all of ``kinds``, or the named figures and all data."""
    if not only:
        return {k for k in specs if k[0] in kinds}
    figures = {k[1]: k for k in specs if k[0] == "figure"}
    stems = {name.rsplit(".", 1)[0]: key for name, key in figures.items()}
    chosen = set()
    for name in only:
        key = figures.get(name) or stems.get(name)
        if key is None:
            raise KeyError(f"no figure named {name!r}; known figures: {', '.join(sorted(stems))}")
        chosen.add(key)
    return chosen | {k for k in specs if k[0] == "data"}


# --- the result the MkDocs hook reads -------------------------------------------

def outputs(plan: Plan, store_root: Path | None = None) -> dict:
    """Everything a site build needs, as JSON-able data."""
    store = cache.Store(store_root or cache.default_root(ROOT))
    figures, values, notebooks = {}, {}, {}
    specs = {(s["kind"], s["name"]): s for s in plan.listing}
    for (kind, name), entry in plan.entries.items():
        spec = specs.get((kind, name))
        if spec is None:  # the registry's own entry
            continue
        if kind == "figure":
            files = {role: {"path": str(store.object_path(o["object"], o["ext"])),
                            "ext": o["ext"], **o.get("meta", {})}
                     for role, o in entry["outputs"].items()}
            figures[name] = {"meta": spec["meta"], "where": spec_where(spec), "files": files}
        elif kind == "value":
            o = entry["outputs"]["text"]
            path = store.object_path(o["object"], o["ext"])
            values[name] = {"text": path.read_text("utf-8"), "where": spec_where(spec),
                            "path": str(path)}
        elif kind == "notebook":
            o = entry["outputs"]["notebook"]
            notebooks[name] = {"path": str(store.object_path(o["object"], o["ext"])),
                               "source": spec["meta"]["source"]}
    return {"figures": figures, "values": values, "notebooks": notebooks}


def spec_where(spec: dict) -> str:
    return f"{spec['file']}:{spec['line']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine",
                                     description="Bring the site's figures and values up to date.")
    parser.add_argument("--json", metavar="FILE",
                        help="write what a site build needs (figures, values) to FILE")
    parser.add_argument("--force", action="store_true", help="recompute even what is cached")
    parser.add_argument("--jobs", type=int, default=None, help="parallel workers (default: cores)")
    args = parser.parse_args(argv)

    def report(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        plan = build(force=args.force, jobs=args.jobs, report=report)
    except BuildFailed as err:
        print(f"engine: build failed\n{err}", file=sys.stderr, flush=True)
        return 1
    if args.json:
        cache.atomic_write(Path(args.json), json.dumps(outputs(plan)).encode())
    return 0
