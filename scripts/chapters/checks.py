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

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import sympy as sp

from engine import value
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


# --- the /checks/ page -------------------------------------------------------------

CHAPTERS = Path(__file__).resolve().parent


def collect() -> list[tuple[str, Derivative]]:
    """``(module, derivative)`` for the ``DERIVATIVES`` of every chapter module.

    Every ``scripts/chapters/*.py`` except this one is imported here, not at
    the top: chapter modules import :class:`Derivative` from this module.
    """
    found = []
    for path in sorted(CHAPTERS.glob("*.py")):
        if path.stem in ("__init__", "checks"):
            continue
        module = importlib.import_module(f"chapters.{path.stem}")
        listed = getattr(module, "DERIVATIVES", [])
        for d in listed:
            if not isinstance(d, Derivative):
                raise TypeError(f"chapters/{path.name}: DERIVATIVES holds a "
                                f"{type(d).__name__}, not a Derivative")
            found.append((path.name, d))
    return found


def fmt_error(x: float) -> str:
    """A relative error as TeX: ``$3.1 \\times 10^{-8}$``, or ``$0$``."""
    if x == 0:
        return "$0$"
    mantissa, exponent = f"{x:.1e}".split("e")
    return rf"${mantissa} \times 10^{{{int(exponent)}}}$"


def describe_failure(r: Result) -> str:
    d = r.derivative
    problems = []
    if not r.simplifies:
        problems.append("SymPy's derivative does not simplify to the stated closed form")
    if not r.symbolic_error <= SYMBOLIC_RTOL:
        problems.append(f"the code differs from SymPy by {r.symbolic_error:.3g} "
                        f"(allowed {SYMBOLIC_RTOL:g})")
    if not r.numeric_error <= 1e-6:
        problems.append(f"the code differs from central differences by {r.numeric_error:.3g} "
                        f"(allowed 1e-06)")
    return f"{d.name} (derived at {d.derived_at}): " + "; ".join(problems)


def where_derived(d: Derivative) -> str:
    """``Chapter, “Section”`` for a link to where ``d`` is derived.

    A section the page does not have (yet) is named by its anchor; the strict
    build's link validation then fails on the link itself.
    """
    from chapters import errata  # page titles and sections, as the errata page shows them

    page, _, anchor = d.derived_at.partition("#")
    if not (page.endswith(".md") and (errata.DOCS / page).is_file()):
        raise ValueError(f"{d.name}: derived_at must be 'page.md#section' of a page in docs/, "
                         f"got {d.derived_at!r}")
    section = errata.sections(page).get(anchor, f"#{anchor}")
    return f"{errata.title(page.removesuffix('.md'))}, “{section}”"


def row(r: Result) -> str:
    """One derivative's entry: a block that reads on a phone as well as on a desktop."""
    d = r.derivative
    return "\n".join([
        f"### {d.name}",
        "",
        f"Derived in [{where_derived(d)}]({d.derived_at}):",
        "",
        "$$",
        d.tex,
        "$$",
        "",
        f"SymPy's derivative simplifies to this closed form: **{'yes' if r.simplifies else 'no'}**. "
        f"Largest relative error of the code against SymPy: {fmt_error(r.symbolic_error)}; "
        f"against central differences: {fmt_error(r.numeric_error)}.",
        "",
    ])


@value("checks.table")
def table() -> str:
    """One entry per derivative of every chapter; any failing check fails the build."""
    results = [(module, check(d)) for module, d in collect()]
    if not results:
        raise ValueError("no chapter module lists DERIVATIVES")
    failed = [describe_failure(r) for _, r in results if not r.ok]
    if failed:
        raise ValueError(f"{len(failed)} derivative check(s) failed:\n  " + "\n  ".join(failed))
    return "\n".join(row(r) for _, r in results)


@value("checks.summary")
def summary() -> str:
    """How many derivatives, from how many chapters, at how many points."""
    found = collect()
    pages = sorted({d.derived_at.split("#", 1)[0] for _, d in found})
    return (f"{len(found)} derivatives from {len(pages)} "
            f"{'chapter' if len(pages) == 1 else 'chapters'}, each at {POINTS} seeded random points")
