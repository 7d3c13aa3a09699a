"""Tests for gradbook.regression: gradients, gradient descent and the report's error.

Oracles are independent of the code under test: central differences of the
loss (not of the gradient), ``np.polyfit`` and hand-solved normal equations
for the optimum, ``scipy.optimize`` for the sigmoid, second differences of
the loss for the Hessian.
"""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from gradbook.descent import History
from gradbook.gradcheck import GradientMismatch, check_gradient, numerical_gradient
from gradbook.regression import (
    CUBIC,
    FLOORS,
    LINEAR,
    MODELS,
    PRICES,
    SIGMOID,
    SIGMOID_SCALE,
    Model,
    cubic,
    cubic_partials,
    divergence_threshold,
    gradient,
    gradient_descent,
    least_squares,
    linear,
    linear_partials,
    loss,
    mse,
    mse_grad,
    mse_hessian,
    report_gradient,
    scaled_sigmoid,
    scaled_sigmoid_partials,
)

SETTINGS = settings(max_examples=60, deadline=None)
X = np.array([1.0, 2.0, 3.0, 4.0])  # the data, typed out again
Y = np.array([0.7, 1.5, 4.5, 9.5])

# The report's published results (w, b, loss).
REPORT = {
    "linear": (2.939305864784624, -3.2979591578193053, 1.103000695674468),
    "sigmoid": (1.1346469402126882, -4.6482628586296135, 0.014018127818400896),
    "cubic": (0.141346153846152, 0.5163461538462171, 0.013832747781064567),
}

# Parameter ranges where each model's loss is of moderate size.
RANGES = {
    "linear": (st.floats(-5, 5), st.floats(-10, 10)),
    "sigmoid": (st.floats(-3, 3), st.floats(-6, 6)),
    "cubic": (st.floats(-1, 1), st.floats(-6, 6)),
}


def params(name):
    w, b = RANGES[name]
    return st.tuples(w, b)


def as_loss(model):
    return lambda p: loss(model, p[0], p[1])


def as_gradient(model, rule=gradient):
    return lambda p: rule(model, p[0], p[1])


# --- data and MSE ------------------------------------------------------------


def test_data_and_constants():
    np.testing.assert_array_equal(FLOORS, X)
    np.testing.assert_array_equal(PRICES, Y)
    assert SIGMOID_SCALE == 20.0
    assert MODELS == {"linear": LINEAR, "sigmoid": SIGMOID, "cubic": CUBIC}


def test_data_is_read_only():
    with pytest.raises(ValueError, match="read-only"):
        FLOORS[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        PRICES[1:] += 1.0


@SETTINGS
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=10), st.data())
def test_mse_and_its_gradient(y, data):
    y = np.array(y)
    y_hat = np.array(data.draw(st.lists(st.floats(-100, 100), min_size=len(y),
                                        max_size=len(y))))
    assert mse(y_hat, y) == pytest.approx(sum((y_hat - y) ** 2) / len(y), rel=1e-12)
    numerical = numerical_gradient(lambda v: mse(v, y), y_hat, h=1e-4)
    np.testing.assert_allclose(mse_grad(y_hat, y), numerical, rtol=1e-6, atol=1e-6)


def test_mse_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(3,\) and \(4,\)"):
        mse(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"\(2, 2\) and \(4,\)"):
        mse_grad(np.zeros((2, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="empty"):
        mse([], [])


# --- models and their partial derivatives ------------------------------------

PAIRS = {
    "linear": (linear, linear_partials),
    "sigmoid": (scaled_sigmoid, scaled_sigmoid_partials),
    "cubic": (cubic, cubic_partials),
}


def test_models_predict_what_the_chapter_says():
    w, b = 0.8, -1.5
    np.testing.assert_allclose(linear(w, b, X), w * X + b)
    np.testing.assert_allclose(cubic(w, b, X), w * X**3 + b)
    np.testing.assert_allclose(scaled_sigmoid(w, b, X), 20 / (1 + np.exp(-(w * X + b))))
    for name, (predict, partials) in PAIRS.items():
        assert MODELS[name].predict is predict
        assert MODELS[name].partials is partials
    np.testing.assert_array_equal(LINEAR.feature(X), X)
    np.testing.assert_array_equal(CUBIC.feature(X), X**3)
    assert SIGMOID.feature is None


@pytest.mark.parametrize("name", ["linear", "sigmoid", "cubic"])
@SETTINGS
@given(data=st.data())
def test_partials_match_central_differences(name, data):
    predict, partials = PAIRS[name]
    w, b = data.draw(params(name))
    h = 1e-6
    dw = (predict(w + h, b, X) - predict(w - h, b, X)) / (2 * h)
    db = (predict(w, b + h, X) - predict(w, b - h, X)) / (2 * h)
    pw, pb = partials(w, b, X)
    assert pw.shape == X.shape and pb.shape == X.shape
    np.testing.assert_allclose(pw, dw, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(pb, db, rtol=1e-6, atol=1e-7)


def test_partials_have_the_shape_of_x():
    x = np.linspace(0, 1, 6).reshape(2, 3)
    for predict, partials in PAIRS.values():
        assert predict(0.5, 0.1, x).shape == (2, 3)
        assert all(p.shape == (2, 3) for p in partials(0.5, 0.1, x))
    np.testing.assert_array_equal(linear_partials(3.0, 1.0, X)[1], np.ones(4))
    np.testing.assert_array_equal(cubic_partials(3.0, 1.0, X)[1], np.ones(4))


# --- the gradient ------------------------------------------------------------


@pytest.mark.parametrize("name", ["linear", "sigmoid", "cubic"])
@SETTINGS
@given(data=st.data())
def test_gradient_matches_numerical_gradient_of_the_loss(name, data):
    model = MODELS[name]
    p = np.array(data.draw(params(name)))
    assert check_gradient(as_loss(model), as_gradient(model), p) <= 1e-6


def test_gradient_by_hand_at_zero():
    # y_hat = 0 for the linear and cubic models: dL/dw = -(2/N) sum y phi
    db = -2 * np.mean(Y)
    np.testing.assert_allclose(gradient(LINEAR, 0, 0), [-2 * np.mean(Y * X), db])
    np.testing.assert_allclose(gradient(CUBIC, 0, 0), [-2 * np.mean(Y * X**3), db])


@SETTINGS
@given(params("linear"))
def test_report_rule_is_right_for_the_linear_model(p):
    np.testing.assert_allclose(report_gradient(LINEAR, *p), gradient(LINEAR, *p),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["sigmoid", "cubic"])
@pytest.mark.parametrize("p", [(1.0, -4.0), (0.1, 0.5)])
def test_report_rule_is_wrong_for_sigmoid_and_cubic(name, p):
    model = MODELS[name]
    true, reported = gradient(model, *p), report_gradient(model, *p)
    assert np.linalg.norm(true - reported) > 0.1 * np.linalg.norm(true)
    with pytest.raises(GradientMismatch):
        check_gradient(as_loss(model), as_gradient(model, report_gradient), np.array(p))


# --- closed-form optimum -----------------------------------------------------


def test_least_squares_linear():
    w, b = least_squares(LINEAR.feature)
    pw, pb = np.polyfit(X, Y, 1)
    assert abs(w - pw) < 1e-12 and abs(b - pb) < 1e-12
    assert abs(w - 2.94) < 1e-12 and abs(b + 3.3) < 1e-12


def test_least_squares_cubic_solves_the_normal_equations():
    phi, n = X**3, len(X)
    # d/dw and d/db of sum (w phi + b - y)**2 set to zero, solved by Cramer's rule
    det = n * np.sum(phi**2) - np.sum(phi) ** 2
    w = (n * np.sum(phi * Y) - np.sum(phi) * np.sum(Y)) / det
    b = (np.sum(Y) - w * np.sum(phi)) / n
    lw, lb = least_squares(CUBIC.feature)
    assert abs(lw - w) < 1e-12 and abs(lb - b) < 1e-12
    np.testing.assert_allclose(np.polyfit(phi, Y, 1), [lw, lb], rtol=0, atol=1e-12)


@pytest.mark.parametrize("model", [LINEAR, CUBIC])
def test_gradient_vanishes_at_the_least_squares_optimum(model):
    w, b = least_squares(model.feature)
    assert np.linalg.norm(gradient(model, w, b)) < 1e-10
    # and it is a minimum: nearby points are worse
    best = loss(model, w, b)
    for dw, db in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
        assert loss(model, w + dw, b + db) > best


def test_least_squares_on_other_data_and_validation():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=20), rng.normal(size=20)
    np.testing.assert_allclose(least_squares(lambda v: v, x, y), np.polyfit(x, y, 1))
    with pytest.raises(ValueError, match="constant"):
        least_squares(np.ones_like)
    with pytest.raises(ValueError, match="shape of x"):
        least_squares(lambda v: v[:2])
    with pytest.raises(TypeError, match="callable"):
        least_squares(None)


# --- gradient descent --------------------------------------------------------


def test_linear_descent_converges_to_least_squares():
    run = gradient_descent(LINEAR, 0.0, 0.0, 0.1)
    assert run.converged and not run.diverged
    assert 0 < run.steps < 100_000
    assert len(run["w"]) == len(run["b"]) == len(run.loss) == run.steps + 1
    np.testing.assert_allclose([run["w"][-1], run["b"][-1]], least_squares(LINEAR.feature),
                               rtol=0, atol=1e-6)
    assert np.linalg.norm(gradient(LINEAR, run["w"][-1], run["b"][-1])) < 1e-9
    # a stable step size never increases the loss of a quadratic (up to the
    # round-off of a loss near 1.1, a few units of 2.2e-16)
    assert np.all(np.diff(run.loss) <= 1e-14)
    assert np.all(np.diff(run.loss[:100]) < 0)
    assert run.loss[0] == loss(LINEAR, 0.0, 0.0) and run["w"][0] == 0 and run["b"][0] == 0
    for i in [1, 10, run.steps]:
        assert run.loss[i] == pytest.approx(loss(LINEAR, run["w"][i], run["b"][i]), rel=1e-14)


def test_cubic_descent_converges_below_the_threshold():
    lr = 0.98 * divergence_threshold(CUBIC.feature)
    run = gradient_descent(CUBIC, 0.0, 0.0, lr, tol=1e-8)
    assert run.converged and not run.diverged and run.lr == lr
    np.testing.assert_allclose([run["w"][-1], run["b"][-1]], least_squares(CUBIC.feature),
                               rtol=0, atol=1e-6)


def test_sigmoid_descent_finds_the_true_minimum():
    best = minimize(as_loss(SIGMOID), [1.0, -4.0], method="Nelder-Mead",
                    options={"xatol": 1e-10, "fatol": 1e-15, "maxiter": 10_000})
    run = gradient_descent(SIGMOID, 0.0, 0.0, 0.005)
    assert run.converged
    np.testing.assert_allclose([run["w"][-1], run["b"][-1]], best.x, rtol=0, atol=1e-6)
    assert run.loss[-1] < REPORT["sigmoid"][2] - 1e-3  # better than the report


def test_the_update_is_simultaneous():
    lr, steps = 0.05, 5
    run = gradient_descent(LINEAR, 0.0, 0.0, lr, max_steps=steps)
    w = b = 0.0
    sw = sb = 0.0
    for i in range(1, steps + 1):
        dw, db = (2 * np.mean((w * X + b - Y) * X), 2 * np.mean(w * X + b - Y))
        w, b = w - lr * dw, b - lr * db  # both from the old (w, b)
        assert run["w"][i] == pytest.approx(w, rel=1e-14)
        assert run["b"][i] == pytest.approx(b, rel=1e-14)
        # the sequential variant updates w first and uses the new w for b
        sw = sw - lr * 2 * np.mean((sw * X + sb - Y) * X)
        sb = sb - lr * 2 * np.mean(sw * X + sb - Y)
        assert abs(sb - run["b"][i]) > 1e-3


def test_max_steps_and_an_optimal_start():
    run = gradient_descent(LINEAR, 0.0, 0.0, 0.1, max_steps=0)
    assert run.steps == 0 and len(run["w"]) == 1 and not run.converged
    run = gradient_descent(LINEAR, 0.0, 0.0, 0.1, max_steps=7)
    assert run.steps == 7 and len(run.loss) == 8 and not run.converged
    run = gradient_descent(LINEAR, *least_squares(LINEAR.feature), 0.1)
    assert run.steps == 0 and run.converged


def test_history_is_frozen():
    run = gradient_descent(LINEAR, 0.0, 0.0, 0.1, max_steps=3)
    assert isinstance(run, History)
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.steps = 5
    with pytest.raises(ValueError, match="read-only"):
        run["w"][0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        LINEAR.name = "other"


# --- learning-rate threshold -------------------------------------------------


def numerical_hessian(f, p, h=1e-3):
    """Central second differences; exact up to round-off for a quadratic."""
    H = np.empty((2, 2))
    e = np.eye(2) * h
    for i in range(2):
        for j in range(2):
            H[i, j] = (f(p + e[i] + e[j]) - f(p + e[i] - e[j])
                       - f(p - e[i] + e[j]) + f(p - e[i] - e[j])) / (4 * h * h)
    return H


@pytest.mark.parametrize("model", [LINEAR, CUBIC])
def test_hessian_and_threshold_from_second_differences(model):
    H = numerical_hessian(as_loss(model), np.array([0.3, -0.7]))
    np.testing.assert_allclose(mse_hessian(model.feature), H, rtol=1e-6)
    expected = 2 / np.linalg.eigvalsh(H).max()
    assert divergence_threshold(model.feature) == pytest.approx(expected, rel=1e-6)


def test_linear_threshold_by_hand():
    # H = [[15, 5], [5, 2]]: lambda_max = (17 + sqrt(269)) / 2
    assert divergence_threshold(LINEAR.feature) == pytest.approx(4 / (17 + 269**0.5))


@pytest.mark.parametrize("model", [LINEAR, CUBIC])
def test_just_below_the_threshold_converges_just_above_diverges(model):
    threshold = divergence_threshold(model.feature)
    below = gradient_descent(model, 0.0, 0.0, 0.99 * threshold, max_steps=2000)
    assert not below.diverged
    best = loss(model, *least_squares(model.feature))
    assert below.loss[-1] - best < 1e-3 * (below.loss[0] - best)
    if model is LINEAR:
        assert below.converged
    above = gradient_descent(model, 0.0, 0.0, 1.01 * threshold, max_steps=100_000)
    assert above.diverged and not above.converged
    assert not np.isfinite(above.loss[-1]) or above.loss[-1] > 1e12 * above.loss[0]
    assert np.all(np.isfinite(above.loss[:-1]))


@pytest.mark.parametrize("lr", [1.0, 1e10, 1e200, 1e308])
def test_huge_steps_diverge_without_warnings(lr):
    # any overflow warning would be turned into an error by pyproject
    for model in (LINEAR, CUBIC):
        run = gradient_descent(model, 0.0, 0.0, lr)
        assert run.diverged and run.steps <= 10


# --- the report's numbers ----------------------------------------------------


def test_report_losses_are_reproduced():
    for name, (w, b, reported) in REPORT.items():
        # the report printed the loss one step before its final (w, b)
        assert loss(MODELS[name], w, b) == pytest.approx(reported, rel=0, abs=1e-8)


def test_report_cubic_is_the_fixed_point_of_the_wrong_rule():
    w_star = 14.7 / 104  # sum (w x^3 + b - y) = 0 and sum (w x^3 + b - y) x = 0
    assert REPORT["cubic"][0] == pytest.approx(w_star, abs=1e-12)
    assert REPORT["cubic"][1] == pytest.approx(4.05 - 25 * w_star, abs=1e-12)
    run = gradient_descent(CUBIC, 0.0, 0.0, 0.01, rule=report_gradient, tol=1e-12)
    assert run.converged
    assert abs(run["w"][-1] - REPORT["cubic"][0]) < 1e-9
    assert abs(run["b"][-1] - REPORT["cubic"][1]) < 1e-9


def test_report_sigmoid_is_near_the_fixed_point_of_the_wrong_rule():
    run = gradient_descent(SIGMOID, 0.0, 0.0, 0.01, rule=report_gradient)
    assert run.converged
    assert abs(run["w"][-1] - REPORT["sigmoid"][0]) < 1e-3
    assert abs(run["b"][-1] - REPORT["sigmoid"][1]) < 1e-3


@pytest.mark.parametrize("name", ["sigmoid", "cubic"])
def test_report_points_are_not_minima(name):
    model = MODELS[name]
    w, b, _ = REPORT[name]
    assert np.linalg.norm(report_gradient(model, w, b)) < 1e-3
    true = gradient(model, w, b)
    assert np.linalg.norm(true) > 1e-3
    # and the true gradient agrees with the loss itself, not with the report
    check_gradient(as_loss(model), as_gradient(model), [w, b])


def test_report_linear_is_close_to_the_optimum():
    w, b, _ = REPORT["linear"]
    assert np.hypot(w - 2.94, b + 3.3) < 1e-2
    assert np.linalg.norm(gradient(LINEAR, w, b)) < 1e-3


def test_report_cubic_loss_is_above_the_true_minimum():
    w, b, reported = REPORT["cubic"]
    assert loss(CUBIC, *least_squares(CUBIC.feature)) < reported


# --- validation --------------------------------------------------------------


def test_model_must_be_a_model():
    for call in (lambda: loss("linear", 1.0, 0.0),
                 lambda: gradient(linear, 1.0, 0.0),
                 lambda: report_gradient(None, 1.0, 0.0),
                 lambda: gradient_descent("cubic", 0.0, 0.0, 0.1)):
        with pytest.raises(TypeError, match="Model"):
            call()
    with pytest.raises(TypeError, match="callable"):
        Model("broken", predict=None, partials=linear_partials)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"lr": 0.0}, ValueError, "lr must be > 0"),
        ({"lr": -0.1}, ValueError, "lr must be > 0"),
        ({"lr": float("nan")}, ValueError, "lr must be finite"),
        ({"lr": float("inf")}, ValueError, "lr must be finite"),
        ({"lr": "0.1"}, TypeError, "lr must be a real number"),
        ({"max_steps": -1}, ValueError, "max_steps must be >= 0"),
        ({"max_steps": 10.0}, TypeError, "max_steps must be an int"),
        ({"tol": 0.0}, ValueError, "tol must be > 0"),
        ({"w0": float("nan")}, ValueError, "w0 must be finite"),
        ({"rule": "gradient"}, TypeError, "rule must be callable"),
        ({"x": np.zeros((2, 2))}, ValueError, "x must be a non-empty 1-D"),
        ({"x": [1.0, 2.0, 3.0]}, ValueError, r"same length.*\(3,\) and \(4,\)"),
        ({"y": [0.7, 1.5, np.inf, 9.5]}, ValueError, "y must contain only finite"),
    ],
)
def test_gradient_descent_validation(kwargs, error, match):
    args = {"model": LINEAR, "w0": 0.0, "b0": 0.0, "lr": 0.1} | kwargs
    with pytest.raises(error, match=match):
        gradient_descent(**args)


def test_loss_and_gradient_validation():
    with pytest.raises(ValueError, match="same length"):
        loss(LINEAR, 1.0, 0.0, x=[1.0, 2.0])
    with pytest.raises(ValueError, match="w must be finite"):
        gradient(CUBIC, np.inf, 0.0)
    with pytest.raises(TypeError, match="b must be a real number"):
        report_gradient(SIGMOID, 1.0, "0")


def test_nothing_modifies_the_data():
    x, y = X.copy(), Y.copy()
    for model in MODELS.values():
        loss(model, 1.0, -1.0, x, y)
        gradient(model, 1.0, -1.0, x, y)
        report_gradient(model, 1.0, -1.0, x, y)
        gradient_descent(model, 0.0, 0.0, 1e-4, max_steps=5, x=x, y=y)
        for partial in model.partials(1.0, -1.0, x):
            partial *= 2  # scribbling on a returned array must not reach x
    least_squares(LINEAR.feature, x, y)
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(y, Y)
    np.testing.assert_array_equal(FLOORS, X)
    np.testing.assert_array_equal(PRICES, Y)


def test_a_start_whose_loss_overflows_is_rejected_without_warnings():
    with pytest.raises(ValueError, match="loss at the start"):
        gradient_descent(CUBIC, 1e200, 0.0, 0.1)


# --- regressions found by fuzzing --------------------------------------------


def test_mse_of_none_is_a_type_error_not_nan():
    with pytest.raises(TypeError, match="y_hat must be an array of real numbers"):
        mse(None, None)
    with pytest.raises(TypeError, match="y_hat"):
        mse_grad("abc", [1.0])


def test_least_squares_with_a_huge_feature_is_not_called_constant():
    w, b = least_squares(lambda x: 1e200 * x)
    assert w * 1e200 == pytest.approx(2.94, rel=1e-12) and b == pytest.approx(-3.3, rel=1e-12)
    w, b = least_squares(lambda x: 1e-200 * x)
    assert w * 1e-200 == pytest.approx(2.94, rel=1e-12)
    with pytest.raises(ValueError, match="beyond the float range"):
        least_squares(lambda x: 1e-310 * x)  # w would be about 3e310
    with pytest.raises(ValueError, match="constant"):
        least_squares(lambda x: np.full_like(x, 1e300))


def test_divergence_threshold_with_a_huge_feature_is_not_nan():
    assert divergence_threshold(lambda x: 1e100 * x) == pytest.approx(4 / 3 * 1e-201, rel=1e-12)
    assert divergence_threshold(lambda x: 1e200 * x) == 0.0  # 1.3e-401 rounds to 0
    with pytest.raises(ValueError, match="the Hessian is beyond the float range"):
        mse_hessian(lambda x: 1e200 * x)


def test_scaled_threshold_agrees_with_the_plain_hessian():
    # scaling by powers of two is exact: same Hessian, same threshold
    for feature in (LINEAR.feature, CUBIC.feature, lambda x: 37.5 * x):
        plain = 2 / np.linalg.eigvalsh(mse_hessian(feature))[-1]
        assert divergence_threshold(feature) == pytest.approx(plain, rel=1e-15)


def test_models_follow_ieee_overflow_without_warnings():
    assert cubic(1e308, 0.0, [4.0]).tolist() == [np.inf]
    assert loss(CUBIC, 1e300, 0.0) == np.inf
    assert np.all(np.isinf(gradient(LINEAR, 1e308, 1e308, x=[1e308, 2.0], y=[0.0, 0.0])))


# --- doctests are exact ------------------------------------------------------

import doctest  # noqa: E402
import importlib  # noqa: E402
import pathlib  # noqa: E402
import tomllib  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
OWN_DOCTEST_MODULES = ["_checks", "_contract", "linalg", "transforms", "asteroids",
                       "gradcheck", "regression", "descent"]
OWN_DOCTEST_PAGES = ["python-intro.md", "asteroids.md", "house-prices.md"]


def project_doctest_flags():
    """The doctest option flags that pytest uses, read from pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names = config["tool"]["pytest"]["ini_options"]["doctest_optionflags"].split()
    return names, sum(doctest.OPTIONFLAGS_BY_NAME[n] for n in names)


def run_doctest(text, globs=None):
    """Failures of the doctest `text` under the project's flags."""
    test = doctest.DocTestParser().get_doctest(text, dict(globs or {}), "t", None, 0)
    runner = doctest.DocTestRunner(optionflags=project_doctest_flags()[1])
    runner.run(test, out=lambda _: None)
    return runner.failures


def test_number_flag_is_gone():
    names, _ = project_doctest_flags()
    assert "NUMBER" not in names
    assert {"ELLIPSIS", "NORMALIZE_WHITESPACE"} <= set(names)


@pytest.mark.parametrize("source, want", [
    ("np.array([5.0, 3.0])", "array([4., 2.])"),  # passed under NUMBER
    ("np.array([1.0, 0.0])", "array([0., 1.])"),  # sigma(-1000), sigma(1000) swapped
    ("0.6", "0.5"),
    ("2.9999999998889777", "3.0"),
])
def test_a_changed_digit_fails(source, want):
    assert run_doctest(f">>> {source}\n{want}\n", {"np": np}) == 1
    assert run_doctest(f">>> {source}\n{eval(source)!r}\n", {"np": np}) == 0


def own_doctests():
    finder, parser = doctest.DocTestFinder(), doctest.DocTestParser()
    for name in OWN_DOCTEST_MODULES:
        yield from finder.find(importlib.import_module(f"gradbook.{name}"))
    for page in OWN_DOCTEST_PAGES:
        path = ROOT / "docs" / page
        yield parser.get_doctest(path.read_text(), {}, page, str(path), 0)


def test_doctests_show_every_digit_of_their_floats():
    """Re-run the doctests with NumPy printing the shortest round-trip repr.

    NumPy's default repr rounds to 8 digits, so `array([3.])` would also pass
    for 2.9999999998. With `floatmode="unique"` each float prints as Python
    prints it, so every example must still pass: what it shows is exact
    (or was rounded explicitly, e.g. with `np.round` or `round`).
    """
    runner = doctest.DocTestRunner(optionflags=project_doctest_flags()[1])
    with np.printoptions(floatmode="unique"):
        for test in own_doctests():
            runner.run(test)
    assert runner.failures == 0 and runner.tries > 150
