"""Asteroids (docs/asteroids.md): the order of transforms, and a seeded flight as a GIF."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.patches import Polygon

from engine import figure
from engine.render import Frames
from gradbook import asteroids
from gradbook.transforms import apply, compose, rotation, translation

GIF_SEED = 7
FRAME_STRIDE = 2  # every other simulation step: 10 frames per second
FLAME = np.array([[-0.22, 0.12], [-0.6, 0.0], [-0.22, -0.12]])


@figure("composition.png", title="The same ship under T·R and under R·T",
        alt="A grey ship at the origin pointing along x; a blue copy rotated by 90 degrees in "
            "place and moved to (4, 1), pointing up; an orange copy that was first moved to "
            "(4, 1) and then rotated about the origin, ending near (-1, 4), with a dotted quarter "
            "circle showing the swing about the origin.")
def composition(theme):
    """T·R rotates the ship in place and then moves it; R·T moves it, then swings it."""
    ship = 2.0 * asteroids.SHIP_SHAPE
    R, T = rotation(np.pi / 2), translation(4.0, 1.0)
    cases = [
        (np.eye(3), "original", theme.ink("grey")),
        (compose(T, R), "T·R: rotate, then move", theme.ink("blue")),
        (compose(R, T), "R·T: move, then rotate", theme.ink("orange")),
    ]
    fig, ax = plt.subplots(figsize=(theme.width(), 4.4), layout="constrained")
    for matrix, label, colour in cases:
        outline = apply(matrix, ship)
        ax.add_patch(Polygon(outline, closed=True, facecolor=to_rgba(colour, 0.3),
                             edgecolor=colour, lw=2, label=label))
        ax.plot(*outline[0], "o", color=colour, ms=5)
    moved_nose = apply(T, ship[0])
    arc = np.array([apply(rotation(a), moved_nose) for a in np.linspace(0, np.pi / 2, 50)])
    ax.plot(arc[:, 0], arc[:, 1], ":", color=theme.ink("orange"), lw=1.5)
    ax.annotate("R swings the moved\nship about the origin", xy=arc[30], xytext=(-2.8, 2.2),
                color=theme.ink("orange"),
                arrowprops=dict(arrowstyle="->", color=theme.ink("orange")))
    ax.plot(0, 0, "+", color=theme.fg, ms=12, mew=1.5)
    ax.annotate("origin", (0, 0), xytext=(0.15, -0.6))
    ax.set(xlim=(-3, 7), ylim=(-2.5, 5.8), aspect="equal", xlabel="x", ylabel="y",
           title="Rotate by 90° and move by (4, 1)")
    ax.legend(loc="lower right")
    return fig


def _wrapped(ax, n, **style):
    """``n`` copies of an empty polygon: the shape and its images one world away."""
    return [ax.add_patch(Polygon(np.zeros((3, 2)), closed=True, **style)) for _ in range(n)]


def _place(patches, outline, width, height) -> None:
    for patch, (dx, dy) in zip(patches, itertools.product((-width, 0, width),
                                                          (-height, 0, height))):
        patch.set_xy(outline + (dx, dy))


@figure("asteroids.gif", title="A seeded Asteroids flight",
        alt="Animation: a small orange ship turns left onto a diagonal, thrusts with a red flame "
            "until the speed readout reaches the limit, leaves through the top edge and re-enters "
            "at the bottom, turns and thrusts again, while irregular asteroids drift, spin and "
            "wrap around the edges. A line shows the ship's velocity; a status line shows time, "
            "turning, thrust and speed.")
def asteroids_gif(theme):
    """:func:`gradbook.asteroids.simulate`, drawn by moving the same artists frame by frame."""
    frames = asteroids.simulate(seed=GIF_SEED)[::FRAME_STRIDE]
    first = frames[0]
    w, h = first.width, first.height
    fig = plt.figure(figsize=(theme.width(), 3.5), dpi=100)
    ax = fig.add_axes((0.0, 0.12, 1.0, 0.88))
    ax.set(xlim=(0, w), ylim=(0, h), aspect="equal")
    ax.set_axis_off()
    ax.add_patch(plt.Rectangle((0, 0), w, h, fill=False, edgecolor=theme.ink("muted"), lw=1))
    rock = theme.ink("grey")
    rocks = [_wrapped(ax, 9, fill=False, edgecolor=rock, lw=1.4) for _ in first.asteroid_outlines]
    flame = _wrapped(ax, 9, facecolor=theme.ink("red"), edgecolor="none")
    ship = _wrapped(ax, 9, facecolor=theme.ink("orange"), edgecolor=theme.ink("orange"), lw=1.0)
    velocity, = ax.plot([], [], color=theme.ink("teal"), lw=1.5)
    hud = fig.text(0.01, 0.03, "", family="DejaVu Sans Mono")
    movie = Frames(fig, fps=1 / (FRAME_STRIDE * asteroids.DT), colours=32,
                   animated=[*(p for rock in rocks for p in rock), *flame, *ship, velocity, hud])
    for frame in frames:
        for patches, outline in zip(rocks, frame.asteroid_outlines):
            _place(patches, outline, w, h)
        thrust = frame.controls.thrust
        placed = compose(translation(*frame.ship_position), rotation(frame.ship_heading))
        _place(flame, apply(placed, FLAME), w, h)
        for patch in flame:
            patch.set_visible(thrust)
        _place(ship, frame.ship_outline, w, h)
        tip = frame.ship_position + 0.5 * frame.ship_velocity  # where it is in 0.5 s
        velocity.set_data(*np.transpose([frame.ship_position, tip]))
        turn = {1: "left ", -1: "right", 0: "none "}[frame.controls.turn]
        hud.set_text(f"t={frame.time:4.2f}s  turn {turn}  thrust {'on ' if thrust else 'off'}  "
                     f"|v|={frame.speed:4.2f}/{asteroids.MAX_SPEED:.0f}")
        movie.grab()
    return movie


@figure("thumb-asteroids.png", title="Thumbnail: T·R against R·T",
        alt="Two copies of a ship: rotated then moved, and moved then rotated, in different places.")
def thumbnail(theme):
    ship = 2.0 * asteroids.SHIP_SHAPE
    R, T = rotation(np.pi / 2), translation(4.0, 1.0)
    fig, ax = plt.subplots(figsize=(3.2, 2.0), layout="constrained")
    for matrix, label, colour in [(compose(T, R), "T·R", theme.ink("blue")),
                                  (compose(R, T), "R·T", theme.ink("orange"))]:
        outline = apply(matrix, ship)
        ax.add_patch(Polygon(outline, closed=True, facecolor=to_rgba(colour, 0.35),
                             edgecolor=colour, lw=2))
        centre = outline.mean(axis=0)
        ax.text(centre[0] + 1.1, centre[1], label, color=colour, fontsize=12,
                fontweight="bold", va="center")
    ax.plot(0, 0, "+", color=theme.fg, ms=10, mew=1.5)
    ax.text(0.3, -0.9, "origin", color=theme.ink("muted"))
    ax.set(xlim=(-3, 7), ylim=(-1.5, 5.5), aspect="equal")
    ax.axis("off")
    return fig
