"""``load(name)``: the result of a registered ``@data`` function.

Inside a build worker the engine supplies the cached object (computed once per
change, before any figure or value that needs it) and records that the artifact
being computed used it. Anywhere else (tests, notebooks, a Python prompt) the
function simply runs, once per process.
"""

from __future__ import annotations

import pickle
from pathlib import Path

#: Set by the worker: data name -> (object path, sha256) of the current result.
SUPPLIED: dict[str, tuple[str, str]] | None = None
#: Data names this process loaded, with the sha256 of what it got.
USED: dict[str, str] = {}
_MEMO: dict[str, object] = {}


def load(name: str):
    """The (cached) result of the ``@data(name)`` function."""
    if name in _MEMO:
        return _MEMO[name]
    if SUPPLIED is not None:
        if name not in SUPPLIED:
            known = ", ".join(sorted(SUPPLIED)) or "none"
            raise KeyError(f"no data named {name!r}; known data: {known}")
        path, sha = SUPPLIED[name]
        result = pickle.loads(Path(path).read_bytes())
        USED[name] = sha
    else:
        from engine import registry

        result = registry.get("data", name).fn()
    _MEMO[name] = result
    return result
