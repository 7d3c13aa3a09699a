# %% [markdown]
# # Asteroids: a playground
#
# Choose a rotation and a translation, a seed and a pilot, run every cell again, and
# see how the order of two transforms moves a ship and how a seeded flight keeps to
# the speed limit. The derivations are in [the asteroids chapter](../../asteroids/);
# the functions come from `gradbook.transforms` and `gradbook.asteroids`, the code
# that chapter shows.
#
# **Run it yourself.** From the project: `pip install -e '.[notebooks]'`, then
# `jupyter lab docs/notebooks/` and open this `.py` file with a right click,
# *Open With → Notebook* (Jupytext reads it as a notebook); or download the
# executed `.ipynb` above.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Polygon

from gradbook.asteroids import (MAX_SPEED, SHIP_SHAPE, Controls,
                                autopilot, simulate)
from gradbook.transforms import apply, compose, rotation, translation

# %% [markdown]
# ## Your settings
#
# Change these, then run every cell again (*Run → Run All Cells*).

# %%
angle_deg = 90       # the rotation R, counter-clockwise, in degrees
shift = (4.0, 1.0)   # the translation T = (dx, dy)

seed = 7             # the asteroid field (the only randomness)
steps = 120          # 20 steps per second: 6 s
pilot = autopilot    # the chapter's demo flight; or write your own:
# pilot = lambda t: Controls(turn=1 if t < 0.25 else 0, thrust=True)
# (t in seconds; turn 1 left, -1 right, 0 straight; thrust on/off)

# %% [markdown]
# ## Order matters: $TR$ against $RT$
#
# A product of transforms acts right to left. $TR$ turns the ship where it stands and
# then moves it; $RT$ moves it first and then swings it, offset and all, around the
# origin.

# %%
R = rotation(np.deg2rad(angle_deg))
T = translation(*shift)
TR, RT = compose(T, R), compose(R, T)
np.set_printoptions(precision=3, suppress=True)
print("T·R =", TR, "", "R·T =", RT, sep="\n")
print("the same matrix?", np.allclose(TR, RT))

# %% [markdown]
# The ship's outline is drawn once in model coordinates (nose along $+x$, scaled by 2
# to be visible) and placed by each matrix. The dots mark the nose; the dotted arc is
# the path of the nose as $R$ turns the already moved ship about the origin.

# %%
ship = 2.0 * SHIP_SHAPE
cases = [(np.eye(3), "original", "grey"),
         (TR, "T·R: rotate, then move", "tab:blue"),
         (RT, "R·T: move, then rotate", "tab:orange")]

fig, ax = plt.subplots(figsize=(6.4, 4.6), layout="constrained")
corners = [np.zeros((1, 2))]
for matrix, label, colour in cases:
    outline = apply(matrix, ship)
    corners.append(outline)
    ax.add_patch(Polygon(outline, facecolor=colour, alpha=0.35,
                         edgecolor=colour, lw=2, label=label))
    ax.plot(*outline[0], "o", color=colour)
moved_nose = apply(T, ship[0])  # R·T: the nose after T, before R
turns = np.linspace(0, np.deg2rad(angle_deg))
swing = np.array([apply(rotation(a), moved_nose) for a in turns])
ax.plot(*swing.T, ":", color="tab:orange", label="R swings the nose")
corners.append(swing)
ax.plot(0, 0, "k+", ms=12, mew=1.5)
ax.annotate("origin", (0, 0), xytext=(0.2, -0.7))
everything = np.vstack(corners)
ax.update_datalim([everything.min(axis=0) - 1.5,
                   everything.max(axis=0) + 1.5])
ax.set_aspect("equal", adjustable="datalim")  # true shapes, wider view
ax.set(xlabel="x", ylabel="y",
       title=f"Rotate by {angle_deg}° and move by {shift}")
fig.legend(loc="outside lower center", ncols=2)
plt.show()

# %% [markdown]
# ## A seeded flight
#
# `simulate` flies your pilot through the asteroid field of `seed`, one step every
# 0.05 s: turn, thrust along the nose, clip the **length** of the velocity to
# `MAX_SPEED`, move, and wrap around the edges. It returns a read-only snapshot per
# step.

# %%
frames = simulate(seed=seed, steps=steps, controls=pilot)
t = np.array([f.time for f in frames])
path = np.array([f.ship_position for f in frames])
velocity = np.array([f.ship_velocity for f in frames])
speed = np.array([f.speed for f in frames])
print(f"{len(frames)} frames, {t[-1]:.2f} s of flight")
print(f"top speed {speed.max():.6f} units/s, limit {MAX_SPEED}")
print("never above the limit:", bool(speed.max() <= MAX_SPEED + 1e-12))

# %% [markdown]
# Clipping $v_x$ and $v_y$ separately to $[-v_{\max}, v_{\max}]$ would have allowed
# more: in a direction $u$ (a unit vector) the per-axis clip lets the speed grow to
# $v_{\max} / \max(|u_x|, |u_y|)$, which is $\sqrt 2\, v_{\max}$ on a diagonal.

# %%
moving = speed > 0
unit = velocity[moving] / speed[moving, None]  # the direction of flight
per_axis = MAX_SPEED / np.abs(unit).max(axis=1)
print(f"per-axis clipping would allow {per_axis.max():.3f} units/s "
      f"({per_axis.max() / MAX_SPEED:.3f} × the limit)")

# %% [markdown]
# The path (broken where the ship wraps around an edge, coloured by time), the
# asteroids where they are at the end, and the speed over time.

# %%
first, last = frames[0], frames[-1]
fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 6.4),
                                  height_ratios=[3, 2],
                                  layout="constrained")
for outline in last.asteroid_outlines:
    top.add_patch(Polygon(outline, fill=False, edgecolor="grey"))
size = np.array([first.width, first.height])
jump = (np.abs(np.diff(path, axis=0)) > size / 2).any(axis=1)  # a wrap
for piece in np.split(path, np.flatnonzero(jump) + 1):
    top.plot(*piece.T, color="tab:blue", lw=1, alpha=0.5)
dots = top.scatter(*path.T, c=t, s=8, cmap="viridis", zorder=3)
top.add_patch(Polygon(last.ship_outline, color="tab:orange", zorder=4))
top.set(xlim=(0, first.width), ylim=(0, first.height), aspect="equal",
        title=f"Seed {seed}: the path, and the asteroids at the end")
fig.colorbar(dots, ax=top, label="time (s)", shrink=0.8)

ceiling = 1.5 * MAX_SPEED
thrust = np.array([f.controls.thrust for f in frames])
bottom.fill_between(t, 0, ceiling, where=thrust, color="tab:orange",
                    alpha=0.2, lw=0, label="thrust on")
bottom.plot(t[moving], per_axis, ":", color="grey",
            label="per-axis clip allows")
bottom.axhline(MAX_SPEED, color="crimson", ls="--", lw=1, label="limit")
bottom.plot(t, speed, color="tab:blue", label="speed $\\|v\\|$")
bottom.set(xlabel="time (s)", ylabel="units / s", ylim=(0, ceiling))
bottom.legend(loc="lower right", ncols=2)
plt.show()
