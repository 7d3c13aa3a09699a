"""Tests for gradbook.gradcheck: central differences and the gradient check."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradbook.activations import sigmoid, sigmoid_grad
from gradbook.gradcheck import GradientMismatch, check_gradient, numerical_gradient

SETTINGS = settings(max_examples=60, deadline=None)
entries = st.floats(-3.0, 3.0, allow_nan=False, allow_subnormal=False)


def quadratic(n):
    """A random quadratic f(p) = p.A.p + c.p + d with its exact gradient."""
    return st.tuples(
        st.lists(entries, min_size=n * n, max_size=n * n),
        st.lists(entries, min_size=n, max_size=n),
        st.lists(entries, min_size=n, max_size=n),
    )


@SETTINGS
@given(st.integers(1, 5).flatmap(lambda n: quadratic(n)))
def test_exact_for_quadratics(data):
    a, c, p = data
    n = len(c)
    A, c, p = np.reshape(a, (n, n)), np.array(c), np.array(p)

    def f(q):
        return q @ A @ q + c @ q + 1.5

    def grad(q):
        return (A + A.T) @ q + c

    # The h**2 term of a quadratic is zero: only round-off is left, about
    # eps * (size of the terms of f) / h, a few 1e-10 for terms of order 1.
    size = 1.5 + np.abs(p) @ np.abs(A) @ np.abs(p) + np.abs(c) @ np.abs(p)
    roundoff = 1e-9 * size
    np.testing.assert_allclose(numerical_gradient(f, p), grad(p), rtol=0, atol=roundoff)
    check_gradient(f, grad, p, atol=roundoff)


def test_quadratic_error_is_round_off_only():
    A = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, -0.3], [0.0, -0.3, 3.0]])
    c = np.array([1.0, -2.0, 0.5])
    p = np.array([0.4, -1.1, 0.8])
    err = check_gradient(lambda q: q @ A @ q + c @ q, lambda q: 2 * A @ q + c, p)
    assert err < 1e-9


def test_missing_factor_two_is_caught():
    def f(p):
        return np.sum(p**2)

    with pytest.raises(GradientMismatch) as info:
        check_gradient(f, lambda p: p, np.array([1.0, -2.0, 3.0]))
    message = str(info.value)
    assert "analytic" in message and "numerical" in message
    assert "relative error 0.5" in message
    # every component is listed with its analytic and numerical value
    for a, n in [(1, 2), (-2, -4), (3, 6)]:
        rows = [line.split()[1:3] for line in message.splitlines()]
        assert [str(a), str(n)] in rows


def test_missing_sigmoid_chain_factor_is_caught():
    x = np.array([1.0, 2.0, 3.0, 4.0])

    def f(p):
        return np.sum(sigmoid(p[0] * x + p[1]))

    def right(p):
        s = sigmoid_grad(p[0] * x + p[1])
        return np.array([np.sum(s * x), np.sum(s)])

    def wrong(p):  # forgot d sigma / da
        return np.array([np.sum(x), float(x.size)])

    p = np.array([0.7, -1.2])
    assert check_gradient(f, right, p) < 1e-8
    with pytest.raises(GradientMismatch):
        check_gradient(f, wrong, p)


def test_gradient_mismatch_is_an_assertion_error():
    assert issubclass(GradientMismatch, AssertionError)
    with pytest.raises(AssertionError):
        check_gradient(lambda p: p[0] ** 3, lambda p: 2 * p, [1.0])


def test_nan_in_analytic_gradient_is_a_mismatch():
    with pytest.raises(GradientMismatch):
        check_gradient(lambda p: p[0] ** 2, lambda p: np.array([np.nan]), [1.0])


def test_small_relative_error_passes_large_fails():
    def f(p):
        return np.sum(p**2)

    p = np.array([1.0, 2.0])
    err = check_gradient(f, lambda q: 2 * q * (1 + 1e-7), p)  # 1e-7 relative
    assert err == pytest.approx(1e-7, rel=1e-2)
    with pytest.raises(GradientMismatch):
        check_gradient(f, lambda q: 2 * q * (1 + 1e-5), p)
    check_gradient(f, lambda q: 2 * q * (1 + 1e-5), p, rtol=1e-4)  # looser: passes


def test_components_near_zero_are_compared_absolutely():
    # at the minimum the true gradient is 0; round-off must not count as error
    def f(p):
        return (p[0] - 0.1) ** 2 + 1e3

    assert check_gradient(f, lambda p: 2 * (p - 0.1), [0.1]) <= 1e-6
    with pytest.raises(GradientMismatch):
        check_gradient(f, lambda p: 2 * (p - 0.1) + 1e-6, [0.1])


def test_error_shrinks_like_h_squared():
    def f(p):
        return math.sin(p[0])

    x = 1.0

    def error(h):
        return abs(numerical_gradient(f, [x], h)[0] - math.cos(x))

    # Taylor: error = h**2 / 6 * |f'''(x)| = h**2 / 6 * cos(x), to leading order
    for h in [1e-2, 1e-3]:
        assert error(h) / h**2 == pytest.approx(math.cos(x) / 6, rel=1e-3)
    assert error(1e-2) / error(1e-3) == pytest.approx(100, rel=0.01)
    # a one-sided difference is only O(h): central is far better at equal h
    forward = abs((math.sin(x + 1e-3) - math.sin(x)) / 1e-3 - math.cos(x))
    assert forward > 1000 * error(1e-3)


def test_params_are_never_modified():
    p = np.array([1.0, 2.0, 3.0])

    def vandal(q):  # a function that scribbles on its argument
        value = np.sum(q**2)
        q[:] = 99.0
        return value

    np.testing.assert_allclose(numerical_gradient(vandal, p), 2 * p, rtol=1e-8)
    check_gradient(vandal, lambda q: 2 * q, p)
    np.testing.assert_array_equal(p, [1.0, 2.0, 3.0])


def test_integer_params_are_accepted_and_give_floats():
    g = numerical_gradient(lambda q: q[0] * q[1], [2, 3])
    assert g.dtype == float
    np.testing.assert_allclose(g, [3.0, 2.0], rtol=1e-9)


def test_grad_shape_mismatch_is_a_value_error():
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(2,\)"):
        check_gradient(lambda p: np.sum(p**2), lambda p: np.zeros(3), [1.0, 2.0])
    with pytest.raises(ValueError, match="shape"):
        check_gradient(lambda p: np.sum(p**2), lambda p: 2.0, [1.0, 2.0])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"params": [[1.0, 2.0]]}, "1-D"),
        ({"params": [1.0, np.nan]}, "finite"),
        ({"h": 0.0}, "h must be"),
        ({"h": -1e-6}, "h must be"),
        ({"f": lambda p: p}, "scalar"),
    ],
)
def test_numerical_gradient_validation(kwargs, match):
    args = {"f": lambda p: np.sum(p**2), "params": [1.0, 2.0]} | kwargs
    with pytest.raises(ValueError, match=match):
        numerical_gradient(**args)


@pytest.mark.parametrize("kwargs", [{"rtol": 0.0}, {"rtol": -1.0}, {"atol": -1.0}])
def test_check_gradient_tolerance_validation(kwargs):
    with pytest.raises(ValueError, match="tol must be"):
        check_gradient(lambda p: np.sum(p**2), lambda p: 2 * p, [1.0], **kwargs)


# --- regressions found by fuzzing ----------------------------------------------


def test_step_too_small_to_move_a_parameter_is_an_error_not_nan():
    with pytest.raises(ValueError, match=r"h = 1e-300 is too small for params\[0\] = 1.0"):
        numerical_gradient(lambda p: np.sum(p**2), [1.0, 2.0], h=1e-300)
    with pytest.raises(ValueError, match=r"h = 1e\+308 is too large"):
        numerical_gradient(lambda p: np.sum(p), [1e308], h=1e308)


def test_infinite_tolerance_floor_is_refused():
    # atol / rtol = inf used to make every error 0: a wrong gradient passed with 0.0
    f = lambda p: np.sum(p**2)  # noqa: E731
    with pytest.raises(ValueError, match="atol / rtol must be finite"):
        check_gradient(f, lambda p: p, [1.0, 2.0], atol=1e308, rtol=1e-308)


def test_f_and_grad_are_checked_before_use():
    with pytest.raises(TypeError, match="f must be callable"):
        numerical_gradient(None, [1.0])
    with pytest.raises(TypeError, match="grad must be callable"):
        check_gradient(np.sum, None, [1.0])
    with pytest.raises(ValueError, match="f must be finite near params"):
        numerical_gradient(lambda p: np.nan, [1.0])
    with pytest.raises(TypeError, match="grad must return an array of real numbers"):
        check_gradient(np.sum, lambda p: "x", [1.0])


def test_zero_components_with_zero_atol_do_not_warn():
    assert check_gradient(lambda p: 0.0, lambda p: np.zeros(2), [1.0, 2.0], atol=0.0) == 0.0
