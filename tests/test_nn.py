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
    train,
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


# --- train --------------------------------------------------------------------------------


def test_train_is_the_shared_loop_and_keeps_the_last_parameters():
    x, y = regression_data(seed=2, n=12)
    model = init_two_layer(4, seed=5)
    start = model.get_params()
    run = train(model, x, y, lr=0.05, max_steps=25, loss="mse")
    same = gradient_descent(lambda p: init_two_layer(4, seed=5).loss_and_grad(p, x, y, "mse"),
                            start, lr=0.05, max_steps=25)
    np.testing.assert_array_equal(run.params, same.params)
    np.testing.assert_array_equal(model.get_params(), run.final)
    assert run.steps == 25 and run.names == model.names


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(lr=0.0, max_steps=3), ValueError, "lr must be > 0"),
    (dict(lr=0.1, max_steps=-1), ValueError, "max_steps must be >= 0"),
    (dict(lr=0.1, max_steps=10**9), ValueError, "max_steps must be <= 100000"),
    (dict(lr=0.1, max_steps=2.5), TypeError, "max_steps must be an int"),
    (dict(lr=0.1, max_steps=3, loss="l1"), TypeError, "loss must be"),
    (dict(lr=1e300, max_steps=3), ValueError, "too large"),
])
def test_train_rejects_bad_arguments_and_leaves_the_model(kwargs, error, match):
    x, y = example_data()
    model = example_model()
    p = model.get_params()
    with pytest.raises(error, match=match):
        train(model, x, y, **kwargs)
    np.testing.assert_array_equal(model.get_params(), p)


# --- the report's other slips, one check each ---------------------------------------------------


def test_report_mae_without_absolute_value_lets_errors_cancel():
    # The report's MAE(y', y) = 1/N sum (y_i - y'_i): signed errors cancel.
    def report_mae(y_hat, y):
        return float(np.mean(y - y_hat))

    y = np.array([[0.0], [0.0]])
    wrong = np.array([[1.0], [-1.0]])  # both predictions off by 1
    assert report_mae(wrong, y) == 0.0 and MAE().forward(wrong, y) == 1.0
    # it is not even bounded below: raising every prediction lowers it without end
    assert report_mae(y + 100.0, y) == -100.0 < report_mae(y + 1.0, y) < report_mae(y, y)
    x, y = example_data()  # the worked example: 3.6 - 1.15 - 0.1 over 3, not 3.6 + 1.15 + 0.1
    y_hat = example_model().forward(x)
    assert report_mae(y_hat, y) == pytest.approx((3.6 - 1.15 - 0.1) / 3)
    assert MAE().forward(y_hat, y) == pytest.approx((3.6 + 1.15 + 0.1) / 3)


def test_mae_gradient_is_the_mean_of_the_per_example_gradients():
    # The report differentiates |y - M(x)| of one example: no 1/N and no sum.
    rng = np.random.default_rng(11)
    model = random_model(rng, 1, 3, 1)
    x, y = rng.normal(size=(5, 1)), rng.normal(size=(5, 1))
    assert kinks_are_far(model, x, y)
    p = model.get_params()
    _, batch = model.loss_and_grad(p, x, y, "mae")
    single = [model.loss_and_grad(p, x[i:i + 1], y[i:i + 1], "mae")[1] for i in range(5)]
    np.testing.assert_allclose(batch, np.mean(single, axis=0), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(np.sum(single, axis=0), 5 * batch, rtol=1e-13, atol=1e-15)
    assert not np.allclose(single[0], batch)  # one example's gradient is not the batch's


def test_a_derivative_is_a_ratio_of_changes_not_of_values():
    # The report writes d(W x + b)/dW as (W x + b) / dW: a value over a change.
    # Read literally that ratio has no limit; the ratio of changes tends to x.
    W, b, x = 0.7, 0.4, 2.0

    def linear(w):
        return Linear([[w]], [b]).forward([[x]])[0, 0]

    hs = [1e-2, 1e-4, 1e-6]
    value_ratios = [linear(W) / h for h in hs]
    change_ratios = [(linear(W + h) - linear(W)) / h for h in hs]
    assert value_ratios[0] < value_ratios[1] < value_ratios[2] and value_ratios[-1] > 1e6
    np.testing.assert_allclose(change_ratios, x, rtol=1e-8)
    layer = Linear([[W]], [b])
    layer.forward([[x]])
    layer.backward([[1.0]])
    assert layer.dW[0, 0] == x and layer.db[0] == 1.0


def test_report_formula_without_shapes_has_the_wrong_shape():
    # The report's dW1 = (y - M)/|y - M| * W2 * ReLU'(q) * x, taken as written for one
    # example with a vector hidden layer, is not the shape of W1; with 2 inputs it is
    # not even defined. The outer product ((W2^T g) * ReLU'(q)) x^T is.
    rng = np.random.default_rng(3)
    W1, b1, W2 = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=(1, 3))
    x, s = rng.normal(size=2), np.array([1.0])  # one example; s = d|a|/da
    q = W1 @ x + b1
    relu_prime = (q > 0).astype(float)
    with pytest.raises(ValueError, match="broadcast"):
        s * W2 * relu_prime * x  # (1,) * (1, 3) * (3,) * (2,)
    assert (s * W2 * relu_prime * x[:1]).shape == (1, 3)  # one input: W1 is (3, 1)
    right = np.outer((W2.T @ s) * relu_prime, x)
    assert right.shape == W1.shape == (3, 2)
    model = TwoLayer(W1, b1, W2, [0.0])
    y = model.forward(x[None, :]) + 1.0  # y above the prediction: sign(y_hat - y) = -1
    _, grad = model.loss_and_grad(model.get_params(), x[None, :], y, "mae")
    np.testing.assert_allclose(model.unflatten(grad)["W1"], -right, rtol=1e-14)


# --- the training runs of the page: the MAE and the MSE ----------------------------------------


@SETTINGS
@given(seeds, small, st.integers(1, 3))
def test_mae_gradient_has_constant_size_mse_gradient_is_proportional(seed, n, d):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(n, d))
    r = away_from_zero(rng, (n, d), 0.01, 5.0)
    mae, mse = MAE(), MSE()
    mae.forward(y + r, y)
    mse.forward(y + r, y)
    np.testing.assert_array_equal(np.abs(mae.backward()), np.full((n, d), 1.0 / (n * d)))
    np.testing.assert_allclose(mse.backward(), 2.0 * r / (n * d), rtol=1e-12)


@SETTINGS
@given(seeds, st.integers(1, 9))
def test_best_constant_is_a_median_for_mae_and_the_mean_for_mse(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(n, 1)) + (rng.random((n, 1)) < 0.3) * 10.0  # some outliers
    grid = np.linspace(y.min() - 1, y.max() + 1, 4001)
    mae = np.mean(np.abs(grid - y), axis=0)  # column k: the loss of the constant grid[k]
    mse = np.mean((grid - y) ** 2, axis=0)
    k = int(rng.integers(grid.size))
    assert MAE().forward(np.full_like(y, grid[k]), y) == pytest.approx(mae[k], rel=1e-14)
    ys = np.sort(y.ravel())
    lo, hi = ys[(n - 1) // 2], ys[n // 2]  # the middle value(s)
    step = grid[1] - grid[0]
    best = grid[mae <= mae.min() + 1e-12]
    assert lo - step <= best.min() and best.max() <= hi + step
    assert lo - step <= np.median(y) <= hi + step
    assert abs(grid[np.argmin(mse)] - np.mean(y)) <= step


# --- the backpropagation page's claims about its runs (scripts/chapters/backpropagation.py) ---


@pytest.fixture(scope="module")
def bp():
    from chapters import backpropagation

    return backpropagation


def test_page_runs_each_loss_is_lowest_for_the_run_trained_with_it(bp):
    x, y = bp.training_data()
    finals = {loss: bp.predict(bp.run(loss).final, x) for loss in bp.LOSSES}
    for loss, layer in (("mae", MAE()), ("mse", MSE())):
        other = "mse" if loss == "mae" else "mae"
        assert layer.forward(finals[loss], y) < layer.forward(finals[other], y)
        assert bp.run(loss).loss[-1] < 0.5 * bp.run(loss).loss[0]


def test_page_runs_mae_fit_follows_the_bulk_mse_fit_the_outliers(bp):
    x, y = bp.training_data()
    far = bp.outlier_mask()
    assert int(far.sum()) == bp.OUTLIERS
    assert np.all(y[far] > bp.trend(x[far]))  # all four lie above the trend
    assert np.median(bp.clean_errors("mse")) > 3 * np.median(bp.clean_errors("mae"))
    for loss in bp.LOSSES:  # both fits stay below the outliers: they are not interpolated
        assert np.all(bp.predict(bp.run(loss).final, x[far]) < y[far] - 1.0)
    # the MSE fit is lifted: above the MAE fit near every outlier
    near = x[far]
    assert np.all(bp.predict(bp.run("mse").final, near) > bp.predict(bp.run("mae").final, near))


def test_page_runs_constant_size_against_proportional_steps(bp):
    mae, mse = bp.run("mae"), bp.run("mse")
    # the loss layer's gradient: constant 1/sqrt(N) for the MAE, above it for the MSE
    np.testing.assert_allclose(bp.output_gradients("mae"), 1 / np.sqrt(bp.N_POINTS), rtol=1e-12)
    assert bp.output_gradients("mse").min() > 2 * bp.output_gradients("mae").max()
    # first steps: the MAE falls by the same amount each step, the MSE by less and less
    d_mae, d_mse = -np.diff(mae.loss[:4]), -np.diff(mse.loss[:4])
    assert np.all(d_mae > 0) and np.ptp(d_mae) < 0.05 * d_mae.mean()
    assert d_mse[0] > 1.5 * d_mse[2] > 0
    assert mse.grad_norm[0] > 2 * mae.grad_norm[0]
    # after the first steps most of the MSE's gradient comes from the outliers
    assert all(bp.outlier_share(k) > 0.75 for k in (10, 100, 1000, bp.STEPS))


def test_page_example_numbers(bp):
    steps = bp.example_steps()
    assert steps["true"] < steps["before"] < steps["report"]
    assert bp.report_factor() == pytest.approx(-3.0, rel=1e-12)  # -N, N = 3
    ex = bp.example_pass()
    np.testing.assert_allclose(ex["grad"], ex["numeric"], rtol=1e-8, atol=1e-9)
    assert not np.any(ex["q"] == 0.0)  # no pre-activation at a kink: both ReLU' agree


# --- the LeakyReLU page's claims (scripts/chapters/leaky_relu.py) -------------------------------


def test_leaky_model_depends_on_alpha():
    # The report leaves alpha open; the model, its loss and its gradient depend on it.
    x, y = example_data()
    out = {}
    for alpha in (0.01, 0.1, 0.3):
        model = TwoLayer(*example_params(), activation="tanh", output="leaky_relu", alpha=alpha)
        loss, grad = model.loss_and_grad(model.get_params(), x, y, "mae")
        out[alpha] = (model.forward(x).ravel(), loss, grad)
    assert out[0.01][0][0] != out[0.1][0][0] != out[0.3][0][0]  # the first output is negative
    np.testing.assert_array_equal(out[0.01][0][1:], out[0.3][0][1:])  # the others are not
    assert len({round(v[1], 12) for v in out.values()}) == 3
    assert not np.allclose(out[0.01][2], out[0.3][2])
    default = example_model("leaky_relu")
    assert default.alpha == 0.1 and LeakyReLU().alpha == 0.1  # our choice, used on the page
    np.testing.assert_array_equal(default.forward(x).ravel(), out[0.1][0])


def test_linear_of_an_affine_map_applies_it_twice():
    # The report's Linear(tanh(Linear(W x + b))): Linear(v) = W v + b applied to W x + b.
    W, b, x = np.array([[2.0]]), np.array([0.5]), np.array([[1.5]])
    layer = Linear(W, b)
    once = layer.forward(x)
    twice = layer.forward(once)
    np.testing.assert_allclose(twice, x @ (W @ W).T + (W @ b + b), rtol=1e-15)  # W^2 x + W b + b
    assert not np.allclose(twice, once)
    # with the chapter's shapes (W1 is 3 x 1) the second application is not even defined
    W1, b1, *_ = example_params()
    xs, _ = example_data()
    first = Linear(W1, b1)
    with pytest.raises(ValueError, match=r"x must have 1 column.*\(3, 1\).*got shape \(3, 3\)"):
        first.forward(first.forward(xs))


def test_leaky_output_layer_passes_a_share_of_every_gradient():
    rng = np.random.default_rng(4)
    a, g = rng.normal(size=(50, 1)), rng.choice([-1.0, 1.0], size=(50, 1))
    leaky, relu_layer = LeakyReLU(0.1), ReLU()
    leaky.forward(a)
    relu_layer.forward(a)
    assert np.all(np.abs(leaky.backward(g)) >= 0.1)  # alpha of it at least, on every example
    assert np.any(relu_layer.backward(g) == 0.0)  # ReLU blocks it where a <= 0


@pytest.fixture(scope="module")
def lr_chapter():
    from chapters import leaky_relu

    return leaky_relu


def test_page_relu_units_die_during_training_and_stay_dead(lr_chapter, bp):
    counts = lr_chapter.dead_counts("relu")
    assert np.all(np.diff(counts) >= 0)  # none ever comes back
    assert counts[-1] > counts[0] > 0
    deaths = lr_chapter.deaths()
    assert len(deaths) == counts[-1] - counts[0] >= 1
    # after its death a unit's incoming weights never move again: zero gradient
    names = bp.start_model().names
    run = bp.run("mae")
    for unit, step in deaths:
        for name in (f"W1[{unit},0]", f"b1[{unit}]", f"W2[0,{unit}]"):
            column = run.params[step:, names.index(name)]
            assert np.all(column == column[0]), name
    # the tanh network has no dead unit at any step, and no slope anywhere near 0
    assert lr_chapter.dead_counts("leaky").max() == 0
    assert lr_chapter.dead()["tanh_slope"].min() > 0.1


def test_page_leaky_network_trains_like_the_relu_network(lr_chapter, bp):
    leaky, relu_run = lr_chapter.run("leaky"), lr_chapter.run("relu")
    assert leaky.steps == relu_run.steps == bp.STEPS and leaky.lr == relu_run.lr == bp.LR
    assert leaky.loss[-1] < 0.5 * leaky.loss[0]
    assert abs(leaky.loss[-1] - relu_run.loss[-1]) < 0.1 * relu_run.loss[-1]
    # negative predictions need an output pre-activation 1/alpha times as large
    o = lr_chapter.output_preactivations()
    x, _ = bp.training_data()
    y_hat = lr_chapter.predict("leaky", leaky.final, x).ravel()
    np.testing.assert_allclose(y_hat[o <= 0], lr_chapter.ALPHA * o[o <= 0], rtol=1e-12)
    assert o.min() < -5.0 and y_hat.min() < -1.0
    # both fits follow the bulk of the points, not the outliers
    far = bp.outlier_mask()
    for kind in ("relu", "leaky"):
        fit = lr_chapter.predict(kind, lr_chapter.run(kind).final, x)
        assert np.median(np.abs(fit - bp.training_data()[1]).ravel()[~far]) < 0.2
    # one corner: the output pre-activation changes sign once over the data's range
    model = bp.model_at(leaky.final, **lr_chapter.OPTIONS)
    grid = np.linspace(x.min(), x.max(), 2001)[:, None]
    o_grid = model.linear2.forward(model.act.forward(model.linear1.forward(grid))).ravel()
    assert np.count_nonzero(np.diff(np.sign(o_grid))) == 1
    # the slow stretch comes from the slope: larger alpha, lower loss at every listed step
    runs = lr_chapter.load("leaky.training")
    for k in lr_chapter.TABLE_STEPS[:-1]:
        assert runs[0.1].loss[k] > runs[0.3].loss[k] > runs[1.0].loss[k]


def _fractions(tex):
    r"""(numerator, denominator) of every \frac{..}{..} in `tex`, braces matched."""
    out, i = [], tex.find("\\frac{")
    while i >= 0:
        groups, j = [], i + len("\\frac")
        for _ in range(2):
            depth, k = 0, j
            while True:
                depth += {"{": 1, "}": -1}.get(tex[k], 0)
                if depth == 0:
                    break
                k += 1
            groups.append(tex[j + 1:k])
            j = k + 1
        out.append(tuple(groups))
        i = tex.find("\\frac{", i + 1)
    return out


def test_report_writes_derivatives_without_partial_in_the_numerator():
    # The claim on the pages and in the errata, checked on the report's own text.
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "report.md").read_text(encoding="utf-8")
    backprop = text[text.index("\nBackpropagation\n"):text.index("\nLeakyReLU task\n")]
    leaky = text[text.index("\nLeakyReLU task\n"):]

    def derivatives(tex):
        return [f for f in _fractions(tex) if "\\partial" in f[1] or "\\delta" in f[1]]

    def marked(num):
        return "\\partial" in num or "\\delta" in num

    in_backprop = derivatives(backprop)
    assert len(in_backprop) > 50 and not any(marked(num) for num, _ in in_backprop)
    in_leaky = derivatives(leaky)
    right = [f for f in in_leaky if marked(f[0])]  # the linear layer's dW, dx, db
    assert [den for _, den in right] == ["\\partial W", "\\partial x", "\\partial b"]
    wrong = [num for num, _ in in_leaky if not marked(num)]
    assert any("tanh" in num for num in wrong) and any("LeakyReLU" in num for num in wrong)
