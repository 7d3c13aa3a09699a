"""Computed numbers and tables of the house-prices page (docs/house-prices.md)."""

from __future__ import annotations

import numpy as np

import house_runs as runs
from gradbook import regression as rg
from pagevalues import value

LABEL = {"linear": "linear $wx+b$", "sigmoid": r"sigmoid $20\,\sigma(wx+b)$",
         "cubic": "cubic $wx^3+b$"}


def _num(x: float, digits: int = 12) -> str:
    return f"{x:.{digits}g}".replace("-", "−")


def _sci(x: float) -> str:
    if x == 0:
        return "$0$"
    mantissa, exponent = f"{x:.1e}".split("e")
    return rf"${mantissa} \times 10^{{{int(exponent)}}}$"


@value("house.table")
def table() -> str:
    """For each model: the report, our descent, the independent optimum, and
    the report's rule run to convergence; with the true gradient's norm."""
    rows = ["| model | source | $w$ | $b$ | MSE | "
            r"$\lVert\nabla\,\mathrm{MSE}\rVert$ |",
            "|---|---|---:|---:|---:|---:|"]
    for name, model in rg.MODELS.items():
        opt, method = runs.optimum(name)
        entries = [
            ("the report", runs.report_point(name)),
            ("our gradient descent", runs.final(runs.ours(name))),
            (f"optimum ({method})", opt),
            ("report's rule, converged", runs.final(runs.report_rule(name))),
        ]
        for i, (source, p) in enumerate(entries):
            rows.append(f"| {name if i == 0 else ''} | {source} | {_num(p.w, 11)} | "
                        f"{_num(p.b, 11)} | {_num(p.loss(model), 11)} | "
                        f"{_sci(p.grad_norm(model))} |")
    return "\n".join(rows)


@value("house.report_losses")
def report_losses() -> str:
    """The report's printed loss next to the loss at its printed (w, b)."""
    rows = ["| model | loss printed by the report | MSE at the report's $(w, b)$ | "
            "difference |", "|---|---:|---:|---:|"]
    for name, model in rg.MODELS.items():
        w, b, printed = runs.REPORT[name]
        ours = rg.loss(model, w, b)
        rows.append(f"| {name} | {_num(printed, 16)} | {_num(ours, 16)} | "
                    f"{_sci(abs(printed - ours))} |")
    return "\n".join(rows)


@value("house.cubic_fixed_point")
def cubic_fixed_point() -> str:
    """Where the report's rule stops on the cubic model, in closed form."""
    x, y = rg.FLOORS, rg.PRICES
    numerator = float(np.sum(x * (y - y.mean())))
    denominator = float(np.sum(x * (x ** 3 - np.mean(x ** 3))))
    w = numerator / denominator
    b = float(y.mean() - w * np.mean(x ** 3))
    return (rf"$w^\ast = {_num(numerator, 6)} / {_num(denominator, 6)} = {_num(w)}$ "
            rf"and $b^\ast = \bar y - w^\ast\,\overline{{x^3}} = {_num(b)}$")


def _eig(feature) -> tuple[float, float]:
    lam = np.linalg.eigvalsh(rg.mse_hessian(feature))
    return float(lam[0]), float(lam[-1])


@value("house.linear_hessian")
def linear_hessian() -> str:
    h = rg.mse_hessian(rg.LINEAR.feature)
    lo, hi = _eig(rg.LINEAR.feature)
    return (rf"$H = \begin{{pmatrix}} {_num(h[0, 0])} & {_num(h[0, 1])} \\ "
            rf"{_num(h[1, 0])} & {_num(h[1, 1])} \end{{pmatrix}}$, with eigenvalues "
            rf"$\lambda_{{\min}} = {_num(lo, 6)}$ and $\lambda_{{\max}} = {_num(hi, 6)}$")


@value("house.linear_threshold")
def linear_threshold() -> str:
    return f"${_num(rg.divergence_threshold(rg.LINEAR.feature), 6)}$"


@value("house.cubic_threshold")
def cubic_threshold() -> str:
    return f"${_num(rg.divergence_threshold(rg.CUBIC.feature), 6)}$"


@value("house.cubic_condition")
def cubic_condition() -> str:
    lo, hi = _eig(rg.CUBIC.feature)
    return f"${_num(hi / lo, 4)}$"


@value("house.settings")
def settings() -> str:
    rows = ["| model | start $(w_0, b_0)$ | learning rate | steps | "
            "learning rate, report's rule | steps, report's rule |",
            "|---|---|---:|---:|---:|---:|"]
    for name in rg.MODELS:
        ours, rule = runs.ours(name), runs.report_rule(name)
        rows.append(f"| {LABEL[name]} | $({runs.START[0]:g}, {runs.START[1]:g})$ | "
                    f"{ours.lr:g} | {ours.steps:,} | {rule.lr:g} | {rule.steps:,} |")
    return "\n".join(rows)


@value("house.predictions")
def predictions() -> str:
    rows = ["| model | price of a 5-floor building (×100,000 EUR) |", "|---|---:|"]
    for name, model in rg.MODELS.items():
        p = runs.optimum(name)[0]
        rows.append(f"| {name} | {_num(float(model.predict(p.w, p.b, np.array([5.0]))[0]), 4)} |")
    return "\n".join(rows)


@value("house.best_model")
def best_model() -> str:
    name = runs.best_model()
    return f"**{name}**"


@value("house.tol")
def tolerance() -> str:
    return _sci(runs.TOL)
