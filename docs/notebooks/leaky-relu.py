# %% [markdown]
# # LeakyReLU: a playground
#
# Choose the slope $\alpha$, the hidden activations to compare, the output activation
# and a learning rate, run every cell again, and train the same small network with
# each activation, counting the hidden units that stop learning. The derivations are
# in [the LeakyReLU chapter](../../leaky-relu/); the functions come from
# `gradbook.activations`, `gradbook.nn` and `gradbook.descent`, the code that chapter
# shows.
#
# **Run it yourself.** From the project: `pip install -e '.[notebooks]'`, then
# `jupyter lab docs/notebooks/` and open this `.py` file with a right click,
# *Open With → Notebook* (Jupytext reads it as a notebook); or download the
# executed `.ipynb` above.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from gradbook import nn
from gradbook.activations import leaky_relu, leaky_relu_grad
from gradbook.descent import gradient_descent

# %% [markdown]
# ## Your settings
#
# Change these, then run every cell again (*Run → Run All Cells*).

# %%
alpha = 0.1            # every LeakyReLU's slope below 0, 0 < α ≤ 1
activations = ["relu", "leaky_relu", "tanh"]  # hidden ones to compare
output = "leaky_relu"  # the report's output activation; None: linear
hidden = 16            # hidden units
seed = 4               # the starting weights, the same for every run
lr = 0.2               # the learning rate; try 0.1 or 0.3
steps = 2000           # full-batch gradient steps
loss = "mse"           # "mse" or "mae"

# %% [markdown]
# ## The slope $\alpha$
#
# $\mathrm{LeakyReLU}(a) = a$ for $a > 0$ and $\alpha a$ for $a \le 0$; its
# derivative is 1 or $\alpha$. ReLU is the case $\alpha = 0$: a derivative of 0 for
# every $a \le 0$.

# %%
a = np.array([-2.0, -0.5, 0.0, 1.0, 3.0])
print("a                 ", a)
print("LeakyReLU(a)      ", leaky_relu(a, alpha))
print("LeakyReLU'(a)     ", leaky_relu_grad(a, alpha))

# %% [markdown]
# ## The network and the data
#
# $\hat y = g\bigl(W_2\, f(W_1 x + b_1) + b_2\bigr)$ with a hidden activation $f$
# and the output activation $g$. The report's model is $f = \tanh$ and
# $g = \mathrm{LeakyReLU}$; with that $g$, a negative prediction is $\alpha$ times the
# pre-activation, so the network has to push it $1/\alpha$ times as far. The data:
# 40 points near $\sin x + 0.3\,x$, without outliers.

# %%
x, y = nn.regression_data(seed=0, outliers=0)


def train(activation):
    """A fresh network with `activation`, trained from the seed."""
    model = nn.init_two_layer(hidden, seed=seed, activation=activation,
                              output=output, alpha=alpha)
    dead_at_start = int(nn.dead_units(model, x).sum())
    start = model.get_params()
    run = gradient_descent(lambda p: model.loss_and_grad(p, x, y, loss),
                           start, lr, max_steps=steps)
    model.set_params(start if run.diverged else run.final)
    return model, run, dead_at_start


results = {name: train(name) for name in activations}
print(f"{'hidden':11} {loss.upper():>8} {'dead units':>14}")
for name, (model, run, dead0) in results.items():
    dead = int(nn.dead_units(model, x).sum())
    if run.diverged:
        print(f"{name:11} diverged: try a smaller learning rate")
        continue
    print(f"{name:11} {run.loss[-1]:8.4f} {dead0:>6} → {dead:<3} "
          f"of {hidden}")

# %% [markdown]
# A hidden unit is **dead** when its activation's derivative is 0 on every example:
# then its weights get no gradient, and descent can never bring it back. A ReLU unit
# dies once $W_1 x + b_1 \le 0$ for all the data; a LeakyReLU unit always keeps the
# slope $\alpha$.
#
# The fits, from the same starting weights:

# %%
grid = np.linspace(-3.2, 3.2, 300)[:, None]
fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
ax.plot(x, y, "o", color="black", ms=4, label="data")
for i, (name, (model, run, _)) in enumerate(results.items()):
    if not run.diverged:  # colour C0, C1, ...: the same in both figures
        ax.plot(grid, model.forward(grid), color=f"C{i}", lw=2,
                label=name)
ax.set(xlabel="x", ylabel="y", ylim=(-2.5, 2.5),
       title=f"Output {output or 'linear'}, α = {alpha}, lr = {lr}")
ax.legend(title="hidden activation", loc="upper left")
plt.show()

# %% [markdown]
# The loss per step, and how many hidden units are dead along the way (checked every
# 10 steps).

# %%
fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 5.4), sharex=True,
                                  layout="constrained")
styles = ["-", "--", ":", "-."]  # overlapping lines stay visible
for i, (name, (model, run, _)) in enumerate(results.items()):
    style = dict(ls=styles[i % 4], color=f"C{i}", label=name)
    top.semilogy(run.loss, **style)
    if run.diverged:
        continue
    at = np.arange(0, run.steps + 1, 10)
    probe = nn.init_two_layer(hidden, seed=seed, activation=name,
                              output=output, alpha=alpha)
    dead = []
    for k in at:
        probe.set_params(run.params[k])
        dead.append(int(nn.dead_units(probe, x).sum()))
    bottom.step(at, dead, where="post", lw=2, **style)
top.set(ylabel=loss.upper(), title="Training")
top.legend()
bottom.set(xlabel="step", ylabel="dead hidden units",
           ylim=(-0.5, hidden + 0.5))
bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
plt.show()
