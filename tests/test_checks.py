"""The derivative checks behind the /checks/ page.

Every ``Derivative`` a chapter module lists in ``DERIVATIVES`` must simplify
(SymPy) to the closed form its page states and agree with the implementation
in ``src/`` at random points; a wrong closed form or a wrong implementation
must be caught.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

from chapters import checks

ROWS = checks.collect()


def test_there_are_rows_from_the_chapters():
    names = [d.name for _, d in ROWS]
    assert "σ′(a)" in names
    assert len(names) == len(set(names)), "two derivatives share a name"
    for module, d in ROWS:
        assert d.derived_at.split("#")[0].endswith(".md") and "#" in d.derived_at, d.name
        assert d.tex.strip() and not d.tex.strip().startswith("$"), d.name


@pytest.mark.parametrize("derivative", [d for _, d in ROWS], ids=lambda d: d.name)
def test_symbolic_derivative_agrees_with_the_implementation(derivative):
    result = checks.check(derivative, seed=1)
    assert result.simplifies, f"{derivative.name}: does not simplify to the stated closed form"
    assert result.symbolic_error <= 1e-12, result.symbolic_error
    assert result.numeric_error <= 1e-6, result.numeric_error
    assert result.ok


@pytest.mark.parametrize("derivative", [d for _, d in ROWS], ids=lambda d: d.name)
def test_symbolic_derivative_matches_the_code_at_independent_points(derivative):
    """An oracle of our own: SymPy's derivative, evaluated exactly, at other random points."""
    names = derivative.symbols.split()
    syms = {n: sp.Symbol(n, real=True) for n in names}
    wrt = [syms[n] for n in derivative.wrt.split()]
    jac = sp.Matrix(derivative.function(syms)).jacobian(wrt)
    rng = np.random.default_rng(12345)
    for _ in range(5):
        p = np.asarray(derivative.sample(rng), dtype=float)
        exact = np.array(jac.subs({syms[n]: sp.Float(v, 30) for n, v in zip(names, p)})
                         .evalf(30), dtype=float)
        ours = np.asarray(derivative.numeric_df(p), dtype=float).reshape(exact.shape)
        scale = np.maximum(np.abs(exact), 1e-12)
        assert np.max(np.abs(ours - exact) / scale) <= 1e-12


def _sigma_row():
    return next(d for _, d in ROWS if d.name == "σ′(a)")


def test_a_wrong_closed_form_is_caught():
    d = dataclasses.replace(_sigma_row(), closed_form=lambda s: sp.Matrix(
        [[1 / (1 + sp.exp(-s["a"])) ** 2]]))  # sigma squared, not sigma (1 - sigma)
    result = checks.check(d)
    assert not result.simplifies and not result.ok
    assert "does not simplify" in checks.describe_failure(result)


def test_a_wrong_implementation_is_caught():
    from gradbook.activations import sigmoid

    d = dataclasses.replace(_sigma_row(), numeric_df=lambda p: [[sigmoid(p[0])]])
    result = checks.check(d)
    assert result.simplifies  # the closed form is still right ...
    assert result.symbolic_error > 1e-3 and result.numeric_error > 1e-3  # ... the code is not
    assert not result.ok
    assert "differs from SymPy" in checks.describe_failure(result)


def test_an_implementation_off_by_rounding_only_passes():
    """The tolerance is relative: a last-bit difference is not a failure."""
    base = _sigma_row()
    d = dataclasses.replace(base, numeric_df=lambda p: np.asarray(base.numeric_df(p)) * (1 + 1e-15))
    assert checks.check(d).ok


def test_a_failing_row_fails_the_page(monkeypatch):
    bad = dataclasses.replace(_sigma_row(), numeric_df=lambda p: [[0.5]])
    monkeypatch.setattr(checks, "collect", lambda: [("house_prices.py", bad)])
    with pytest.raises(ValueError, match="(?s)1 derivative check\\(s\\) failed:.*σ′\\(a\\)"):
        checks.table()


def test_the_page_has_one_entry_per_derivative():
    page = checks.table()
    entries = page.split("\n### ")
    assert len(entries) == len(ROWS)
    for (_, d), entry in zip(ROWS, entries):
        assert entry.removeprefix("### ").startswith(d.name + "\n")
        assert f"]({d.derived_at}):" in entry
        assert f"$$\n{d.tex}\n$$" in entry
        assert "closed form: **yes**" in entry
