# %% [markdown]
# # House prices: a playground
#
# Choose a model, a learning rate, a start and an update rule, run every cell again,
# and watch gradient descent fit four house prices (or fail to). The derivations are
# in [the house-prices chapter](../../house-prices/); the functions come from
# `gradbook.regression`, the code that chapter shows.
#
# **Run it yourself.** From the project: `pip install -e '.[notebooks]'`, then
# `jupyter lab docs/notebooks/` and open this `.py` file with a right click,
# *Open With → Notebook* (Jupytext reads it as a notebook); or download the
# executed `.ipynb` above.

# %%
import matplotlib.pyplot as plt
import numpy as np

from gradbook import regression as rg

# %% [markdown]
# ## Your settings
#
# Change these, then run every cell again (*Run → Run All Cells*).
#
# The chapter's learning rates are 0.1 (linear), 0.005 (sigmoid) and 0.0006 (cubic).

# %%
model_name = "linear"  # "linear" w x + b, "sigmoid" 20 σ(w x + b),
                       # or "cubic" w x³ + b
lr = 0.1               # try 0.12: just above the linear threshold
start = (0.0, 0.0)     # (w0, b0)
rule = rg.gradient     # or rg.report_gradient: the report's rule, the
                       # linear model's gradient used for every model
max_steps = 100_000

# %% [markdown]
# ## How large may the learning rate be?
#
# For the linear and the cubic model the loss is a quadratic bowl with a constant
# Hessian $H$, and descent converges exactly when $0 < \alpha < 2/\lambda_{\max}(H)$.
# The sigmoid model has no such single threshold: its curvature changes from point to
# point.

# %%
model = rg.MODELS[model_name]
print("floors", rg.FLOORS, "prices", rg.PRICES, "(× 100,000 EUR)")
if model.feature is not None:
    threshold = rg.divergence_threshold(model.feature)
    print(f"{model_name}: threshold 2/λmax = {threshold:.6g}; "
          f"your lr is {lr / threshold:.4g} × that")

# %% [markdown]
# ## Gradient descent
#
# Every step moves $(w, b)$ against the gradient of the mean squared error, both
# parameters at once. The run stops when the gradient is shorter than $10^{-9}$
# (converged), when the loss blows up (diverged), or after `max_steps` steps.

# %%
run = rg.gradient_descent(model, *start, lr, max_steps=max_steps,
                          rule=rule)
w, b = run["w"][-1], run["b"][-1]
print(f"converged={run.converged} diverged={run.diverged} "
      f"after {run.steps:,} steps")
print(f"w = {w:.6g}, b = {b:.6g}, MSE = {run.loss[-1]:.6g}")

# %% [markdown]
# Is that the minimum? At a minimum the **true** gradient is zero. For the linear and
# cubic models the normal equations also give the minimum directly, without any
# descent.

# %%
if np.isfinite(w) and np.isfinite(b):
    true_grad = rg.gradient(model, w, b)
    length = np.linalg.norm(true_grad)
    print(f"length of the true gradient there: {length:.3g}")
if model.feature is not None:
    w_best, b_best = rg.least_squares(model.feature)
    print(f"least squares: w = {w_best:.6g}, b = {b_best:.6g}, "
          f"MSE = {rg.loss(model, w_best, b_best):.6g}")

# %% [markdown]
# The loss per step (log scale), and the fit: the four houses and the model's curve
# at the end of the run, with its price for a 5-floor building.

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
ax.semilogy(run.loss)
ax.set(xlabel="step", ylabel="MSE",
       title=f"{model_name} model, lr = {lr}")
plt.show()

# %%
finite = np.flatnonzero(np.isfinite(run.loss))[-1]  # the last finite
w_shown, b_shown = run["w"][finite], run["b"][finite]
floors = np.linspace(0.5, 5.5, 200)

fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
with np.errstate(over="ignore", invalid="ignore"):  # after a divergence
    curve = model.predict(w_shown, b_shown, floors)
    five = model.predict(w_shown, b_shown, np.array([5.0]))[0]
if model.feature is not None:   # the exact minimum, for comparison
    best = model.predict(w_best, b_best, floors)
    ax.plot(floors, best, color="0.8", lw=5, label="least squares")
ax.plot(floors, curve, label=f"{model_name}, step {finite:,}")
ax.plot(rg.FLOORS, rg.PRICES, "o", color="black", label="four houses")
if -2 < five < 22:
    ax.plot(5, five, "s", color="crimson",
            label=f"5 floors: {five:.2f}")
ax.set(xlabel="floors", ylabel="price (× 100,000 EUR)", ylim=(-2, 22),
       title=f"w = {w_shown:.4g}, b = {b_shown:.4g}"
             + (" (diverged)" if run.diverged else ""))
ax.legend(loc="upper left")
plt.show()
