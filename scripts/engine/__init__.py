"""The build engine: figures, computed values and shared runs for the site.

Chapter modules (``scripts/chapters/<chapter>.py``) use only this API::

    from engine import data, figure, value, load

The rest of the package is machinery: :mod:`engine.registry` (what is
registered), :mod:`engine.cache` (verified, content-addressed storage),
:mod:`engine.worker` (computes one artifact in a fresh process and records the
project files it used), :mod:`engine.build` (decides what is stale and computes
it in parallel), :mod:`engine.pages` (placeholders, code includes and figure
markup), :mod:`engine.typeset` (math at build time) and :mod:`engine.hook` (the
MkDocs hook). See README.md, "How the site is built".
"""

from engine.registry import data, figure, value
from engine.runtime import load
from engine.style import Theme

__all__ = ["data", "figure", "value", "load", "Theme"]
