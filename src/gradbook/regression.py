r"""House prices: three models fitted by gradient descent, and one wrong gradient.

Four houses with $x = 1, 2, 3, 4$ floors sold for $y = 0.7, 1.5, 4.5, 9.5$
(in units of 100,000 EUR). Each model predicts a price $\hat y$ from $x$
with two parameters $w$ and $b$:

* linear: $\hat y = w x + b$;
* sigmoid: $\hat y = 20\, \sigma(w x + b)$, a logistic curve scaled by 20;
* cubic: $\hat y = w x^3 + b$.

The fit is scored by the mean squared error
$L = \frac{1}{N} \sum_i (\hat y_i - y_i)^2$ and improved by gradient
descent, $(w, b) \leftarrow (w, b) - \text{lr} \cdot \nabla L$.

The gradient comes from the chain rule. $L$ depends on $w$ only through
the predictions, so

$$
\frac{\partial L}{\partial w} = \sum_i \frac{\partial L}{\partial \hat y_i} \frac{\partial \hat y_i}{\partial w},
\qquad
\frac{\partial L}{\partial \hat y_i} = \frac{2}{N} (\hat y_i - y_i),
$$

and likewise for $b$. The first factor is the same for every model
([`mse_grad`][gradbook.regression.mse_grad]); the second is the model's own
*partial derivative*, coded right next to the model: $(x, 1)$ for the linear
model, $(20 \sigma (1 - \sigma) x,\ 20 \sigma (1 - \sigma))$ for the sigmoid
and $(x^3, 1)$ for the cubic.

The report this chapter corrects used the linear model's partials $(x, 1)$
for all three models ([`report_gradient`][gradbook.regression.report_gradient]).
Its gradient descent stopped where that wrong "gradient" vanishes, which is
not where the loss is smallest: the cubic stops at exactly $w = 14.7/104$,
$b = 4.05 - 25 w$, the sigmoid close to $w = 1.135$, $b = -4.648$, and at
both points the true gradient is far from zero.

The linear and cubic models are linear in $(w, b)$, so for them the MSE is
a quadratic bowl: its minimum has a closed form
([`least_squares`][gradbook.regression.least_squares]) and its constant
Hessian tells which learning rates converge
([`divergence_threshold`][gradbook.regression.divergence_threshold]).

Float overflow follows IEEE 754 in the models, the loss and the gradient: a
parameter far out makes the loss `inf` rather than an error, and gradient
descent reads that as divergence. Each such function declares it in its
Notes.
"""

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from gradbook import descent
from gradbook._checks import callable_arg, finite_real, real_array
from gradbook._contract import contract
from gradbook.activations import sigmoid, sigmoid_grad

__all__ = [
    "FLOORS",
    "PRICES",
    "SIGMOID_SCALE",
    "mse",
    "mse_grad",
    "linear",
    "linear_partials",
    "scaled_sigmoid",
    "scaled_sigmoid_partials",
    "cubic",
    "cubic_partials",
    "Model",
    "LINEAR",
    "SIGMOID",
    "CUBIC",
    "MODELS",
    "loss",
    "gradient",
    "report_gradient",
    "gradient_descent",
    "least_squares",
    "mse_hessian",
    "divergence_threshold",
]

FLOORS = np.array([1.0, 2.0, 3.0, 4.0])  # x: number of floors
PRICES = np.array([0.7, 1.5, 4.5, 9.5])  # y: price, 100,000 EUR
FLOORS.flags.writeable = False
PRICES.flags.writeable = False
SIGMOID_SCALE = 20.0  # the sigmoid model predicts 20 * sigma(w x + b)

# The declared exception to the error contract of the float formulas below.
IEEE = (
    "float overflow gives inf (and nan where an infinity meets a zero or an "
    "infinity of the other sign), like IEEE 754 and NumPy; gradient descent "
    "reads a loss that is not finite as divergence"
)


# --- validation helpers ------------------------------------------------------


def _check_data(x, y):
    """Return `x` and `y` as float arrays: 1-D, same length, finite."""
    x = real_array("x", x, finite=False)
    y = real_array("y", y, finite=False)
    for name, arr in (("x", x), ("y", y)):
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"{name} must be a non-empty 1-D array, got shape {arr.shape}"
            )
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} must contain only finite numbers, got {arr}")
    if x.shape != y.shape:
        raise ValueError(
            f"x and y must have the same length (one price per house), "
            f"got shapes {x.shape} and {y.shape}"
        )
    return x, y


def _check_floors(x):
    """Return `x` as a float array: 1-D, non-empty, finite."""
    x = real_array("x", x, finite=False)
    return _check_data(x, np.zeros(x.shape))[0]


def _check_model(model):
    if not isinstance(model, Model):
        raise TypeError(
            f"model must be a Model such as LINEAR, SIGMOID or CUBIC, "
            f"got {type(model).__name__}"
        )
    return model


def _check_feature(feature, x):
    """Return `feature(x)` as a finite float array shaped like `x`."""
    callable_arg("feature", feature)
    try:
        phi = np.asarray(feature(x))
        if phi.dtype.kind not in "iuf":
            raise TypeError(f"got dtype {phi.dtype}")
        phi = phi.astype(float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"feature(x) must return real numbers ({exc})") from None
    if phi.shape != x.shape:
        raise ValueError(
            f"feature(x) must have the shape of x, {x.shape}, got {phi.shape}"
        )
    if not np.all(np.isfinite(phi)):
        raise ValueError(f"feature(x) must be finite, got {phi}")
    return phi


def _check_model_args(w, b, x):
    """`w`, `b` as floats and `x` as a float array of any shape, all finite."""
    return finite_real("w", w), finite_real("b", b), real_array("x", x)


def _same_shape(y_hat, y):
    # not finite=True: a model that overflowed predicts inf, and its loss is inf
    y_hat = real_array("y_hat", y_hat, finite=False)
    y = real_array("y", y, finite=False)
    if y_hat.shape != y.shape:
        raise ValueError(
            f"y_hat and y must have the same shape, got {y_hat.shape} and {y.shape}"
        )
    if y.size == 0:
        raise ValueError("y_hat and y are empty: the mean of no errors is undefined")
    return y_hat, y


# --8<-- [start:mse]
@contract(nonfinite=IEEE)
def mse(y_hat, y):
    """Mean squared error `mean((y_hat - y)**2)`.

    Parameters
    ----------
    y_hat, y : array_like
        Predictions and targets, same non-empty shape. NaN and infinities
        propagate: a model that overflowed has an infinite loss.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If `y_hat` or `y` is not made of real numbers.
    ValueError
        If the shapes differ or are empty.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    float overflow gives inf (and nan where an infinity meets a zero or an
    infinity of the other sign), like IEEE 754 and NumPy; gradient descent
    reads a loss that is not finite as divergence.

    Examples
    --------
    >>> mse([1.0, 2.0], [1.0, 4.0])  # (0 + 4) / 2
    2.0
    """
    y_hat, y = _same_shape(y_hat, y)
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.mean((y_hat - y) ** 2))


@contract(nonfinite=IEEE)
def mse_grad(y_hat, y):
    r"""Derivative of [`mse`][gradbook.regression.mse] with respect to each prediction.

    $L = \frac{1}{N} \sum_i (\hat y_i - y_i)^2$, so
    $\partial L / \partial \hat y_i = 2 (\hat y_i - y_i) / N$: the error of
    that sample, doubled and averaged.

    Parameters
    ----------
    y_hat, y : array_like
        Predictions and targets, same non-empty shape. NaN and infinities
        propagate: a model that overflowed has an infinite loss.

    Returns
    -------
    numpy.ndarray
        Shaped like `y`.

    Raises
    ------
    TypeError
        If `y_hat` or `y` is not made of real numbers.
    ValueError
        If the shapes differ or are empty.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    float overflow gives inf (and nan where an infinity meets a zero or an
    infinity of the other sign), like IEEE 754 and NumPy; gradient descent
    reads a loss that is not finite as divergence.

    Examples
    --------
    >>> mse_grad([1.0, 2.0], [1.0, 4.0]).tolist()
    [0.0, -2.0]
    """
    y_hat, y = _same_shape(y_hat, y)
    with np.errstate(over="ignore", invalid="ignore"):
        return 2.0 * (y_hat - y) / y.size


# --8<-- [end:mse]


# --8<-- [start:linear]
@contract(nonfinite=IEEE)
def linear(w, b, x):
    """Linear model `y_hat = w x + b`.

    Parameters
    ----------
    w, b : float
        The parameters, finite.
    x : array_like
        Floors, finite, any shape.

    Returns
    -------
    numpy.ndarray
        Shaped like `x`.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    float overflow gives inf (and nan where an infinity meets a zero or an
    infinity of the other sign), like IEEE 754 and NumPy; gradient descent
    reads a loss that is not finite as divergence.

    Examples
    --------
    >>> linear(2.0, 1.0, FLOORS).tolist()
    [3.0, 5.0, 7.0, 9.0]
    """
    w, b, x = _check_model_args(w, b, x)
    with np.errstate(over="ignore"):
        return w * x + b


def linear_partials(w, b, x):
    """Per-sample `(d y_hat/dw, d y_hat/db) = (x, 1)` of [`linear`][gradbook.regression.linear].

    Parameters
    ----------
    w, b : float
        The parameters, finite (the partials do not depend on them).
    x : array_like
        Floors, finite, any shape.

    Returns
    -------
    tuple of numpy.ndarray
        Two arrays shaped like `x`.

    Examples
    --------
    >>> [p.tolist() for p in linear_partials(2.0, 1.0, FLOORS)]
    [[1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0]]
    """
    _, _, x = _check_model_args(w, b, x)
    return x, np.ones_like(x)


# --8<-- [end:linear]


# --8<-- [start:sigmoid_model]
@contract(nonfinite=IEEE)
def scaled_sigmoid(w, b, x):
    r"""Sigmoid model `y_hat = 20 sigma(w x + b)`, prices between 0 and 20.

    Parameters
    ----------
    w, b : float
        The parameters, finite.
    x : array_like
        Floors, finite, any shape.

    Returns
    -------
    numpy.ndarray
        Shaped like `x`, in $[0, 20]$.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    float overflow gives inf (and nan where an infinity meets a zero or an
    infinity of the other sign), like IEEE 754 and NumPy; gradient descent
    reads a loss that is not finite as divergence. Here only the argument
    $w x + b$ can overflow, and $\sigma(\pm\infty)$ is 1 or 0.

    Examples
    --------
    >>> scaled_sigmoid(1.0, -2.0, FLOORS).round(8).tolist()
    [5.37882843, 10.0, 14.62117157, 17.61594156]
    """
    w, b, x = _check_model_args(w, b, x)
    with np.errstate(over="ignore"):
        return SIGMOID_SCALE * sigmoid(w * x + b)


@contract(nonfinite=IEEE)
def scaled_sigmoid_partials(w, b, x):
    r"""Per-sample partials of [`scaled_sigmoid`][gradbook.regression.scaled_sigmoid] by the chain rule.

    With $a = w x + b$: $d\hat y/da = 20\, \sigma(a) (1 - \sigma(a))$,
    $da/dw = x$ and $da/db = 1$, so the partials are
    $(20 \sigma (1 - \sigma) x,\ 20 \sigma (1 - \sigma))$.

    Parameters
    ----------
    w, b : float
        The parameters, finite.
    x : array_like
        Floors, finite, any shape.

    Returns
    -------
    tuple of numpy.ndarray
        Two arrays shaped like `x`.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    float overflow gives inf (and nan where an infinity meets a zero or an
    infinity of the other sign), like IEEE 754 and NumPy; gradient descent
    reads a loss that is not finite as divergence.

    Examples
    --------
    >>> dw, db = scaled_sigmoid_partials(1.0, -2.0, FLOORS)
    >>> db.round(8).tolist()  # largest where w x + b = 0, i.e. at x = 2
    [3.93223866, 5.0, 3.93223866, 2.09987171]
    >>> np.allclose(dw, db * FLOORS)
    True
    """
    w, b, x = _check_model_args(w, b, x)
    with np.errstate(over="ignore"):
        slope = SIGMOID_SCALE * sigmoid_grad(w * x + b)
        return slope * x, slope


# --8<-- [end:sigmoid_model]


# --8<-- [start:cubic]
@contract(nonfinite=IEEE)
def cubic(w, b, x):
    """Cubic model `y_hat = w x**3 + b`.

    Parameters
    ----------
    w, b : float
        The parameters, finite.
    x : array_like
        Floors, finite, any shape.

    Returns
    -------
    numpy.ndarray
        Shaped like `x`.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    float overflow gives inf (and nan where an infinity meets a zero or an
    infinity of the other sign), like IEEE 754 and NumPy; gradient descent
    reads a loss that is not finite as divergence.

    Examples
    --------
    >>> cubic(0.5, 1.0, FLOORS).tolist()
    [1.5, 5.0, 14.5, 33.0]
    """
    w, b, x = _check_model_args(w, b, x)
    with np.errstate(over="ignore", invalid="ignore"):
        return w * x**3 + b


@contract(nonfinite=IEEE)
def cubic_partials(w, b, x):
    """Per-sample `(d y_hat/dw, d y_hat/db) = (x**3, 1)` of [`cubic`][gradbook.regression.cubic].

    Parameters
    ----------
    w, b : float
        The parameters, finite (the partials do not depend on them).
    x : array_like
        Floors, finite, any shape.

    Returns
    -------
    tuple of numpy.ndarray
        Two arrays shaped like `x`.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    float overflow gives inf (and nan where an infinity meets a zero or an
    infinity of the other sign), like IEEE 754 and NumPy; gradient descent
    reads a loss that is not finite as divergence.

    Examples
    --------
    >>> [p.tolist() for p in cubic_partials(0.5, 1.0, FLOORS)]
    [[1.0, 8.0, 27.0, 64.0], [1.0, 1.0, 1.0, 1.0]]
    """
    _, _, x = _check_model_args(w, b, x)
    with np.errstate(over="ignore"):
        return x**3, np.ones_like(x)


# --8<-- [end:cubic]


def _x(x):
    """The feature of the linear model: `x` itself."""
    return np.asarray(x, dtype=float)


def _x_cubed(x):
    """The feature of the cubic model: `x**3` (`inf` beyond the float range)."""
    with np.errstate(over="ignore"):
        return np.asarray(x, dtype=float) ** 3


@dataclass(frozen=True)
class Model:
    """A model `y_hat = predict(w, b, x)` together with its partials.

    Attributes
    ----------
    name : str
    predict : callable
        `(w, b, x) -> y_hat`, shaped like `x`.
    partials : callable
        `(w, b, x) -> (d y_hat/dw, d y_hat/db)`, each shaped like `x`.
    feature : callable or None
        For a model linear in the parameters, `y_hat = w feature(x) + b`:
        the map `x -> feature(x)`. None for the sigmoid model.

    Raises
    ------
    TypeError
        If `name` is not a str, `predict` or `partials` is not callable, or
        `feature` is neither callable nor None.

    Examples
    --------
    >>> CUBIC.predict(1.0, 0.0, FLOORS).tolist()
    [1.0, 8.0, 27.0, 64.0]
    >>> CUBIC.feature(FLOORS).tolist()
    [1.0, 8.0, 27.0, 64.0]
    >>> SIGMOID.feature is None
    True
    """

    name: str
    predict: Callable
    partials: Callable
    feature: Callable | None = None

    def __post_init__(self):
        if not isinstance(self.name, str):
            raise TypeError(f"Model.name must be a str, got {type(self.name).__name__}")
        for field in ("predict", "partials"):
            if not callable(getattr(self, field)):
                raise TypeError(f"Model.{field} must be callable")
        if self.feature is not None and not callable(self.feature):
            raise TypeError("Model.feature must be callable or None")


LINEAR = Model("linear", linear, linear_partials, feature=_x)
SIGMOID = Model("sigmoid", scaled_sigmoid, scaled_sigmoid_partials, feature=None)
CUBIC = Model("cubic", cubic, cubic_partials, feature=_x_cubed)
MODELS = {"linear": LINEAR, "sigmoid": SIGMOID, "cubic": CUBIC}


@contract(nonfinite=IEEE)
def loss(model, w, b, x=FLOORS, y=PRICES):
    """The MSE of `model` with parameters `(w, b)` on the data.

    Parameters
    ----------
    model : Model
    w, b : float
        Finite parameters.
    x, y : array_like, optional
        Floors and prices, 1-D of equal length; the four houses by default.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If `model` is not a [`Model`][gradbook.regression.Model] or a number
        is not real.
    ValueError
        If a number is not finite, or `x` and `y` are not 1-D of equal length.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    float overflow gives inf (and nan where an infinity meets a zero or an
    infinity of the other sign), like IEEE 754 and NumPy; gradient descent
    reads a loss that is not finite as divergence.

    Examples
    --------
    >>> loss(LINEAR, 0.0, 0.0)  # predicting 0: mean of y**2
    28.31
    >>> round(loss(LINEAR, 2.94, -3.3), 6)  # the least-squares line
    1.103
    """
    _check_model(model)
    w, b = finite_real("w", w), finite_real("b", b)
    x, y = _check_data(x, y)
    with np.errstate(over="ignore", invalid="ignore"):
        return mse(model.predict(w, b, x), y)


# --8<-- [start:gradient]
@contract(nonfinite=IEEE)
def gradient(model, w, b, x=FLOORS, y=PRICES):
    r"""The true gradient $(\partial L/\partial w,\ \partial L/\partial b)$ of the MSE, by the chain rule.

    $$
    \frac{\partial L}{\partial w} = \sum_i \frac{2 (\hat y_i - y_i)}{N} \cdot \frac{\partial \hat y_i}{\partial w},
    \qquad
    \frac{\partial L}{\partial b} = \sum_i \frac{2 (\hat y_i - y_i)}{N} \cdot \frac{\partial \hat y_i}{\partial b}
    $$

    The first factor is [`mse_grad`][gradbook.regression.mse_grad], the
    second `model.partials`.

    Parameters
    ----------
    model : Model
    w, b : float
        Finite parameters.
    x, y : array_like, optional
        Floors and prices; the four houses by default.

    Returns
    -------
    numpy.ndarray
        Shape (2,): `[dL/dw, dL/db]`.

    Raises
    ------
    TypeError
        If `model` is not a [`Model`][gradbook.regression.Model] or a number
        is not real.
    ValueError
        If a number is not finite, or `x` and `y` are not 1-D of equal length.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    float overflow gives inf (and nan where an infinity meets a zero or an
    infinity of the other sign), like IEEE 754 and NumPy; gradient descent
    reads a loss that is not finite as divergence.

    Examples
    --------
    >>> gradient(LINEAR, 0.0, 0.0).tolist()  # 2/N sum(-y x), 2/N sum(-y)
    [-27.6, -8.1]
    >>> gradient(CUBIC, 0.0, 0.0).tolist()  # the cube shows up: 2/N sum(-y x**3)
    [-371.1, -8.1]
    """
    _check_model(model)
    w, b = finite_real("w", w), finite_real("b", b)
    x, y = _check_data(x, y)
    with np.errstate(over="ignore", invalid="ignore"):
        dloss = mse_grad(model.predict(w, b, x), y)  # dL/dy_hat_i
        dw, db = model.partials(w, b, x)  # dy_hat_i/dw, dy_hat_i/db
        return np.array([np.sum(dloss * dw), np.sum(dloss * db)])


# --8<-- [end:gradient]


# --8<-- [start:report_gradient]
@contract(nonfinite=IEEE)
def report_gradient(model, w, b, x=FLOORS, y=PRICES):
    r"""The report's update rule: the *linear* model's gradient, for any model.

    $$
    \Bigl[\ \frac{2}{N} \sum_i (\hat y_i - y_i)\, x_i,\quad \frac{2}{N} \sum_i (\hat y_i - y_i)\ \Bigr]
    $$

    This is the true gradient only for
    [`LINEAR`][gradbook.regression.LINEAR], whose partials are $(x, 1)$.
    For the sigmoid it lacks the chain-rule factor $20 \sigma (1 - \sigma)$;
    for the cubic it uses $x$ where $x^3$ belongs. It is **wrong** for those
    two models and is reproduced here only to explain the report's numbers:
    gradient descent with this rule stops where it vanishes, not where the
    loss is smallest.

    Parameters
    ----------
    model : Model
    w, b : float
        Finite parameters.
    x, y : array_like, optional
        Floors and prices; the four houses by default.

    Returns
    -------
    numpy.ndarray
        Shape (2,).

    Raises
    ------
    TypeError
        If `model` is not a [`Model`][gradbook.regression.Model] or a number
        is not real.
    ValueError
        If a number is not finite, or `x` and `y` are not 1-D of equal length.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    float overflow gives inf (and nan where an infinity meets a zero or an
    infinity of the other sign), like IEEE 754 and NumPy; gradient descent
    reads a loss that is not finite as divergence.

    Examples
    --------
    >>> report_gradient(CUBIC, 0.0, 0.0).tolist()  # x where x**3 belongs
    [-27.6, -8.1]
    >>> gradient(CUBIC, 0.0, 0.0).tolist()
    [-371.1, -8.1]
    """
    _check_model(model)
    w, b = finite_real("w", w), finite_real("b", b)
    x, y = _check_data(x, y)
    with np.errstate(over="ignore", invalid="ignore"):
        error = model.predict(w, b, x) - y
        return np.array([2.0 * np.mean(error * x), 2.0 * np.mean(error)])


# --8<-- [end:report_gradient]


def _check_descent(model, w0, b0, rule, x, y):
    """Validate the house-specific arguments of `gradient_descent`."""
    _check_model(model)
    w0, b0 = finite_real("w0", w0), finite_real("b0", b0)
    callable_arg("rule", rule)
    x, y = _check_data(x, y)
    return w0, b0, x, y


# --8<-- [start:gradient_descent]
@contract(nonfinite=descent.DIVERGED)
def gradient_descent(
    model, w0, b0, lr, *, max_steps=100_000, tol=1e-9, rule=gradient,
    x=FLOORS, y=PRICES,
):
    """Batch gradient descent on the MSE, from `(w0, b0)` with step `lr`.

    The loop is the shared one,
    [`gradbook.descent.gradient_descent`][gradbook.descent.gradient_descent]:
    every step computes both partial derivatives at the *current* `(w, b)`
    and only then moves both parameters (the simultaneous update). It stops
    when the update direction is shorter than `tol` (converged), when the
    loss exceeds `1e12 * (initial loss + 1)` or is no longer finite
    (diverged), or after `max_steps` updates.

    Parameters
    ----------
    model : Model
    w0, b0 : float
        Starting point, finite.
    lr : float
        Learning rate, finite and > 0.
    max_steps : int, optional
        Largest number of updates, >= 0.
    tol : float, optional
        Convergence threshold on the Euclidean norm of the update direction, > 0.
    rule : callable, optional
        `(model, w, b, x, y) -> [dL/dw, dL/db]`:
        [`gradient`][gradbook.regression.gradient], or
        [`report_gradient`][gradbook.regression.report_gradient] to replay
        the report.
    x, y : array_like, optional
        Floors and prices; the four houses by default.

    Returns
    -------
    gradbook.descent.History
        With the parameter names `("w", "b")`: `run["w"]` and `run["b"]` are
        their histories.

    Raises
    ------
    TypeError
        If `model` is not a [`Model`][gradbook.regression.Model], `rule` is
        not callable or `max_steps` is not an int.
    ValueError
        If a number is out of range or not finite, or `x` and `y` are
        not 1-D arrays of equal length.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`): a
    diverged run records what stopped it: its last loss may be inf or nan,
    its last parameters may have left the float range, and the gradient
    length there is nan.

    Examples
    --------
    >>> run = gradient_descent(LINEAR, 0.0, 0.0, lr=0.1)
    >>> run.converged, run.steps
    (True, 689)
    >>> round(float(run["w"][-1]), 6), round(float(run["b"][-1]), 6)
    (2.94, -3.3)
    >>> gradient_descent(LINEAR, 0.0, 0.0, lr=0.2).diverged  # lr too large
    True
    """
    w0, b0, x, y = _check_descent(model, w0, b0, rule, x, y)

    def fun(p):
        w, b = p
        return mse(model.predict(w, b, x), y), rule(model, w, b, x, y)

    return descent.gradient_descent(fun, [w0, b0], lr, max_steps=max_steps, tol=tol,
                                    names=("w", "b"))


# --8<-- [end:gradient_descent]


# --8<-- [start:least_squares]
def least_squares(feature, x=FLOORS, y=PRICES):
    r"""The exact minimum of the MSE for `y_hat = w feature(x) + b`.

    The loss is a quadratic in $(w, b)$; setting both partial derivatives
    to zero gives the *normal equations*
    $A^\top A\, [w, b]^\top = A^\top y$ for the design matrix
    $A = [\,\text{feature}(x),\ 1\,]$ (one row per house). `np.linalg.lstsq`
    solves them stably. No gradient descent and no
    [`gradient`][gradbook.regression.gradient] involved.

    `lstsq` decides the rank relative to the largest column, so a feature of
    size $10^{200}$ next to the column of ones would look constant. The
    feature and the prices are therefore centred and scaled to at most 1
    before solving, and $w$ and $b$ are scaled back afterwards.

    Parameters
    ----------
    feature : callable
        `x -> feature(x)`, e.g. `LINEAR.feature` or `CUBIC.feature`.
    x, y : array_like, optional
        Floors and prices; the four houses by default.

    Returns
    -------
    tuple of float
        `(w, b)`.

    Raises
    ------
    TypeError
        If `feature` is not callable or does not return real numbers.
    ValueError
        If the data are invalid, `feature(x)` is not finite or is constant
        (then $w$ and $b$ cannot be told apart), or $w$ or $b$ is beyond the
        float range.

    Examples
    --------
    >>> w, b = least_squares(LINEAR.feature)
    >>> round(w, 12), round(b, 12)
    (2.94, -3.3)
    >>> w, b = least_squares(CUBIC.feature)
    >>> round(w, 6), round(b, 6)
    (0.141088, 0.522803)
    >>> w, b = least_squares(lambda x: 1e200 * x)  # the line, in units of 1e200
    >>> round(w * 1e200, 12), round(b, 12)
    (2.94, -3.3)
    """
    x, y = _check_data(x, y)
    phi = _check_feature(feature, x)
    size = np.max(np.abs(phi))
    if size == 0 or np.ptp(phi / size) == 0:
        raise ValueError("feature(x) is constant: w and b are not identifiable")
    # feature = size * (shift + spread * u), with u centred and |u| <= 1
    shift = np.mean(phi / size)
    u = phi / size - shift
    spread = np.max(np.abs(u))
    u = u / spread
    unit = max(float(np.max(np.abs(y))), 1.0)  # y = unit * v, |v| <= 1
    A = np.column_stack([u, np.ones_like(u)])
    (c, d), _, rank, _ = np.linalg.lstsq(A, y / unit, rcond=None)
    if rank < 2:
        raise ValueError("feature(x) is constant: w and b are not identifiable")
    c, d, size, shift, spread = map(float, (c, d, size, shift, spread))
    # v = c u + d, so y = unit (c / spread) (feature / size - shift) + unit d
    w = unit * (c / spread) / size  # Python floats: inf on overflow, no warning
    b = unit * (d - c * shift / spread)
    if not (math.isfinite(w) and math.isfinite(b)):
        raise ValueError(
            f"the least-squares w or b is beyond the float range for this feature(x) "
            f"(its values are as small as {size:.3g}): w = {w}, b = {b}"
        )
    return w, b


# --8<-- [end:least_squares]


def _scaled_hessian(phi):
    """`(H / k**2, k)` with `k` a power of two near `max |phi|` (1 if that is < 1).

    Scaling by a power of two is exact, so `H = k**2 * (H / k**2)` to the
    last bit wherever `H` itself is a float; the scaled matrix is a float
    even when `H` is not.
    """
    size = float(np.max(np.abs(phi)))
    k = math.ldexp(1.0, math.frexp(size)[1] - 1) if size > 1 else 1.0
    psi, n = phi / k, phi.size
    return (2.0 / n) * np.array(
        [[np.sum(psi**2), np.sum(psi) / k], [np.sum(psi) / k, n / k / k]]
    ), k


# --8<-- [start:threshold]
def mse_hessian(feature, x=FLOORS):
    r"""The constant Hessian of the MSE for `y_hat = w feature(x) + b`.

    With $\phi = \text{feature}(x)$ the loss
    $\frac{1}{N} \sum (w \phi + b - y)^2$ has second derivatives that do not
    depend on $w$, $b$ or $y$:

    $$
    H = \frac{2}{N} \begin{pmatrix} \sum \phi^2 & \sum \phi \\ \sum \phi & N \end{pmatrix}.
    $$

    Parameters
    ----------
    feature : callable
        `x -> feature(x)`.
    x : array_like, optional
        Floors, 1-D; the four houses by default.

    Returns
    -------
    numpy.ndarray
        Shape (2, 2), symmetric.

    Raises
    ------
    TypeError
        If `feature` is not callable or does not return real numbers.
    ValueError
        If `x` is invalid, `feature(x)` is not finite, or an entry of $H$
        is beyond the float range (`feature(x)` is too large).

    Examples
    --------
    >>> mse_hessian(LINEAR.feature).tolist()
    [[15.0, 5.0], [5.0, 2.0]]
    """
    x = _check_floors(x)
    phi = _check_feature(feature, x)
    scaled, k = _scaled_hessian(phi)
    with np.errstate(over="ignore"):
        hessian = scaled * k * k
    if not np.all(np.isfinite(hessian)):
        raise ValueError(
            "the Hessian is beyond the float range: feature(x) is too large "
            f"(up to {np.max(np.abs(phi)):.3g}); divergence_threshold still works"
        )
    return hessian


def divergence_threshold(feature, x=FLOORS):
    r"""The learning rate $2 / \lambda_{\max}(H)$ above which descent diverges.

    On a quadratic loss the error $e = (w, b) - \text{optimum}$ obeys
    $e \leftarrow (I - \text{lr}\, H)\, e$ exactly. Along an eigenvector of
    $H$ with eigenvalue $\lambda$ it is multiplied by $1 - \text{lr}\,\lambda$
    every step, which shrinks it only if $|1 - \text{lr}\,\lambda| < 1$, i.e.
    $0 < \text{lr} < 2 / \lambda$. The steepest direction, the top
    eigenvector with $\lambda_{\max}$, sets the limit: below
    $2 / \lambda_{\max}$ descent converges from any start, above it the
    error along that direction flips sign and grows every step.

    The eigenvalue is computed from $H / k^2$, with $k$ a power of two near
    the largest $|\phi|$, so a feature too large for $H$ itself still gets
    its threshold (rounded to 0.0 when it is below the smallest float).

    Parameters
    ----------
    feature : callable
        `x -> feature(x)`.
    x : array_like, optional
        Floors, 1-D; the four houses by default.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If `feature` is not callable or does not return real numbers.
    ValueError
        If `x` is invalid or `feature(x)` is not finite.

    Examples
    --------
    >>> round(divergence_threshold(LINEAR.feature), 6)
    0.119756
    >>> round(divergence_threshold(CUBIC.feature), 8)  # x**3 is steep
    0.00081765
    >>> divergence_threshold(lambda x: 1e100 * x)  # lambda_max = 1.5e201
    1.3333333333333333e-201
    >>> divergence_threshold(lambda x: 1e200 * x)  # 1.3e-401: below the smallest float
    0.0
    """
    x = _check_floors(x)
    phi = _check_feature(feature, x)
    scaled, k = _scaled_hessian(phi)
    return 2.0 / float(np.linalg.eigvalsh(scaled)[-1]) / k / k


# --8<-- [end:threshold]
