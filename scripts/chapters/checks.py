"""Every analytic derivative in ``src/``, checked three ways.

A chapter module lists the derivatives its page derives as ``DERIVATIVES``, a
list of :class:`Derivative`. Each one is checked

1. **symbolically**: SymPy differentiates a symbolic form of the function, and
   the result must simplify to the closed form the page states;
2. **against the code**: the implementation in ``src/`` must agree with SymPy's
   derivative at random points (relative error at most ``SYMBOLIC_RTOL``);
3. **against central differences** of the implementation's own function
   (`gradbook.gradcheck.numerical_gradient`), at the same points.

The ``/checks/`` page is one row per derivative, computed at build time; a
failing row fails the build. ``tests/test_checks.py`` runs the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp

from gradbook.gradcheck import numerical_gradient

SYMBOLIC_RTOL = 1e-12
POINTS = 25  # random points per derivative


@dataclass(frozen=True)
class Derivative:
    """One analytic derivative and everything needed to check it.

    Attributes
    ----------
    name : str
        A short label, e.g. ``"σ′(a)"``.
    derived_at : str
        Where a page derives it: ``"house-prices.md#the-sigmoid-model"``.
    tex : str
        The closed form as the page states it (TeX, no delimiters).
    symbols : str
        Names of all inputs, in order, separated by spaces (``"a"``,
        ``"t0 t1 t2 l0 l1 l2"``). A random point gives a value to each.
    wrt : str
        The inputs to differentiate by, separated by spaces.
    function : callable
        ``dict name -> sympy.Symbol`` to the list of the function's outputs as
        SymPy expressions (one for a scalar function).
    closed_form : callable
        ``dict name -> sympy.Symbol`` to the stated derivative, a SymPy
        ``Matrix`` of shape (outputs, len(wrt)).
    numeric_f : callable
        A point (1-D float array over ``symbols``) to the outputs computed by
        the code in ``src/`` (1-D array).
    numeric_df : callable
        A point to the derivative computed by the code in ``src/``, shape
        (outputs, len(wrt)).
    sample : callable
        ``numpy.random.Generator`` to a random point (avoid kinks).
    """

    name: str
    derived_at: str
    tex: str
    symbols: str
    wrt: str
    function: Callable
    closed_form: Callable
    numeric_f: Callable
    numeric_df: Callable
    sample: Callable


@dataclass(frozen=True)
class Result:
    derivative: Derivative
    simplifies: bool
    symbolic_error: float  # largest relative error, code vs SymPy
    numeric_error: float  # largest relative error, code vs central differences

    @property
    def ok(self) -> bool:
        return self.simplifies and self.symbolic_error <= SYMBOLIC_RTOL and self.numeric_error <= 1e-6


def _rel(a: np.ndarray, b: np.ndarray, floor: float = 1e-12) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float(np.max(np.abs(a - b) / scale, initial=0.0))


def check(d: Derivative, seed: int = 0, points: int = POINTS) -> Result:
    """Run the three checks of ``d`` at ``points`` seeded random points."""
    names = d.symbols.split()
    syms = {n: sp.Symbol(n, real=True) for n in names}
    wrt = [syms[n] for n in d.wrt.split()]
    index = [names.index(n) for n in d.wrt.split()]
    outputs = sp.Matrix(d.function(syms))
    jac = outputs.jacobian(wrt)
    stated = sp.Matrix(d.closed_form(syms))
    if stated.shape != jac.shape:
        raise ValueError(f"{d.name}: the closed form has shape {stated.shape}, "
                         f"the derivative {jac.shape}")
    simplifies = all(sp.simplify(e) == 0 for e in (jac - stated))
    jac_f = sp.lambdify([syms[n] for n in names], jac, "numpy")
    rng = np.random.default_rng(seed)
    sym_err = num_err = 0.0
    for _ in range(points):
        p = np.asarray(d.sample(rng), dtype=float)
        ours = np.asarray(d.numeric_df(p), dtype=float).reshape(jac.shape)
        exact = np.asarray(jac_f(*p), dtype=float).reshape(jac.shape)
        sym_err = max(sym_err, _rel(ours, exact))
        numeric = np.empty(jac.shape)
        for i in range(jac.shape[0]):
            def f_i(q, i=i):
                full = p.copy()
                full[index] = q
                return float(np.ravel(d.numeric_f(full))[i])
            numeric[i] = numerical_gradient(f_i, p[index])
        num_err = max(num_err, _rel(ours, numeric, floor=1e-8))
    return Result(d, simplifies, sym_err, num_err)
