# %% [markdown]
# # House prices: a playground
#
# The notebook of the [house-prices chapter](../../house-prices/): change a learning
# rate or a start, run the cells again, and watch gradient descent on the three models.
# It imports everything from `gradbook`, the library the chapter shows.
#
# Run it yourself: `pip install -e '.[notebooks]'` in the project, then `jupyter lab docs/notebooks/`
# (open this `.py` file as a notebook) or download the executed `.ipynb` above.

# %%
import matplotlib.pyplot as plt
import numpy as np

from gradbook import regression as rg

# %% [markdown]
# ## Your settings
# A learning rate above the threshold $2/\lambda_{\max}$ makes the linear fit diverge.

# %%
lr = 0.1            # try 0.12, just above the threshold
start = (0.0, 0.0)  # (w0, b0)
print(f"threshold 2/λmax = {rg.divergence_threshold(rg.LINEAR.feature):.6f}")

# %%
run = rg.gradient_descent(rg.LINEAR, *start, lr, max_steps=2000)
print(f"converged={run.converged} diverged={run.diverged} after {run.steps} steps")
print(f"w = {run['w'][-1]:.6f}, b = {run['b'][-1]:.6f}, MSE = {run.loss[-1]:.6f}")

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.semilogy(run.loss)
ax.set(xlabel="step", ylabel="MSE", title=f"linear model, lr = {lr}")
plt.show()
