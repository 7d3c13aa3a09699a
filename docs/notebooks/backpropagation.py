# %% [markdown]
# # Backpropagation: a playground
#
# Choose the number of hidden units, a seed, the loss (MAE or MSE) and a learning
# rate, run every cell again, and train a small ReLU network by backpropagation,
# with its gradient checked against finite differences. The derivations are in
# [the backpropagation chapter](../../backpropagation/); the functions come from
# `gradbook.nn`, `gradbook.descent` and `gradbook.gradcheck`, the code that chapter
# shows.
#
# **Run it yourself.** From the project: `pip install -e '.[notebooks]'`, then
# `jupyter lab docs/notebooks/` and open this `.py` file with a right click,
# *Open With → Notebook* (Jupytext reads it as a notebook); or download the
# executed `.ipynb` above.

# %%
import matplotlib.pyplot as plt
import numpy as np

from gradbook import nn
from gradbook.descent import gradient_descent
from gradbook.gradcheck import numerical_gradient

# %% [markdown]
# ## Your settings
#
# Change these, then run every cell again (*Run → Run All Cells*).

# %%
hidden = 8           # hidden ReLU units
seed = 0             # the starting weights
loss = "mae"         # "mae" (mean absolute error) or "mse" (squared)
lr = 0.05            # the learning rate
steps = 3000         # full-batch gradient steps
data_seed = 0        # the data: 40 points near sin(x) + 0.3 x ...
outliers = 4         # ... of which this many are moved far off it

# %% [markdown]
# ## The data and the network
#
# The network is $\hat y = W_2\, \mathrm{ReLU}(W_1 x + b_1) + b_2$ with one input,
# `hidden` units and one output. `init_two_layer` draws its weights uniformly from
# $\pm 1/\sqrt{\text{fan-in}}$, like PyTorch.

# %%
x, y = nn.regression_data(seed=data_seed, outliers=outliers)
model = nn.init_two_layer(hidden, seed=seed)
print(model)
print(f"{model.size} parameters; data x {x.shape}, y {y.shape}")
start = model.get_params()

# %% [markdown]
# ## One gradient, checked
#
# `loss_and_grad` runs the forward pass, the loss, and the backward pass (the chain
# rule, one layer at a time, from the loss back to the input). Compare it with central
# differences of the loss itself, $\bigl(L(p + h e_i) - L(p - h e_i)\bigr) / 2h$,
# which need nothing but the forward pass. Here for the parameters of hidden unit 0,
# at the starting weights:

# %%
probe = nn.init_two_layer(hidden, seed=seed)  # leaves `model` alone


def loss_at(p):
    return probe.loss_and_grad(p, x, y, loss)[0]


_, backprop = probe.loss_and_grad(start, x, y, loss)
numeric = numerical_gradient(loss_at, start)
print(f"{'parameter':10} {'backprop':>12} {'numerical':>12}")
for name in ["W1[0,0]", "b1[0]", "W2[0,0]", "b2[0]"]:
    i = probe.names.index(name)
    print(f"{name:10} {backprop[i]:12.6f} {numeric[i]:12.6f}")
scale = max(np.max(np.abs(numeric)), 1e-12)
print(f"largest difference over all {start.size} entries, relative: "
      f"{np.max(np.abs(backprop - numeric)) / scale:.1e}")

# %% [markdown]
# The report's formulas for the MAE drop the minus sign of
# $\partial (y - M(x)) / \partial W = -\partial M / \partial W$ and the $1/N$ of the
# mean, so they are exactly $-N$ times this gradient: they point uphill.

# %%
if loss == "mae":
    report = nn.report_gradients(probe, x, y)
    print(f"report's direction = -{len(x)} × gradient:",
          np.allclose(report, -len(x) * backprop))
else:
    print("the report's formulas are for the MAE: set loss = \"mae\"")

# %% [markdown]
# ## Training
#
# The shared loop `gradient_descent` takes `p -> (loss, gradient)`: here the network's
# `loss_and_grad`, so every step is one forward and one backward pass over the whole
# batch.

# %%
run = gradient_descent(lambda p: model.loss_and_grad(p, x, y, loss),
                       start, lr, max_steps=steps, names=model.names)
if run.diverged:
    print(f"diverged after {run.steps} steps: try a smaller lr")
else:
    model.set_params(run.final)
    print(f"{loss.upper()}: {run.loss[0]:.4f} at the start, "
          f"{run.loss[-1]:.4f} after {run.steps} steps")

# %% [markdown]
# The fit: the curve the data were drawn around (dotted), the network at the start
# (dashed) and after training. The MSE squares the residuals, so the outliers pull
# its fit harder than the MAE's: switch `loss` and compare.

# %%
grid = np.linspace(-3.2, 3.2, 300)[:, None]
curve = np.sin(grid) + 0.3 * grid
far = np.abs(y - (np.sin(x) + 0.3 * x)).ravel() > 1   # the moved points
fig, ax = plt.subplots(figsize=(6.4, 4.6), layout="constrained")
ax.plot(grid, curve, ":", color="grey", label="sin(x) + 0.3 x")
at_start = nn.init_two_layer(hidden, seed=seed)  # the same start
ax.plot(grid, at_start.forward(grid), "--", color="tab:blue", alpha=0.5,
        label="network at the start")
if not run.diverged:
    ax.plot(grid, model.forward(grid), color="tab:blue", lw=2,
            label=f"after {run.steps} steps ({loss.upper()})")
ax.plot(x[~far], y[~far], "o", color="black", ms=4, label="data")
ax.plot(x[far], y[far], "o", color="crimson", ms=6, label="outliers")
ax.set(xlabel="x", ylabel="y",
       title=f"{hidden} hidden ReLU units, seed {seed}")
fig.legend(loc="outside lower center", ncols=3)
plt.show()

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.4), layout="constrained")
ax.plot(run.loss)
ax.set(xlabel="step", ylabel=loss.upper(),
       title=f"Training loss, lr = {lr}")
plt.show()
