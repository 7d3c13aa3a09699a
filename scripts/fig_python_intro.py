"""Figures of the Python-introduction chapter (docs/python-intro.md)."""

from __future__ import annotations

import math
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from figlib import PALETTE, figure, save_png
from gradbook.linalg import count_multiplications, matmul


@figure("power-multiplications.png", uses=["gradbook.linalg"],
        title="Multiplications needed for x to the n: repeated vs squaring")
def power_multiplications(path: Path) -> None:
    """Counted (not computed by formula) multiplications for both algorithms."""
    fig, (near, far) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")

    n = np.arange(1, 65)
    repeated = [count_multiplications(int(k), "repeated") for k in n]
    squaring = [count_multiplications(int(k), "squaring") for k in n]
    near.plot(n, repeated, color=PALETTE["orange"], label="repeated: $n-1$")
    near.step(n, squaring, where="mid", color=PALETTE["blue"],
              label="by squaring (counted)")
    near.set(xlabel="exponent $n$", ylabel="multiplications",
             title="$n = 1 \\ldots 64$")
    near.legend(loc="upper left")

    n = np.unique(np.geomspace(1, 2**16, 400).astype(int))
    squaring = np.array([count_multiplications(int(k), "squaring") for k in n])
    far.plot(n, n - 1, color=PALETTE["orange"], label="repeated: $n-1$")
    far.plot(n, squaring, ".", ms=3, color=PALETTE["blue"], label="by squaring")
    far.plot(n, 2 * np.log2(n), "--", color=PALETTE["grey"], lw=1,
             label="$2\\log_2 n$ (upper bound)")
    far.plot(n, np.log2(n), ":", color=PALETTE["grey"], lw=1,
             label="$\\log_2 n$ (lower bound)")
    far.set(xscale="log", yscale="log", xlabel="exponent $n$ (log scale)",
            title="up to $n = 2^{16}$, log–log")
    far.set_ylim(bottom=0.8)
    far.legend(loc="upper left", fontsize=8)
    save_png(fig, path)


def _best_time(fn, budget: float = 0.25, repeats: int = 5) -> float:
    """Best per-call time of ``fn`` over a few batches of roughly ``budget`` s."""
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-9)
    number = max(1, int(budget / repeats / once))
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


@figure("matmul-timing.png", uses=["gradbook.linalg"], deterministic=False,
        title="Pure-Python matrix product vs numpy, measured at build time")
def matmul_timing(path: Path) -> None:
    """Time both products on the same random n-by-n matrices (measured, so varies)."""
    rng = np.random.default_rng(0)
    sizes = [2, 4, 8, 16, 32, 64, 128]
    python_s, numpy_s = [], []
    for n in sizes:
        a, b = rng.standard_normal((2, n, n))
        rows_a, rows_b = a.tolist(), b.tolist()
        python_s.append(_best_time(lambda: matmul(rows_a, rows_b)))
        numpy_s.append(_best_time(lambda: a @ b))
    python_s, numpy_s = np.array(python_s), np.array(numpy_s)

    fig, (times, ratio) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
    times.loglog(sizes, python_s, "o-", color=PALETTE["orange"],
                 label="pure Python (gradbook.linalg.matmul)")
    times.loglog(sizes, numpy_s, "s-", color=PALETTE["blue"], label="numpy @")
    ref = python_s[-1] * (np.array(sizes) / sizes[-1]) ** 3
    times.loglog(sizes, ref, "--", color=PALETTE["grey"], lw=1, label="$\\propto n^3$")
    times.set(xlabel="matrix size $n$ ($n\\times n$)", ylabel="seconds per product",
              title="time per product (best of 5)")
    times.legend(fontsize=8)
    ratio.semilogx(sizes, python_s / numpy_s, "o-", color=PALETTE["green"])
    ratio.set_yscale("log")
    ratio.set(xlabel="matrix size $n$", ylabel="pure Python time / numpy time",
              title="how many times faster numpy is")
    for n, r in zip(sizes, python_s / numpy_s):
        ratio.annotate(f"{r:,.0f}×", (n, r), textcoords="offset points",
                       xytext=(0, 6), ha="center", fontsize=8)
    ratio.set_ylim(top=3 * max(python_s / numpy_s))
    for ax in (times, ratio):
        ax.set_xticks(sizes, labels=[str(n) for n in sizes])
        ax.minorticks_off()
    save_png(fig, path)
