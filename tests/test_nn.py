"""Tests for gradbook.nn: every backward pass against central differences.

The oracle is always independent of the backward code: central differences
of the forward pass (`gradbook.gradcheck`), plain-numpy re-implementations of
the forward formulas, Python loops over examples, or numbers derived by hand
in the comments.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradbook.activations import relu
from gradbook.descent import gradient_descent
from gradbook.gradcheck import check_gradient, numerical_gradient
from gradbook.nn import (
    MAE,
    MSE,
    PARAM_NAMES,
    LeakyReLU,
    Linear,
    ReLU,
    Tanh,
    TwoLayer,
    dead_units,
    example_data,
    example_model,
    example_params,
    init_two_layer,
    regression_data,
    report_gradients,
    sgd_step,
)

SETTINGS = settings(max_examples=40, deadline=None)
seeds = st.integers(0, 2**32 - 1)
small = st.integers(1, 4)
MARGIN = 1e-3  # |pre-activation| and |residual| at least this far from a kink


def away_from_zero(rng, shape, low=0.1, high=2.0):
    """Random values with random signs and |v| in [low, high]: no kinks."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, shape)


def random_model(rng, d_in, hidden, d_out, **options):
    return TwoLayer(rng.normal(size=(hidden, d_in)), rng.normal(size=hidden),
                    rng.normal(size=(d_out, hidden)), rng.normal(size=d_out), **options)


def numpy_forward(params, x, activation="relu", output=None, alpha=0.1):
    """The model written out in plain numpy, independent of the layer classes."""
    W1, b1, W2, b2 = params
    q = x @ W1.T + b1
    z = {"relu": np.maximum(q, 0.0), "tanh": np.tanh(q),
         "leaky_relu": np.where(q > 0, q, alpha * q)}[activation]
    out = z @ W2.T + b2
    y_hat = np.where(out > 0, out, alpha * out) if output == "leaky_relu" else out
    return q, out, y_hat


def kinks_are_far(model, x, y):
    """No pre-activation or residual within MARGIN of a kink."""
    params = tuple(model.unflatten(model.get_params()).values())
    q, out, y_hat = numpy_forward(params, x, model.activation, model.output, model.alpha)
    near = [np.abs(y_hat - y)]
    if model.activation != "tanh":
        near.append(np.abs(q))
    if model.output is not None:
        near.append(np.abs(out))
    return min(float(a.min()) for a in near) > MARGIN


# --- Linear ----------------------------------------------------------------------


@SETTINGS
@given(seeds, small, small, small)
def test_linear_gradients_of_weights_bias_and_input(seed, n, d_in, d_out):
    rng = np.random.default_rng(seed)
    W, b = rng.normal(size=(d_out, d_in)), rng.normal(size=d_out)
    x, C = rng.normal(size=(n, d_in)), rng.normal(size=(n, d_out))
    # the scalar loss L = sum(C * Y) has dL/dY = C
    layer = Linear(W, b)
    layer.forward(x)
    dx = layer.backward(C)

    def loss(W=W, b=b, x=x):
        return float(np.sum(C * Linear(W, b).forward(x)))

    check_gradient(lambda w: loss(W=w.reshape(W.shape)), lambda w: layer.dW.ravel(), W.ravel())
    check_gradient(lambda v: loss(b=v), lambda v: layer.db, b)
    check_gradient(lambda v: loss(x=v.reshape(x.shape)), lambda v: dx.ravel(), x.ravel())
    assert layer.dW.shape == W.shape and layer.db.shape == b.shape and dx.shape == x.shape


def test_linear_backward_is_a_sum_of_outer_products():
    rng = np.random.default_rng(7)
    W, b, x, g = (rng.normal(size=(2, 3)), rng.normal(size=2),
                  rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    layer = Linear(W, b)
    np.testing.assert_allclose(layer.forward(x), [W @ xi + b for xi in x], rtol=1e-14)
    layer.backward(g)
    np.testing.assert_allclose(layer.dW, sum(np.outer(gi, xi) for gi, xi in zip(g, x)),
                               rtol=1e-13)
    np.testing.assert_allclose(layer.db, sum(g), rtol=1e-13)


def test_linear_copies_its_parameters_and_input():
    W, b = np.array([[1.0, 2.0]]), np.array([0.5])
    layer = Linear(W, b)
    W[0, 0] = 99.0
    assert layer.W[0, 0] == 1.0
    x = np.array([[1.0, 1.0]])
    layer.forward(x)
    x[0, 0] = 99.0
    layer.backward([[1.0]])
    np.testing.assert_array_equal(layer.dW, [[1.0, 1.0]])


# --- activations and losses ---------------------------------------------------------


@SETTINGS
@given(seeds, small, small, st.floats(0.05, 1.0))
def test_activation_layers_gradient_of_input(seed, n, d, alpha):
    rng = np.random.default_rng(seed)
    a, C = away_from_zero(rng, (n, d)), rng.normal(size=(n, d))
    for make in (ReLU, Tanh, lambda: LeakyReLU(alpha)):
        layer = make()
        layer.forward(a)
        da = layer.backward(C)
        check_gradient(lambda v: float(np.sum(C * make().forward(v.reshape(a.shape)))),
                       lambda v: da.ravel(), a.ravel())


@SETTINGS
@given(seeds, small, st.integers(1, 3), st.floats(0.1, 3.0))
def test_loss_gradients_of_prediction_and_target(seed, n, d, upstream):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(n, d))
    y_hat = y + away_from_zero(rng, (n, d))  # residuals away from the kink of |.|
    for make, oracle in ((MAE, lambda r: np.mean(np.abs(r))), (MSE, lambda r: np.mean(r**2))):
        loss = make()
        value = loss.forward(y_hat, y)
        assert value == pytest.approx(oracle(y_hat - y), rel=1e-14)  # mean over all entries
        g = loss.backward()
        check_gradient(lambda v: make().forward(v.reshape(y.shape), y), lambda v: g.ravel(),
                       y_hat.ravel())
        check_gradient(lambda v: make().forward(y_hat, v.reshape(y.shape)),
                       lambda v: -g.ravel(), y.ravel())
        np.testing.assert_allclose(loss.backward(upstream), upstream * g, rtol=1e-15)


def test_mae_gradient_is_zero_for_an_exact_prediction():
    loss = MAE()
    loss.forward([[1.0], [2.0]], [[1.0], [5.0]])
    np.testing.assert_array_equal(loss.backward(), [[0.0], [-0.5]])


def test_mse_of_multi_output_averages_over_every_entry():
    y_hat, y = np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros((2, 2))
    assert MSE().forward(y_hat, y) == (1 + 4 + 9 + 16) / 4
    assert MAE().forward(y_hat, y) == (1 + 2 + 3 + 4) / 4


# --- the two-layer models ------------------------------------------------------------

MODELS = {
    "relu": dict(activation="relu"),
    "tanh_leaky": dict(activation="tanh", output="leaky_relu", alpha=0.1),
    "leaky_hidden": dict(activation="leaky_relu", alpha=0.2),
}


@SETTINGS
@given(seeds, small, small, st.integers(1, 5), st.integers(1, 2),
       st.sampled_from(sorted(MODELS)), st.sampled_from(["mae", "mse"]))
def test_two_layer_gradients_of_every_parameter_and_the_input(seed, n, d_in, hidden, d_out,
                                                              kind, loss):
    rng = np.random.default_rng(seed)
    model = random_model(rng, d_in, hidden, d_out, **MODELS[kind])
    x, y = rng.normal(size=(n, d_in)), rng.normal(size=(n, d_out))
    assume(kinks_are_far(model, x, y))
    p = model.get_params()
    # every parameter
    value, grad = model.loss_and_grad(p, x, y, loss)
    check_gradient(lambda v: model.loss_and_grad(v, x, y, loss)[0], lambda v: grad, p)
    # the input: forward, loss, backward by hand
    L = MAE() if loss == "mae" else MSE()
    model.set_params(p)
    assert L.forward(model.forward(x), y) == value
    dx = model.backward(L.backward())
    check_gradient(lambda v: L.forward(model.forward(v.reshape(x.shape)), y),
                   lambda v: dx.ravel(), x.ravel())


@SETTINGS
@given(seeds, small, st.sampled_from(sorted(MODELS)))
def test_forward_matches_plain_numpy(seed, n, kind):
    rng = np.random.default_rng(seed)
    model = random_model(rng, 2, 3, 1, **MODELS[kind])
    x = rng.normal(size=(n, 2))
    params = tuple(model.unflatten(model.get_params()).values())
    *_, expected = numpy_forward(params, x, model.activation, model.output, model.alpha)
    np.testing.assert_allclose(model.forward(x), expected, rtol=1e-13, atol=1e-15)


def test_params_round_trip_in_the_fixed_order():
    model = example_model()
    W1, b1, W2, b2 = example_params()
    p = model.get_params()
    np.testing.assert_array_equal(p, np.concatenate([W1.ravel(), b1, W2.ravel(), b2]))
    parts = model.unflatten(p)
    assert tuple(parts) == PARAM_NAMES == ("W1", "b1", "W2", "b2")
    for got, want in zip(parts.values(), (W1, b1, W2, b2)):
        np.testing.assert_array_equal(got, want)
    model.set_params(np.arange(10.0))
    np.testing.assert_array_equal(model.get_params(), np.arange(10.0))
    np.testing.assert_array_equal(model.linear1.W, [[0.0], [1.0], [2.0]])
    np.testing.assert_array_equal(model.linear2.b, [9.0])
    assert len(model.names) == model.size == 10
    assert model.names[6] == "W2[0,0]" and model.names[-1] == "b2[0]"


def test_get_params_returns_a_copy():
    model = example_model()
    model.get_params()[0] = 99.0
    assert model.linear1.W[0, 0] == 0.5


# --- the worked example ---------------------------------------------------------------


def test_worked_example_relu_numbers_by_hand():
    x, y = example_data()
    model = example_model("backprop")
    # q = W1 x + b1 per example, by hand
    np.testing.assert_allclose(model.linear1.forward(x),
                               [[-0.5, 1.6, -2.5], [0.25, 0.1, -0.25], [1.0, -1.4, 2.0]],
                               atol=1e-15)
    # z = [0, 1.6, 0], [0.25, 0.1, 0], [1, 0, 2]; y_hat = z . [1, -2, 0.5] + 0.1
    np.testing.assert_allclose(model.forward(x).ravel(), [-3.1, 0.15, 2.1], atol=1e-15)
    value, grad = model.loss_and_grad(model.get_params(), x, y, "mae")
    assert value == pytest.approx((3.6 + 1.15 + 0.1) / 3, rel=1e-15)
    # sign(y_hat - y) / N = [-1, 1, 1] / 3
    # dW2 = sum_n s_n z_n = ([0, -1.6, 0] + [0.25, 0.1, 0] + [1, 0, 2]) / 3
    # d_q = s_n W2 * ReLU'(q_n): [0, 2, 0]/3, [1, -2, 0]/3, [1, 0, 0.5]/3
    # dW1 = sum_n d_q,n x_n with x = -1, 0.5, 2:
    #   unit 0: (0.5 + 2) / 3, unit 1: (-2 - 1) / 3, unit 2: (0.5 * 2) / 3
    expected = {
        "W1": [[(0.5 + 2.0) / 3], [(-2.0 - 1.0) / 3], [1.0 / 3]],
        "b1": [2.0 / 3, 0.0, 1.0 / 6],
        "W2": [[1.25 / 3, -0.5, 2.0 / 3]],
        "b2": [1.0 / 3],
    }
    for name, got in model.unflatten(grad).items():
        np.testing.assert_allclose(got, expected[name], rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("chapter", ["backprop", "leaky_relu"])
@pytest.mark.parametrize("loss", ["mae", "mse"])
def test_worked_example_gradients_match_central_differences(chapter, loss):
    x, y = example_data()
    model = example_model(chapter)
    assert kinks_are_far(model, x, y)
    p = model.get_params()
    _, grad = model.loss_and_grad(p, x, y, loss)
    check_gradient(lambda v: model.loss_and_grad(v, x, y, loss)[0], lambda v: grad, p)


def test_worked_example_leaky_model_matches_plain_numpy():
    x, y = example_data()
    model = example_model("leaky_relu")
    q, out, y_hat = numpy_forward(example_params(), x, "tanh", "leaky_relu", 0.1)
    np.testing.assert_allclose(model.forward(x), y_hat, rtol=1e-15)
    assert out[0, 0] < 0 < out[1, 0] < out[2, 0]  # the first example uses the leaky slope
    assert MAE().forward(model.forward(x), y) == pytest.approx(np.mean(np.abs(y_hat - y)))


def test_sgd_step_is_one_explicit_update():
    x, y = example_data()
    for chapter in ("backprop", "leaky_relu"):
        model = example_model(chapter)
        p = model.get_params()
        before, grad = model.loss_and_grad(p, x, y, "mae")
        run = sgd_step(model, x, y, lr=0.1)
        np.testing.assert_allclose(model.get_params(), p - 0.1 * grad, rtol=1e-15)
        after, _ = example_model(chapter).loss_and_grad(p - 0.1 * grad, x, y, "mae")
        assert run.loss[0] == before and run.loss[-1] == pytest.approx(after, rel=1e-15)
        assert after < before


# --- the report's rule -------------------------------------------------------------


def report_by_loops(model, x, y):
    """The report's four formulas, literally, one example at a time, summed."""
    W1, b1, W2, b2 = model.unflatten(model.get_params()).values()
    grads = [np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)]
    for xi, yi in zip(x, y):
        q = W1 @ xi + b1
        M = W2 @ relu(q) + b2
        a = yi - M
        s = a / np.abs(a)  # the report's d|a|/da
        relu_prime = (q >= 0).astype(float)  # the report: 1 for q >= 0
        grads[0] += np.outer((s @ W2) * relu_prime, xi)
        grads[1] += (s @ W2) * relu_prime
        grads[2] += np.outer(s, relu(q))
        grads[3] += s
    return np.concatenate([g.ravel() for g in grads])


@SETTINGS
@given(seeds, small, small, st.integers(1, 5), st.integers(1, 2))
def test_report_rule_is_minus_n_times_the_gradient(seed, n, d_in, hidden, d_out):
    rng = np.random.default_rng(seed)
    model = random_model(rng, d_in, hidden, d_out)
    x, y = rng.normal(size=(n, d_in)), rng.normal(size=(n, d_out))
    assume(kinks_are_far(model, x, y))
    report = report_gradients(model, x, y)
    np.testing.assert_allclose(report, report_by_loops(model, x, y), rtol=1e-12, atol=1e-14)
    _, grad = model.loss_and_grad(model.get_params(), x, y, "mae")
    np.testing.assert_allclose(report, -(n * d_out) * grad, rtol=1e-12, atol=1e-14)


@SETTINGS
@given(seeds, small, st.integers(1, 5))
def test_a_small_step_along_the_report_rule_increases_the_loss(seed, n, hidden):
    rng = np.random.default_rng(seed)
    model = random_model(rng, 1, hidden, 1)
    x, y = rng.normal(size=(n, 1)), rng.normal(size=(n, 1))
    assume(kinks_are_far(model, x, y))
    p = model.get_params()
    loss0, grad = model.loss_and_grad(p, x, y, "mae")
    report = report_gradients(model, x, y)
    assume(np.linalg.norm(grad) > 1e-3)
    # small enough not to cross a kink: every pre-activation/residual moves < MARGIN
    eps = 1e-5 / (1 + np.abs(p).max()) / (1 + np.abs(x).max()) / (1 + np.linalg.norm(report))
    def loss_at(v):
        return model.loss_and_grad(v, x, y, "mae")[0]
    assert loss_at(p - eps * report) > loss0  # uphill
    assert loss_at(p - eps * grad) < loss0  # downhill


def test_worked_example_report_step_goes_uphill():
    x, y = example_data()
    report = report_gradients(example_model(), x, y)
    assert report_by_loops(example_model(), x, y) == pytest.approx(report)
    good = sgd_step(example_model(), x, y, lr=0.1)
    bad = sgd_step(example_model(), x, y, lr=0.1, rule="report")
    assert good.loss[0] == bad.loss[0] == pytest.approx(4.85 / 3)
    assert good.loss[-1] < good.loss[0] < bad.loss[-1]
    # tiny steps: the loss changes at rate -|g|^2 along -g and +N |g|^2 along -report
    _, grad = example_model().loss_and_grad(example_model().get_params(), x, y, "mae")
    p, eps = example_model().get_params(), 1e-6
    def loss_at(v):
        return example_model().loss_and_grad(v, x, y, "mae")[0]
    assert (loss_at(p - eps * report) - good.loss[0]) / eps == pytest.approx(
        3 * grad @ grad, rel=1e-6)


def test_report_rule_needs_the_relu_model():
    x, y = example_data()
    with pytest.raises(ValueError, match="ReLU model"):
        report_gradients(example_model("leaky_relu"), x, y)
    with pytest.raises(ValueError, match="ReLU model"):
        sgd_step(example_model("leaky_relu"), x, y, 0.1, rule="report")
    with pytest.raises(ValueError, match="mae"):
        sgd_step(example_model(), x, y, 0.1, rule="report", loss="mse")


# --- training, data, initialisation, dead units -----------------------------------------


@pytest.mark.parametrize("loss", ["mae", "mse"])
@pytest.mark.parametrize("kind", ["relu", "tanh_leaky"])
def test_training_on_regression_data_reduces_the_loss(loss, kind):
    x, y = regression_data(seed=0)
    model = init_two_layer(16, seed=1, **MODELS[kind])
    run = gradient_descent(lambda p: model.loss_and_grad(p, x, y, loss), model.get_params(),
                           lr=0.05, max_steps=300, names=model.names)
    assert not run.diverged
    assert run.loss[-1] < 0.75 * run.loss[0]
    model.set_params(run.final)
    assert (MAE() if loss == "mae" else MSE()).forward(model.forward(x), y) == pytest.approx(
        run.loss[-1])


def test_mae_fit_is_less_pulled_by_outliers_than_mse_fit():
    x, y = regression_data(seed=0, n=40, outliers=4)
    clean = np.abs(y - (np.sin(x) + 0.3 * x)) < 1.0
    assert int((~clean).sum()) == 4
    errors = {}
    for loss in ("mae", "mse"):
        model = init_two_layer(16, seed=1)
        run = gradient_descent(lambda p: model.loss_and_grad(p, x, y, loss),
                               model.get_params(), lr=0.05, max_steps=500)
        model.set_params(run.final)
        errors[loss] = np.median(np.abs(model.forward(x) - y)[clean])
    assert errors["mae"] < errors["mse"]


@SETTINGS
@given(st.integers(0, 10**6), st.integers(1, 200), st.data())
def test_regression_data(seed, n, data):
    outliers = data.draw(st.integers(0, min(n, 10)))
    x, y = regression_data(seed, n, outliers)
    assert x.shape == y.shape == (n, 1)
    assert np.all(np.diff(x.ravel()) >= 0) and np.all(np.abs(x) <= 3)
    off = np.abs(y - (np.sin(x) + 0.3 * x)).ravel()
    assert int(np.sum(off > 2.0)) == outliers  # moved by 3 to 5; the noise is 0.1
    assert np.all(off[off > 2.0] < 5.8)
    x2, y2 = regression_data(seed, n, outliers)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)


def test_regression_data_depends_on_the_seed():
    assert not np.array_equal(regression_data(0)[1], regression_data(1)[1])


@SETTINGS
@given(st.integers(1, 20), seeds, small, small)
def test_init_two_layer_is_seeded_and_bounded(hidden, seed, d_in, d_out):
    model = init_two_layer(hidden, seed, d_in=d_in, d_out=d_out)
    assert model.shapes == ((hidden, d_in), (hidden,), (d_out, hidden), (d_out,))
    parts = model.unflatten(model.get_params())
    for name, fan_in in (("W1", d_in), ("b1", d_in), ("W2", hidden), ("b2", hidden)):
        assert np.all(np.abs(parts[name]) <= 1 / np.sqrt(fan_in))
    again = init_two_layer(hidden, seed, d_in=d_in, d_out=d_out)
    np.testing.assert_array_equal(model.get_params(), again.get_params())


def test_dead_units_get_no_gradient():
    x, y = regression_data(seed=3, n=20)
    W1, b1, W2, b2 = np.array([[1.0], [0.5], [-1.0]]), np.array([0.2, -10.0, 0.1]), \
        np.array([[1.0, 1.0, 1.0]]), np.array([0.0])
    model = TwoLayer(W1, b1, W2, b2)
    # unit 1 has q = 0.5 x - 10 < 0 for every x in [-3, 3]
    np.testing.assert_array_equal(dead_units(model, x), [False, True, False])
    p = model.get_params()
    numerical = numerical_gradient(lambda v: model.loss_and_grad(v, x, y, "mse")[0], p)
    parts = model.unflatten(numerical)
    assert parts["W1"][1, 0] == parts["b1"][1] == parts["W2"][0, 1] == 0.0
    _, grad = model.loss_and_grad(p, x, y, "mse")
    assert model.unflatten(grad)["W1"][1, 0] == 0.0


@SETTINGS
@given(seeds, st.integers(1, 6), st.integers(1, 6))
def test_dead_units_is_q_nonpositive_on_every_example(seed, n, hidden):
    rng = np.random.default_rng(seed)
    model = random_model(rng, 2, hidden, 1)
    x = rng.normal(size=(n, 2))
    q = x @ model.linear1.W.T + model.linear1.b
    expected = [all(q[i, j] <= 0 for i in range(n)) for j in range(hidden)]
    np.testing.assert_array_equal(dead_units(model, x), expected)
    # tanh units never have a zero slope on moderate inputs
    tanh_model = random_model(rng, 2, hidden, 1, activation="tanh")
    assert not dead_units(tanh_model, x).any()


def test_dead_units_leaves_the_model_untouched():
    x, y = example_data()
    model = example_model()
    model.loss_and_grad(model.get_params(), x, y)
    grads = model.get_grads()
    dead_units(model, x[:1])
    np.testing.assert_array_equal(model.get_grads(), grads)
    assert model.backward(np.ones((3, 1))).shape == (3, 1)  # the cached pass is still there


# --- bad input ---------------------------------------------------------------------------


def test_shape_mismatches_name_both_shapes():
    model = example_model()
    x, y = example_data()
    with pytest.raises(ValueError, match=r"x must have 1 column.*W1 of shape \(3, 1\).*\(3, 2\)"):
        model.forward(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"x must be 2-D.*\(3,\)"):
        model.forward(x.ravel())
    with pytest.raises(ValueError, match=r"y_hat and y.*\(3, 1\).*\(3,\)"):
        MAE().forward(y, y.ravel())  # (3, 1) - (3,) would broadcast to (3, 3)
    with pytest.raises(ValueError, match=r"y must be 2-D.*\(3, 1\).*\(3,\)"):
        model.loss_and_grad(model.get_params(), x, y.ravel())
    with pytest.raises(ValueError, match=r"y must have the shape of the predictions, \(3, 1\)"):
        model.loss_and_grad(model.get_params(), x, np.ones((2, 1)))
    with pytest.raises(ValueError, match=r"b1 .*W1 has shape \(3, 1\), b1 has shape \(2,\)"):
        TwoLayer(np.ones((3, 1)), np.ones(2), np.ones((1, 3)), np.ones(1))
    with pytest.raises(ValueError, match=r"W1 has shape \(3, 1\), W2 has shape \(1, 4\)"):
        TwoLayer(np.ones((3, 1)), np.ones(3), np.ones((1, 4)), np.ones(1))
    with pytest.raises(ValueError, match=r"params must have 10 entries .*got shape \(9,\)"):
        model.set_params(np.ones(9))
    layer = Linear(np.ones((2, 3)), np.ones(2))
    layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError,
                       match=r"grad_out must have the shape .*\(4, 2\), got shape \(4, 3\)"):
        layer.backward(np.ones((4, 3)))


@pytest.mark.parametrize("bad, error, match", [
    (np.array([[np.nan], [0.0], [1.0]]), ValueError, "x must be finite"),
    (np.array([[np.inf], [0.0], [1.0]]), ValueError, "x must be finite"),
    ([["a"], ["b"], ["c"]], TypeError, "x must contain real numbers"),
    ([[True], [False], [True]], TypeError, "x must contain real numbers"),
    ([[1j], [0], [1]], TypeError, "x must contain real numbers"),
    (None, TypeError, "x must contain real numbers"),
    (np.zeros((0, 1)), ValueError, "x must not be empty"),
    ([[1.0], [1.0, 2.0]], TypeError, "x must be an array of real numbers"),
])
def test_bad_inputs_are_rejected_by_name(bad, error, match):
    model = example_model()
    _, y = example_data()
    p = model.get_params()
    with pytest.raises(error, match=match):
        model.forward(bad)
    with pytest.raises(error, match=match):
        model.loss_and_grad(p, bad, y)
    with pytest.raises(error, match=match):
        report_gradients(model, bad, y)
    with pytest.raises(error, match=match):
        dead_units(model, bad)
    np.testing.assert_array_equal(model.get_params(), p)


def test_bad_parameters_and_options():
    W1, b1, W2, b2 = example_params()
    with pytest.raises(ValueError, match="W2 must be finite"):
        TwoLayer(W1, b1, W2 * np.nan, b2)
    with pytest.raises(TypeError, match="b2 must contain real numbers"):
        TwoLayer(W1, b1, W2, ["x"])
    with pytest.raises(ValueError, match="activation must be one of"):
        TwoLayer(W1, b1, W2, b2, activation="sigmoid")
    with pytest.raises(TypeError, match="activation must be a string"):
        TwoLayer(W1, b1, W2, b2, activation=None)
    with pytest.raises(ValueError, match="output must be None or 'leaky_relu'"):
        TwoLayer(W1, b1, W2, b2, output="tanh")
    with pytest.raises(ValueError, match="alpha"):
        TwoLayer(W1, b1, W2, b2, alpha=0.0)
    with pytest.raises(ValueError, match="alpha"):
        LeakyReLU(alpha=2.0)
    with pytest.raises(ValueError, match="chapter must be"):
        example_model("tanh")
    with pytest.raises(TypeError, match="loss must be"):
        example_model().loss_and_grad(example_model().get_params(), *example_data(), loss="l1")
    with pytest.raises(TypeError, match="model must be a TwoLayer"):
        sgd_step("model", *example_data(), lr=0.1)
    with pytest.raises(ValueError, match="lr must be > 0"):
        sgd_step(example_model(), *example_data(), lr=0.0)
    with pytest.raises(ValueError, match="rule must be"):
        sgd_step(example_model(), *example_data(), lr=0.1, rule="sgd")


@pytest.mark.parametrize("call, error, match", [
    (lambda: init_two_layer(0, 0), ValueError, "hidden must be >= 1"),
    (lambda: init_two_layer(10**7, 0), ValueError, "parameters; at most"),
    (lambda: init_two_layer(2.0, 0), TypeError, "hidden must be an int"),
    (lambda: init_two_layer(2, -1), ValueError, "seed must be >= 0"),
    (lambda: init_two_layer(2, None), TypeError, "seed must be an int"),
    (lambda: init_two_layer(2, 0, d_in=0), ValueError, "d_in must be >= 1"),
    (lambda: regression_data(0, n=0), ValueError, "n must be between 1"),
    (lambda: regression_data(0, n=10**12), ValueError, "n must be between 1"),
    (lambda: regression_data(0, n=5, outliers=6), ValueError, "outliers must be at most"),
    (lambda: regression_data(True), TypeError, "seed must be an int"),
    (lambda: regression_data("0"), TypeError, "seed must be an int"),
])
def test_bad_counts(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_backward_before_forward_is_a_clear_error():
    for layer in (Linear([[1.0]], [0.0]), ReLU(), Tanh(), LeakyReLU()):
        with pytest.raises(ValueError, match="call .*forward before backward"):
            layer.backward([[1.0]])
    for loss in (MAE(), MSE()):
        with pytest.raises(ValueError, match="call .*forward before backward"):
            loss.backward()
    model = example_model()
    with pytest.raises(ValueError, match="forward before backward"):
        model.backward(np.ones((3, 1)))
    with pytest.raises(ValueError, match="no gradients yet"):
        model.get_grads()
    x, _ = example_data()
    model.forward(x)
    model.set_params(model.get_params())  # new parameters: the cached pass is stale
    with pytest.raises(ValueError, match="forward before backward"):
        model.backward(np.ones((3, 1)))


def test_overflow_is_a_value_error_and_leaves_the_model_unchanged():
    x, y = example_data()
    model = example_model()
    p = model.get_params()
    with pytest.raises(ValueError, match="too large"):
        model.loss_and_grad(p * 1e300, x * 1e10, y)
    np.testing.assert_array_equal(model.get_params(), p)
    with pytest.raises(ValueError, match="too large"):
        MSE().forward([[1e200]], [[0.0]])
    with pytest.raises(ValueError, match="lr=1e.308 too large"):
        sgd_step(model, x, y, lr=1e308)
    np.testing.assert_array_equal(model.get_params(), p)
    # +-1000 inputs are fine: finite and no warning
    value, grad = model.loss_and_grad(p, np.array([[-1000.0], [0.0], [1000.0]]), y, "mse")
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    leaky = example_model("leaky_relu")
    value, grad = leaky.loss_and_grad(leaky.get_params(), np.array([[-1000.0], [0.0], [1000.0]]),
                                      y)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
