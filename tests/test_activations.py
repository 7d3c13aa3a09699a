"""Tests for gradbook.activations: the stable sigmoid and its derivative."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradbook.activations import sigmoid, sigmoid_grad

SETTINGS = settings(max_examples=100, deadline=None)
reals = st.floats(-1e4, 1e4, allow_nan=False, allow_subnormal=False)
moderate = st.floats(-30.0, 30.0, allow_nan=False, allow_subnormal=False)


def naive(a):
    """The textbook formula; only safe where exp(-a) does not overflow."""
    return 1.0 / (1.0 + math.exp(-a))


# --- sigmoid -----------------------------------------------------------------


def test_sigmoid_of_zero_is_one_half():
    assert sigmoid(0.0) == 0.5
    assert sigmoid(0) == 0.5


@SETTINGS
@given(reals)
def test_symmetry(a):
    assert sigmoid(-a) == pytest.approx(1.0 - sigmoid(a), abs=4e-16)


@SETTINGS
@given(st.lists(reals, min_size=2, max_size=50))
def test_monotone_and_in_unit_interval(values):
    a = np.sort(np.array(values))
    s = sigmoid(a)
    assert np.all(np.diff(s) >= 0)
    assert np.all((s >= 0) & (s <= 1))


def test_strictly_increasing_where_representable():
    s = sigmoid(np.linspace(-30, 30, 10_001))
    assert np.all(np.diff(s) > 0)


@SETTINGS
@given(st.floats(-700.0, 700.0))
def test_matches_textbook_formula_where_it_is_safe(a):
    assert sigmoid(a) == pytest.approx(naive(a), rel=1e-13, abs=0)


def test_extremes_are_finite_without_warnings():
    # pyproject turns every warning into an error, so an overflow would fail here
    s = sigmoid(np.array([-1000.0, 1000.0, -1e308, 1e308, -np.inf, np.inf]))
    np.testing.assert_array_equal(s, [0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    assert sigmoid(-1000) == 0.0 and sigmoid(1000) == 1.0
    assert sigmoid(-700.0) > 0  # tiny but not rounded to 0: e^-700 ~ 1e-304


def test_scalars_give_floats_and_arrays_keep_their_shape():
    s = sigmoid(1.5)
    assert isinstance(s, float) and np.ndim(s) == 0
    assert isinstance(sigmoid(2), float)  # ints are accepted
    a = np.arange(-3.0, 3.0).reshape(2, 3)
    out = sigmoid(a)
    assert isinstance(out, np.ndarray) and out.shape == (2, 3)
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-a)), rtol=1e-15)
    np.testing.assert_allclose(sigmoid([0, 1]), [0.5, naive(1.0)], rtol=1e-15)


def test_input_is_not_modified():
    a = np.array([-2.0, 0.0, 2.0])
    sigmoid(a)
    sigmoid_grad(a)
    np.testing.assert_array_equal(a, [-2.0, 0.0, 2.0])


@pytest.mark.parametrize(
    "bad", ["1.0", None, 1 + 2j, [1.0, "a"], {"a": 1}, [[1], [1, 2]]]
)
def test_non_numeric_input_is_a_type_error(bad):
    with pytest.raises(TypeError, match="real numbers"):
        sigmoid(bad)
    with pytest.raises(TypeError, match="real numbers"):
        sigmoid_grad(bad)


# --- sigmoid_grad ------------------------------------------------------------


@SETTINGS
@given(moderate)
def test_sigmoid_grad_matches_central_differences(a):
    h = 1e-5
    numerical = (sigmoid(a + h) - sigmoid(a - h)) / (2 * h)
    assert sigmoid_grad(a) == pytest.approx(numerical, rel=1e-6, abs=1e-10)


@SETTINGS
@given(st.floats(-20.0, 20.0))
def test_sigmoid_grad_is_sigma_times_one_minus_sigma(a):
    s = naive(a)
    assert sigmoid_grad(a) == pytest.approx(s * (1 - s), rel=1e-6)


def test_sigmoid_grad_peaks_at_one_quarter_at_zero():
    a = np.linspace(-10, 10, 2001)  # contains 0 exactly
    g = sigmoid_grad(a)
    assert sigmoid_grad(0.0) == 0.25
    assert g.max() == 0.25 and a[np.argmax(g)] == 0.0
    assert np.all(g[a != 0] < 0.25)


@SETTINGS
@given(reals)
def test_sigmoid_grad_is_even_and_in_range(a):
    assert sigmoid_grad(a) == sigmoid_grad(-a)
    assert 0.0 <= sigmoid_grad(a) <= 0.25


def test_sigmoid_grad_tails():
    np.testing.assert_array_equal(sigmoid_grad([-1000.0, 1000.0]), [0.0, 0.0])
    # 1 - sigma(40) rounds to 0, but the derivative keeps its precision
    assert sigmoid_grad(40.0) == pytest.approx(math.exp(-40.0), rel=1e-12)
