"""Figure registry and content-addressed cache.

Every figure on the site is one function, registered with :func:`figure`. A
figure's cache key is a hash of everything its bytes depend on: this file
(shared style and writers), the module that defines the figure, the ``src``
modules it declares in ``uses``, and the versions of the libraries that draw
it. Outputs live in ``.cache/figures/<name>/<key>.<ext>`` (outside ``docs/``,
never in git), so a figure is drawn again only when one of its inputs changed.

``scripts/figures.py`` (the CLI) and ``scripts/mkdocs_hooks.py`` (the build)
both call :func:`build`, so the command line and the site make the same files.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import io
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import matplotlib
import matplotlib.colors

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import PIL  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = Path(__file__).resolve().parent
CACHE_ENV = "GRADBOOK_FIGURE_CACHE"
DEFAULT_CACHE = ROOT / ".cache" / "figures"

#: Colours shared by every figure (Material's indigo/deep orange family).
PALETTE = {
    "blue": "#3f51b5",
    "orange": "#e65100",
    "green": "#2e7d32",
    "grey": "#616161",
    "red": "#c62828",
    "light": "#e8eaf6",
}

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.hashsalt": "gradbook",
    "path.simplify": False,
}


@dataclass(frozen=True)
class Figure:
    """One generated file of the site."""

    filename: str
    draw: Callable[[Path], None]
    uses: tuple[str, ...]
    title: str
    deterministic: bool = True
    module: str = field(default="")

    @property
    def name(self) -> str:
        return self.filename.rsplit(".", 1)[0]

    @property
    def suffix(self) -> str:
        return "." + self.filename.rsplit(".", 1)[1]


REGISTRY: dict[str, Figure] = {}


def figure(
    filename: str, *, uses: Iterable[str], title: str, deterministic: bool = True
) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    """Register ``draw(path)`` as the function that writes ``filename``.

    ``uses`` names the ``src`` modules the figure imports (dotted names); their
    source is part of the cache key. ``deterministic=False`` marks a figure whose
    content is measured (timings), so it cannot be byte-identical across runs.
    """

    def register(draw: Callable[[Path], None]) -> Callable[[Path], None]:
        if filename in REGISTRY:
            raise ValueError(f"figure {filename!r} is registered twice")
        REGISTRY[filename] = Figure(
            filename=filename,
            draw=draw,
            uses=tuple(uses),
            title=title,
            deterministic=deterministic,
            module=draw.__module__,
        )
        return draw

    return register


def load_all() -> dict[str, Figure]:
    """Import every ``scripts/fig_*.py`` so their figures register themselves."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    for path in sorted(SCRIPTS.glob("fig_*.py")):
        importlib.import_module(path.stem)
    return REGISTRY


def _module_file(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"figure dependency {name!r} cannot be found")
    return Path(spec.origin)


def cache_key(fig: Figure) -> str:
    """Hash of the figure's code, the ``src`` modules it uses and library versions."""
    h = hashlib.sha256()
    h.update(fig.filename.encode())
    versions = (sys.version_info[:2], np.__version__, matplotlib.__version__,
                PIL.__version__)
    h.update(repr(versions).encode())
    for path in [Path(__file__), _module_file(fig.module)] + [
        _module_file(name) for name in fig.uses
    ]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV, DEFAULT_CACHE))


def cached_path(fig: Figure, root: Path | None = None) -> Path:
    root = cache_dir() if root is None else root
    return root / fig.name / f"{cache_key(fig)}{fig.suffix}"


@dataclass(frozen=True)
class Result:
    figure: Figure
    path: Path
    generated: bool
    seconds: float


def build_one(fig: Figure, *, force: bool = False, root: Path | None = None) -> Result:
    """Make sure ``fig`` exists in the cache; draw it only when stale or forced."""
    target = cached_path(fig, root)
    if target.exists() and not force:
        return Result(fig, target, False, 0.0)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    start = time.perf_counter()
    try:
        with plt.rc_context(STYLE):
            fig.draw(tmp)
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise RuntimeError(f"figure {fig.filename} wrote no file")
        os.replace(tmp, target)
    finally:
        plt.close("all")
        tmp.unlink(missing_ok=True)
    for stale in target.parent.iterdir():  # drop outputs of older inputs
        if stale != target:
            stale.unlink() if stale.is_file() else shutil.rmtree(stale)
    return Result(fig, target, True, time.perf_counter() - start)


def select(names: Iterable[str] | None = None) -> list[Figure]:
    """Figures by file name or stem; all of them when ``names`` is empty."""
    registry = load_all()
    if not names:
        return [registry[k] for k in sorted(registry)]
    by_stem = {fig.name: fig for fig in registry.values()}
    chosen = []
    for name in names:
        fig = registry.get(name) or by_stem.get(name)
        if fig is None:
            known = ", ".join(sorted(by_stem))
            raise KeyError(f"no figure named {name!r}; known figures: {known}")
        chosen.append(fig)
    return chosen


def build(
    names: Iterable[str] | None = None,
    *,
    force: bool = False,
    root: Path | None = None,
    report: Callable[[str], None] = print,
) -> list[Result]:
    """Build the selected figures, reporting one progress line per figure."""
    figures = select(names)
    results = []
    width = max((len(f.filename) for f in figures), default=0)
    for i, fig in enumerate(figures, 1):
        result = build_one(fig, force=force, root=root)
        state = (f"generated in {result.seconds:.1f} s" if result.generated
                 else "up to date")
        report(f"[{i}/{len(figures)}] {fig.filename:<{width}}  {state}")
        results.append(result)
    made = sum(r.generated for r in results)
    report(f"figures: {made} generated, {len(results) - made} up to date "
           f"(cache: {cache_dir() if root is None else root})")
    return results


# --- writers: deterministic bytes -------------------------------------------

def save_png(fig: plt.Figure, path: Path) -> None:
    """Save a matplotlib figure as PNG with no timestamp or version metadata."""
    fig.savefig(path, format="png", metadata={"Software": None})


def blend_palette(background: str, inks: Iterable[str], levels: int = 4) -> list[str]:
    """A small fixed palette: the background plus each ink blended onto it in
    ``levels`` steps (the shades antialiasing produces)."""
    bg = np.array(matplotlib.colors.to_rgb(background))
    colours = [background]
    for ink in inks:
        rgb = np.array(matplotlib.colors.to_rgb(ink))
        for t in np.linspace(1 / levels, 1, levels):
            colours.append(matplotlib.colors.to_hex(bg + t * (rgb - bg)))
    return colours


def save_gif(frames: list[np.ndarray], path: Path, *, fps: float,
             palette: list[str]) -> None:
    """Write RGB frames as a looping GIF quantised to one fixed palette.

    A fixed palette (see :func:`blend_palette`) keeps colours exact and stable
    from frame to frame, keeps the file small, and makes the bytes depend only
    on the frames.
    """
    if not frames:
        raise ValueError("a GIF needs at least one frame")
    if not 2 <= len(palette) <= 256:
        raise ValueError(f"a GIF palette has 2 to 256 colours, got {len(palette)}")
    rgb = [round(c * 255) for colour in palette
           for c in matplotlib.colors.to_rgb(colour)]
    reference = Image.new("P", (1, 1))
    reference.putpalette(rgb + rgb[:3] * (256 - len(palette)))
    images = [
        Image.fromarray(f).quantize(palette=reference, dither=Image.Dither.NONE)
        for f in frames
    ]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=round(1000 / fps), loop=0, optimize=False)
    path.write_bytes(buf.getvalue())


def canvas_rgb(fig: plt.Figure) -> np.ndarray:
    """The figure's pixels as an (H, W, 3) uint8 array."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
