"""LeakyReLU (docs/leaky-relu.md): tanh, LeakyReLU, their derivatives and a network of both.

The model is ŷ = LeakyReLU(W₂ tanh(W₁x + b₁) + b₂) with the slope ``ALPHA``,
trained with the MAE of the backpropagation chapter. Everything that the two
chapters share comes from ``backpropagation.py``: the worked example, the data
and the training settings (``HIDDEN``, ``INIT_SEED``, ``LR``, ``STEPS``), the
ReLU network's training run (``@data("backprop.training")``), the number
formatting and the network row of the derivative checks.

Runs: ``@data("leaky.training")``, this chapter's network trained like the
ReLU network; ``dead()`` counts the dead hidden units of both at every step.
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from chapters import backpropagation as bp
from chapters.backpropagation import (
    DATA_SEED, EXAMPLE_LR, HIDDEN, INIT_SEED, LR, N_POINTS, OUTLIERS, STEPS, num, sci,
    tex_matrix, training_data,
)
from chapters.checks import Derivative
from engine import data, figure, load, value
from engine.render import Frames
from gradbook import nn
from gradbook.activations import (
    leaky_relu, leaky_relu_grad, relu, relu_grad, sigmoid, sigmoid_grad, tanh, tanh_grad,
)

ALPHA = 0.1  # the LeakyReLU slope; the report leaves it open
OPTIONS = {"activation": "tanh", "output": "leaky_relu", "alpha": ALPHA}
OTHER_ALPHAS = (0.3, 1.0)  # the same run with other slopes: the evidence for the slow stretch
TABLE_STEPS = (10, 100, 300, 1000, STEPS)
LABEL = {"relu": "ReLU network", "leaky": "tanh + LeakyReLU network"}
COLOUR = {"relu": "blue", "leaky": "green"}


@data("leaky.training")
def training() -> dict:
    """This chapter's network, trained with the MAE like the ReLU network of the last chapter.

    Keyed by the slope: ``ALPHA`` (ours) and ``OTHER_ALPHAS``, same start and settings.
    """
    return {alpha: bp.train_run("mae", **{**OPTIONS, "alpha": alpha})
            for alpha in (ALPHA, *OTHER_ALPHAS)}


def run(kind: str):
    return load("leaky.training")[ALPHA] if kind == "leaky" else bp.run("mae")


def options(kind: str) -> dict:
    return OPTIONS if kind == "leaky" else {}


def predict(kind: str, params: np.ndarray, x: np.ndarray) -> np.ndarray:
    return bp.predict(params, x, **options(kind))


@functools.cache
def dead() -> dict:
    """Dead hidden units (derivative 0 on every training example) at every step of both runs.

    For the tanh network also the smallest, over its units, of the largest slope
    tanh'(q) any example gives that unit: how far the network is from a dead unit.
    Post-processing of the two shared runs (a ``@data`` function cannot load another).
    """
    x, _ = training_data()
    out = {}
    for kind in ("relu", "leaky"):
        model = bp.start_model(**options(kind))
        masks, slopes = [], []
        for p in run(kind).params:
            model.set_params(p)
            masks.append(nn.dead_units(model, x))
            if kind == "leaky":
                slopes.append(float(tanh_grad(model.linear1.forward(x)).max(axis=0).min()))
        out[kind] = np.array(masks)
        if slopes:
            out["tanh_slope"] = np.array(slopes)
    return out


def dead_counts(kind: str) -> np.ndarray:
    return dead()[kind].sum(axis=1)


def deaths() -> list[tuple[int, int]]:
    """(unit, step) for every ReLU unit that dies during training (alive at the start)."""
    masks = dead()["relu"]
    out = []
    for unit in np.flatnonzero(~masks[0] & masks[-1]):
        out.append((int(unit), int(np.flatnonzero(masks[:, unit])[0])))
    return out


# --- the worked example -------------------------------------------------------------------


def example() -> dict:
    return bp.example_pass("leaky_relu")


def example_step() -> dict:
    x, y = nn.example_data()
    step = nn.sgd_step(nn.example_model("leaky_relu"), x, y, EXAMPLE_LR)
    return {"before": float(step.loss[0]), "after": float(step.loss[-1])}


@value("leaky.alpha")
def alpha_value() -> str:
    return f"$\\alpha = {num(ALPHA)}$"


@value("leaky.example_q")
def example_q() -> str:
    return f"$Q = {tex_matrix(example()['q'])}$"


@value("leaky.example_z")
def example_z() -> str:
    return rf"$Z = \tanh(Q) = {tex_matrix(example()['z'])}$"


@value("leaky.example_o")
def example_o() -> str:
    return rf"$O = Z W_2^\top + \mathbf 1 b_2^\top = {tex_matrix(example()['o'])}$"


@value("leaky.example_y_hat")
def example_y_hat() -> str:
    return rf"$\hat Y = \mathrm{{LeakyReLU}}(O) = {tex_matrix(example()['y_hat'])}$"


@value("leaky.example_mae")
def example_mae() -> str:
    return f"${num(example()['mae'])}$"


@value("leaky.example_g")
def example_g() -> str:
    return rf"$G = {tex_matrix(example()['g'])}$"


@value("leaky.example_do")
def example_do() -> str:
    ex = example()
    slope = leaky_relu_grad(ex["o"], ALPHA)
    return (rf"$\mathrm{{LeakyReLU}}'(O) = {tex_matrix(slope)}$, so "
            rf"$\partial L / \partial O = {tex_matrix(ex['g'] * slope)}$")


@value("leaky.example_gradients")
def example_gradients() -> str:
    return bp.gradient_table(example())


@value("leaky.example_max_difference")
def example_max_difference() -> str:
    ex = example()
    return sci(float(np.max(np.abs(ex["grad"] - ex["numeric"]))))


@value("leaky.example_step")
def example_step_value() -> str:
    s = example_step()
    return (f"one gradient step of size ${num(EXAMPLE_LR)}$ takes the MAE from "
            f"${num(s['before'])}$ to ${num(s['after'])}$")


# --- training: values -------------------------------------------------------------------------


@value("leaky.settings")
def settings() -> str:
    return (f"{N_POINTS} points, {OUTLIERS} of them outliers "
            f"(`nn.regression_data({DATA_SEED}, {N_POINTS}, {OUTLIERS})`), {HIDDEN} hidden units "
            f"from the seeded start `nn.init_two_layer({HIDDEN}, seed={INIT_SEED}, ...)`, "
            f"learning rate ${num(LR)}$, {STEPS:,} full-batch steps")


def fmt_loss(x: float) -> str:
    return num(x, 4)


@value("leaky.final_losses")
def final_losses() -> str:
    x, y = training_data()
    far = bp.outlier_mask()
    rows = ["| network | parameters | MAE at the start | MAE at the end | "
            "median $\\lvert\\hat y - y\\rvert$ on the other points |",
            "|---|---:|---:|---:|---:|"]
    for kind in ("relu", "leaky"):
        r = run(kind)
        err = np.abs(predict(kind, r.final, x) - y).ravel()[~far]
        rows.append(f"| {LABEL[kind]} | {r.params.shape[1]} | {fmt_loss(r.loss[0])} | "
                    f"{fmt_loss(r.loss[-1])} | {fmt_loss(np.median(err))} |")
    return "\n".join(rows)


def output_preactivations() -> np.ndarray:
    """O = Z W2^T + b2 of the trained tanh network on the training inputs."""
    x, _ = training_data()
    model = bp.model_at(run("leaky").final, **OPTIONS)
    return model.linear2.forward(model.act.forward(model.linear1.forward(x))).ravel()


@value("leaky.o_min")
def o_min() -> str:
    o = output_preactivations()
    k = int(np.argmin(o))
    return (f"$o = {num(o[k], 4)}$, for the prediction "
            f"$\\hat y = \\alpha o = {num(float(leaky_relu(o[k], ALPHA)), 4)}$")


@value("leaky.alpha_table")
def alpha_table() -> str:
    runs = load("leaky.training")
    head = " | ".join(f"step {k:,}" for k in TABLE_STEPS)
    rows = [f"| slope $\\alpha$ | {head} |", "|---|" + "---:|" * len(TABLE_STEPS)]
    for alpha, r in sorted(runs.items()):
        ours = " (ours)" if alpha == ALPHA else (" (a linear output)" if alpha == 1.0 else "")
        rows.append(f"| {num(alpha)}{ours} | "
                    + " | ".join(fmt_loss(r.loss[k]) for k in TABLE_STEPS) + " |")
    return "\n".join(rows)


@value("leaky.dead_summary")
def dead_summary() -> str:
    relu_counts = dead_counts("relu")
    died = deaths()
    when = ", ".join(f"unit {u} at step {s:,}" for u, s in died) or "none"
    return (f"Of the ReLU network's {HIDDEN} hidden units, {int(relu_counts[0])} are dead at "
            f"the start and {int(relu_counts[-1])} at the end of training; "
            f"{len(died)} died during training ({when}), and none ever came back")


@value("leaky.tanh_slope")
def tanh_slope() -> str:
    slopes = dead()["tanh_slope"]
    return f"${num(float(slopes.min()), 3)}$"


@value("leaky.exp_overflow")
def exp_overflow() -> str:
    """Where e^a leaves the float range: ln of the largest double."""
    return f"${np.log(np.finfo(float).max):.0f}$"


def tanh_underflow_point() -> float:
    """The smallest a > 0 at which tanh_grad(a) is exactly 0 (bisection on the code)."""
    lo, hi = 1.0, 1000.0  # tanh_grad(lo) > 0 == tanh_grad(hi)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if tanh_grad(mid) > 0 else (lo, mid)
    return hi


@value("leaky.tanh_underflow")
def tanh_underflow() -> str:
    return f"about ${tanh_underflow_point():.0f}$"


@value("leaky.tanh_dead")
def tanh_dead() -> str:
    return f"{int(dead_counts('leaky').max())}"


# --- figures -----------------------------------------------------------------------------------


def _panels(theme, rows: int, cols: int, height: float, narrow_height: float = 3.6):
    """``rows`` × ``cols`` panels, or all of them stacked for the phone layout.

    ``height`` is the whole wide figure's; ``narrow_height`` one stacked panel's.
    """
    if theme.narrow:
        fig, axes = plt.subplots(rows * cols, 1,
                                 figsize=(theme.width(), narrow_height * rows * cols),
                                 layout="constrained")
    else:
        fig, axes = plt.subplots(rows, cols, figsize=(theme.width(2), height),
                                 layout="constrained")
    return fig, np.ravel(axes)


def _step_axis(ax) -> None:
    """The step axis: linear up to 10, logarithmic beyond (as on the backpropagation page)."""
    ax.set_xscale("symlog", linthresh=10, linscale=0.6)
    ax.set_xlim(0, STEPS)
    ax.set_xticks([0, 10, 100, 1000], labels=["0", "10", "100", "1000"])


ACTIVATIONS = [
    ("sigmoid", r"$\sigma(a)$", sigmoid, r"$\sigma'(a) = \sigma(1 - \sigma)$", sigmoid_grad),
    ("tanh", r"$\tanh(a)$", tanh, r"$\tanh'(a) = 1 - \tanh^2 a$", tanh_grad),
    ("ReLU", r"$\mathrm{ReLU}(a)$", relu, r"$\mathrm{ReLU}'(a)$", relu_grad),
    ("LeakyReLU", r"$\mathrm{LeakyReLU}(a)$", lambda a: leaky_relu(a, ALPHA),
     r"$\mathrm{LeakyReLU}'(a)$", lambda a: leaky_relu_grad(a, ALPHA)),
]


@figure("leaky-activations.png", narrow=True,
        title="Sigmoid, tanh, ReLU and LeakyReLU with their derivatives",
        alt="Four panels, each a function in a solid line and its derivative dashed, for a from "
            "-4 to 4. The sigmoid rises from 0 to 1, its derivative is a bump of height one "
            "quarter. Tanh rises from -1 to 1, its derivative a bump of height 1. ReLU is 0 then "
            "the diagonal, its derivative a step from 0 to 1. LeakyReLU has a small slope on the "
            "left, and its derivative steps from that slope, 0.1, to 1: it is never 0.")
def activations_figure(theme):
    fig, axes = _panels(theme, 2, 2, 5.6, narrow_height=2.6)
    a = np.linspace(-4.0, 4.0, 801)
    for ax, (name, f_label, f, d_label, d) in zip(axes, ACTIVATIONS):
        ax.axhline(0, color=theme.ink("muted"), lw=0.8)
        ax.axvline(0, color=theme.ink("muted"), lw=0.8)
        ax.plot(a, f(a), color=theme.ink("blue"), label=f_label)
        if name in ("ReLU", "LeakyReLU"):  # a jump: draw the two pieces, and the value at 0
            for piece in (a < 0, a > 0):
                ax.plot(a[piece], d(a[piece]), "--", color=theme.ink("orange"),
                        label=d_label if piece[0] else None)
            ax.plot(0, d(0.0), "o", color=theme.ink("orange"), ms=5)
        else:
            ax.plot(a, d(a), "--", color=theme.ink("orange"), label=d_label)
        ax.set(title=name, xlabel="$a$", xlim=(-4, 4), ylim=(-1.2, 1.6))
        ax.legend(loc="upper left" if name in ("ReLU", "LeakyReLU") else "lower right")
    return fig


@figure("leaky-training.png", narrow=True,
        title="The tanh + LeakyReLU network and the ReLU network trained on the same data",
        alt="Left: the MAE over the training steps for both networks, from the same seeded start, "
            "on a logarithmic step axis; both fall to a similar level. Right: the data with its "
            "outliers and the two final fits: the ReLU network's is made of straight pieces with "
            "corners, the tanh network's is smooth except for one corner, where its output "
            "crosses zero and the LeakyReLU changes slope; both follow the bulk of the points.")
def training_figure(theme):
    fig, (curves, fits) = _panels(theme, 1, 2, 3.8)
    steps = np.arange(STEPS + 1)
    for kind in ("relu", "leaky"):
        curves.plot(steps, run(kind).loss, color=theme.ink(COLOUR[kind]), label=LABEL[kind])
    _step_axis(curves)
    curves.set(xlabel="step", ylabel="MAE", title="training loss (MAE)")
    curves.legend(loc="upper right")
    bp._data(fits, theme)
    for kind in ("relu", "leaky"):
        fits.plot(bp.GRID, predict(kind, run(kind).final, bp.GRID),
                  color=theme.ink(COLOUR[kind]), label=LABEL[kind])
    fits.set(xlabel="$x$", ylabel="$y$", ylim=(-2.0, 6.5), title="the final fits")
    bp._legend_below(fits)
    return fig


@figure("leaky-dead-units.png", narrow=True,
        title="Dead ReLU units during training",
        alt="Left: the number of dead hidden units against the training step. For the ReLU "
            "network it starts at a few and rises by one early in training, then stays; for the "
            "tanh network it is zero throughout. Right: the pre-activation of each of the ReLU "
            "network's hidden units over the range of the data at the end of training, one line "
            "per unit; the dead units' lines stay below zero over the whole range, drawn in red.")
def dead_figure(theme):
    fig, (counts, lines) = _panels(theme, 1, 2, 3.8)
    steps = np.arange(STEPS + 1)
    for kind in ("relu", "leaky"):
        counts.step(steps, dead_counts(kind), where="post", color=theme.ink(COLOUR[kind]),
                    label=LABEL[kind])
    for unit, step in deaths():
        counts.annotate(f"unit {unit} dies", (step, dead_counts("relu")[step]),
                        xytext=(8, -16), textcoords="offset points", color=theme.ink("blue"))
    _step_axis(counts)
    counts.set_ylim(-0.3, dead_counts("relu").max() + 1.2)
    counts.yaxis.get_major_locator().set_params(integer=True)
    counts.set(xlabel="step", ylabel="dead hidden units", title="units with ReLU′ = 0 everywhere")
    counts.legend(loc="upper left")
    x, _ = training_data()
    model = bp.model_at(run("relu").final)
    grid = np.linspace(x.min(), x.max(), 200)[:, None]
    q = model.linear1.forward(grid)
    dead_now = dead()["relu"][-1]
    lines.axhline(0, color=theme.ink("muted"), lw=0.8)
    for unit in range(HIDDEN):
        colour = theme.ink("red") if dead_now[unit] else theme.ink("grey")
        lines.plot(grid, q[:, unit], color=colour, lw=2.2 if dead_now[unit] else 1.0,
                   label=("dead" if dead_now[unit] else "alive")
                   if unit == int(np.flatnonzero(dead_now == dead_now[unit])[0]) else None)
    lines.set(xlabel="$x$ (over the data)", ylabel="$q_j = W_{1,j}\\,x + b_{1,j}$",
              title="ReLU network, end of training")
    lines.legend(loc="upper left")
    return fig


def gif_steps() -> np.ndarray:
    return bp.gif_steps()


@figure("leaky-fit.gif", title="The tanh + LeakyReLU fit and the ReLU fit during training",
        alt="Animation: the data points with their outliers, the fit of the tanh plus LeakyReLU "
            "network and that of the ReLU network, both trained with the MAE from the same "
            "start. The smooth tanh curve and the piecewise-straight ReLU curve both bend onto "
            "the bulk of the points. The step number and both losses are shown above the plot.")
def fit_gif(theme):
    fig, ax = plt.subplots(figsize=(theme.width(), 4.2), dpi=100, layout="constrained")
    bp._data(ax, theme)
    curves = {kind: ax.plot([], [], color=theme.ink(COLOUR[kind]), label=LABEL[kind])[0]
              for kind in ("relu", "leaky")}
    ax.set(xlim=(-3.2, 3.2), ylim=(-2.0, 6.5), xlabel="$x$", ylabel="$y$")
    bp._legend_below(ax)
    title = ax.set_title(" ", family="DejaVu Sans Mono", fontsize=10)
    movie = Frames(fig, fps=6, hold_last=12, colours=64,
                   animated=[*curves.values(), title])
    for k in gif_steps():
        for kind, line in curves.items():
            line.set_data(bp.GRID.ravel(), predict(kind, run(kind).params[k], bp.GRID).ravel())
        title.set_text(f"step {k:>5,}   MAE  ReLU: {fmt_loss(run('relu').loss[k])}   "
                       f"tanh: {fmt_loss(run('leaky').loss[k])}")
        movie.grab()
    return movie


@figure("thumb-leaky-relu.png", title="Thumbnail: tanh and LeakyReLU",
        alt="The curves tanh and LeakyReLU, with their derivatives dashed.")
def thumbnail(theme):
    fig, ax = plt.subplots(figsize=(3.2, 2.0), layout="constrained")
    a = np.linspace(-3, 3, 601)
    ax.plot(a, tanh(a), color=theme.ink("blue"), label="tanh")
    ax.plot(a, tanh_grad(a), "--", color=theme.ink("blue"))
    ax.plot(a, leaky_relu(a, ALPHA), color=theme.ink("green"), label="LeakyReLU")
    for piece in (a < 0, a > 0):
        ax.plot(a[piece], leaky_relu_grad(a[piece], ALPHA), "--", color=theme.ink("green"))
    ax.set(xlabel="$a$", ylim=(-1.2, 2.0))
    ax.legend(loc="upper left", frameon=False, handlelength=1.2)
    return fig


# --- derivatives for /checks/ -------------------------------------------------------------------

ALPHA_SYM = sp.Rational(1, 10)
assert float(ALPHA_SYM) == ALPHA


def sym_leaky_grad(o):
    """LeakyReLU′ as the page states it: 1 for o > 0, α for o ≤ 0."""
    return sp.Piecewise((1, o > 0), (ALPHA_SYM, True))


class SymLeakyReLU(sp.Function):
    """LeakyReLU as a SymPy function whose derivative is the page's LeakyReLU′.

    Inside |ŷ − y| a Piecewise makes SymPy's simplification take minutes; as a
    function of its own, with the derivative checked in the row "LeakyReLU′(a)",
    the network row checks the chain rule and the matrix algebra in milliseconds.
    """

    is_real = True
    _imp_ = staticmethod(lambda o: np.where(o > 0, o, ALPHA * o))  # for lambdify

    @classmethod
    def eval(cls, o):
        if o.is_Number:
            return o if o > 0 else ALPHA_SYM * o
        return None

    def fdiff(self, argindex=1):
        return sym_leaky_grad(self.args[0])


def _sym_sigmoid(a):
    return 1 / (1 + sp.exp(-a))


DERIVATIVES = [
    Derivative(
        name="tanh′(a)", derived_at="leaky-relu.md#the-derivative-of-tanh",
        tex=r"\tanh'(a) = \frac{(e^a + e^{-a})^2 - (e^a - e^{-a})^2}{(e^a + e^{-a})^2} "
            r"= 1 - \tanh^2(a)",
        symbols="a", wrt="a",
        function=lambda s: [(sp.exp(s["a"]) - sp.exp(-s["a"]))
                            / (sp.exp(s["a"]) + sp.exp(-s["a"]))],
        closed_form=lambda s: sp.Matrix([[1 - sp.tanh(s["a"]) ** 2]]),
        numeric_f=lambda p: [tanh(p[0])], numeric_df=lambda p: [[tanh_grad(p[0])]],
        # |a| <= 3: SymPy's derivative of the exp form, 1 - v^2/u^2 in floats, cancels in
        # the tails and would measure its own rounding, not our code
        sample=lambda rng: [rng.uniform(-3.0, 3.0)]),
    Derivative(
        name="tanh′(a) from σ′", derived_at="leaky-relu.md#tanh-is-a-stretched-sigmoid",
        tex=r"\tanh(a) = 2\sigma(2a) - 1 \ \Rightarrow\ \tanh'(a) = 4\,\sigma'(2a) "
            r"= 4\,\sigma(2a)\bigl(1 - \sigma(2a)\bigr)",
        symbols="a", wrt="a",
        function=lambda s: [2 * _sym_sigmoid(2 * s["a"]) - 1],
        closed_form=lambda s: sp.Matrix([[4 * _sym_sigmoid(2 * s["a"])
                                          * (1 - _sym_sigmoid(2 * s["a"]))]]),
        numeric_f=lambda p: [tanh(p[0])], numeric_df=lambda p: [[4 * sigmoid_grad(2 * p[0])]],
        sample=lambda rng: [rng.uniform(-5.0, 5.0)]),
    Derivative(
        name="LeakyReLU′(a)", derived_at="leaky-relu.md#the-derivative-of-leakyrelu",
        tex=r"\mathrm{LeakyReLU}'(a) = \begin{cases} 1, & a > 0 \\ \alpha, & a < 0 \end{cases}"
            r",\quad \alpha = \tfrac{1}{10}",
        symbols="a", wrt="a",
        function=lambda s: [sp.Piecewise((s["a"], s["a"] > 0), (ALPHA_SYM * s["a"], True))],
        closed_form=lambda s: sp.Matrix([[sym_leaky_grad(s["a"])]]),
        numeric_f=lambda p: [leaky_relu(p[0], ALPHA)],
        numeric_df=lambda p: [[leaky_relu_grad(p[0], ALPHA)]],
        sample=lambda rng: [rng.choice([-1.0, 1.0]) * rng.uniform(0.05, 5.0)]),
    bp.network_row(
        "∇MAE of the tanh + LeakyReLU network", "leaky-relu.md#backpropagation-through-the-model",
        r"\frac{\partial L}{\partial O} = G \odot \mathrm{LeakyReLU}'(O),\ "
        r"\frac{\partial L}{\partial Q} = \Bigl(\frac{\partial L}{\partial O}\, W_2\Bigr) \odot "
        r"\bigl(1 - \tanh^2(Q)\bigr),\ \frac{\partial L}{\partial W_1} = "
        r"\Bigl(\frac{\partial L}{\partial Q}\Bigr)^{\!\top} X",
        hidden=sp.tanh, hidden_grad=lambda q: 1 - sp.tanh(q) ** 2,
        output=SymLeakyReLU, output_grad=sym_leaky_grad, options=OPTIONS,
        sample_ok=lambda q, o: np.abs(o).min() > 0.05),
]
