"""Backpropagation (docs/backpropagation.md): Linear → ReLU → Linear with the MAE, by hand.

What the page shows, and where it comes from:

* the **worked example** (`gradbook.nn.example_model`, `example_data`): one
  forward and backward pass, every gradient next to central differences,
  and one gradient step with the true gradient and one along the report's
  direction (`gradbook.nn.report_gradients`);
* the **training runs** (``@data("backprop.training")``): the same ReLU
  network trained on `gradbook.nn.regression_data` once with the MAE and
  once with the MSE. The settings (``HIDDEN``, ``INIT_SEED``, ``LR``,
  ``STEPS``, the data) are imported by ``leaky_relu.py``, so the two
  chapters train on the same data with the same settings.

``DERIVATIVES`` lists the derivatives the page derives, for the /checks/ page.
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from chapters.checks import Derivative
from engine import data, figure, load, value
from engine.numbers import num, sci
from engine.render import Frames
from gradbook import nn
from gradbook.activations import abs_grad, relu, relu_grad
from gradbook.gradcheck import numerical_gradient

# --- settings (imported by leaky_relu.py) ---------------------------------------------

DATA_SEED = 0  # nn.regression_data(DATA_SEED, N_POINTS, OUTLIERS)
N_POINTS = 40
OUTLIERS = 4
HIDDEN = 16  # hidden units of the trained networks
INIT_SEED = 3  # nn.init_two_layer(HIDDEN, INIT_SEED)
LR = 0.03  # learning rate of the training runs
STEPS = 3000  # full-batch gradient steps
EXAMPLE_LR = 0.1  # the worked example's single step
PROBE_STEP = 1e-3  # "a small step" along a direction, in the doctest and the figure
OUTLIER_GAP = 2.0  # a point this far from the trend is an outlier (they are moved by 3 to 5)
LOSSES = ("mae", "mse")
LOSS_LABEL = {"mae": "MAE", "mse": "MSE"}
COLOUR = {"mae": "blue", "mse": "orange"}


def training_data() -> tuple[np.ndarray, np.ndarray]:
    """The chapter's data set: N_POINTS points near sin(x) + 0.3 x, OUTLIERS of them outliers."""
    return nn.regression_data(DATA_SEED, N_POINTS, OUTLIERS)


def trend(x: np.ndarray) -> np.ndarray:
    """The curve `nn.regression_data` adds noise and outliers to."""
    return np.sin(x) + 0.3 * x


def outlier_mask() -> np.ndarray:
    x, y = training_data()
    return (np.abs(y - trend(x)) > OUTLIER_GAP).ravel()


def start_model(**options) -> nn.TwoLayer:
    """The seeded start of every training run (ReLU unless ``options`` say otherwise)."""
    return nn.init_two_layer(HIDDEN, INIT_SEED, **options)


def train_run(loss: str, **options):
    """One training run with the chapter's settings; a `History`."""
    x, y = training_data()
    return nn.train(start_model(**options), x, y, lr=LR, max_steps=STEPS, loss=loss)


@data("backprop.training")
def training() -> dict:
    """The ReLU network trained with the MAE and with the MSE, same start, same data."""
    return {loss: train_run(loss) for loss in LOSSES}


def run(loss: str):
    return load("backprop.training")[loss]


def model_at(params: np.ndarray, **options) -> nn.TwoLayer:
    model = start_model(**options)
    model.set_params(params)
    return model


def predict(params: np.ndarray, x: np.ndarray, **options) -> np.ndarray:
    return model_at(params, **options).forward(x)


# --- formatting shared by the figures and the text ----------------------------------------


def tex_matrix(a: np.ndarray, digits: int = 7) -> str:
    rows = np.atleast_2d(np.asarray(a, dtype=float))
    body = r" \\ ".join(" & ".join(num(v, digits) for v in row) for row in rows)
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"


def fmt_loss(x: float) -> str:
    return num(x, 4)


# --- the worked example --------------------------------------------------------------------


def example_pass(chapter: str = "backprop") -> dict:
    """Forward, loss and backward of the worked example, with central differences."""
    x, y = nn.example_data()
    model = nn.example_model(chapter)
    p = model.get_params()
    value_, grad = model.loss_and_grad(p, x, y, "mae")
    q = model.linear1.forward(x)
    z = model.act.forward(q)
    o = model.linear2.forward(z)
    y_hat = model.forward(x)
    g = nn.MAE()
    g.forward(y_hat, y)
    numeric = numerical_gradient(lambda v: nn.example_model(chapter).loss_and_grad(
        v, x, y, "mae")[0], p)
    return {"x": x, "y": y, "q": q, "z": z, "o": o, "y_hat": y_hat, "mae": value_,
            "g": g.backward(), "grad": grad, "numeric": numeric, "params": p,
            "names": model.names, "model": model}


def example_steps() -> dict:
    """One step of size EXAMPLE_LR with the true gradient and along the report's direction."""
    x, y = nn.example_data()
    good = nn.sgd_step(nn.example_model(), x, y, EXAMPLE_LR)
    bad = nn.sgd_step(nn.example_model(), x, y, EXAMPLE_LR, rule="report")
    return {"before": float(good.loss[0]), "true": float(good.loss[-1]),
            "report": float(bad.loss[-1])}


def report_factor() -> float:
    """The report's direction divided by the true gradient (the same for every entry)."""
    x, y = nn.example_data()
    model = nn.example_model()
    _, grad = model.loss_and_grad(model.get_params(), x, y, "mae")
    report = nn.report_gradients(nn.example_model(), x, y)
    return float(report @ grad / (grad @ grad))


def gradient_table(ex: dict) -> str:
    rows = ["| parameter | backpropagation | central difference | difference |",
            "|---|---:|---:|---:|"]
    for name, g, c in zip(ex["names"], ex["grad"], ex["numeric"]):
        label = f"${name[0]}_{name[1]}{name[2:]}$"  # W1[2,0] -> $W_1[2,0]$
        rows.append(f"| {label} | {num(g)} | {num(c)} | {sci(abs(g - c))} |")
    return "\n".join(rows)


@value("backprop.example_q")
def example_q() -> str:
    return f"$Q = {tex_matrix(example_pass()['q'])}$"


@value("backprop.example_z")
def example_z() -> str:
    return rf"$Z = \mathrm{{ReLU}}(Q) = {tex_matrix(example_pass()['z'])}$"


@value("backprop.example_y_hat")
def example_y_hat() -> str:
    return rf"$\hat Y = {tex_matrix(example_pass()['y_hat'])}$"


@value("backprop.example_mae")
def example_mae() -> str:
    return f"${num(example_pass()['mae'])}$"


@value("backprop.report_mae")
def report_mae() -> str:
    """The report's MAE formula, (1/N) sum (y - y_hat) without |.|, on the worked example."""
    ex = example_pass()
    return f"${num(np.mean(ex['y'] - ex['y_hat']))}$"


@value("backprop.example_g")
def example_g() -> str:
    return rf"$G = \partial L / \partial \hat Y = {tex_matrix(example_pass()['g'])}$"


@value("backprop.example_gradients")
def example_gradients() -> str:
    return gradient_table(example_pass())


@value("backprop.example_max_difference")
def example_max_difference() -> str:
    ex = example_pass()
    return sci(float(np.max(np.abs(ex["grad"] - ex["numeric"]))))


@value("backprop.example_steps")
def example_steps_table() -> str:
    s = example_steps()
    return "\n".join([
        "| direction of the step | MAE before | MAE after one step |",
        "|---|---:|---:|",
        f"| $-\\nabla L$, the true gradient | {num(s['before'])} | {num(s['true'])} |",
        f"| minus the report's formulas | {num(s['before'])} | {num(s['report'])} |",
    ])


@value("backprop.example_lr")
def example_lr() -> str:
    return f"${num(EXAMPLE_LR)}$"


@value("backprop.report_factor")
def report_factor_value() -> str:
    return f"${num(report_factor(), 12)}$"


# --- the training runs: values ----------------------------------------------------------


@value("backprop.settings")
def settings() -> str:
    return "\n".join([
        "| setting | value |", "|---|---|",
        f"| data | `nn.regression_data(seed={DATA_SEED}, n={N_POINTS}, outliers={OUTLIERS})` |",
        f"| network | `nn.init_two_layer({HIDDEN}, seed={INIT_SEED})`: {HIDDEN} hidden ReLU units, "
        f"{start_model().size} parameters |",
        f"| learning rate | {num(LR)} |",
        f"| steps | {STEPS:,} full-batch steps, `nn.train` |",
    ])


def clean_errors(loss: str) -> np.ndarray:
    """|ŷ − y| on the points that are not outliers, for the run trained with ``loss``."""
    x, y = training_data()
    err = np.abs(predict(run(loss).final, x) - y).ravel()
    return err[~outlier_mask()]


@value("backprop.final_losses")
def final_losses() -> str:
    rows = ["| trained with | MAE at the start | MAE at the end | MSE at the start | "
            "MSE at the end | median $\\lvert\\hat y - y\\rvert$ on the other points |",
            "|---|---:|---:|---:|---:|---:|"]
    x, y = training_data()
    for loss in LOSSES:
        r = run(loss)
        ends = []
        for measure in (nn.MAE(), nn.MSE()):
            ends += [measure.forward(predict(r.params[0], x), y),
                     measure.forward(predict(r.final, x), y)]
        rows.append(f"| {LOSS_LABEL[loss]} | " + " | ".join(fmt_loss(v) for v in ends)
                    + f" | {fmt_loss(np.median(clean_errors(loss)))} |")
    return "\n".join(rows)


def outlier_share(step: int) -> float:
    """The outliers' share of ||G||^2 = ||dMSE/dY||^2 at ``step`` of the MSE run."""
    x, y = training_data()
    residual = (predict(run("mse").params[step], x) - y).ravel()
    return float(np.sum(residual[outlier_mask()] ** 2) / np.sum(residual ** 2))


@value("backprop.outlier_share")
def outlier_share_value() -> str:
    return f"{100 * outlier_share(STEPS):.0f}%"


@value("backprop.clean_ratio")
def clean_ratio() -> str:
    ratio = np.median(clean_errors("mse")) / np.median(clean_errors("mae"))
    return f"{ratio:.1f}"


def best_constants() -> dict:
    """Where each loss is smallest for a constant prediction c, on a fine grid of c.

    The MAE is flat between the two middle values of y (an even number of points);
    the grid search returns the whole flat stretch.
    """
    _, y = training_data()
    grid = np.linspace(y.min(), y.max(), 20001)
    out = {}
    for loss, layer in (("mae", nn.MAE()), ("mse", nn.MSE())):
        losses = np.array([layer.forward(np.full_like(y, c), y) for c in grid])
        best = grid[losses <= losses.min() + 1e-12]
        out[loss] = (float(best.min()), float(best.max()))
    ys = np.sort(y.ravel())
    out["middle"] = (float(ys[(len(ys) - 1) // 2]), float(ys[len(ys) // 2]))
    out["median"], out["mean"] = float(np.median(y)), float(np.mean(y))
    out["step"] = float(grid[1] - grid[0])
    return out


@value("backprop.constants")
def constants() -> str:
    c = best_constants()
    lo, hi = c["mae"]
    return (f"the MAE is smallest for every constant from {num(lo, 4)} to {num(hi, 4)}, the "
            f"stretch between the two middle values of $y$, and the median "
            f"{num(c['median'], 4)} lies in it; the MSE is smallest at {num(c['mse'][0], 4)}, "
            f"the mean of $y$ is {num(c['mean'], 4)} (a grid of spacing {num(c['step'], 2)})")


@value("backprop.n_points")
def n_points() -> str:
    return f"{N_POINTS}"


@value("backprop.outliers")
def outliers_value() -> str:
    return f"{OUTLIERS}"


# --- figures -----------------------------------------------------------------------------

GRID = np.linspace(-3.2, 3.2, 321)[:, None]


def _data(ax, theme, ms: float = 5.0) -> None:
    x, y = training_data()
    far = outlier_mask()
    ax.plot(x[~far], y[~far], "o", color=theme.fg, ms=ms, zorder=5, label="data")
    ax.plot(x[far], y[far], "o", mfc="none", mec=theme.ink("red"), mew=2, ms=ms + 3, zorder=5,
            label="outliers")


def _legend_below(ax) -> None:
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False,
              columnspacing=1.2, handlelength=1.6)


def _panels(theme, height: float):
    if theme.narrow:
        return plt.subplots(2, 1, figsize=(theme.width(), 2 * height), layout="constrained")
    return plt.subplots(1, 2, figsize=(theme.width(2), height), layout="constrained")


def gif_steps() -> np.ndarray:
    return np.unique(np.concatenate([[0], np.geomspace(1, STEPS, 30).astype(int)]))


@figure("backprop-fit.gif", title="The MAE and MSE fits evolving during training",
        alt="Animation: the data points, a few of them far above the rest, and two network "
            "fits that start almost flat. Over the steps the MAE-trained curve bends onto the "
            "bulk of the points, while the MSE-trained curve ends up above them wherever an "
            "outlier is near. The step number and both losses are shown above the plot.")
def fit_gif(theme):
    fig, ax = plt.subplots(figsize=(theme.width(), 4.2), dpi=100, layout="constrained")
    _data(ax, theme)
    ax.plot(GRID, trend(GRID), "--", color=theme.ink("muted"), lw=1.2, label="trend")
    curves = {loss: ax.plot([], [], color=theme.ink(COLOUR[loss]),
                            label=f"trained with {LOSS_LABEL[loss]}")[0] for loss in LOSSES}
    ax.set(xlim=(-3.2, 3.2), ylim=(-2.0, 6.5), xlabel="$x$", ylabel="$y$")
    _legend_below(ax)
    title = ax.set_title(" ", family="DejaVu Sans Mono", fontsize=10)
    movie = Frames(fig, fps=6, hold_last=12, colours=64,
                   animated=[*curves.values(), title])
    for k in gif_steps():
        for loss, line in curves.items():
            line.set_data(GRID.ravel(), predict(run(loss).params[k], GRID).ravel())
        title.set_text(f"step {k:>5,}   MAE fit: {fmt_loss(run('mae').loss[k])}   "
                       f"MSE fit: {fmt_loss(run('mse').loss[k])}")
        movie.grab()
    return movie


@functools.cache
def output_gradients(loss: str) -> np.ndarray:
    """The length of the loss layer's gradient, ||∂L/∂Ŷ||, at every step of a run."""
    x, y = training_data()
    model, layer = start_model(), (nn.MAE() if loss == "mae" else nn.MSE())
    out = []
    for p in run(loss).params:
        model.set_params(p)
        layer.forward(model.forward(x), y)
        out.append(float(np.linalg.norm(layer.backward())))
    return np.array(out)


@figure("backprop-loss-curves.png", narrow=True,
        title="Training with the MAE and with the MSE: losses and the loss layer's gradient",
        alt="Two panels over the whole run, the step axis linear up to 10 and logarithmic "
            "beyond. Left: each run's loss divided by its value at the start; in the first steps "
            "the MAE run falls by the same amount every step, along a straight line, while the "
            "MSE run falls by less and less; later the MSE run hardly moves and the MAE run "
            "flattens out lower, with small wiggles. Right: the length of the gradient of the "
            "loss with "
            "respect to the predictions; for the MAE it is a flat line at one over the square "
            "root of N; for the MSE it starts high, drops with the residuals in the first "
            "steps and then stays well above the MAE's line, held up by the outliers.")
def loss_curves(theme):
    fig, (left, right) = _panels(theme, 3.8)
    steps = np.arange(STEPS + 1)
    for loss in LOSSES:
        r = run(loss)
        colour = theme.ink(COLOUR[loss])
        label = f"trained with {LOSS_LABEL[loss]}"
        left.plot(steps, r.loss / r.loss[0], color=colour, lw=1.5, label=label)
        right.plot(steps, output_gradients(loss), color=colour, lw=1.5, label=label)
    left.set(xlabel="step", ylabel="loss / loss at the start", ylim=(0, 1.05),
             title="the training loss")
    right.set(xlabel="step", ylabel=r"$\Vert \partial L / \partial \hat Y \Vert$",
              title="the loss layer's gradient", ylim=(0, None))
    for ax in (left, right):
        ax.set_xscale("symlog", linthresh=10, linscale=1.5)
        ax.set_xlim(0, STEPS)
        ax.set_xticks([0, 5, 10, 100, 1000], labels=["0", "5", "10", "100", "1000"])
        ax.legend(loc="upper right")
    return fig


def final_residuals(loss: str) -> tuple[np.ndarray, np.ndarray]:
    """Residuals ŷ − y of the final fit and ∂L/∂ŷ per example, from the loss layer."""
    x, y = training_data()
    layer = nn.MAE() if loss == "mae" else nn.MSE()
    y_hat = predict(run(loss).final, x)
    layer.forward(y_hat, y)
    return (y_hat - y).ravel(), layer.backward().ravel()


@figure("backprop-outliers.png", narrow=True,
        title="What the outliers do to the MAE and the MSE fit",
        alt="Left: the data, the dashed trend and the two final fits; the MAE-trained curve "
            "runs through the bulk of the points, the MSE-trained curve is lifted towards the "
            "outliers, which all lie above. Right: the gradient of the loss with respect to each "
            "prediction against the residual, at the final fits; for the MAE every point pulls "
            "with the same strength, plus or minus 1/N, for the MSE the pull grows in proportion "
            "to the residual, so the outliers pull hardest.")
def outliers_figure(theme):
    fig, (fits, pulls) = _panels(theme, 3.8)
    _data(fits, theme)
    fits.plot(GRID, trend(GRID), "--", color=theme.ink("muted"), lw=1.2, label="trend")
    for loss in LOSSES:
        fits.plot(GRID, predict(run(loss).final, GRID), color=theme.ink(COLOUR[loss]),
                  label=f"trained with {LOSS_LABEL[loss]}")
    fits.set(xlabel="$x$", ylabel="$y$", ylim=(-2.0, 6.5), title="the final fits")
    _legend_below(fits)
    far = outlier_mask()
    for loss in LOSSES:
        r, g = final_residuals(loss)
        colour = theme.ink(COLOUR[loss])
        pulls.plot(r[~far], g[~far], "o", color=colour, ms=5, label=f"{LOSS_LABEL[loss]}")
        pulls.plot(r[far], g[far], "o", mfc="none", mec=colour, mew=2, ms=8,
                   label=f"{LOSS_LABEL[loss]}, outliers")
    pulls.axhline(0, color=theme.ink("muted"), lw=0.8)
    pulls.axvline(0, color=theme.ink("muted"), lw=0.8)
    pulls.set(xlabel=r"residual $\hat y_n - y_n$", ylabel=r"$\partial L / \partial \hat y_n$",
              title="how hard each point pulls")
    pulls.legend(loc="lower right")
    return fig


def direction_curves() -> dict:
    """The worked example's MAE along −t·(true gradient) and −t·(report's direction)."""
    x, y = nn.example_data()
    model = nn.example_model()
    p = model.get_params()
    _, grad = model.loss_and_grad(p, x, y, "mae")
    report = nn.report_gradients(nn.example_model(), x, y)
    t = np.linspace(0.0, 0.15, 151)

    def along(d):
        return np.array([nn.example_model().loss_and_grad(p - s * d, x, y, "mae")[0] for s in t])
    return {"t": t, "true": along(grad), "report": along(report)}


@figure("backprop-directions.png", title="The worked example's loss along the two directions",
        alt="The MAE of the worked example against the step size, from 0 to 0.15. Stepping "
            "against the true gradient the loss falls; stepping against the report's "
            "direction it rises from the first step on, and steeply.")
def directions_figure(theme):
    d = direction_curves()
    fig, ax = plt.subplots(figsize=(theme.width(), 3.4), layout="constrained")
    ax.plot(d["t"], d["true"], color=theme.ink("blue"), label=r"$p - t\,\nabla L$ (true gradient)")
    ax.plot(d["t"], d["report"], color=theme.ink("red"), label=r"$p - t\,d_{\mathrm{report}}$")
    s = example_steps()
    ax.axvline(EXAMPLE_LR, color=theme.ink("muted"), ls=":", lw=1.2)
    for key, colour in (("true", "blue"), ("report", "red")):
        ax.plot(EXAMPLE_LR, s[key], "o", color=theme.ink(colour), ms=7, zorder=5)
        ax.annotate(num(s[key]), (EXAMPLE_LR, s[key]), xytext=(8, 6 if key == "true" else -14),
                    textcoords="offset points", color=theme.ink(colour))
    ax.annotate(f"step of size {num(EXAMPLE_LR)}", (EXAMPLE_LR, 0.93),
                xycoords=("data", "axes fraction"), xytext=(5, 0), textcoords="offset points",
                color=theme.ink("muted"))
    ax.set(xlabel="step size $t$", ylabel="MAE of the worked example")
    ax.legend(loc="upper left")
    return fig


@figure("thumb-backpropagation.png", title="Thumbnail: MAE and MSE fits with outliers",
        alt="Data points with a few outliers above, a blue MAE fit through the bulk of the points "
            "and an orange MSE fit lifted towards the outliers.")
def thumbnail(theme):
    fig, ax = plt.subplots(figsize=(3.2, 2.0), layout="constrained")
    _data(ax, theme, ms=3.5)
    for loss in LOSSES:
        ax.plot(GRID, predict(run(loss).final, GRID), color=theme.ink(COLOUR[loss]),
                label=LOSS_LABEL[loss])
    ax.set(xlabel="$x$", ylabel="$y$", ylim=(-2.0, 6.5))
    ax.legend(handles=ax.lines[-2:], loc="upper left", frameon=False, handlelength=1.0)
    return fig


# --- derivatives for /checks/ --------------------------------------------------------------

LIN_N, LIN_IN, LIN_OUT = 2, 3, 2  # the symbolic shape of the Linear rows
LOSS_N = 3  # predictions in the loss rows
NET_N, NET_H = 3, 2  # examples (odd: the signs never cancel) and hidden units of the network row


def _names(prefix: str, *shape: int) -> list[str]:
    return [f"{prefix}{''.join(map(str, i))}" for i in np.ndindex(*shape)]


LIN = {"G": _names("G", LIN_N, LIN_OUT), "X": _names("X", LIN_N, LIN_IN),
       "W": _names("W", LIN_OUT, LIN_IN), "b": _names("b", LIN_OUT)}
LIN_SYMBOLS = " ".join(LIN["G"] + LIN["X"] + LIN["W"] + LIN["b"])


def _lin_sym(s) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix, sp.Matrix]:
    G = sp.Matrix(LIN_N, LIN_OUT, [s[n] for n in LIN["G"]])
    X = sp.Matrix(LIN_N, LIN_IN, [s[n] for n in LIN["X"]])
    W = sp.Matrix(LIN_OUT, LIN_IN, [s[n] for n in LIN["W"]])
    b = sp.Matrix(1, LIN_OUT, [s[n] for n in LIN["b"]])
    return G, X, W, b


def _lin_loss_sym(s):
    """L = sum(G * Y) with Y = X W^T + b: a scalar whose gradient is the backward pass of G."""
    G, X, W, b = _lin_sym(s)
    Y = X * W.T + sp.ones(LIN_N, 1) * b
    return [sum(G[i, j] * Y[i, j] for i in range(LIN_N) for j in range(LIN_OUT))]


def _lin_split(p: np.ndarray):
    sizes = [len(LIN[k]) for k in ("G", "X", "W", "b")]
    G, X, W, b = np.split(np.asarray(p, dtype=float), np.cumsum(sizes)[:-1])
    return (G.reshape(LIN_N, LIN_OUT), X.reshape(LIN_N, LIN_IN), W.reshape(LIN_OUT, LIN_IN), b)


def _lin_f(p):
    G, X, W, b = _lin_split(p)
    return [float(np.sum(G * nn.Linear(W, b).forward(X)))]


def _lin_backward(p):
    G, X, W, b = _lin_split(p)
    layer = nn.Linear(W, b)
    layer.forward(X)
    dx = layer.backward(G)
    return {"W": layer.dW, "b": layer.db, "X": dx}


def _lin_row(part: str, name: str, tex: str, closed) -> Derivative:
    return Derivative(
        name=name, derived_at="backpropagation.md#the-chain-rule-one-layer-at-a-time", tex=tex,
        symbols=LIN_SYMBOLS, wrt=" ".join(LIN[part]), function=_lin_loss_sym,
        closed_form=lambda s: sp.Matrix([list(closed(*_lin_sym(s)))]),
        numeric_f=_lin_f,
        numeric_df=lambda p: [np.ravel(_lin_backward(p)[part])],
        sample=lambda rng: rng.normal(size=len(LIN_SYMBOLS.split())))


LOSS_SYMBOLS = " ".join(_names("yh", LOSS_N) + _names("y", LOSS_N))


def _loss_row(kind: str) -> Derivative:
    layer = nn.MAE if kind == "mae" else nn.MSE

    def pair(s):
        return ([s[f"yh{i}"] for i in range(LOSS_N)], [s[f"y{i}"] for i in range(LOSS_N)])

    def function(s):
        yh, y = pair(s)
        terms = [sp.Abs(a - b) if kind == "mae" else (a - b) ** 2 for a, b in zip(yh, y)]
        return [sum(terms) / LOSS_N]

    def closed(s):
        yh, y = pair(s)
        return sp.Matrix([[sp.sign(a - b) / LOSS_N if kind == "mae" else 2 * (a - b) / LOSS_N
                           for a, b in zip(yh, y)]])

    def split(p):
        return np.asarray(p[:LOSS_N])[:, None], np.asarray(p[LOSS_N:])[:, None]

    def numeric_df(p):
        loss = layer()
        loss.forward(*split(p))
        return [loss.backward().ravel()]

    def sample(rng):
        y = rng.normal(size=LOSS_N)
        gap = rng.choice([-1.0, 1.0], LOSS_N) * rng.uniform(0.1, 2.0, LOSS_N)  # no kink
        return np.concatenate([y + gap, y])

    tex = (r"\frac{\partial}{\partial \hat y_n} \frac{1}{N}\sum_i \lvert \hat y_i - y_i \rvert"
           r" = \frac{\operatorname{sign}(\hat y_n - y_n)}{N}" if kind == "mae" else
           r"\frac{\partial}{\partial \hat y_n} \frac{1}{N}\sum_i (\hat y_i - y_i)^2"
           r" = \frac{2(\hat y_n - y_n)}{N}")
    return Derivative(
        name=f"{LOSS_LABEL[kind]} backward, ∂L/∂ŷ",
        derived_at="backpropagation.md#the-chain-rule-one-layer-at-a-time", tex=tex,
        symbols=LOSS_SYMBOLS, wrt=" ".join(_names("yh", LOSS_N)), function=function,
        closed_form=closed, numeric_f=lambda p: [layer().forward(*split(p))],
        numeric_df=numeric_df, sample=sample)


NET = {"x": _names("x", NET_N), "y": _names("y", NET_N), "W1": _names("Wa", NET_H),
       "b1": _names("ba", NET_H), "W2": _names("Wb", NET_H), "b2": ["bb"]}
NET_PARAMS = NET["W1"] + NET["b1"] + NET["W2"] + NET["b2"]
NET_SYMBOLS = " ".join(NET["x"] + NET["y"] + NET_PARAMS)


def network_row(name: str, derived_at: str, tex: str, hidden, hidden_grad, output=None,
                output_grad=None, options=None, sample_ok=None) -> Derivative:
    """The MAE gradient of a 1-input, NET_H-unit, 1-output network on NET_N examples.

    ``hidden``/``hidden_grad`` (and ``output``/``output_grad``) are SymPy forms of the
    activations and of the derivatives the page states; the closed form is the page's
    backward pass, written per example: g = sign(ŷ − y)/N, then back through each layer.
    """
    options = options or {}

    def unpack(s):
        return ([s[n] for n in NET["x"]], [s[n] for n in NET["y"]],
                [s[n] for n in NET["W1"]], [s[n] for n in NET["b1"]],
                [s[n] for n in NET["W2"]], s["bb"])

    def forward(s, n):
        x, _, W1, b1, W2, b2 = unpack(s)
        q = [W1[j] * x[n] + b1[j] for j in range(NET_H)]
        z = [hidden(v) for v in q]
        o = sum(W2[j] * z[j] for j in range(NET_H)) + b2
        return q, z, o, (output(o) if output else o)

    def function(s):
        y = unpack(s)[1]
        return [sum(sp.Abs(forward(s, n)[3] - y[n]) for n in range(NET_N)) / NET_N]

    def closed(s):
        x, y, _, _, W2, _ = unpack(s)
        grads = {p: 0 for p in NET_PARAMS}
        for n in range(NET_N):
            q, z, o, y_hat = forward(s, n)
            g = sp.sign(y_hat - y[n]) / NET_N  # MAE backward
            d_o = g * output_grad(o) if output else g  # output activation
            grads["bb"] += d_o  # Linear 2
            for j in range(NET_H):
                grads[NET["W2"][j]] += d_o * z[j]
                d_q = d_o * W2[j] * hidden_grad(q[j])  # hidden activation
                grads[NET["W1"][j]] += d_q * x[n]  # Linear 1
                grads[NET["b1"][j]] += d_q
        return sp.Matrix([[grads[p] for p in NET_PARAMS]])

    def split(p):
        p = np.asarray(p, dtype=float)
        return p[:NET_N, None], p[NET_N:2 * NET_N, None], p[2 * NET_N:]

    def model(params):
        h = NET_H
        return nn.TwoLayer(params[:h, None], params[h:2 * h], params[None, 2 * h:3 * h],
                           params[3 * h:], **options)

    def numeric_f(p):
        x, y, params = split(p)
        return [nn.MAE().forward(model(params).forward(x), y)]

    def numeric_df(p):
        x, y, params = split(p)
        return [model(params).loss_and_grad(params, x, y, "mae")[1]]

    def sample(rng):
        # Away from every kink (residuals, and what sample_ok asks for), and where no
        # gradient entry is exactly 0 (signs that cancel, a unit that is off): there a
        # relative comparison with central differences would only measure rounding.
        while True:
            p = np.concatenate([rng.uniform(-2, 2, NET_N), rng.normal(size=NET_N),
                                rng.normal(size=len(NET_PARAMS))])
            x, y, params = split(p)
            m = model(params)
            q = m.linear1.forward(x)
            o = m.linear2.forward(m.act.forward(q))
            y_hat = m.forward(x)
            if (np.abs(y_hat - y).min() > 0.05 and (sample_ok is None or sample_ok(q, o))
                    and np.abs(numeric_df(p)).min() > 1e-3):
                return p

    return Derivative(name=name, derived_at=derived_at, tex=tex, symbols=NET_SYMBOLS,
                      wrt=" ".join(NET_PARAMS), function=function, closed_form=closed,
                      numeric_f=numeric_f, numeric_df=numeric_df, sample=sample)


DERIVATIVES = [
    Derivative(
        name="d|a|/da", derived_at="backpropagation.md#the-derivative-of-the-absolute-value",
        tex=r"\frac{d\,\lvert a \rvert}{da} = \operatorname{sign}(a) \quad (a \neq 0)",
        symbols="a", wrt="a", function=lambda s: [sp.Abs(s["a"])],
        closed_form=lambda s: sp.Matrix([[sp.sign(s["a"])]]),
        numeric_f=lambda p: [abs(p[0])], numeric_df=lambda p: [[abs_grad(p[0])]],
        sample=lambda rng: [rng.choice([-1.0, 1.0]) * rng.uniform(0.05, 5.0)]),
    Derivative(
        name="ReLU′(q)", derived_at="backpropagation.md#the-chain-rule-one-layer-at-a-time",
        tex=r"\mathrm{ReLU}'(q) = \begin{cases} 1, & q > 0 \\ 0, & q < 0 \end{cases}",
        symbols="q", wrt="q", function=lambda s: [sp.Max(s["q"], 0)],
        closed_form=lambda s: sp.Matrix([[sp.Heaviside(s["q"])]]),
        numeric_f=lambda p: [relu(p[0])], numeric_df=lambda p: [[relu_grad(p[0])]],
        sample=lambda rng: [rng.choice([-1.0, 1.0]) * rng.uniform(0.05, 5.0)]),
    _lin_row("W", "Linear backward, ∂L/∂W",
             r"\frac{\partial L}{\partial W} = G^\top X = \sum_n g_n x_n^\top",
             lambda G, X, W, b: G.T * X),
    _lin_row("b", "Linear backward, ∂L/∂b",
             r"\frac{\partial L}{\partial b} = \sum_n g_n",
             lambda G, X, W, b: sp.ones(1, LIN_N) * G),
    _lin_row("X", "Linear backward, ∂L/∂X",
             r"\frac{\partial L}{\partial X} = G\,W", lambda G, X, W, b: G * W),
    _loss_row("mae"),
    _loss_row("mse"),
    network_row(
        "∇MAE of the ReLU network", "backpropagation.md#the-chain-rule-one-layer-at-a-time",
        r"\frac{\partial L}{\partial W_1} = \sum_n \bigl((W_2^\top g_n) \odot "
        r"\mathrm{ReLU}'(q_n)\bigr)\, x_n^\top,\ \frac{\partial L}{\partial W_2} = "
        r"\sum_n g_n z_n^\top,\ g_n = \frac{\operatorname{sign}(\hat y_n - y_n)}{N}",
        hidden=lambda q: sp.Max(q, 0), hidden_grad=sp.Heaviside,
        sample_ok=lambda q, o: np.abs(q).min() > 0.05),
]
