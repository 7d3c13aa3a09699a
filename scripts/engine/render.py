"""Turning what a figure function returns into deterministic PNG and GIF bytes.

A figure function returns either a matplotlib ``Figure`` (saved as a PNG) or
:class:`Frames` (a GIF: the RGB frames of an animation and the figure that drew
them). Both are checked for legibility (the smallest text on the figure must
be readable at the size it is shown, see :mod:`engine.style`) and saved with
a palette of at most 256 colours: lossless for flat plots, a third of the
bytes of a true-colour PNG, and the same bytes on every run.

A GIF also gets a still: its last frame as a PNG, shown instead of the
animation to readers who ask for reduced motion.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from PIL import Image  # noqa: E402

from engine import style  # noqa: E402


@dataclass
class Frames:
    """An animation: RGB frames (H, W, 3 uint8) drawn by ``fig``, shown at ``fps``.

    Update the artists that move, then call :meth:`grab`. Name those artists
    in ``animated`` and only they are drawn again for each frame, over a saved
    picture of everything else (blitting); otherwise the whole figure is drawn
    for every frame.
    """

    fig: plt.Figure
    images: list = field(default_factory=list)
    fps: float = 10.0
    hold_last: int = 0  # repeat the last frame this many times before looping
    colours: int = 128  # palette size: fewer colours, smaller file
    animated: list = field(default_factory=list)
    _background: object = field(default=None, repr=False)

    def grab(self) -> None:
        """Append the figure's current pixels as a frame.

        The layout is computed for the first frame and then kept: every frame
        has the same size and the axes do not shift while the animation runs
        (and a constrained layout is not solved again for every frame)."""
        canvas = self.fig.canvas
        if not self.animated:
            self.images.append(canvas_rgb(self.fig))
        else:
            if self._background is None:
                for artist in self.animated:
                    artist.set_animated(True)
                canvas.draw()
                self._background = canvas.copy_from_bbox(self.fig.bbox)
            else:
                canvas.restore_region(self._background)
            for artist in self.animated:
                self.fig.draw_artist(artist)
            self.images.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
        if len(self.images) == 1 and self.fig.get_layout_engine() is not None:
            self.fig.set_layout_engine("none")


def canvas_rgb(fig: plt.Figure) -> np.ndarray:
    """The figure's pixels as an (H, W, 3) uint8 array."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


class Illegible(ValueError):
    """A figure has text too small to read where it is shown."""


def smallest_text(fig: plt.Figure) -> tuple[float, str]:
    """The smallest font size (points) of any visible, non-empty text, and that text.

    The figure must have been drawn (that creates tick labels, legends and
    colour-bar ticks)."""
    best = (float("inf"), "")
    for t in fig.findobj(Text):
        label = t.get_text().strip()
        if label and t.get_visible() and (t.axes is None or t.axes.get_visible()):
            best = min(best, (float(t.get_fontsize()), label))
    return best


def check_legible(fig: plt.Figure, theme: style.Theme) -> dict:
    """Sizes of ``fig`` in pixels and its smallest text; raise if that is too small.

    The text must be at least ``style.PHONE_MIN_PX`` on a phone column for
    single-panel and narrow figures, and at least ``style.DESKTOP_MIN_PX`` on
    a desktop column for all of them.
    """
    width_in, height_in = fig.get_size_inches()
    dpi = fig.dpi
    points, text = smallest_text(fig)
    width_px = round(width_in * dpi)
    px = points * dpi / 72
    desktop = px * min(1.0, style.DESKTOP_COLUMN / width_px)
    phone = px * min(1.0, style.PHONE_COLUMN / width_px)
    problems = []
    if points < style.MIN_POINTS:
        problems.append(f"{points:g} pt < {style.MIN_POINTS:g} pt")
    if desktop < style.DESKTOP_MIN_PX - 1e-9:
        problems.append(f"{desktop:.1f} px on a {style.DESKTOP_COLUMN} px desktop column")
    if (theme.narrow or width_in <= style.WIDTH + 1e-9) and phone < style.PHONE_MIN_PX - 1e-9:
        problems.append(f"{phone:.1f} px on a {style.PHONE_COLUMN} px phone column")
    if problems:
        raise Illegible(f"text {text[:40]!r} is too small ({'; '.join(problems)}) in a "
                        f"{width_in:g} in figure; use at least {style.MIN_POINTS:g} pt and "
                        f"at most {style.WIDE:g} in (narrow layouts {style.WIDTH:g} in)")
    return {"min_font_px": round(px, 2)}


def _quantized(rgb: np.ndarray, colours: int = 256) -> Image.Image:
    """A palette image of ``rgb`` whose background (the corner pixel) is exact.

    Median cut averages the colours of a box, so the page background could come
    out a shade off (white as 252, 252, 252) and the figure would sit in a faint
    box on the page; the palette entry nearest the background is set to it.
    """
    image = Image.fromarray(rgb).quantize(colors=colours, method=Image.Quantize.MEDIANCUT,
                                          dither=Image.Dither.NONE)
    background = rgb[0, 0].astype(int)
    palette = np.array(image.getpalette()[:3 * colours], dtype=int).reshape(-1, 3)
    palette[np.argmin(((palette - background) ** 2).sum(axis=1))] = background
    image.putpalette(palette.astype(np.uint8).flatten().tolist())
    return image


def png_bytes(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    _quantized(rgb).save(buf, format="PNG", compress_level=6)  # optimize=True: 10× slower, 10 % smaller
    return buf.getvalue()


def gif_bytes(images: list[np.ndarray], fps: float, colours: int = 128) -> bytes:
    """A looping GIF; one palette for all frames, taken from a sample of them."""
    if not images:
        raise ValueError("a GIF needs at least one frame")
    step = max(1, len(images) // 8)
    sample = np.concatenate(images[::step] + [images[-1]], axis=0)
    palette = _quantized(sample, colours)
    frames = [Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE)
              for f in images]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:],
                   duration=round(1000 / fps), loop=0, optimize=False, disposal=1)
    return buf.getvalue()


def render(result, theme: style.Theme) -> list[tuple[str, bytes, str, dict]]:
    """Outputs of one variant: ``[(role, bytes, ext, meta)]``.

    ``role`` is ``"image"`` for the PNG or GIF and ``"still"`` for a GIF's
    last frame.
    """
    if isinstance(result, Frames):
        meta = check_legible(result.fig, theme)
        images = list(result.images)
        if not images:
            raise ValueError("an animation needs at least one frame")
        images += [images[-1]] * result.hold_last
        h, w = images[0].shape[:2]
        meta.update(width=int(w), height=int(h), frames=len(images))
        gif = gif_bytes(images, result.fps, result.colours)
        still = png_bytes(images[-1])
        plt.close(result.fig)
        return [("image", gif, ".gif", meta), ("still", still, ".png", dict(meta))]
    if isinstance(result, plt.Figure):
        rgb = canvas_rgb(result)  # draws it, once
        meta = check_legible(result, theme)
        meta.update(width=int(rgb.shape[1]), height=int(rgb.shape[0]))
        plt.close(result)
        return [("image", png_bytes(rgb), ".png", meta)]
    raise TypeError(f"a figure function must return a matplotlib Figure or engine.Frames, "
                    f"got {type(result).__name__}")
