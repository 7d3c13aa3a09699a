"""Figures of the house-prices chapter (docs/house-prices.md)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import house_runs as runs
from figlib import PALETTE, blend_palette, canvas_rgb, figure, save_gif, save_png
from gradbook import regression as rg

USES = ["gradbook.regression", "gradbook.activations", "house_runs"]
COLOURS = {"linear": PALETTE["grey"], "sigmoid": PALETTE["blue"],
           "cubic": PALETTE["orange"]}


def _data(ax) -> None:
    ax.plot(rg.FLOORS, rg.PRICES, "o", color="black", ms=6, zorder=5,
            label="data (floors, price)")


@figure("house-fits.png", uses=USES, title="The data and the three fitted models")
def house_fits(path: Path) -> None:
    x = np.linspace(0.0, 5.5, 300)
    fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
    _data(ax)
    for name, model in rg.MODELS.items():
        p = runs.final(runs.ours(name))
        ax.plot(x, model.predict(p.w, p.b, x), color=COLOURS[name], lw=2,
                label=f"{name}: MSE {p.loss(model):.4g}")
        at5 = float(model.predict(p.w, p.b, np.array([5.0]))[0])
        ax.plot(5.0, at5, "D", color=COLOURS[name], ms=6)
        ax.annotate(f"{at5:.3g}", (5.0, at5), xytext=(6, -3),
                    textcoords="offset points", fontsize=8, color=COLOURS[name])
    ax.axvspan(4.5, 5.5, color=PALETTE["light"], zorder=0)
    ax.text(4.55, 0.3, "extrapolation", fontsize=8, color=PALETTE["grey"])
    ax.set(xlabel="floors $x$", ylabel="price $y$ (×100,000 EUR)",
           title="Fits by gradient descent with the correct gradients", xlim=(0, 5.6))
    ax.legend(loc="upper left", fontsize=8)
    save_png(fig, path)


def _window(ws, bs, pad: float) -> tuple[np.ndarray, np.ndarray]:
    """A 160×160 grid over the box that holds ``ws`` × ``bs``, padded."""
    ws, bs = np.asarray(ws), np.asarray(bs)
    dw = pad * np.ptp(ws) + 1e-9
    db = pad * np.ptp(bs) + 1e-9
    return (np.linspace(ws.min() - dw, ws.max() + dw, 160),
            np.linspace(bs.min() - db, bs.max() + db, 160))


def _surface(ax, fig, model: rg.Model, w: np.ndarray, b: np.ndarray,
             floor: float = 0.0) -> None:
    """Filled contours of log10(MSE − floor) on the grid ``w`` × ``b``."""
    W, B = np.meshgrid(w, b)
    Z = np.array([[rg.loss(model, wi, bi) for wi in w] for bi in b]) - floor
    Z = np.log10(np.maximum(Z, Z[Z > 0].min()))
    levels = np.linspace(Z.min(), Z.max(), 18)
    filled = ax.contourf(W, B, Z, levels=levels, cmap="Blues_r")
    ax.contour(W, B, Z, levels=levels, colors="white", linewidths=0.4)
    fig.colorbar(filled, ax=ax, shrink=0.9, format="%.1f")
    ax.set(xlim=(w[0], w[-1]), ylim=(b[0], b[-1]))
    ax.grid(False)


@figure("house-loss-surfaces.png", uses=USES,
        title="Loss surfaces over (w, b) with the gradient-descent paths")
def house_loss_surfaces(path: Path) -> None:
    """Top row: the whole descent path on log10 MSE. Bottom row: a zoom on the
    minimum, the report's point and the fixed point of the report's rule, on
    log10 of the excess loss MSE − min MSE."""
    fig, axes = plt.subplots(2, 3, figsize=(12, 8), layout="constrained")
    for col, (name, model) in enumerate(rg.MODELS.items()):
        run = runs.ours(name)
        opt, rep = runs.optimum(name)[0], runs.report_point(name)
        rule = runs.final(runs.report_rule(name))
        keep = np.unique(np.geomspace(1, len(run["w"]), 600).astype(int) - 1)

        full, zoom = axes[0, col], axes[1, col]
        _surface(full, fig, model, *_window(run["w"], run["b"], 0.08))
        _surface(zoom, fig, model, *_window([opt.w, rep.w, rule.w],
                                            [opt.b, rep.b, rule.b], 0.6),
                 floor=opt.loss(model))
        for ax in (full, zoom):
            ax.plot(run["w"][keep], run["b"][keep], ".-", color=PALETTE["orange"], ms=2,
                    lw=0.8, label="gradient-descent path (correct gradient)")
            ax.plot(opt.w, opt.b, "*", color="gold", mec="black", ms=14,
                    label="optimum")
            ax.plot(rule.w, rule.b, "P", color="white", mec="black", ms=9,
                    label="fixed point of the report's rule")
            ax.plot(rep.w, rep.b, "X", color=PALETTE["red"], mec="white", ms=9,
                    label="the report's (w, b)")
            ax.set(xlabel="$w$", ylabel="$b$")
        full.set_title(f"{name}: log$_{{10}}$ MSE ({run.steps:,} steps)")
        zoom.set_title(f"{name}, zoomed: log$_{{10}}$(MSE − min)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=9)
    save_png(fig, path)


@figure("house-fit.gif", uses=USES, title="The sigmoid fit converging")
def house_fit_gif(path: Path) -> None:
    name, model = "sigmoid", rg.SIGMOID
    run = runs.ours(name)
    steps = np.unique(np.concatenate([[0], np.geomspace(1, run.steps, 59).astype(int)]))
    x = np.linspace(0.0, 5.0, 200)
    fig, ax = plt.subplots(figsize=(6, 3.8), dpi=90, layout="constrained")
    images = []
    for k in steps:
        ax.clear()
        ax.plot(rg.FLOORS, rg.PRICES, "o", color="black", ms=6, label="data")
        ax.plot(x, model.predict(run["w"][k], run["b"][k], x), color=PALETTE["blue"], lw=2,
                label=r"$20\,\sigma(wx+b)$")
        ax.set(xlim=(0, 5), ylim=(-0.5, 20.5), xlabel="floors $x$",
               ylabel="price (×100,000 EUR)")
        ax.set_title(f"step {k:>6,}   w = {run["w"][k]:+.4f}   b = {run["b"][k]:+.4f}   "
                     f"MSE = {run.loss[k]:.5f}", fontsize=9, family="DejaVu Sans Mono")
        ax.legend(loc="upper left", fontsize=8)
        images.append(canvas_rgb(fig))
    images += [images[-1]] * 10  # rest on the converged fit before looping
    save_gif(images, path, fps=8, palette=blend_palette(
        "#ffffff", ["#000000", PALETTE["blue"], "#b0b0b0"], levels=6))


@figure("house-learning-rate.png", uses=USES,
        title="Gradient descent on the linear model below and above the threshold")
def house_learning_rate(path: Path) -> None:
    threshold = rg.divergence_threshold(rg.LINEAR.feature)
    fig, (curves, sweep) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    factors = [0.5, 0.9, 0.99, 1.01, 1.05]
    colours = ["#1a237e", "#3f51b5", "#7986cb", "#ef6c00", "#b71c1c"]  # below | above
    for f, c in zip(factors, colours):
        run = rg.gradient_descent(rg.LINEAR, *runs.START, f * threshold,
                                  max_steps=300, tol=1e-300)
        curves.semilogy(run.loss, color=c, lw=1.5,
                        label=f"lr = {f:g} × threshold" + (" (diverged)" if run.diverged else ""))
    curves.axhline(runs.optimum("linear")[0].loss(rg.LINEAR), color="black", lw=0.8,
                   ls=":", label="minimum MSE")
    curves.set(xlabel="step", ylabel="MSE (log scale)",
               title=f"linear model, threshold 2/λmax = {threshold:.5f}")
    curves.legend(fontsize=8)
    lrs = threshold * np.linspace(0.2, 1.2, 101)
    after = [rg.gradient_descent(rg.LINEAR, *runs.START, lr, max_steps=200,
                                 tol=1e-300).loss[-1] for lr in lrs]
    sweep.semilogy(lrs, after, ".-", color=PALETTE["blue"], ms=3)
    sweep.axvline(threshold, color=PALETTE["red"], ls="--",
                  label=r"$2/\lambda_{\max}$ of the Hessian")
    sweep.set(xlabel="learning rate", ylabel="MSE after 200 steps (log scale)",
              title="final loss against learning rate")
    sweep.legend(fontsize=8)
    save_png(fig, path)
