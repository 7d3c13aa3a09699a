"""Tests for gradbook.activations: sigmoid, tanh, ReLU, LeakyReLU, |a| and their slopes."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradbook.activations import (
    abs_grad,
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)

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


# --- input validation shared by every function --------------------------------

ALL = [sigmoid, sigmoid_grad, tanh, tanh_grad, relu, relu_grad, leaky_relu,
       leaky_relu_grad, abs_grad]
EXTREMES = np.array([-np.inf, -1e308, -1000.0, -1.0, -0.0, 0.0, 1.0, 1000.0, 1e308, np.inf])


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", [np.nan, [1.0, np.nan], np.array([[0.0], [np.nan]])])
def test_nan_is_a_value_error_naming_the_function(f, bad):
    with pytest.raises(ValueError, match=rf"{f.__name__}: a must not contain NaN"):
        f(bad)


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", ["1.0", None, True, [True, False], 1 + 2j, [[1], [1, 2]]])
def test_non_real_input_is_a_type_error_naming_the_function(f, bad):
    with pytest.raises(TypeError, match=rf"{f.__name__}: a must be real numbers"):
        f(bad)


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.__name__)
def test_extremes_give_no_warning_and_no_nan(f):
    # filterwarnings = error: any overflow/invalid warning fails the test
    out = f(EXTREMES)
    assert out.shape == EXTREMES.shape and not np.any(np.isnan(out))
    inner = f(EXTREMES[1:-1])  # finite in, finite out
    assert np.all(np.isfinite(inner))
    assert isinstance(f(2), float) and isinstance(f(-2.5), float)  # scalars stay scalars


@pytest.mark.parametrize("f", [leaky_relu, leaky_relu_grad], ids=lambda f: f.__name__)
@pytest.mark.parametrize("alpha, error", [
    (0.0, ValueError), (-0.1, ValueError), (1.5, ValueError), (np.nan, ValueError),
    (np.inf, ValueError), ("0.1", TypeError), (None, TypeError), (True, TypeError),
    (1j, TypeError),
])
def test_bad_alpha_is_rejected_by_name(f, alpha, error):
    with pytest.raises(error, match="alpha"):
        f(1.0, alpha)


# --- tanh ----------------------------------------------------------------------


def test_tanh_is_exact_at_zero():
    assert tanh(0.0) == 0.0 and not np.signbit(tanh(0.0))
    assert tanh(0) == 0.0
    assert tanh_grad(0.0) == 1.0 and tanh_grad(-0.0) == 1.0


def test_tanh_limits():
    np.testing.assert_array_equal(tanh([-np.inf, -1e308, -1000.0, 1000.0, 1e308, np.inf]),
                                  [-1.0, -1.0, -1.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(tanh_grad([-np.inf, -1e308, -1000.0, 1000.0, 1e308, np.inf]),
                                  np.zeros(6))


@SETTINGS
@given(st.floats(allow_nan=False))
def test_tanh_is_odd_bit_for_bit(a):
    assert np.float64(tanh(-a)).tobytes() == np.float64(-tanh(a)).tobytes()
    assert np.float64(tanh_grad(-a)).tobytes() == np.float64(tanh_grad(a)).tobytes()


@SETTINGS
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_tanh_and_its_slope_stay_in_range(a):
    assert -1.0 <= tanh(a) <= 1.0
    assert 0.0 <= tanh_grad(a) <= 1.0


@SETTINGS
@given(st.floats(-700.0, 700.0))
def test_tanh_matches_math_tanh(a):
    assert tanh(a) == pytest.approx(math.tanh(a), rel=5e-16, abs=0)  # within 2 ulp


@SETTINGS
@given(st.floats(-300.0, 300.0))
def test_tanh_is_a_stretched_sigmoid(a):
    # tanh(a) = 2 sigma(2a) - 1; the right side loses digits near 0 (cancellation)
    assert tanh(a) == pytest.approx(2.0 * sigmoid(2.0 * a) - 1.0, rel=1e-14, abs=5e-16)


@SETTINGS
@given(st.floats(-8.0, 8.0))
def test_tanh_grad_matches_central_differences(a):
    h = 1e-5
    numerical = (tanh(a + h) - tanh(a - h)) / (2 * h)
    assert tanh_grad(a) == pytest.approx(numerical, rel=1e-6, abs=1e-10)


@SETTINGS
@given(st.floats(-15.0, 15.0))
def test_tanh_grad_is_one_minus_tanh_squared(a):
    t = math.tanh(a)
    assert tanh_grad(a) == pytest.approx(1.0 - t * t, rel=1e-8, abs=1e-15)


@SETTINGS
@given(st.floats(20.0, 350.0))
def test_tanh_grad_keeps_precision_in_the_tails(a):
    # 1 - tanh(a)**2 computed literally is exactly 0 here; the slope is 4 e^-2a
    assert 1.0 - math.tanh(a) ** 2 == 0.0
    assert tanh_grad(a) == pytest.approx(4.0 * math.exp(-2.0 * a), rel=1e-13)
    assert tanh_grad(-a) == tanh_grad(a) > 0


def test_textbook_tanh_would_overflow():
    # the reason tanh is not computed as (e^a - e^-a) / (e^a + e^-a)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.array([1000.0]))
        textbook = (e - 1 / e) / (e + 1 / e)
    assert np.isnan(textbook[0])
    assert tanh(1000.0) == 1.0


# --- ReLU and LeakyReLU ---------------------------------------------------------

away_from_zero = st.one_of(st.floats(1e-3, 1e3), st.floats(-1e3, -1e-3))
alphas = st.floats(0.01, 1.0)


@SETTINGS
@given(st.floats(allow_nan=False), alphas)
def test_relu_and_leaky_relu_are_max_forms(a, alpha):
    assert relu(a) == max(a, 0.0)
    assert leaky_relu(a, alpha) == (a if a > 0 else alpha * a)
    if np.isfinite(a):
        assert leaky_relu(a, alpha) == pytest.approx(max(a, alpha * a), rel=1e-15)


@SETTINGS
@given(away_from_zero, alphas)
def test_piecewise_linear_grads_match_central_differences(a, alpha):
    h = 1e-4 * min(1.0, abs(a))  # never crosses the kink
    for f, g in ((relu, relu_grad),
                 (lambda v: leaky_relu(v, alpha), lambda v: leaky_relu_grad(v, alpha))):
        numerical = (f(a + h) - f(a - h)) / ((a + h) - (a - h))
        assert g(a) == pytest.approx(numerical, rel=1e-9, abs=1e-12)
    numerical = (abs(a + h) - abs(a - h)) / ((a + h) - (a - h))
    assert abs_grad(a) == pytest.approx(numerical, rel=1e-9)


def test_conventions_at_zero():
    assert relu_grad(0.0) == 0.0 and relu_grad(-0.0) == 0.0  # like PyTorch
    assert leaky_relu_grad(0.0) == 0.1  # the report: x <= 0 -> alpha
    assert leaky_relu_grad(0.0, alpha=0.3) == 0.3
    assert abs_grad(0.0) == 0.0 and abs_grad(-0.0) == 0.0  # np.sign(0), smallest subgradient
    # no negative zeros come out
    for f in (relu, leaky_relu, abs_grad):
        assert not np.signbit(f(-0.0))
    assert not np.any(np.signbit(leaky_relu(np.array([-0.0, -5e-324]))))


@SETTINGS
@given(st.floats(-1e6, 1e6), alphas)
def test_values_at_zero_are_subgradients(b, alpha):
    # a convex f has subgradient g at 0 iff f(b) >= f(0) + g * b for every b
    assert relu(b) >= relu(0.0) + relu_grad(0.0) * b
    assert relu(b) >= relu(0.0) + 1.0 * b  # the report's choice 1 is one too
    assert leaky_relu(b, alpha) >= leaky_relu(0.0, alpha) + leaky_relu_grad(0.0, alpha) * b
    assert abs(b) >= 0.0 + abs_grad(0.0) * b


def test_relu_is_leaky_relu_in_the_limit_alpha_to_zero():
    a = np.array([-3.0, -1e-3, 0.0, 1e-3, 3.0])
    tiny = 1e-300
    np.testing.assert_allclose(leaky_relu(a, tiny), relu(a), atol=1e-299)
    np.testing.assert_allclose(leaky_relu_grad(a, tiny), relu_grad(a), atol=1e-299)


def test_piecewise_functions_on_arrays():
    a = np.array([[-2.0, -0.5], [0.0, 3.0]])
    np.testing.assert_array_equal(relu(a), [[0.0, 0.0], [0.0, 3.0]])
    np.testing.assert_array_equal(relu_grad(a), [[0.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(leaky_relu(a, 0.25), [[-0.5, -0.125], [0.0, 3.0]])
    np.testing.assert_array_equal(leaky_relu_grad(a, 0.25), [[0.25, 0.25], [0.25, 1.0]])
    np.testing.assert_array_equal(abs_grad(a), [[-1.0, -1.0], [0.0, 1.0]])
    np.testing.assert_array_equal(a, [[-2.0, -0.5], [0.0, 3.0]])  # input untouched


# --- the report's slips about these derivatives ------------------------------------------


def test_abs_is_the_root_of_the_square_not_the_root():
    # The report writes |a| = sqrt(a); it means sqrt(a**2) = (a**2)**(1/2), its next step.
    assert math.sqrt(4.0) == 2.0 != abs(4.0)
    with pytest.raises(ValueError):
        math.sqrt(-1.0)  # |-1| = 1, but sqrt(-1) is no real number
    for a in (-3.0, -0.5, 0.25, 2.0):
        assert math.sqrt(a * a) == abs(a)
    # and their slopes differ: d sqrt(a)/da = 1 / (2 sqrt(a)), d|a|/da = sign(a)
    h, a = 1e-6, 4.0
    assert (math.sqrt(a + h) - math.sqrt(a - h)) / (2 * h) == pytest.approx(0.25, rel=1e-8)
    assert abs_grad(a) == 1.0
    for a in (-3.0, -0.5, 0.25, 2.0):  # sqrt(a**2) has the slope a / |a|
        numeric = (math.sqrt((a + h) ** 2) - math.sqrt((a - h) ** 2)) / (2 * h)
        assert numeric == pytest.approx(a / abs(a), rel=1e-8) and abs_grad(a) == a / abs(a)


def _u(x):
    return math.exp(x) + math.exp(-x)  # the report's denominator, e^x + e^-x


def _v(x):
    return math.exp(x) - math.exp(-x)  # its numerator, e^x - e^-x


def _d(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize("x", [-2.0, -0.7, 0.4, 1.3, 2.5])
def test_report_tanh_middle_step_differentiates_the_reciprocal_twice(x):
    # The report's middle line: d v/d v * d v/dx * u^-1 + v * d(u^-1)/du * d(u^-1)/dx.
    # The chain rule needs du/dx as the last factor; the report writes d(u^-1)/dx.
    first = 1.0 * _d(_v, x) / _u(x)  # d v/d v = 1, d v/dx = u: this term is 1
    d_recip_du = -_u(x) ** -2  # d(u^-1)/du
    written = first + _v(x) * d_recip_du * _d(lambda t: 1.0 / _u(t), x)
    chain_rule = first + _v(x) * d_recip_du * _d(_u, x)
    assert first == pytest.approx(1.0, rel=1e-8)
    assert chain_rule == pytest.approx(tanh_grad(x), rel=1e-7, abs=1e-9)
    # as written the line is 1 + v^2 / u^4, not tanh'(x) = 1 - v^2 / u^2
    assert written == pytest.approx(1 + _v(x) ** 2 / _u(x) ** 4, rel=1e-7)
    assert written > 1.0 >= tanh_grad(x) and written - tanh_grad(x) > 0.05


@SETTINGS
@given(st.floats(-15.0, 15.0))
def test_report_tanh_final_line_is_one_minus_tanh_squared(x):
    # its last line, 1 - (e^x - e^-x)^2 (e^x + e^-x)^-2, is right: it is 1 - tanh^2(x)
    final_line = 1 - _v(x) ** 2 * _u(x) ** -2
    assert final_line == pytest.approx(1 - math.tanh(x) ** 2, rel=1e-6, abs=1e-12)
    assert final_line == pytest.approx(tanh_grad(x), rel=1e-6, abs=1e-12)


@SETTINGS
@given(st.floats(-15.0, 15.0))
def test_tanh_slope_follows_from_the_sigmoid_slope(a):
    # tanh(a) = 2 sigma(2a) - 1, so tanh'(a) = 2 * sigma'(2a) * 2 = 4 sigma(2a)(1 - sigma(2a))
    assert tanh_grad(a) == pytest.approx(4.0 * sigmoid_grad(2.0 * a), rel=1e-12, abs=1e-300)
    s = sigmoid(2.0 * a)
    assert 4.0 * s * (1.0 - s) == pytest.approx(1.0 - math.tanh(a) ** 2, rel=1e-6, abs=1e-12)


@SETTINGS
@given(st.floats(allow_nan=False, allow_infinity=False), alphas)
def test_leaky_relu_slope_never_vanishes_tanh_slope_only_far_out(a, alpha):
    # a LeakyReLU passes at least alpha of the gradient everywhere; ReLU passes none for a <= 0
    assert leaky_relu_grad(a, alpha) >= alpha > 0
    assert relu_grad(a) == (1.0 if a > 0 else 0.0)
    # tanh' = 4 e^-2|a| / (1 + e^-2|a|)^2 is positive until it underflows, past |a| = 372
    if abs(a) <= 370.0:
        assert tanh_grad(a) > 0.0
    if abs(a) >= 373.0:
        assert tanh_grad(a) == 0.0
