# %% [markdown]
# # Robot arm: a playground
#
# Give the arm a target, a start pose, segments and a learning rate, run every cell
# again, and watch gradient descent bring the tip to the target, next to the report's
# update rule from the same start. The derivations are in
# [the robot-arm chapter](../../robot-arm/); the functions come from
# `gradbook.robot_arm`, the code that chapter shows.
#
# **Run it yourself.** From the project: `pip install -e '.[notebooks]'`, then
# `jupyter lab docs/notebooks/` and open this `.py` file with a right click,
# *Open With → Notebook* (Jupytext reads it as a notebook); or download the
# executed `.ipynb` above.

# %%
import matplotlib.pyplot as plt
import numpy as np

from gradbook import robot_arm as rm

# %% [markdown]
# ## Your settings
#
# Change these, then run every cell again (*Run → Run All Cells*).
#
# The chapter's example: three segments of length 2, every joint at −10°, the
# target $(-3, 0)$ and the learning rate 0.01.

# %%
segments = 3                    # 1 to 10
lengths = [2.0] * segments      # or a list, one length per segment
start_deg = [-10.0] * segments  # relative joint angles, degrees
target = (-3.0, 0.0)            # try (5, 5): out of reach
lr = 0.01                       # the learning rate
max_steps = 3000                # at most 10,000

# %% [markdown]
# ## Can the arm reach the target?
#
# The tip can be anywhere between two circles: at most the sum of the lengths from
# the base, and at least the longest segment minus all the others.

# %%
start = np.deg2rad(start_deg)
inner, outer = rm.reach_radii(lengths)
distance = float(np.hypot(*target))
print(f"the tip reaches distances {inner:g} to {outer:g}; "
      f"the target is {distance:.3f} away")
print("reachable:", inner <= distance <= outer)

# %% [markdown]
# ## Gradient descent on the squared distance
#
# The loss is $L(\theta) = \lVert T - \mathrm{tip}(\theta) \rVert^2$ and its
# gradient $\nabla L = -2\, \mathrm{Jac}^\top (T - \mathrm{tip})$, where column $k$
# of the Jacobian is $J(\mathrm{tip} - p_k)$: the vector from joint $k$ to the tip,
# turned by 90°. `reach` runs the shared descent loop on it and stops when the
# gradient is shorter than $10^{-9}$.

# %%
run = rm.reach(start, lengths, target, lr, max_steps=max_steps)
print(f"converged: {run.converged} after {run.steps} steps")
tip = np.round(rm.tip(run.final, lengths), 6) + 0.0   # + 0.0: no "-0."
print(f"tip {tip}, loss {run.loss[-1]:.3g}")
degrees = (np.degrees(run.final) + 180) % 360 - 180  # in [-180, 180)
print("joint angles (degrees):", np.round(degrees, 2) + 0.0)
below = np.flatnonzero(run.loss < 1e-6)
if below.size:
    print(f"the loss first fell below 1e-6 after {below[0]} steps")
if not run.converged:
    print("not converged: try a smaller learning rate or more steps")

# %% [markdown]
# The report's rule from the same angles. It reads the angles as **absolute**
# directions (each segment turned by its own angle only), so its tip starts elsewhere
# and its loss is measured in that model; `report_descent` replays it pass by pass.

# %%
report = rm.report_descent(start, lengths, target, lr,
                           max_steps=max_steps)
print(f"report's rule: converged {report.converged}, "
      f"diverged {report.diverged}, after {report.steps} passes")
print(f"its own loss at the end: {report.loss[-1]:.3g}")
if not report.diverged:
    own = np.round(rm.report_tip(report.final, lengths), 4) + 0.0
    as_joints = np.round(rm.tip(report.final, lengths), 4) + 0.0
    print("its tip, in its own model:", own)
    print("the same angles as joints:", as_joints)

# %% [markdown]
# The arm at the start (grey), a few poses on the way (faint) and at the end (blue);
# the orange dots are the tip after each step.

# %%
poses = rm.joints_along(run, lengths)  # (steps + 1, segments + 1, 2)
fig, ax = plt.subplots(figsize=(6.4, 6.2), layout="constrained")
circle = np.linspace(0, 2 * np.pi, 200)
ring = np.column_stack([np.cos(circle), np.sin(circle)])
ax.fill(*(outer * ring).T, color="0.94", label="where the tip can go")
if inner > 0:
    ax.fill(*(inner * ring).T, color="white")
on_the_way = np.geomspace(1, max(run.steps, 1), 6).astype(int)
for k in np.unique(on_the_way)[:-1]:  # not the last one
    ax.plot(*poses[k].T, "-", color="tab:blue", alpha=0.2, lw=2)
ax.plot(*poses[0].T, "o-", color="grey", lw=3, label="start")
ax.plot(*poses[-1].T, "o-", color="tab:blue", lw=3,
        label=f"after {run.steps} steps")
ax.plot(*poses[:, -1].T, ".", color="tab:orange", ms=4,
        label="tip, step by step")
ax.plot(*target, "*", color="crimson", ms=16, label="target")
ax.set(aspect="equal", xlabel="x", ylabel="y",
       title="Gradient descent on the angles")
fig.legend(loc="outside lower center", ncols=3)
plt.show()

# %% [markdown]
# The loss per step on a log scale: the exact gradient, and the report's rule measured
# by its own loss.

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.8), layout="constrained")
ax.semilogy(run.loss, label="exact gradient")
ax.semilogy(report.loss, label="report's rule (its own loss)")
ax.set(xlabel="step", ylabel="loss $\\|T - \\mathrm{tip}\\|^2$",
       title=f"Loss per step, learning rate {lr}")
ax.legend()
plt.show()
