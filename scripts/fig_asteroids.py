"""Figures of the Asteroids chapter (docs/asteroids.md)."""

from __future__ import annotations

import itertools
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.patches import Polygon

from figlib import PALETTE, blend_palette, canvas_rgb, figure, save_gif, save_png
from gradbook import asteroids
from gradbook.transforms import apply, compose, rotation, translation

GIF_SEED = 7
FRAME_STRIDE = 2  # draw every other simulation step: 10 frames per second
SPACE = "#10142b"
INKS = {"text": "#ffffff", "rock": "#cfd8dc", "ship": "#ffb74d", "flame": "#ff5722",
        "velocity": "#80deea"}


@figure("composition.png", uses=["gradbook.transforms", "gradbook.asteroids"],
        title="The same ship under T·R and under R·T")
def composition(path: Path) -> None:
    """T·R rotates the ship in place and then moves it; R·T moves it, then
    swings it about the origin."""
    ship = 2.0 * asteroids.SHIP_SHAPE
    R, T = rotation(np.pi / 2), translation(4.0, 1.0)
    cases = [
        (np.eye(3), "original (model coordinates)", PALETTE["grey"]),
        (compose(T, R), "T·R: rotate, then move", PALETTE["blue"]),
        (compose(R, T), "R·T: move, then rotate about the origin", PALETTE["orange"]),
    ]
    fig, ax = plt.subplots(figsize=(6.4, 4.6), layout="constrained")
    for matrix, label, colour in cases:
        outline = apply(matrix, ship)
        ax.add_patch(Polygon(outline, closed=True, facecolor=to_rgba(colour, 0.25),
                             edgecolor=colour, lw=2, label=label))
        nose = outline[0]
        ax.plot(*nose, "o", color=colour, ms=5)
    # the path of the nose under R·T: a quarter circle about the origin
    moved_nose = apply(T, ship[0])
    angles = np.linspace(0, np.pi / 2, 50)
    arc = np.array([apply(rotation(a), moved_nose) for a in angles])
    ax.plot(arc[:, 0], arc[:, 1], ":", color=PALETTE["orange"], lw=1.5)
    ax.annotate("R swings the moved ship\nabout the origin", xy=arc[30],
                xytext=(0.8, 2.3), fontsize=9, color=PALETTE["orange"],
                arrowprops=dict(arrowstyle="->", color=PALETTE["orange"]))
    ax.plot(0, 0, "k+", ms=12, mew=1.5)
    ax.annotate("origin", (0, 0), xytext=(0.15, -0.45), fontsize=9)
    ax.set(xlim=(-3, 7), ylim=(-2.5, 5.8), aspect="equal", xlabel="x", ylabel="y",
           title="Rotation by 90° and translation by (4, 1), in both orders")
    ax.legend(loc="lower right", fontsize=8, framealpha=0.95)
    save_png(fig, path)


def _draw_wrapped(ax, outline, width, height, **style) -> None:
    """Draw a polygon and its copies one world away, so a shape crossing an
    edge shows on both sides (the axes clip what lies outside)."""
    for dx, dy in itertools.product((-width, 0, width), (-height, 0, height)):
        ax.add_patch(Polygon(outline + (dx, dy), closed=True, **style))


@figure("asteroids.gif", uses=["gradbook.asteroids", "gradbook.transforms"],
        title="A seeded Asteroids flight")
def asteroids_gif(path: Path) -> None:
    """Render :func:`gradbook.asteroids.simulate` frame by frame."""
    frames = asteroids.simulate(seed=GIF_SEED)[::FRAME_STRIDE]
    first = frames[0]
    fig = plt.figure(figsize=(6.4, 3.9), dpi=100, facecolor=SPACE)
    ax = fig.add_axes((0.0, 0.08, 1.0, 0.92))
    hud = fig.text(0.01, 0.02, "", color=INKS["text"], fontsize=9, family="DejaVu Sans Mono")
    limit = fig.text(0.99, 0.02, "", color=INKS["text"], fontsize=9, ha="right",
                     family="DejaVu Sans Mono")
    images = []
    for frame in frames:
        ax.clear()
        ax.set_facecolor(SPACE)
        ax.set(xlim=(0, first.width), ylim=(0, first.height), aspect="equal")
        ax.set_axis_off()
        for outline in frame.asteroid_outlines:
            _draw_wrapped(ax, outline, frame.width, frame.height, fill=False,
                          edgecolor=INKS["rock"], lw=1.4)
        ship_style = dict(facecolor=INKS["ship"], edgecolor=INKS["ship"], lw=1.0)
        if frame.controls.thrust:  # a flame behind the ship
            flame = apply(compose(translation(*frame.ship_position),
                                  rotation(frame.ship_heading)),
                          np.array([[-0.22, 0.12], [-0.6, 0.0], [-0.22, -0.12]]))
            _draw_wrapped(ax, flame, frame.width, frame.height,
                          facecolor=INKS["flame"], edgecolor="none")
        _draw_wrapped(ax, frame.ship_outline, frame.width, frame.height, **ship_style)
        tip = frame.ship_position + 0.5 * frame.ship_velocity  # velocity, 0.5 s ahead
        ax.plot(*np.transpose([frame.ship_position, tip]), color=INKS["velocity"], lw=1.2)
        turn = {1: "left ", -1: "right", 0: "none "}[frame.controls.turn]
        hud.set_text(f"t = {frame.time:4.2f} s   turn: {turn}   "
                     f"thrust: {'on ' if frame.controls.thrust else 'off'}")
        limit.set_text(f"speed |v| = {frame.speed:4.2f} / {asteroids.MAX_SPEED:.1f}")
        images.append(canvas_rgb(fig))
    save_gif(images, path, fps=1 / (FRAME_STRIDE * asteroids.DT),
             palette=blend_palette(SPACE, INKS.values()))
