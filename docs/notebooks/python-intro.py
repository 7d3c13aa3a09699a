# %% [markdown]
# # Python introduction: a playground
#
# Pick an exponent, a base and a matrix size, run every cell again, and count what
# $x^n$ costs by repeated multiplication and by squaring, then time a pure-Python
# matrix product against NumPy's. The derivations are in
# [the Python-introduction chapter](../../python-intro/); the functions come from
# `gradbook.linalg`, the code that chapter shows.
#
# **Run it yourself.** From the project: `pip install -e '.[notebooks]'`, then
# `jupyter lab docs/notebooks/` and open this `.py` file with a right click,
# *Open With → Notebook* (Jupytext reads it as a notebook); or download the
# executed `.ipynb` above.

# %%
import time
from decimal import Decimal     # for a Decimal base in your settings
from fractions import Fraction  # for a Fraction base

import matplotlib.pyplot as plt
import numpy as np

from gradbook.linalg import (count_multiplications, fast_power, matmul,
                             power)

# %% [markdown]
# ## Your settings
#
# Change these, then run every cell again (*Run → Run All Cells*).

# %%
exponent = 1000  # any int; try 1023 (ten 1 bits) or 1024 (2 ** 10)
base = 1.0001    # an int, a float, Decimal("1.0001"), Fraction(1, 3);
                 # an exact power (int, Fraction): 100,000 bits at most
size = 64        # n for the n × n products; 2n takes 8 times as long
seed = 0         # the random matrices

# %% [markdown]
# ## Two ways to compute $x^n$
#
# `power` multiplies $n - 1$ times; `fast_power` squares once per binary digit of $n$
# after the first, and multiplies by $x$ once per further 1 digit. Both give the same
# number (for floats, up to the last bit: they round in a different order).

# %%
def short(value):
    """repr(value), with the middle of a very long number left out."""
    text = repr(value)
    if len(text) <= 60:
        return text
    return f"{text[:25]}...{text[-25:]} ({len(text)} characters)"


slow = power(base, exponent)
fast = fast_power(base, exponent)
print(f"power(base, {exponent})      = {short(slow)}")
print(f"fast_power(base, {exponent}) = {short(fast)}")

# %% [markdown]
# Count the multiplications by running the very same algorithms on a number that only
# counts, and compare with the chapter's formula
# $M(n) = \lfloor \log_2 n \rfloor + s(n) - 1$, where $s(n)$ is the number of 1 bits.

# %%
n = abs(exponent)  # a negative power: the cost of |n|, plus a division
repeated = count_multiplications(exponent, "repeated")
squaring = count_multiplications(exponent, "squaring")
print(f"n = {n} = 0b{n:b}")
print(f"repeated multiplication: {repeated} products")
print(f"by squaring:             {squaring} products")
if n >= 1:
    digits, ones = n.bit_length() - 1, bin(n).count("1") - 1
    print(f"formula: {digits} squarings + {ones} times x "
          f"= {digits + ones}")

# %% [markdown]
# The same count for every exponent up to a little beyond yours (log-log axes: the
# straight line is $n - 1$, the staircase stays between the guides $\log_2 n$ and
# $2 \log_2 n$).

# %%
top = min(max(64, 2 * n), 100_000)  # "repeated" counts up to 100,000
ns = np.unique(np.geomspace(2, top, 200).astype(int))
counted_rep = [count_multiplications(int(k), "repeated") for k in ns]
counted_sq = [count_multiplications(int(k), "squaring") for k in ns]

fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
ax.loglog(ns, counted_rep, label="repeated: $n - 1$")
ax.loglog(ns, counted_sq, ".", ms=4, label="by squaring")
ax.loglog(ns, 2 * np.log2(ns), "k--", lw=1, label=r"$2\log_2 n$")
ax.loglog(ns, np.log2(ns), "k:", lw=1, label=r"$\log_2 n$")
if n >= 2:  # below 2 a count is 0, which a log axis cannot show
    ax.plot([n, n], [squaring, repeated], "o", color="crimson",
            label=f"your n = {n}")
ax.set(xlabel="exponent $n$", ylabel="multiplications",
       title="Products needed for $x^n$")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# ## The matrix product: pure Python against NumPy
#
# `matmul` computes each entry $(AB)_{ij} = \sum_p A_{ip} B_{pj}$ in a Python loop:
# $n^3$ multiplications for two $n \times n$ matrices. NumPy's `@` hands the same
# arithmetic to compiled code. First check that they agree:

# %%
rng = np.random.default_rng(seed)
a, b = rng.standard_normal((2, size, size))
ours = np.array(matmul(a.tolist(), b.tolist()))
gap = np.max(np.abs(ours - a @ b))
print(f"{size} × {size}: largest difference from a @ b = {gap:.1e}")

# %% [markdown]
# Then time both for sizes doubling up to yours. Each time is the best of a few
# batches: other work on the machine can only make a run slower, never faster. The
# numbers are measured on the machine that runs this notebook.


# %%
def best_time(fn, repeats=5, budget=0.02):
    """Seconds per call of fn(): the best of `repeats` batches."""
    start = time.perf_counter()
    fn()
    calls = max(1, int(budget / max(time.perf_counter() - start, 1e-9)))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


sizes = [2**k for k in range(1, 12) if 2**k < size] + [size]
python_s, numpy_s = [], []
for m in sizes:
    x, y = rng.standard_normal((2, m, m))
    rows_x, rows_y = x.tolist(), y.tolist()
    python_s.append(best_time(lambda: matmul(rows_x, rows_y), 3))
    numpy_s.append(best_time(lambda: x @ y))

for m, py, npy in zip(sizes, python_s, numpy_s):
    print(f"n = {m:4}: Python {py:.1e} s, NumPy {npy:.1e} s, "
          f"ratio {py / npy:,.0f}")

# %%
fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
ax.loglog(sizes, python_s, "o-", label="pure Python matmul")
ax.loglog(sizes, numpy_s, "s-", label="NumPy @")
guide = python_s[-1] * (np.array(sizes) / sizes[-1]) ** 3
ax.loglog(sizes, guide, "k--", lw=1, label=r"$\propto n^3$")
ax.set_xticks(sizes, labels=[str(m) for m in sizes])
ax.minorticks_off()
ax.set(xlabel="matrix size $n$", ylabel="seconds per product",
       title="Time for one $n \\times n$ product")
ax.legend(loc="upper left")
plt.show()
