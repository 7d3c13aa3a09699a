"""The artifact cache: content-addressed objects and one verified entry per artifact.

Layout (under ``.cache/engine`` unless ``GRADBOOK_CACHE`` says otherwise)::

    objects/ab/ab12…ef.png     content-addressed: the name is the sha256 of the bytes
    entries/figure/house-fits.json
    entries/value/house.table.json

An entry records what an artifact was computed from (the sha256 of every project
file its computation opened or imported, the objects of the data artifacts it
loaded, the library versions it ran with) and the sha256 of every output. An
entry is *current* when all of those still match; every object is re-hashed
when it is used, so a missing, truncated or altered file is noticed and the
artifact is computed again instead of shipped.

All writes go to a temporary file in the same folder and are moved into place
with ``os.replace``, so a reader never sees half a file and two builds sharing
one cache at the same time only ever replace a file with a complete one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

CACHE_ENV = "GRADBOOK_CACHE"
FORMAT = 4  # bump when the entry format or how outputs are made changes


def default_root(project: Path) -> Path:
    return Path(os.environ.get(CACHE_ENV) or project / ".cache" / "engine")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    """Objects and entries under one root folder."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.entries = self.root / "entries"
        self._verified: dict[Path, str] = {}

    # --- objects -------------------------------------------------------------
    def object_path(self, sha: str, ext: str) -> Path:
        return self.objects / sha[:2] / f"{sha}{ext}"

    def put(self, data: bytes, ext: str) -> str:
        """Store bytes; return their sha256 (the object's name)."""
        sha = sha256_bytes(data)
        path = self.object_path(sha, ext)
        if not (path.is_file() and self.verify(path, sha)):
            atomic_write(path, data)
            self._verified[path] = sha
        return sha

    def verify(self, path: Path, sha: str) -> bool:
        """True if ``path`` exists and its bytes hash to ``sha`` (checked once per build)."""
        if self._verified.get(path) == sha:
            return True
        try:
            ok = sha256_file(path) == sha
        except OSError:
            return False
        if ok:
            self._verified[path] = sha
        return ok

    # --- entries -------------------------------------------------------------
    def entry_path(self, kind: str, name: str) -> Path:
        return self.entries / kind / f"{name}.json"

    def read_entry(self, kind: str, name: str) -> dict | None:
        path = self.entry_path(kind, name)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return None
        return entry

    def write_entry(self, kind: str, name: str, entry: dict) -> None:
        entry = dict(entry, format=FORMAT, written=time.time())
        data = json.dumps(entry, indent=1, sort_keys=True).encode()
        atomic_write(self.entry_path(kind, name), data)

    def prune(self, keep: set[str], older_than: float = 3600.0) -> int:
        """Delete objects no entry uses, if they are older than ``older_than`` s.

        The age limit keeps a concurrent build's fresh objects, written but not
        yet recorded in an entry, from being deleted under it.
        """
        removed, now = 0, time.time()
        if not self.objects.is_dir():
            return 0
        for path in self.objects.glob("*/*"):
            sha = path.name.split(".", 1)[0]
            if sha in keep or path.name.startswith("."):
                continue
            try:
                if now - path.stat().st_mtime > older_than:
                    path.unlink()
                    removed += 1
            except OSError:
                pass
        return removed
