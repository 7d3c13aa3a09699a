"""Robot arm (docs/robot-arm.md): reaching a target by gradient descent, and the report's rule.

The runs every number and figure on the page comes from (one ``@data``
artifact, ``robot.runs``):

* ``ours``: gradient descent with the exact gradient
  (`gradbook.robot_arm.reach`) on the chapter's example, until the gradient
  vanishes;
* ``report``: the report's update rule (`gradbook.robot_arm.report_descent`)
  from the same start, until its direction vanishes;
* ``far``: our descent toward a target the arm cannot reach;
* ``five``: our descent with a five-segment arm.

The example is ours, not the report's (the report gives no target or start):
`gradbook.robot_arm.LENGTHS`, ``START``, ``TARGET`` and ``LEARNING_RATE``.
``DERIVATIVES`` lists the derivatives the page derives, for the /checks/ page.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp
from matplotlib.colors import to_rgba

from chapters.checks import Derivative
from engine import data, figure, load, value
from engine.numbers import sci
from engine.render import Frames
from gradbook import robot_arm as ra
from gradbook.gradcheck import numerical_gradient

THRESHOLD = 1e-10  # "the loss first falls below" this
TOL = 1e-9  # the runs stop when the gradient (or the report's direction) is shorter
MAX_STEPS = ra.MAX_STEPS
FAR_TARGET = np.array([-6.0, 6.0])  # out of the example arm's reach
FIVE_LENGTHS = np.array([1.5, 1.3, 1.1, 0.9, 0.7])
FIVE_START = np.deg2rad([-60.0, 50.0, 50.0, 50.0, 50.0])  # curled like a C
FIVE_TARGET = np.array([-2.5, 3.0])
FIVE_LR = 0.01
RING_LENGTHS = np.array([3.0, 1.0, 0.5])  # a workspace with a hole
RING_SEED = 3
JACOBIAN_ARROW_SCALE = 0.5  # the five-segment figure draws J (tip - p_k) at this scale


# --- runs ---------------------------------------------------------------------------


@data("robot.runs")
def runs() -> dict:
    """Our descent and the report's rule from the chapter's start, and two more arms."""
    limits = {"max_steps": MAX_STEPS, "tol": TOL}
    return {
        "ours": ra.reach(ra.START, ra.LENGTHS, ra.TARGET, ra.LEARNING_RATE, **limits),
        "report": ra.report_descent(ra.START, ra.LENGTHS, ra.TARGET, ra.LEARNING_RATE, **limits),
        "far": ra.reach(ra.START, ra.LENGTHS, FAR_TARGET, ra.LEARNING_RATE, **limits),
        "five": ra.reach(FIVE_START, FIVE_LENGTHS, FIVE_TARGET, FIVE_LR, **limits),
    }


def run(name: str):
    return load("robot.runs")[name]


def first_below(history, threshold: float = THRESHOLD) -> int:
    """The first step whose loss is below ``threshold`` (the run must get there)."""
    below = np.flatnonzero(history.loss < threshold)
    if below.size == 0:
        raise RuntimeError(f"the run never got below {threshold:g}")
    return int(below[0])


def start_gradients() -> tuple[np.ndarray, np.ndarray]:
    """The analytic gradient at the start and its central-difference estimate."""
    exact = ra.loss_grad(ra.START, ra.LENGTHS, ra.TARGET)
    numeric = numerical_gradient(lambda p: ra.loss(p, ra.LENGTHS, ra.TARGET), ra.START)
    return exact, numeric


def start_directions() -> dict[str, np.ndarray]:
    """At the start: the report's direction and the two true gradients."""
    return {
        "report": ra.report_step(ra.START, ra.LENGTHS, ra.TARGET, ra.LEARNING_RATE)[1],
        "own": ra.report_model_loss_grad(ra.START, ra.LENGTHS, ra.TARGET),
        "ours": ra.loss_grad(ra.START, ra.LENGTHS, ra.TARGET),
    }


def angle_between(a: np.ndarray, b: np.ndarray) -> float:
    """The angle between two vectors, in degrees."""
    cos = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


# --- formatting shared by figures and text ----------------------------------------------


def num(x: float, digits: int = 7) -> str:
    """A number for text and tables, with a real minus sign."""
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text.replace("-", "−")


def tex(x: float, digits: int = 7) -> str:
    """A number inside $...$ (TeX's minus)."""
    return f"${num(x, digits).replace('−', '-')}$"


def degrees(thetas) -> str:
    """Angles as a TeX tuple in degrees, 7 significant digits."""
    return "(" + ", ".join(num(float(d)).replace("−", "-") + "^\\circ"
                           for d in np.degrees(thetas)) + ")"


def point(p) -> str:
    """A point as a TeX pair, 7 significant digits; tiny rounding noise shown as 0."""
    return "(" + ", ".join(num(0.0 if abs(v) < 1e-9 else float(v)).replace("−", "-")
                           for v in p) + ")"


def _lengths(lengths) -> str:
    return ", ".join(num(float(v)) for v in lengths)


def fmt_loss(x: float) -> str:
    """A loss for figure labels (plain text)."""
    return f"{x:.3e}"


def count(n: int) -> str:
    """A count of steps or passes, for text and figures alike."""
    return f"{int(n):,}"


def fmt_step_label(step: int) -> str:
    return f"step {count(step)}"


# --- values ---------------------------------------------------------------------------


@value("robot.setup")
def setup() -> str:
    lengths = _lengths(ra.LENGTHS)
    return (f"$N = {ra.LENGTHS.size}$ segments of lengths $({lengths})$, the start "
            f"$\\theta = {degrees(ra.START)}$, the target $T = {point(ra.TARGET)}$ and the "
            f"learning rate $\\alpha = {ra.LEARNING_RATE:g}$")


@value("robot.start_gradient")
def start_gradient_table() -> str:
    exact, numeric = start_gradients()
    rows = ["| $k$ | $\\partial L/\\partial\\theta_k$, analytic | central difference "
            "($h = 10^{-6}$) | difference |", "|---:|---:|---:|---:|"]
    for k, (a, b) in enumerate(zip(exact, numeric)):
        rows.append(f"| {k} | {num(a, 12)} | {num(b, 12)} | {sci(abs(a - b))} |")
    return "\n".join(rows)


@value("robot.start_loss")
def start_loss() -> str:
    return tex(ra.loss(ra.START, ra.LENGTHS, ra.TARGET))


@value("robot.threshold")
def threshold() -> str:
    return sci(THRESHOLD)


@value("robot.steps_below")
def steps_below() -> str:
    return count(first_below(run("ours")))


@value("robot.ours_end")
def ours_end() -> str:
    r = run("ours")
    return (f"after {count(r.steps)} steps the gradient is shorter than {sci(TOL)}, at "
            f"$\\theta = {degrees(r.final)}$ with the tip at "
            f"${point(ra.tip(r.final, ra.LENGTHS))}$ and the loss {sci(r.loss[-1])}")


@value("robot.directions")
def directions_table() -> str:
    d = start_directions()
    rows = ["| $k$ | the report's $d_k$ | $\\partial L_{\\text{abs}}/\\partial\\theta_k$ "
            "(its own model) | $\\partial L/\\partial\\theta_k$ (relative angles) |",
            "|---:|---:|---:|---:|"]
    for k in range(ra.LENGTHS.size):
        rows.append(f"| {k} | {num(d['report'][k])} | {num(d['own'][k])} | "
                    f"{num(d['ours'][k])} |")
    rows.append(f"| angle to $d$ | | {num(angle_between(d['report'], d['own']), 4)}° | "
                f"{num(angle_between(d['report'], d['ours']), 4)}° |")
    return "\n".join(rows)


@value("robot.report_end")
def report_end() -> str:
    r = run("report")
    return (f"$\\theta = {degrees(r.final)}$; its own (absolute-angle) tip is at "
            f"${point(ra.report_tip(r.final, ra.LENGTHS))}$ and its loss is {sci(r.loss[-1])}")


@value("robot.report_steps")
def report_steps() -> str:
    return count(run("report").steps)


@value("robot.report_steps_below")
def report_steps_below() -> str:
    return count(first_below(run("report")))


@value("robot.report_relative")
def report_relative() -> str:
    final = run("report").final
    return (f"${point(ra.tip(final, ra.LENGTHS))}$, with the loss "
            f"{tex(ra.loss(final, ra.LENGTHS, ra.TARGET))}")


@value("robot.report_loss_rise")
def report_loss_rise() -> str:
    rises = np.diff(run("report").loss)
    return count(np.sum(rises > 0))


@value("robot.far")
def far() -> str:
    r = run("far")
    distance = float(np.linalg.norm(FAR_TARGET))
    reach = float(np.sum(ra.LENGTHS))
    return (f"For the target $T = {point(FAR_TARGET)}$, at the distance {tex(distance)} "
            f"from the base of an arm that reaches {tex(reach)}, descent ends after "
            f"{count(r.steps)} steps with the loss {tex(r.loss[-1], 12)}; "
            f"$(\\lVert T \\rVert - \\textstyle\\sum_k L_k)^2 =$ "
            f"{tex((distance - reach) ** 2, 12)}")


@value("robot.five")
def five() -> str:
    r = run("five")
    lengths = _lengths(FIVE_LENGTHS)
    return (f"lengths $({lengths})$, start $\\theta = {degrees(FIVE_START)}$, target "
            f"$T = {point(FIVE_TARGET)}$, learning rate ${FIVE_LR:g}$: the loss is below "
            f"{threshold()} after {count(first_below(r))} steps")


@value("robot.ring")
def ring() -> str:
    inner, outer = ra.reach_radii(RING_LENGTHS)
    lengths = _lengths(RING_LENGTHS)
    return f"lengths $({lengths})$ reach from {tex(inner)} to {tex(outer)}"


@value("robot.disc")
def disc() -> str:
    inner, outer = ra.reach_radii(ra.LENGTHS)
    return f"{tex(inner)} to {tex(outer)}"


# --- drawing helpers ------------------------------------------------------------------


def _arm_artist(ax, colour, *, lw=3.0, ms=6, alpha=1.0, ls="-", zorder=3, label=None):
    line, = ax.plot([], [], ls, color=colour, lw=lw, marker="o", ms=ms, alpha=alpha,
                    solid_capstyle="round", zorder=zorder, label=label)
    return line


def _draw_arm(ax, points, colour, **style):
    line = _arm_artist(ax, colour, **style)
    line.set_data(points[:, 0], points[:, 1])
    return line


def _base(ax, theme):
    ax.plot(0, 0, "s", color=theme.fg, ms=8, zorder=5)


def _target(ax, theme, at, label="target"):
    ax.plot(*at, "*", color=theme.ink("gold"), mec=theme.fg, mew=0.8, ms=16, zorder=6,
            label=label)


def _frame(ax, xlim, ylim):
    ax.set(xlim=xlim, ylim=ylim, aspect="equal", xlabel="$x$", ylabel="$y$")


def _panels(theme, height: float, narrow_height: float):
    if theme.narrow:
        return plt.subplots(2, 1, figsize=(theme.width(), narrow_height), layout="constrained")
    return plt.subplots(1, 2, figsize=(theme.width(2), height), layout="constrained")


# --- figures ---------------------------------------------------------------------------


def gif_steps(history) -> list[int]:
    """Every step while the arm moves fast, then fewer and fewer."""
    last = history.steps
    early = np.arange(0, min(40, last + 1))
    later = np.geomspace(40, last, 30).round().astype(int) if last > 40 else []
    return sorted(set(early.tolist()) | set(int(s) for s in later) | {last})


@figure("robot-arm.gif", title="The example arm reaching its target",
        alt="Animation: a three-segment arm hangs from a square base at the origin, curled "
            "slightly to the right; step by step it swings left and bends until its tip, "
            "which leaves a thin trail, rests on a star at (-3, 0). A line above the plot shows "
            "the step number and the loss, which falls to zero.")
def arm_gif(theme):
    r = run("ours")
    frames = ra.joints_along(r, ra.LENGTHS)
    fig = plt.figure(figsize=(theme.width(), 4.4), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    _frame(ax, *_limits(frames.reshape(-1, 2), 0.4))
    _base(ax, theme)
    _target(ax, theme, ra.TARGET)
    _draw_arm(ax, frames[0], theme.ink("muted"), lw=1.5, ms=3, alpha=0.6, zorder=2)
    trail, = ax.plot([], [], color=theme.ink("orange"), lw=1.2, marker="o", ms=2.5, zorder=2)
    arm = _arm_artist(ax, theme.ink("blue"))
    title = ax.set_title(" ", family="DejaVu Sans Mono", fontsize=10)
    movie = Frames(fig, fps=10, hold_last=15, colours=48, animated=[trail, arm, title])
    for k in gif_steps(r):
        arm.set_data(frames[k, :, 0], frames[k, :, 1])
        trail.set_data(frames[: k + 1, -1, 0], frames[: k + 1, -1, 1])
        title.set_text(f"{fmt_step_label(k):>11}   loss {fmt_loss(r.loss[k])}")
        movie.grab()
    return movie


@figure("robot-loss.png", title="The loss per step, exact gradient and the report's rule",
        alt="A log-scale plot of the loss against the step. The exact gradient's loss falls "
            "steadily from about 56 and crosses the dotted line at 10 to the -10 early; the report's rule "
            "starts lower, wobbles, falls much more slowly and crosses the line many steps "
            "later. Both runs end below 1e-18.")
def loss_figure(theme):
    ours, report = run("ours"), run("report")
    fig, ax = plt.subplots(figsize=(theme.width(), 3.8), layout="constrained")
    ax.semilogy(ours.loss, color=theme.ink("blue"),
                label="exact gradient (relative angles)")
    ax.semilogy(report.loss, color=theme.ink("orange"),
                label="the report's rule (its own loss)")
    ax.axhline(THRESHOLD, color=theme.ink("muted"), ls=":", lw=1.5)
    ax.text(report.steps, THRESHOLD * 3, sci(THRESHOLD), ha="right", va="bottom",
            color=theme.ink("muted"))
    for history, colour in ((ours, "blue"), (report, "orange")):
        k = first_below(history)
        ax.plot(k, history.loss[k], "o", color=theme.ink(colour), ms=7, zorder=4)
        label = fmt_step_label(k) if history is ours else f"pass {count(k)}"
        ax.annotate(label, (k, history.loss[k]), xytext=(8, 8),
                    textcoords="offset points", color=theme.ink(colour))
    ax.set(xlabel="step (for the report's rule: pass)",
           ylabel="loss $|T - \\mathrm{tip}|^2$ (log scale)",
           xlim=(-0.02 * report.steps, 1.02 * report.steps))
    ax.legend(loc="upper right")
    return fig


@figure("robot-five.png", narrow=True, title="A five-segment arm: Jacobian columns and descent",
        alt="Two panels with a five-segment arm curled like a C. Left: from each joint a "
            "dashed line runs to the tip, and at the tip an arrow per joint, in the same "
            "colour, points at right angles to that joint's dashed line; the arrows fan out, "
            "longer for joints farther from the tip. Right: the arm's poses during gradient "
            "descent, faint at first and solid at the end, uncurling to the upper left until "
            "the tip rests on a star.")
def five_figure(theme):
    fig, (left, right) = _panels(theme, 4.2, 8.6)
    points = ra.joints(FIVE_START, FIVE_LENGTHS)
    tip = points[-1]
    columns = ra.jacobian(FIVE_START, FIVE_LENGTHS)
    colours = [theme.ink(c) for c in ("blue", "orange", "green", "red", "purple")]
    _draw_arm(left, points, theme.ink("grey"), lw=3.0, ms=6, zorder=3)
    _base(left, theme)
    for k, colour in enumerate(colours):
        left.plot(*np.transpose([points[k], tip]), "--", color=colour, lw=1.3, zorder=2)
        arrow = JACOBIAN_ARROW_SCALE * columns[:, k]
        left.annotate("", xy=tip + arrow, xytext=tip, zorder=4,
                      arrowprops=dict(arrowstyle="-|>", color=colour, lw=2.2,
                                      mutation_scale=16, shrinkA=0, shrinkB=0))
        away = arrow / np.linalg.norm(arrow)
        left.annotate(f"{k}", tip + arrow, xytext=12 * away, textcoords="offset points",
                      ha="center", va="center", color=colour, fontweight="bold")
    ends = np.vstack([points, tip + JACOBIAN_ARROW_SCALE * columns.T])
    _frame(left, *_limits(ends, 0.5))
    left.set_title(f"Jacobian column $k$ at the tip (×{JACOBIAN_ARROW_SCALE:g})")

    r = run("five")
    frames = ra.joints_along(r, FIVE_LENGTHS)
    shown = sorted(set(np.geomspace(1, first_below(r), 8).round().astype(int).tolist()) | {0})
    for i, k in enumerate(shown):
        alpha = 0.2 + 0.8 * i / (len(shown) - 1)
        _draw_arm(right, frames[k], theme.ink("blue"), lw=2.2, ms=4, alpha=alpha)
    right.plot(frames[:, -1, 0], frames[:, -1, 1], color=theme.ink("orange"), lw=1.5, zorder=2)
    _base(right, theme)
    _target(right, theme, FIVE_TARGET)
    _frame(right, *_limits(frames.reshape(-1, 2), 0.5))
    right.set_title(f"descent: loss below {sci(THRESHOLD)} after {count(first_below(r))} steps")
    return fig


def _limits(points, pad: float):
    lo, hi = points.min(axis=0) - pad, points.max(axis=0) + pad
    return (lo[0], hi[0]), (lo[1], hi[1])


def _ring_tips(lengths, n: int = 3000) -> np.ndarray:
    rng = np.random.default_rng(RING_SEED)
    return np.array([ra.tip(rng.uniform(-np.pi, np.pi, lengths.size), lengths)
                     for _ in range(n)])


def _annulus(ax, theme, inner, outer, colour):
    t = np.linspace(0, 2 * np.pi, 400)
    outer_ring = np.column_stack([outer * np.cos(t), outer * np.sin(t)])
    inner_ring = np.column_stack([inner * np.cos(t), inner * np.sin(t)])[::-1]
    ax.fill(np.concatenate([outer_ring[:, 0], inner_ring[:, 0]]),
            np.concatenate([outer_ring[:, 1], inner_ring[:, 1]]),
            color=to_rgba(colour, 0.18), lw=0, zorder=0)
    ax.plot(outer_ring[:, 0], outer_ring[:, 1], color=colour, lw=1.2)
    if inner > 0:
        ax.plot(inner_ring[:, 0], inner_ring[:, 1], color=colour, lw=1.2)


@figure("robot-workspace.png", narrow=True, title="Where the tip can go",
        alt="Two panels. Left: the example arm's workspace, a shaded disc of radius 6 around "
            "the base; a star at (-6, 6) lies outside it, and the arm after gradient descent "
            "is a straight line from the base toward that star, its tip on the edge of the "
            "disc, with a dotted gap to the star. Right: an arm with segments 3, 1 and 0.5 "
            "long; the tips of thousands of random poses fill a ring between radius 1.5 and "
            "4.5, with an empty hole in the middle, and three sample poses are drawn.")
def workspace_figure(theme):
    fig, (left, right) = _panels(theme, 4.3, 8.8)
    colour = theme.ink("teal")
    inner, outer = ra.reach_radii(ra.LENGTHS)
    _annulus(left, theme, inner, outer, colour)
    r = run("far")
    final = ra.joints(r.final, ra.LENGTHS)
    _draw_arm(left, final, theme.ink("blue"))
    left.plot(*np.transpose([final[-1], FAR_TARGET]), ":", color=theme.ink("red"), lw=2)
    left.annotate("out of reach", FAR_TARGET, xytext=(14, -5), textcoords="offset points",
                  color=theme.ink("red"))
    _base(left, theme)
    _target(left, theme, FAR_TARGET)
    left.plot(*ra.TARGET, "*", color=theme.ink("gold"), mec=theme.fg, mew=0.8, ms=11)
    _frame(left, (-7.2, 7.2), (-7.2, 7.2))
    left.set_title(f"lengths {_lengths(ra.LENGTHS)}: radius {num(inner)} to {num(outer)}")

    inner, outer = ra.reach_radii(RING_LENGTHS)
    _annulus(right, theme, inner, outer, colour)
    tips = _ring_tips(RING_LENGTHS)
    right.plot(tips[:, 0], tips[:, 1], ".", color=theme.ink("blue"), ms=1.5, alpha=0.5)
    rng = np.random.default_rng(RING_SEED + 1)
    for shade in ("orange", "green", "purple"):
        _draw_arm(right, ra.joints(rng.uniform(-np.pi, np.pi, 3), RING_LENGTHS),
                  theme.ink(shade), lw=2.2, ms=4)
    _base(right, theme)
    _frame(right, (-5.0, 5.0), (-5.0, 5.0))
    right.set_title(f"lengths {_lengths(RING_LENGTHS)}: radius {num(inner)} to {num(outer)}")
    return fig


@figure("robot-report-paths.png", narrow=True,
        title="The report's rule against the exact gradient, from the same start",
        alt="Two panels. Left: the tip paths from the same start angles. The exact gradient's "
            "tip (blue) starts at the end of the slightly curled arm and curves left and down "
            "to the star at (-3, 0); the report's tip (orange), computed with its own model "
            "where every segment starts at -10 degrees, takes a different, longer route to the "
            "star. Right: the angles where the report's rule stops, drawn two ways: with the "
            "report's absolute angles the orange arm ends on the star; read as relative joint "
            "angles, the same numbers give a dashed red arm whose tip is far below the star. "
            "Our arm at its solution is drawn in blue.")
def report_paths_figure(theme):
    fig, (left, right) = _panels(theme, 5.4, 11.0)
    ours, report = run("ours"), run("report")
    ours_frames = ra.joints_along(ours, ra.LENGTHS)
    report_tips = np.array([ra.report_tip(p, ra.LENGTHS) for p in report.params])
    blue, orange, red = theme.ink("blue"), theme.ink("orange"), theme.ink("red")
    _draw_arm(left, ours_frames[0], blue, lw=1.5, ms=3, alpha=0.55, zorder=2)
    _draw_arm(left, ra.report_joints(ra.START, ra.LENGTHS), orange, lw=1.5, ms=3, alpha=0.55,
              zorder=2)
    for path, colour, history, label, unit in (
            (ours_frames[:, -1], blue, ours, "exact gradient", "steps"),
            (report_tips, orange, report, "the report's rule", "passes")):
        left.plot(path[:, 0], path[:, 1], color=colour, lw=2, marker="o", ms=3.5,
                  markevery=range(0, 20),
                  label=f"{label}: {count(first_below(history))} {unit}")
        left.plot(*path[0], "o", color=colour, ms=7)
    _base(left, theme)
    _target(left, theme, ra.TARGET, label=None)
    _frame(left, *_limits(np.vstack([ours_frames[:, -1], report_tips]), 0.4))
    left.set_title(f"tip paths from $\\theta = {degrees(ra.START)}$")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16),
                title=f"loss below {sci(THRESHOLD)} after")

    final = report.final
    arms = [(ra.joints(ours.final, ra.LENGTHS), blue, "-", "exact gradient: our solution"),
            (ra.report_joints(final, ra.LENGTHS), orange, "-",
             "the report's final angles, its model"),
            (ra.joints(final, ra.LENGTHS), red, "--", "the same angles, relative")]
    for points, colour, ls, label in arms:
        _draw_arm(right, points, colour, lw=2.4, ms=5, ls=ls, label=label)
    _base(right, theme)
    _target(right, theme, ra.TARGET, label=None)
    _frame(right, *_limits(np.vstack([a[0] for a in arms]), 0.6))
    right.set_title("where the report's rule stops")
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16))
    return fig


@figure("thumb-robot-arm.png", title="Thumbnail: an arm reaching a target",
        alt="A three-segment arm, faint in its start pose and solid where its tip touches a "
            "star, with the tip's curved path between them.")
def thumbnail(theme):
    r = run("ours")
    frames = ra.joints_along(r, ra.LENGTHS)
    fig, ax = plt.subplots(figsize=(3.2, 2.0), layout="constrained")
    _draw_arm(ax, frames[0], theme.ink("muted"), lw=2.0, ms=4, alpha=0.6)
    ax.plot(frames[:, -1, 0], frames[:, -1, 1], color=theme.ink("orange"), lw=1.5)
    _draw_arm(ax, frames[-1], theme.ink("blue"), lw=3.0, ms=6)
    _base(ax, theme)
    _target(ax, theme, ra.TARGET)
    ax.set(aspect="equal")
    ax.set_xlim(*_limits(frames.reshape(-1, 2), 0.3)[0])
    ax.set_ylim(*_limits(frames.reshape(-1, 2), 0.3)[1])
    ax.set_axis_off()
    return fig


# --- derivatives for /checks/ ------------------------------------------------------------


def _sym_rotation(a):
    return sp.Matrix([[sp.cos(a), -sp.sin(a)], [sp.sin(a), sp.cos(a)]])


SYM_J = sp.Matrix([[0, -1], [1, 0]])


def _sym_arm(s, n: int = 3):
    """Joints p_0..p_n of the relative-angle arm, as SymPy vectors."""
    points, phi = [sp.zeros(2, 1)], 0
    for k in range(n):
        phi = phi + s[f"t{k}"]
        points.append(points[-1] + _sym_rotation(phi) * sp.Matrix([0, s[f"l{k}"]]))
    return points


def _sym_report_arm(s, n: int = 3):
    points = [sp.zeros(2, 1)]
    for k in range(n):
        points.append(points[-1] + _sym_rotation(s[f"t{k}"]) * sp.Matrix([0, s[f"l{k}"]]))
    return points


def _arm_sample(rng):
    return np.concatenate([rng.uniform(-np.pi, np.pi, 3), rng.uniform(0.5, 2.0, 3)])


def _loss_sample(rng):
    return np.concatenate([_arm_sample(rng), rng.uniform(-4.0, 4.0, 2)])


def _sym_loss(points, s):
    residual = sp.Matrix([s["tx"], s["ty"]]) - points[-1]
    return (residual.T * residual)[0, 0]


DERIVATIVES = [
    Derivative(
        name="R′(θ) = J·R(θ)",
        derived_at="robot-arm.md#the-forward-model",
        tex=r"R'(\theta) = \begin{pmatrix} -\sin\theta & -\cos\theta \\ \cos\theta & "
            r"-\sin\theta \end{pmatrix} = J\,R(\theta)",
        symbols="t",
        wrt="t",
        function=lambda s: list(_sym_rotation(s["t"])),
        closed_form=lambda s: (SYM_J * _sym_rotation(s["t"])).reshape(4, 1),
        numeric_f=lambda p: ra.rotation(p[0]).ravel(),
        numeric_df=lambda p: ra.rotation_grad(p[0]).reshape(4, 1),
        sample=lambda rng: rng.uniform(-np.pi, np.pi, 1),
    ),
    Derivative(
        name="∂tip/∂θ (N = 3, relative angles)",
        derived_at="robot-arm.md#the-gradient",
        tex=r"\frac{\partial\,\mathrm{tip}}{\partial\theta_k} = J\,(\mathrm{tip} - p_k)",
        symbols="t0 t1 t2 l0 l1 l2",
        wrt="t0 t1 t2",
        function=lambda s: list(_sym_arm(s)[-1]),
        closed_form=lambda s: sp.Matrix.hstack(
            *[SYM_J * (_sym_arm(s)[-1] - p) for p in _sym_arm(s)[:-1]]),
        numeric_f=lambda p: ra.tip(p[:3], p[3:]),
        numeric_df=lambda p: ra.jacobian(p[:3], p[3:]),
        sample=_arm_sample,
    ),
    Derivative(
        name="∇L (N = 3, relative angles)",
        derived_at="robot-arm.md#the-loss-its-gradient-and-the-update",
        tex=r"\nabla L = -2\,\mathrm{Jac}^\top (T - \mathrm{tip})",
        symbols="t0 t1 t2 l0 l1 l2 tx ty",
        wrt="t0 t1 t2",
        function=lambda s: [_sym_loss(_sym_arm(s), s)],
        closed_form=lambda s: (-2 * (sp.Matrix.hstack(
            *[SYM_J * (_sym_arm(s)[-1] - p) for p in _sym_arm(s)[:-1]])).T
            * (sp.Matrix([s["tx"], s["ty"]]) - _sym_arm(s)[-1])).T,
        numeric_f=lambda p: np.array([ra.loss(p[:3], p[3:6], p[6:])]),
        numeric_df=lambda p: ra.loss_grad(p[:3], p[3:6], p[6:]).reshape(1, 3),
        sample=_loss_sample,
    ),
    Derivative(
        name="∂tip/∂θ of the report's model (N = 3, absolute angles)",
        derived_at="robot-arm.md#why-it-is-the-gradient-of-neither-model",
        tex=r"\frac{\partial\,\mathrm{tip}_{\text{abs}}}{\partial\theta_k} = "
            r"R'(\theta_k)\,s_k = J\,(p_{k+1} - p_k)",
        symbols="t0 t1 t2 l0 l1 l2",
        wrt="t0 t1 t2",
        function=lambda s: list(_sym_report_arm(s)[-1]),
        closed_form=lambda s: sp.Matrix.hstack(
            *[SYM_J * _sym_rotation(s[f"t{k}"]) * sp.Matrix([0, s[f"l{k}"]]) for k in range(3)]),
        numeric_f=lambda p: ra.report_tip(p[:3], p[3:]),
        numeric_df=lambda p: ra.report_model_jacobian(p[:3], p[3:]),
        sample=_arm_sample,
    ),
]
