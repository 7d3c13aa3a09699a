"""The look of every figure: two themes that match the site's light and dark schemes.

A figure function receives a :class:`Theme` and draws with its colours; the
engine applies ``theme.rc`` (matplotlib's rcParams) around the call. The
background of each theme is the page background of the matching Material
scheme, so a figure sits on the page like text does, in either scheme.

Sizes are chosen for legibility where figures are shown: the content column is
about 688 px wide on a desktop and about 358 px on a 390 px phone. A figure
``W`` inches wide with ``F``-point text shows that text at
``F / (72 W) * column`` pixels when it is scaled to the column, so

* single-panel figures are ``WIDTH`` = 5.4 in wide with text of at least
  ``MIN_POINTS`` = 10 pt (≥ 9 px on a phone, ≥ 11 px on a desktop);
* multi-panel figures are at most ``WIDE`` = 8.6 in wide (≥ 11 px on a
  desktop) and also come in a narrow layout, ``WIDTH`` wide, for phones.

The engine measures the smallest text of every figure it draws and fails the
build if it is below ``MIN_POINTS`` for the figure's width.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DPI = 120
WIDTH = 5.4  # inches: single panels and narrow layouts
WIDE = 8.6  # inches: the widest a multi-panel (desktop) figure may be
MIN_POINTS = 10.0
DESKTOP_COLUMN, PHONE_COLUMN = 688, 358  # px, measured in Chromium
DESKTOP_MIN_PX, PHONE_MIN_PX = 11.0, 9.0

# Material's page backgrounds: white, and slate (hsl(232, 15%, 14%)).
LIGHT_BG, DARK_BG = "#ffffff", "#1e2029"

_INKS = {
    #          light       dark
    "blue": ("#3949ab", "#8c9eff"),
    "orange": ("#e65100", "#ffab40"),
    "green": ("#2e7d32", "#69f0ae"),
    "red": ("#c62828", "#ff8a80"),
    "purple": ("#6a1b9a", "#ea80fc"),
    "teal": ("#00796b", "#64ffda"),
    "grey": ("#616161", "#b0b3bd"),
    "gold": ("#f9a825", "#ffd740"),
    "fg": ("#212121", "#e2e4e9"),
    "muted": ("#757575", "#9a9daa"),
    "faint": ("#e8eaf6", "#2c2f3d"),
}


@dataclass(frozen=True)
class Theme:
    """Colours and sizes for one variant of a figure.

    Attributes
    ----------
    name : str
        ``"light"`` or ``"dark"``.
    narrow : bool
        True for the phone layout of a multi-panel figure: stack the panels.
    """

    name: str
    narrow: bool = False
    rc: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def dark(self) -> bool:
        return self.name == "dark"

    @property
    def bg(self) -> str:
        return DARK_BG if self.dark else LIGHT_BG

    @property
    def fg(self) -> str:
        return self.ink("fg")

    def ink(self, name: str) -> str:
        """A named colour that reads well on this theme's background."""
        light, dark = _INKS[name]
        return dark if self.dark else light

    @property
    def cycle(self) -> list[str]:
        return [self.ink(n) for n in ("blue", "orange", "green", "red", "purple", "teal")]

    @property
    def cmap(self) -> str:
        """A sequential colour map whose low end stands out from the background."""
        return "PuBu" if self.dark else "Blues_r"

    def width(self, panels: int = 1) -> float:
        """Figure width in inches for ``panels`` panels side by side."""
        return WIDTH if (panels == 1 or self.narrow) else WIDE


def _rc(name: str) -> dict:
    t = Theme(name)
    fg, muted = t.fg, t.ink("muted")
    return {
        "figure.dpi": DPI, "savefig.dpi": DPI,
        "font.family": "DejaVu Sans", "font.size": MIN_POINTS,
        "axes.titlesize": 11.0, "axes.labelsize": MIN_POINTS,
        "xtick.labelsize": MIN_POINTS, "ytick.labelsize": MIN_POINTS,
        "legend.fontsize": MIN_POINTS, "legend.title_fontsize": MIN_POINTS,
        "figure.titlesize": 12.0,
        "figure.facecolor": t.bg, "savefig.facecolor": t.bg, "axes.facecolor": t.bg,
        "text.color": fg, "axes.labelcolor": fg, "axes.titlecolor": fg,
        "axes.edgecolor": muted, "xtick.color": muted, "ytick.color": muted,
        "xtick.labelcolor": fg, "ytick.labelcolor": fg,
        "grid.color": muted, "grid.alpha": 0.25, "axes.grid": True,
        "axes.spines.top": False, "axes.spines.right": False,
        "legend.facecolor": t.bg, "legend.edgecolor": muted, "legend.framealpha": 0.9,
        "axes.prop_cycle": f"cycler('color', {t.cycle!r})",
        "lines.linewidth": 2.0,
        "svg.hashsalt": "gradbook", "path.simplify": False,
        "image.cmap": t.cmap,
    }


THEMES = {name: Theme(name, rc=_rc(name)) for name in ("light", "dark")}


def variants(layouts) -> list[Theme]:
    """Every (theme, layout) a figure is drawn in, light first."""
    out = []
    for layout in layouts:
        for name in ("light", "dark"):
            base = THEMES[name]
            out.append(Theme(name, narrow=(layout == "narrow"), rc=base.rc))
    return out


def suffix(theme: Theme) -> str:
    """File-name suffix of a variant: '', '-dark', '-narrow', '-narrow-dark'."""
    return ("-narrow" if theme.narrow else "") + ("-dark" if theme.dark else "")
