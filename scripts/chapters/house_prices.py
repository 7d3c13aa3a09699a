"""House prices (docs/house-prices.md): three models, their gradients and the report's rule.

The runs every number on the page comes from:

* ``ours``: batch gradient descent with the correct gradient
  (`gradbook.regression.gradient`), run until the gradient vanishes;
* ``report_rule``: the same loop with the report's rule
  (`gradbook.regression.report_gradient`), run to its fixed point;
* ``optimum``: an independent optimum that does not use our gradient, the
  closed-form least squares for the linear and cubic models and SciPy's
  Nelder–Mead simplex search (function values only) for the sigmoid model.

They are one ``@data`` artifact, ``house.runs``, computed once per change and
shared by the figures and values below (and by ``tests/test_house_prices.py``).

``DERIVATIVES`` lists the derivatives the page derives (sigma', the sigmoid
model's partials and the MSE gradient of each model) for the /checks/ page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp
from scipy.optimize import minimize

from chapters.checks import Derivative
from engine import data, figure, load, value
from engine.numbers import num as _num, sci
from engine.render import Frames
from gradbook import regression as rg
from gradbook.activations import sigmoid, sigmoid_grad

#: The report's printed results (w, b, loss), quoted from its House-prices chapter.
REPORT = {
    "linear": (2.939305864784624, -3.2979591578193053, 1.103000695674468),
    "sigmoid": (1.1346469402126882, -4.6482628586296135, 0.014018127818400896),
    "cubic": (0.141346153846152, 0.5163461538462171, 0.013832747781064567),
}
#: The learning rate the report prints with each result (its last one, if it changed them).
REPORT_LR = {
    "linear": 0.00014900000000000007,
    "sigmoid": 0.0001490000000000007,
    "cubic": 0.001485999999999995,
}
REPORT_CUBIC_LR = REPORT_LR["cubic"]

#: Start, learning rate and step budget of each run; every run starts at (0, 0).
START = (0.0, 0.0)
OURS_LR = {"linear": 0.1, "sigmoid": 0.005, "cubic": 6e-4}
REPORT_RULE_LR = {"linear": 0.1, "sigmoid": 0.01, "cubic": 5e-3}
MAX_STEPS = 200_000
TOL = 1e-10
LR_FACTORS = [0.5, 0.9, 0.99, 1.01, 1.05]  # learning rates, as multiples of the threshold
LR_STEPS = 300

LABEL = {"linear": "linear $wx+b$", "sigmoid": r"sigmoid $20\,\sigma(wx+b)$",
         "cubic": "cubic $wx^3+b$"}


@dataclass(frozen=True)
class Point:
    w: float
    b: float

    def loss(self, model: rg.Model) -> float:
        return rg.loss(model, self.w, self.b)

    def grad_norm(self, model: rg.Model) -> float:
        return float(np.linalg.norm(rg.gradient(model, self.w, self.b)))


def _optimum(name: str) -> tuple[Point, str]:
    model = rg.MODELS[name]
    if model.feature is not None:
        return Point(*rg.least_squares(model.feature)), "closed form"
    # Tolerances a float can meet: the loss near its minimum is about 0.01, so
    # simplex values closer than 1e-15 cannot be told apart (1e-18 was met only
    # by luck, and not for other data).
    result = minimize(lambda p: rg.loss(model, p[0], p[1]), x0=np.array(START),
                      method="Nelder-Mead",
                      options={"xatol": 1e-10, "fatol": 1e-15, "maxiter": 20_000,
                               "maxfev": 40_000})
    if not result.success:
        raise RuntimeError(f"Nelder–Mead did not converge: {result.message}")
    return Point(*result.x), "Nelder–Mead"


@data("house.runs")
def runs() -> dict:
    """Our descent, the report's rule and the independent optimum, for every model."""
    return {
        "ours": {n: rg.gradient_descent(rg.MODELS[n], *START, OURS_LR[n], max_steps=MAX_STEPS,
                                        tol=TOL) for n in rg.MODELS},
        "rule": {n: rg.gradient_descent(rg.MODELS[n], *START, REPORT_RULE_LR[n],
                                        max_steps=MAX_STEPS, tol=TOL, rule=rg.report_gradient)
                 for n in rg.MODELS},
        "optimum": {n: _optimum(n) for n in rg.MODELS},
    }


def ours(name: str):
    return load("house.runs")["ours"][name]


def report_rule(name: str):
    return load("house.runs")["rule"][name]


def optimum(name: str) -> tuple[Point, str]:
    return load("house.runs")["optimum"][name]


def final(history) -> Point:
    return Point(float(history["w"][-1]), float(history["b"][-1]))


def report_point(name: str) -> Point:
    w, b, _ = REPORT[name]
    return Point(w, b)


def best_model() -> str:
    """The model with the lowest MSE at its true optimum."""
    return min(rg.MODELS, key=lambda n: optimum(n)[0].loss(rg.MODELS[n]))


def price_at(name: str, floors: float) -> float:
    p = optimum(name)[0]
    return float(rg.MODELS[name].predict(p.w, p.b, np.array([floors]))[0])


# --- formatting shared by figures and text -------------------------------------------

def num(x: float, digits: int = 12) -> str:
    return _num(x, digits)



def fmt_price(x: float) -> str:
    return f"{x:.3g}"


def fmt_threshold(x: float) -> str:
    return f"{x:.6g}"


def linear_threshold() -> float:
    return rg.divergence_threshold(rg.LINEAR.feature)


@functools.cache
def lr_runs() -> dict:
    """The runs of the learning-rate figure, at multiples of the linear threshold."""
    t = linear_threshold()
    return {f: rg.gradient_descent(rg.LINEAR, *START, f * t, max_steps=LR_STEPS, tol=1e-300)
            for f in LR_FACTORS}


@functools.cache
def lr_sweep() -> tuple[np.ndarray, list[float]]:
    """MSE after 200 steps for 101 learning rates from 0.2 to 1.2 times the threshold
    (computed once per process, shared by the figure's four variants)."""
    lrs = linear_threshold() * np.linspace(0.2, 1.2, 101)
    return lrs, [rg.gradient_descent(rg.LINEAR, *START, lr, max_steps=200, tol=1e-300).loss[-1]
                 for lr in lrs]


# --- values -----------------------------------------------------------------------

@value("house.table")
def table() -> str:
    """For each model: the report, our descent, the independent optimum, and the
    report's rule run to convergence; with the true gradient's norm."""
    rows = ["| model | source | $w$ | $b$ | MSE | $\\lVert\\nabla\\,\\mathrm{MSE}\\rVert$ |",
            "|---|---|---:|---:|---:|---:|"]
    for name, model in rg.MODELS.items():
        opt, method = optimum(name)
        entries = [("the report", report_point(name)), ("our gradient descent", final(ours(name))),
                   (f"optimum ({method})", opt),
                   ("report's rule, converged", final(report_rule(name)))]
        for i, (source, p) in enumerate(entries):
            rows.append(f"| {name if i == 0 else ''} | {source} | {num(p.w, 11)} | "
                        f"{num(p.b, 11)} | {num(p.loss(model), 11)} | {sci(p.grad_norm(model))} |")
    return "\n".join(rows)


def step_back(name: str, rule=rg.report_gradient) -> Point:
    """The point one update *before* the report's printed (w, b).

    One update is ``p_next = p - lr * rule(p)`` with the printed learning
    rate; solved for ``p`` by fixed-point iteration ``p = p_next + lr * rule(p)``
    (a contraction: ``lr`` times the rule's Lipschitz constant is far below 1).
    """
    model, lr = rg.MODELS[name], REPORT_LR[name]
    after = np.array(REPORT[name][:2])
    p = after.copy()
    for _ in range(100):
        p = after + lr * rule(model, *p)
    return Point(float(p[0]), float(p[1]))


@value("house.report_losses")
def report_losses() -> str:
    """The report's printed loss next to the MSE at its printed (w, b), and one step earlier."""
    rows = ["| model | loss printed by the report | MSE at the report's $(w, b)$ | difference | "
            "difference, one step earlier |",
            "|---|---:|---:|---:|---:|"]
    for name, model in rg.MODELS.items():
        w, b, printed = REPORT[name]
        mse = rg.loss(model, w, b)
        before = step_back(name).loss(model)
        rows.append(f"| {name} | {num(printed, 16)} | {num(mse, 16)} | {sci(abs(printed - mse))} | "
                    f"{sci(abs(printed - before))} |")
    return "\n".join(rows)


@value("house.report_lr")
def report_lr() -> str:
    """The learning rates the report prints, quoted, as a sentence fragment."""
    return ", ".join(f'<q class="report">`learning_rate={REPORT_LR[n]!r}`</q> ({n})'
                     for n in rg.MODELS)


def cubic_fixed_point_exact() -> tuple[float, float, float, float]:
    """Numerator, denominator, w and b of the report's rule's fixed point on the cubic model."""
    x, y = rg.FLOORS, rg.PRICES
    numerator = float(np.sum(x * (y - y.mean())))
    denominator = float(np.sum(x * (x ** 3 - np.mean(x ** 3))))
    w = numerator / denominator
    return numerator, denominator, w, float(y.mean() - w * np.mean(x ** 3))


@value("house.cubic_fixed_point")
def cubic_fixed_point() -> str:
    numerator, denominator, w, b = cubic_fixed_point_exact()
    return (rf"$w^\ast = {num(numerator, 6)} / {num(denominator, 6)} = {num(w)}$ "
            rf"and $b^\ast = \bar y - w^\ast\,\overline{{x^3}} = {num(b)}$")


@value("house.cubic_agreement")
def cubic_agreement() -> str:
    """How closely the report's printed cubic (w, b) matches the exact fixed point."""
    _, _, w, b = cubic_fixed_point_exact()
    rw, rb, _ = REPORT["cubic"]
    return sci(max(abs(w - rw), abs(b - rb)))


@value("house.sigmoid_rule_gap")
def sigmoid_rule_gap() -> str:
    rule, rep = final(report_rule("sigmoid")), report_point("sigmoid")
    return sci(max(abs(rule.w - rep.w), abs(rule.b - rep.b)))


@value("house.sigmoid_rule_norm")
def sigmoid_rule_norm() -> str:
    """Length of the report's update direction at its printed sigmoid (w, b)."""
    return sci(float(np.linalg.norm(rg.report_gradient(rg.SIGMOID, *REPORT["sigmoid"][:2]))))


@value("house.sigmoid_true_grad")
def sigmoid_true_grad() -> str:
    """Length of the true gradient at the report's printed sigmoid (w, b)."""
    return num(report_point("sigmoid").grad_norm(rg.SIGMOID), 2)


@value("house.linear_optimum")
def linear_optimum() -> str:
    p = optimum("linear")[0]
    return f"$w = {p.w:.10g}$, $b = {p.b:.10g}$"


@value("house.linear_report_grad")
def linear_report_grad() -> str:
    """Length of the true gradient at the report's printed linear (w, b)."""
    return sci(report_point("linear").grad_norm(rg.LINEAR))


@value("house.linear_min_mse")
def linear_min_mse() -> str:
    """The smallest MSE a line can reach on the four houses."""
    return num(optimum("linear")[0].loss(rg.LINEAR), 4)


@value("house.report_no20_mse")
def report_no20_mse() -> str:
    """The MSE at the report's sigmoid (w, b) if the model had no factor 20."""
    w, b, _ = REPORT["sigmoid"]
    from gradbook.activations import sigmoid

    return num(float(np.mean((sigmoid(w * rg.FLOORS + b) - rg.PRICES) ** 2)), 4)


def _eig(feature) -> tuple[float, float]:
    lam = np.linalg.eigvalsh(rg.mse_hessian(feature))
    return float(lam[0]), float(lam[-1])


@value("house.linear_hessian")
def linear_hessian() -> str:
    h = rg.mse_hessian(rg.LINEAR.feature)
    lo, hi = _eig(rg.LINEAR.feature)
    return (rf"$H = \begin{{pmatrix}} {num(h[0, 0])} & {num(h[0, 1])} \\ "
            rf"{num(h[1, 0])} & {num(h[1, 1])} \end{{pmatrix}}$, with eigenvalues "
            rf"$\lambda_{{\min}} = {num(lo, 6)}$ and $\lambda_{{\max}} = {num(hi, 6)}$")


@value("house.linear_threshold")
def linear_threshold_value() -> str:
    return f"${fmt_threshold(linear_threshold())}$"


@value("house.cubic_threshold")
def cubic_threshold() -> str:
    return f"${fmt_threshold(rg.divergence_threshold(rg.CUBIC.feature))}$"


@value("house.cubic_condition")
def cubic_condition() -> str:
    lo, hi = _eig(rg.CUBIC.feature)
    return f"${num(hi / lo, 4)}$"


@value("house.settings")
def settings() -> str:
    rows = ["| model | start $(w_0, b_0)$ | learning rate | steps | "
            "learning rate, report's rule | steps, report's rule |",
            "|---|---|---:|---:|---:|---:|"]
    for name in rg.MODELS:
        o, r = ours(name), report_rule(name)
        rows.append(f"| {LABEL[name]} | $({START[0]:g}, {START[1]:g})$ | "
                    f"{o.lr:g} | {o.steps:,} | {r.lr:g} | {r.steps:,} |")
    return "\n".join(rows)


@value("house.predictions")
def predictions() -> str:
    rows = ["| model | price of a 5-floor building (×100,000 EUR) |", "|---|---:|"]
    for name in rg.MODELS:
        rows.append(f"| {name} | {fmt_price(price_at(name, 5.0))} |")
    return "\n".join(rows)


@value("house.best_model")
def best_model_value() -> str:
    return f"**{best_model()}**"


@value("house.tol")
def tolerance() -> str:
    return sci(TOL)


@value("house.lr_steps")
def lr_steps() -> str:
    return f"{LR_STEPS:,}"


@value("house.lr_diverged")
def lr_diverged() -> str:
    """Which of the plotted learning rates the descent loop flags as diverged."""
    flagged = [f"{f:g}×" for f, run in lr_runs().items() if run.diverged]
    return " and ".join(flagged) if flagged else "none"


# --- derivatives, checked on /checks/ ------------------------------------------------

def _sym_sigmoid(a):
    return 1 / (1 + sp.exp(-a))


def _exact(values) -> list:
    """The data as exact rationals (0.7 -> 7/10) for SymPy."""
    return [sp.Rational(repr(float(v))) for v in values]


#: SymPy form of each model and its stated partials (d y_hat/dw, d y_hat/db).
SYMBOLIC = {
    "linear": (lambda w, b, x: w * x + b, lambda w, b, x: (x, 1)),
    "sigmoid": (lambda w, b, x: 20 * _sym_sigmoid(w * x + b),
                lambda w, b, x: (20 * _sym_sigmoid(w * x + b) * (1 - _sym_sigmoid(w * x + b)) * x,
                                 20 * _sym_sigmoid(w * x + b) * (1 - _sym_sigmoid(w * x + b)))),
    "cubic": (lambda w, b, x: w * x ** 3 + b, lambda w, b, x: (x ** 3, 1)),
}
GRADIENT_TEX = {
    "linear": r"\nabla L = \frac{2}{N} \sum_i (\hat y_i - y_i)\,(x_i,\ 1)",
    "sigmoid": r"\nabla L = \frac{2}{N} \sum_i (\hat y_i - y_i)\,"
               r"20\,\sigma(a_i)\bigl(1 - \sigma(a_i)\bigr)\,(x_i,\ 1)",
    "cubic": r"\nabla L = \frac{2}{N} \sum_i (\hat y_i - y_i)\,(x_i^3,\ 1)",
}


def _loss_derivative(name: str) -> Derivative:
    """The MSE gradient of one model over the four houses, as the page derives it."""
    f, partials = SYMBOLIC[name]
    model, xs, ys = rg.MODELS[name], _exact(rg.FLOORS), _exact(rg.PRICES)
    n = len(xs)

    def function(s):
        return [sum((f(s["w"], s["b"], x) - y) ** 2 for x, y in zip(xs, ys)) / n]

    def closed_form(s):
        return sp.Matrix([[sum(sp.Rational(2, n) * (f(s["w"], s["b"], x) - y)
                               * partials(s["w"], s["b"], x)[k] for x, y in zip(xs, ys))
                           for k in (0, 1)]])

    b_range = (-6.0, 2.0) if name == "sigmoid" else (-5.0, 5.0)
    return Derivative(
        name=f"∇L, {name} model", derived_at=f"house-prices.md#the-{name}-model",
        tex=GRADIENT_TEX[name], symbols="w b", wrt="w b", function=function,
        closed_form=closed_form,
        numeric_f=lambda p: [rg.loss(model, p[0], p[1])],
        numeric_df=lambda p: [rg.gradient(model, p[0], p[1])],
        sample=lambda rng: [rng.uniform(-2.0, 2.0), rng.uniform(*b_range)])


DERIVATIVES = [
    Derivative(
        name="σ′(a)", derived_at="house-prices.md#the-sigmoid-model",
        tex=r"\sigma'(a) = \sigma(a)\,\bigl(1 - \sigma(a)\bigr)", symbols="a", wrt="a",
        function=lambda s: [_sym_sigmoid(s["a"])],
        closed_form=lambda s: sp.Matrix([[_sym_sigmoid(s["a"]) * (1 - _sym_sigmoid(s["a"]))]]),
        numeric_f=lambda p: [sigmoid(p[0])],
        numeric_df=lambda p: [[sigmoid_grad(p[0])]],
        sample=lambda rng: [rng.uniform(-8.0, 8.0)]),
    Derivative(
        name="∂ŷ/∂w, ∂ŷ/∂b of the sigmoid model", derived_at="house-prices.md#the-sigmoid-model",
        tex=r"\Bigl(\frac{\partial \hat y}{\partial w},\ \frac{\partial \hat y}{\partial b}\Bigr)"
            r" = 20\,\sigma(a)\bigl(1 - \sigma(a)\bigr)\,(x,\ 1),\ a = wx + b",
        symbols="w b x", wrt="w b",
        function=lambda s: [SYMBOLIC["sigmoid"][0](s["w"], s["b"], s["x"])],
        closed_form=lambda s: sp.Matrix([list(SYMBOLIC["sigmoid"][1](s["w"], s["b"], s["x"]))]),
        numeric_f=lambda p: rg.scaled_sigmoid(p[0], p[1], np.array([p[2]])),
        numeric_df=lambda p: np.ravel(rg.scaled_sigmoid_partials(p[0], p[1], np.array([p[2]]))),
        sample=lambda rng: [rng.uniform(-2.0, 2.0), rng.uniform(-6.0, 2.0), rng.uniform(0.0, 5.0)]),
    *(_loss_derivative(name) for name in rg.MODELS),
]


# --- figures ---------------------------------------------------------------------

COLOUR = {"linear": "grey", "sigmoid": "blue", "cubic": "orange"}


def _data_points(ax, theme) -> None:
    ax.plot(rg.FLOORS, rg.PRICES, "o", color=theme.fg, ms=6, zorder=5, label="data")


@figure("house-fits.png", title="The data and the three fitted models",
        alt="The four data points and the three fitted curves on floors 0 to 5.5: a straight "
            "line that misses the points, and the sigmoid and cubic curves that pass close to all "
            "four; diamonds mark each model's prediction at 5 floors, in a shaded extrapolation "
            "band.")
def house_fits(theme):
    x = np.linspace(0.0, 5.5, 300)
    fig, ax = plt.subplots(figsize=(theme.width(), 4.0), layout="constrained")
    ax.axvspan(4.5, 5.6, color=theme.ink("faint"), zorder=0, lw=0)
    ax.text(4.55, 0.4, "extrapolation", color=theme.ink("muted"))
    _data_points(ax, theme)
    for name, model in rg.MODELS.items():
        p = optimum(name)[0]
        colour = theme.ink(COLOUR[name])
        ax.plot(x, model.predict(p.w, p.b, x), color=colour, label=name)
        at5 = price_at(name, 5.0)
        ax.plot(5.0, at5, "D", color=colour, ms=6)
        ax.annotate(fmt_price(at5), (5.0, at5), xytext=(6, -4), textcoords="offset points",
                    color=colour)
    ax.set(xlabel="floors $x$", ylabel="price (×100,000 EUR)", xlim=(0, 5.6),
           title="Fits with the correct gradients")
    ax.legend(loc="upper left")
    return fig


def _window(ws, bs, pad: float) -> tuple[np.ndarray, np.ndarray]:
    """A 140×140 grid over the box that holds ``ws`` × ``bs``, padded."""
    ws, bs = np.asarray(ws), np.asarray(bs)
    dw, db = pad * np.ptp(ws) + 1e-9, pad * np.ptp(bs) + 1e-9
    return (np.linspace(ws.min() - dw, ws.max() + dw, 140),
            np.linspace(bs.min() - db, bs.max() + db, 140))


def loss_grid(model: rg.Model, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MSE on the grid ``b`` (rows) × ``w`` (columns), all points at once.

    ``model.predict`` takes scalar parameters, so the grid goes through the
    models' structure instead: ``w feature(x) + b`` for the linear and cubic
    models, and for the sigmoid ``predict(1, 0, z)`` of ``z = w x + b``
    (its prediction depends on ``(w, b)`` only through ``w x + b``).
    """
    W, B = np.meshgrid(w, b)
    if model.feature is not None:
        y_hat = W[..., None] * model.feature(rg.FLOORS) + B[..., None]
    else:
        y_hat = model.predict(1.0, 0.0, W[..., None] * rg.FLOORS + B[..., None])
    return np.mean((y_hat - rg.PRICES) ** 2, axis=-1)


def _surface(ax, fig, theme, model, w, b, floor: float, label: str) -> None:
    Z = loss_grid(model, w, b) - floor
    Z = np.log10(np.maximum(Z, Z[Z > 0].min()))
    levels = np.linspace(Z.min(), Z.max(), 16)
    filled = ax.contourf(w, b, Z, levels=levels, cmap=theme.cmap)
    ax.contour(w, b, Z, levels=levels, colors=theme.bg, linewidths=0.4)
    bar = fig.colorbar(filled, ax=ax, shrink=0.95, format="%.1f")
    bar.set_label(label)
    ax.set(xlim=(w[0], w[-1]), ylim=(b[0], b[-1]), xlabel="$w$", ylabel="$b$")
    ax.grid(False)


@figure("house-loss-surfaces.png", narrow=True,
        title="Loss surfaces over (w, b) with the gradient-descent paths",
        alt="Six contour plots, two per model. Left: log10 MSE over (w, b) with the descent path "
            "from (0, 0) to a star at the optimum. Right: a zoom around the minimum. For the linear "
            "model the report's cross lies on the path just short of the star. For the sigmoid and "
            "cubic models the cross sits on a plus, the fixed point of the report's update rule, "
            "away from the star along the valley.")
def house_loss_surfaces(theme):
    if theme.narrow:
        fig, axes = plt.subplots(6, 1, figsize=(theme.width(), 22), layout="constrained")
        axes = axes.reshape(3, 2)
    else:
        fig, axes = plt.subplots(3, 2, figsize=(theme.width(2), 12), layout="constrained")
    for row, (name, model) in enumerate(rg.MODELS.items()):
        run = ours(name)
        opt, rep, rule = optimum(name)[0], report_point(name), final(report_rule(name))
        keep = np.unique(np.geomspace(1, len(run["w"]), 400).astype(int) - 1)
        full, zoom = axes[row]
        _surface(full, fig, theme, model, *_window(run["w"], run["b"], 0.08), 0.0,
                 "log$_{10}$ MSE")
        _surface(zoom, fig, theme, model, *_window([opt.w, rep.w, rule.w],
                                                   [opt.b, rep.b, rule.b], 0.6),
                 opt.loss(model), "log$_{10}$(MSE − min)")
        for ax in (full, zoom):
            ax.plot(run["w"][keep], run["b"][keep], "-", color=theme.ink("orange"), lw=1.5,
                    label="descent path (correct gradient)")
            ax.plot(rule.w, rule.b, "P", color=theme.ink("teal"), mec="black", ms=15,
                    label="fixed point of the report's rule", zorder=4)
            ax.plot(rep.w, rep.b, "x", color=theme.ink("red"), ms=8, mew=2.5,
                    label="the report's (w, b)", zorder=5)
            ax.plot(opt.w, opt.b, "*", color=theme.ink("gold"), mec="black", ms=15,
                    label="optimum", zorder=6, alpha=0.9)
        full.set_title(f"{name}: {run.steps:,} steps")
        zoom.set_title(f"{name}, zoomed")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=1 if theme.narrow else 2)
    return fig


@figure("house-fit.gif", title="The sigmoid fit converging",
        alt="Animation: the data points and the curve 20 sigma(w x + b), starting flat at 10 and "
            "bending step by step until it passes through all four points, with the step number, "
            "w, b and MSE above the plot.")
def house_fit_gif(theme):
    model, run = rg.SIGMOID, ours("sigmoid")
    steps = np.unique(np.concatenate([[0], np.geomspace(1, run.steps, 59).astype(int)]))
    x = np.linspace(0.0, 5.0, 200)
    fig, ax = plt.subplots(figsize=(theme.width(), 3.4), dpi=100, layout="constrained")
    _data_points(ax, theme)
    curve, = ax.plot([], [], color=theme.ink("blue"), label=r"$20\,\sigma(wx+b)$")
    ax.set(xlim=(0, 5), ylim=(-0.5, 20.5), xlabel="floors $x$", ylabel="price")
    ax.legend(loc="upper left")
    title = ax.set_title(" ", family="DejaVu Sans Mono", fontsize=10)
    movie = Frames(fig, fps=8, hold_last=10, animated=[curve, title])
    for k in steps:
        curve.set_data(x, model.predict(run["w"][k], run["b"][k], x))
        title.set_text(f"step {k:>6,}  w={run['w'][k]:+.3f}  b={run['b'][k]:+.3f}  "
                       f"MSE={run.loss[k]:.4f}")
        movie.grab()
    return movie


@figure("house-learning-rate.png", narrow=True,
        title="Gradient descent on the linear model below and above the threshold",
        alt="Left: MSE against step on a log scale for learning rates 0.5, 0.9 and 0.99 times "
            "the threshold, which fall to the minimum, and 1.01 and 1.05 times the threshold, "
            "which grow instead; only the 1.05 run passes the divergence limit within the plotted "
            "steps. Right: MSE after 200 steps against the learning rate, low up to the dashed "
            "line at 2 over lambda max and exploding right after it.")
def house_learning_rate(theme):
    threshold = linear_threshold()
    if theme.narrow:
        fig, (curves, sweep) = plt.subplots(2, 1, figsize=(theme.width(), 8.0),
                                            layout="constrained")
    else:
        fig, (curves, sweep) = plt.subplots(1, 2, figsize=(theme.width(2), 4.0),
                                            layout="constrained")
    colours = [theme.ink(c) for c in ("blue", "teal", "green", "orange", "red")]
    for (f, run), c in zip(lr_runs().items(), colours):
        curves.semilogy(run.loss, color=c, lw=1.5,
                        label=f"{f:g}×" + (" (diverged)" if run.diverged else ""))
    curves.axhline(optimum("linear")[0].loss(rg.LINEAR), color=theme.fg, lw=0.8, ls=":",
                   label="minimum")
    curves.set(xlabel="step", ylabel="MSE (log scale)",
               title=f"threshold $2/\\lambda_{{\\max}}$ = {fmt_threshold(threshold)}")
    curves.legend(title="learning rate", ncol=2)
    lrs, after = lr_sweep()
    sweep.semilogy(lrs, after, ".-", color=theme.ink("blue"), ms=3)
    sweep.axvline(threshold, color=theme.ink("red"), ls="--", label=r"$2/\lambda_{\max}$")
    sweep.set(xlabel="learning rate", ylabel="MSE after 200 steps", title="final loss")
    sweep.legend()
    return fig


@figure("thumb-house-prices.png", title="Thumbnail: three fits",
        alt="Four data points with a straight line, a sigmoid and a cubic curve.")
def thumbnail(theme):
    x = np.linspace(0.5, 4.5, 100)
    fig, ax = plt.subplots(figsize=(3.2, 2.0), layout="constrained")
    _data_points(ax, theme)
    for name, model in rg.MODELS.items():
        p = optimum(name)[0]
        ax.plot(x, model.predict(p.w, p.b, x), color=theme.ink(COLOUR[name]), label=name)
    ax.set(xlabel="floors", ylabel="price")
    ax.legend(loc="upper left", frameon=False, handlelength=1.0)
    return fig
