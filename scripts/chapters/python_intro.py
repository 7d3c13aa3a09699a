"""Python introduction (docs/python-intro.md): counted multiplications, measured products."""

from __future__ import annotations

import math
import time

import matplotlib.pyplot as plt
import numpy as np

from engine import data, figure, load, value
from gradbook.linalg import count_multiplications, matmul

SIZES = [2, 4, 8, 16, 32, 64, 128]


def _panels(theme, rows_if_narrow=2, height=3.6):
    """Two panels side by side, or stacked for the phone layout."""
    if theme.narrow:
        return plt.subplots(rows_if_narrow, 1, figsize=(theme.width(), 2 * height),
                            layout="constrained")
    return plt.subplots(1, 2, figsize=(theme.width(2), height), layout="constrained")


@figure("power-multiplications.png", narrow=True,
        title="Multiplications needed for x to the n: repeated vs squaring",
        alt="Two panels. Left: for exponents 1 to 64, repeated multiplication needs n minus 1 "
            "products, a straight line, while exponentiation by squaring stays a low staircase. "
            "Right: on log-log axes up to 2 to the 16th, the squaring counts stay between the "
            "guide lines log2 n and 2 log2 n while repeated multiplication keeps growing linearly.")
def power_multiplications(theme):
    fig, (near, far) = _panels(theme)
    n = np.arange(1, 65)
    repeated = [count_multiplications(int(k), "repeated") for k in n]
    squaring = [count_multiplications(int(k), "squaring") for k in n]
    near.plot(n, repeated, color=theme.ink("orange"), label="repeated: $n-1$")
    near.step(n, squaring, where="mid", color=theme.ink("blue"), label="by squaring")
    near.set(xlabel="exponent $n$", ylabel="multiplications", title="$n = 1 \\ldots 64$")
    near.legend(loc="upper left")

    n = np.unique(np.geomspace(1, 2**16, 400).astype(int))
    squaring = np.array([count_multiplications(int(k), "squaring") for k in n])
    far.plot(n, n - 1, color=theme.ink("orange"), label="repeated")
    far.plot(n, squaring, ".", ms=4, color=theme.ink("blue"), label="by squaring")
    far.plot(n, 2 * np.log2(n), "--", color=theme.ink("muted"), lw=1.2, label="$2\\log_2 n$")
    far.plot(n, np.log2(n), ":", color=theme.ink("muted"), lw=1.2, label="$\\log_2 n$")
    far.set(xscale="log", yscale="log", xlabel="exponent $n$", title="up to $n = 2^{16}$")
    far.set_ylim(bottom=0.8)
    far.legend(loc="upper left")
    return fig


def _best_time(fn, repeats: int = 7, budget: float = 0.02) -> float:
    """Best per-call time over ``repeats`` batches of at least ``budget`` seconds each.

    The minimum is the least disturbed measurement: other work on the machine
    can only make a run slower, never faster.
    """
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-9)
    number = max(1, math.ceil(budget / once))
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


@data("python.timings", deterministic=False)
def timings() -> dict:
    """Seconds per n-by-n product, pure Python and NumPy, best of 7 batches per size."""
    rng = np.random.default_rng(0)
    python_s, numpy_s = [], []
    for n in SIZES:
        a, b = rng.standard_normal((2, n, n))
        rows_a, rows_b = a.tolist(), b.tolist()
        python_s.append(_best_time(lambda: matmul(rows_a, rows_b), repeats=5 if n >= 64 else 7))
        numpy_s.append(_best_time(lambda: a @ b))
    return {"sizes": list(SIZES), "python": python_s, "numpy": numpy_s}


def _slope(sizes, seconds, lo: int, hi: int) -> float:
    """The exponent k in time ~ n^k between sizes ``lo`` and ``hi`` (log-log slope)."""
    i, j = sizes.index(lo), sizes.index(hi)
    return math.log(seconds[j] / seconds[i]) / math.log(hi / lo)


def _ratio_label(r: float) -> str:
    return f"{r:,.0f}×" if r >= 10 else f"{r:.1f}×"


@figure("matmul-timing.png", narrow=True,
        title="Pure-Python matrix product vs NumPy, measured at build time",
        alt="Two panels, measured when the site was built. Left: seconds per product against "
            "matrix size n from 2 to 128 on log-log axes; the pure-Python line climbs parallel to an "
            "n cubed guide, far above the NumPy line. Right: how many times faster NumPy is at each "
            "size, with the factor written above each point.")
def matmul_timing(theme):
    t = load("python.timings")
    sizes, py, npy = t["sizes"], np.array(t["python"]), np.array(t["numpy"])
    fig, (times, ratio) = _panels(theme)
    times.loglog(sizes, py, "o-", color=theme.ink("orange"), label="pure Python")
    times.loglog(sizes, npy, "s-", color=theme.ink("blue"), label="NumPy @")
    ref = py[-1] * (np.array(sizes) / sizes[-1]) ** 3
    times.loglog(sizes, ref, "--", color=theme.ink("muted"), lw=1.2, label="$\\propto n^3$")
    times.set(xlabel="matrix size $n$", ylabel="seconds per product", title="time per product")
    times.legend(loc="upper left")
    r = py / npy
    ratio.semilogx(sizes, r, "o-", color=theme.ink("green"))
    ratio.set_yscale("log")
    ratio.set(xlabel="matrix size $n$", ylabel="Python time / NumPy time",
              title="how many times faster NumPy is")
    for n, v in zip(sizes[::2], r[::2]):
        ratio.annotate(_ratio_label(v), (n, v), textcoords="offset points", xytext=(0, 7),
                       ha="center")
    ratio.set_ylim(bottom=0.5 * r.min(), top=6 * r.max())
    for ax in (times, ratio):
        ax.set_xticks(sizes, labels=[str(n) for n in sizes])
        ax.minorticks_off()
    return fig


@value("python.timing_trend")
def timing_trend() -> str:
    """The sentence about the measured trend, computed from the same measurement as the figure."""
    t = load("python.timings")
    sizes, py, npy = t["sizes"], t["python"], t["numpy"]
    k = _slope(sizes, py, 32, 128)
    first, last = py[0] / npy[0], py[-1] / npy[-1]
    return (f"On this build, the pure-Python time grew like $n^{{{k:.2f}}}$ between $n = 32$ and "
            f"$n = 128$ (the triple loop's $n^3$), and NumPy was {_ratio_label(first)} faster at "
            f"$n = {sizes[0]}$ and {_ratio_label(last)} faster at $n = {sizes[-1]}$.")


@figure("thumb-python-intro.png", title="Thumbnail: repeated vs squaring",
        alt="Multiplications for x to the n: a straight line for repeated multiplication and a low "
            "staircase for squaring.")
def thumbnail(theme):
    fig, ax = plt.subplots(figsize=(3.2, 2.0), layout="constrained")
    n = np.arange(1, 33)
    ax.plot(n, n - 1, color=theme.ink("orange"), label="repeated")
    ax.step(n, [count_multiplications(int(k), "squaring") for k in n], where="mid",
            color=theme.ink("blue"), label="squaring")
    ax.set(xlabel="$n$", ylabel="products")
    ax.legend(loc="upper left", frameon=False)
    return fig
