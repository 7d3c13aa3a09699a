"""The house-prices experiments, run once and shared by figures, tables and tests.

Every number the house-prices page states comes from these runs:

* ``ours``: batch gradient descent with the correct gradient
  (:func:`gradbook.regression.gradient`), run until the gradient vanishes;
* ``report_rule``: the same loop with the report's rule
  (:func:`gradbook.regression.report_gradient`), run to its fixed point;
* ``optimum``: an independent optimum that does not use our gradient, the
  closed-form least squares for the linear and cubic models and SciPy's
  Nelder–Mead simplex search (function values only) for the sigmoid model.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from gradbook import descent
from gradbook import regression as rg

#: The report's printed results (w, b, loss), quoted from its House-prices chapter.
REPORT = {
    "linear": (2.939305864784624, -3.2979591578193053, 1.103000695674468),
    "sigmoid": (1.1346469402126882, -4.6482628586296135, 0.014018127818400896),
    "cubic": (0.141346153846152, 0.5163461538462171, 0.013832747781064567),
}

#: Start, learning rate and step budget of each run; every run starts at (0, 0).
START = (0.0, 0.0)
OURS_LR = {"linear": 0.1, "sigmoid": 0.005, "cubic": 6e-4}
REPORT_RULE_LR = {"linear": 0.1, "sigmoid": 0.01, "cubic": 5e-3}
MAX_STEPS = 200_000
TOL = 1e-10


@dataclass(frozen=True)
class Point:
    w: float
    b: float

    def loss(self, model: rg.Model) -> float:
        return rg.loss(model, self.w, self.b)

    def grad_norm(self, model: rg.Model) -> float:
        return float(np.linalg.norm(rg.gradient(model, self.w, self.b)))


@functools.cache
def ours(name: str) -> descent.History:
    return rg.gradient_descent(rg.MODELS[name], *START, OURS_LR[name],
                               max_steps=MAX_STEPS, tol=TOL)


@functools.cache
def report_rule(name: str) -> descent.History:
    return rg.gradient_descent(rg.MODELS[name], *START, REPORT_RULE_LR[name],
                               max_steps=MAX_STEPS, tol=TOL, rule=rg.report_gradient)


@functools.cache
def optimum(name: str) -> tuple[Point, str]:
    """The independent optimum and how it was found."""
    model = rg.MODELS[name]
    if model.feature is not None:
        return Point(*rg.least_squares(model.feature)), "closed form"
    result = minimize(lambda p: rg.loss(model, p[0], p[1]), x0=np.array(START),
                      method="Nelder-Mead",
                      options={"xatol": 1e-12, "fatol": 1e-18, "maxiter": 20_000,
                               "maxfev": 40_000})
    if not result.success:
        raise RuntimeError(f"Nelder–Mead did not converge: {result.message}")
    return Point(*result.x), "Nelder–Mead"


def final(history: descent.History) -> Point:
    return Point(float(history["w"][-1]), float(history["b"][-1]))


def report_point(name: str) -> Point:
    w, b, _ = REPORT[name]
    return Point(w, b)


def best_model() -> str:
    """The model with the lowest MSE at its true optimum."""
    return min(rg.MODELS, key=lambda n: optimum(n)[0].loss(rg.MODELS[n]))
