"""House prices: three models fitted by gradient descent, and one wrong gradient.

Four houses with ``x = 1, 2, 3, 4`` floors sold for ``y = 0.7, 1.5, 4.5,
9.5`` (in units of 100,000 EUR). Each model predicts a price ``y_hat`` from
``x`` with two parameters ``w`` and ``b``:

* linear: ``y_hat = w x + b``;
* sigmoid: ``y_hat = 20 sigma(w x + b)``, a logistic curve scaled by 20;
* cubic: ``y_hat = w x**3 + b``.

The fit is scored by the mean squared error ``L = mean((y_hat - y)**2)``
and improved by gradient descent, ``(w, b) <- (w, b) - lr * grad L``.

The gradient comes from the chain rule. ``L`` depends on ``w`` only through
the predictions, so

.. code-block:: text

    dL/dw = sum_i dL/dy_hat_i * dy_hat_i/dw,   dL/dy_hat_i = 2 (y_hat_i - y_i) / N

and likewise for ``b``. The first factor is the same for every model
(:func:`mse_grad`); the second is the model's own *partial derivative*,
coded right next to the model: ``(x, 1)`` for the linear model,
``(20 sigma (1 - sigma) x, 20 sigma (1 - sigma))`` for the sigmoid and
``(x**3, 1)`` for the cubic.

The report this chapter corrects used the linear model's partials ``(x, 1)``
for all three models (:func:`report_gradient`). Its gradient descent stopped
where that wrong "gradient" vanishes, which is not where the loss is
smallest: the cubic stops at exactly ``w = 14.7/104``, ``b = 4.05 - 25 w``,
the sigmoid close to ``w = 1.135``, ``b = -4.648``, and at both points the
true gradient is far from zero.

The linear and cubic models are linear in ``(w, b)``, so for them the MSE is
a quadratic bowl: its minimum has a closed form (:func:`least_squares`) and
its constant Hessian tells which learning rates converge
(:func:`divergence_threshold`).
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from gradbook._checks import finite_real

from gradbook import descent
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


# --- validation helpers ------------------------------------------------------


def _check_data(x, y):
    """Return ``x`` and ``y`` as float arrays: 1-D, same length, finite."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    for name, arr in (("x", x), ("y", y)):
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"{name} must be a non-empty 1-D array, got shape {arr.shape}"
            )
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must contain only finite numbers, got {arr}")
    if x.shape != y.shape:
        raise ValueError(
            f"x and y must have the same length (one price per house), "
            f"got shapes {x.shape} and {y.shape}"
        )
    return x, y


def _check_model(model):
    if not isinstance(model, Model):
        raise TypeError(
            f"model must be a Model such as LINEAR, SIGMOID or CUBIC, "
            f"got {type(model).__name__}"
        )
    return model


def _check_feature(feature, x):
    """Return ``feature(x)`` as a float array shaped like ``x``."""
    if not callable(feature):
        raise TypeError(f"feature must be callable, got {type(feature).__name__}")
    phi = np.asarray(feature(x), dtype=float)
    if phi.shape != x.shape:
        raise ValueError(
            f"feature(x) must have the shape of x, {x.shape}, got {phi.shape}"
        )
    if not np.all(np.isfinite(phi)):
        raise ValueError(f"feature(x) must be finite, got {phi}")
    return phi


# --8<-- [start:mse]
def mse(y_hat, y):
    """Mean squared error ``mean((y_hat - y)**2)``.

    Parameters
    ----------
    y_hat, y : array_like
        Predictions and targets, same non-empty shape.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ or are empty.

    Examples
    --------
    >>> mse([1.0, 2.0], [1.0, 4.0])  # (0 + 4) / 2
    2.0
    """
    y_hat, y = _same_shape(y_hat, y)
    return float(np.mean((y_hat - y) ** 2))


def mse_grad(y_hat, y):
    """Derivative of :func:`mse` with respect to each prediction.

    ``L = (1/N) sum_i (y_hat_i - y_i)**2``, so ``dL/dy_hat_i = 2 (y_hat_i -
    y_i) / N``: the error of that sample, doubled and averaged.

    Parameters
    ----------
    y_hat, y : array_like
        Predictions and targets, same non-empty shape.

    Returns
    -------
    numpy.ndarray
        Shaped like ``y``.

    Raises
    ------
    ValueError
        If the shapes differ or are empty.

    Examples
    --------
    >>> mse_grad([1.0, 2.0], [1.0, 4.0])
    array([ 0., -2.])
    """
    y_hat, y = _same_shape(y_hat, y)
    return 2.0 * (y_hat - y) / y.size


# --8<-- [end:mse]


def _same_shape(y_hat, y):
    y_hat = np.asarray(y_hat, dtype=float)
    y = np.asarray(y, dtype=float)
    if y_hat.shape != y.shape:
        raise ValueError(
            f"y_hat and y must have the same shape, got {y_hat.shape} and {y.shape}"
        )
    if y.size == 0:
        raise ValueError("y_hat and y are empty: the mean of no errors is undefined")
    return y_hat, y


# --8<-- [start:linear]
def linear(w, b, x):
    """Linear model ``y_hat = w x + b``.

    Examples
    --------
    >>> linear(2.0, 1.0, FLOORS)
    array([3., 5., 7., 9.])
    """
    return w * np.asarray(x, dtype=float) + b


def linear_partials(w, b, x):
    """Per-sample ``(d y_hat/dw, d y_hat/db) = (x, 1)`` of :func:`linear`.

    Examples
    --------
    >>> linear_partials(2.0, 1.0, FLOORS)
    (array([1., 2., 3., 4.]), array([1., 1., 1., 1.]))
    """
    x = np.asarray(x, dtype=float)
    return x.copy(), np.ones_like(x)


# --8<-- [end:linear]


# --8<-- [start:sigmoid_model]
def scaled_sigmoid(w, b, x):
    """Sigmoid model ``y_hat = 20 sigma(w x + b)``, prices between 0 and 20.

    Examples
    --------
    >>> scaled_sigmoid(1.0, -2.0, FLOORS)
    array([ 5.37882843, 10.        , 14.62117157, 17.61594156])
    """
    return SIGMOID_SCALE * sigmoid(w * np.asarray(x, dtype=float) + b)


def scaled_sigmoid_partials(w, b, x):
    """Per-sample partials of :func:`scaled_sigmoid` by the chain rule.

    With ``a = w x + b``: ``d y_hat/da = 20 sigma(a) (1 - sigma(a))``,
    ``da/dw = x`` and ``da/db = 1``, so the partials are
    ``(20 sigma (1 - sigma) x, 20 sigma (1 - sigma))``.

    Examples
    --------
    >>> dw, db = scaled_sigmoid_partials(1.0, -2.0, FLOORS)
    >>> db  # largest where w x + b = 0, i.e. at x = 2
    array([3.93223866, 5.        , 3.93223866, 2.09987171])
    >>> np.allclose(dw, db * FLOORS)
    True
    """
    x = np.asarray(x, dtype=float)
    slope = SIGMOID_SCALE * sigmoid_grad(w * x + b)
    return slope * x, slope


# --8<-- [end:sigmoid_model]


# --8<-- [start:cubic]
def cubic(w, b, x):
    """Cubic model ``y_hat = w x**3 + b``.

    Examples
    --------
    >>> cubic(0.5, 1.0, FLOORS)
    array([ 1.5,  5. , 14.5, 33. ])
    """
    return w * np.asarray(x, dtype=float) ** 3 + b


def cubic_partials(w, b, x):
    """Per-sample ``(d y_hat/dw, d y_hat/db) = (x**3, 1)`` of :func:`cubic`.

    Examples
    --------
    >>> cubic_partials(0.5, 1.0, FLOORS)
    (array([ 1.,  8., 27., 64.]), array([1., 1., 1., 1.]))
    """
    x = np.asarray(x, dtype=float)
    return x**3, np.ones_like(x)


# --8<-- [end:cubic]


def _x(x):
    """The feature of the linear model: ``x`` itself."""
    return np.asarray(x, dtype=float)


def _x_cubed(x):
    """The feature of the cubic model: ``x**3``."""
    return np.asarray(x, dtype=float) ** 3


@dataclass(frozen=True)
class Model:
    """A model ``y_hat = predict(w, b, x)`` together with its partials.

    Attributes
    ----------
    name : str
    predict : callable
        ``(w, b, x) -> y_hat``, shaped like ``x``.
    partials : callable
        ``(w, b, x) -> (d y_hat/dw, d y_hat/db)``, each shaped like ``x``.
    feature : callable or None
        For a model linear in the parameters, ``y_hat = w feature(x) + b``:
        the map ``x -> feature(x)``. None for the sigmoid model.

    Examples
    --------
    >>> CUBIC.predict(1.0, 0.0, FLOORS)
    array([ 1.,  8., 27., 64.])
    >>> CUBIC.feature(FLOORS)
    array([ 1.,  8., 27., 64.])
    >>> SIGMOID.feature is None
    True
    """

    name: str
    predict: Callable
    partials: Callable
    feature: Callable | None = None

    def __post_init__(self):
        for field in ("predict", "partials"):
            if not callable(getattr(self, field)):
                raise TypeError(f"Model.{field} must be callable")
        if self.feature is not None and not callable(self.feature):
            raise TypeError("Model.feature must be callable or None")


LINEAR = Model("linear", linear, linear_partials, feature=_x)
SIGMOID = Model("sigmoid", scaled_sigmoid, scaled_sigmoid_partials, feature=None)
CUBIC = Model("cubic", cubic, cubic_partials, feature=_x_cubed)
MODELS = {"linear": LINEAR, "sigmoid": SIGMOID, "cubic": CUBIC}


def loss(model, w, b, x=FLOORS, y=PRICES):
    """The MSE of ``model`` with parameters ``(w, b)`` on the data.

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
    return mse(model.predict(w, b, x), y)


# --8<-- [start:gradient]
def gradient(model, w, b, x=FLOORS, y=PRICES):
    """The true gradient ``(dL/dw, dL/db)`` of the MSE, by the chain rule.

    .. code-block:: text

        dL/dw = sum_i  2 (y_hat_i - y_i) / N  *  d y_hat_i / dw
        dL/db = sum_i  2 (y_hat_i - y_i) / N  *  d y_hat_i / db

    The first factor is :func:`mse_grad`, the second ``model.partials``.

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
        Shape (2,): ``[dL/dw, dL/db]``.

    Examples
    --------
    >>> gradient(LINEAR, 0.0, 0.0)  # 2/N sum(-y x), 2/N sum(-y)
    array([-27.6,  -8.1])
    >>> gradient(CUBIC, 0.0, 0.0)  # the cube shows up: 2/N sum(-y x**3)
    array([-371.1,   -8.1])
    """
    _check_model(model)
    w, b = finite_real("w", w), finite_real("b", b)
    x, y = _check_data(x, y)
    dloss = mse_grad(model.predict(w, b, x), y)  # dL/dy_hat_i
    dw, db = model.partials(w, b, x)  # dy_hat_i/dw, dy_hat_i/db
    return np.array([np.sum(dloss * dw), np.sum(dloss * db)])


# --8<-- [end:gradient]


# --8<-- [start:report_gradient]
def report_gradient(model, w, b, x=FLOORS, y=PRICES):
    """The report's update rule: the *linear* model's gradient, for any model.

    .. code-block:: text

        [ (2/N) sum_i (y_hat_i - y_i) x_i,  (2/N) sum_i (y_hat_i - y_i) ]

    This is the true gradient only for :data:`LINEAR`, whose partials are
    ``(x, 1)``. For the sigmoid it lacks the chain-rule factor
    ``20 sigma (1 - sigma)``; for the cubic it uses ``x`` where ``x**3``
    belongs. It is **wrong** for those two models and is reproduced here
    only to explain the report's numbers: gradient descent with this rule
    stops where it vanishes, not where the loss is smallest.

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

    Examples
    --------
    >>> report_gradient(CUBIC, 0.0, 0.0)  # x where x**3 belongs
    array([-27.6,  -8.1])
    >>> gradient(CUBIC, 0.0, 0.0)
    array([-371.1,   -8.1])
    """
    _check_model(model)
    w, b = finite_real("w", w), finite_real("b", b)
    x, y = _check_data(x, y)
    error = model.predict(w, b, x) - y
    return np.array([2.0 * np.mean(error * x), 2.0 * np.mean(error)])


# --8<-- [end:report_gradient]


def _check_descent(model, w0, b0, rule, x, y):
    """Validate the house-specific arguments of :func:`gradient_descent`."""
    _check_model(model)
    w0, b0 = finite_real("w0", w0), finite_real("b0", b0)
    if not callable(rule):
        raise TypeError(f"rule must be callable, got {type(rule).__name__}")
    x, y = _check_data(x, y)
    return w0, b0, x, y


# --8<-- [start:gradient_descent]
def gradient_descent(
    model, w0, b0, lr, *, max_steps=100_000, tol=1e-9, rule=gradient,
    x=FLOORS, y=PRICES,
):
    """Batch gradient descent on the MSE, from ``(w0, b0)`` with step ``lr``.

    The loop is the shared one, :func:`gradbook.descent.gradient_descent`:
    every step computes both partial derivatives at the *current* ``(w, b)``
    and only then moves both parameters (the simultaneous update). It stops
    when the update direction is shorter than ``tol`` (converged), when the
    loss exceeds ``1e12 * (initial loss + 1)`` or is no longer finite
    (diverged), or after ``max_steps`` updates.

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
        ``(model, w, b, x, y) -> [dL/dw, dL/db]``: :func:`gradient`, or
        :func:`report_gradient` to replay the report.
    x, y : array_like, optional
        Floors and prices; the four houses by default.

    Returns
    -------
    gradbook.descent.History
        With the parameter names ``("w", "b")``: ``run["w"]`` and
        ``run["b"]`` are their histories.

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`Model`, ``rule`` is not callable or
        ``max_steps`` is not an int.
    ValueError
        If a number is out of range or not finite, or ``x`` and ``y`` are
        not 1-D arrays of equal length.

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
    """The exact minimum of the MSE for ``y_hat = w feature(x) + b``.

    The loss is a quadratic in ``(w, b)``; setting both partial derivatives
    to zero gives the *normal equations*
    ``A.T @ A @ [w, b] = A.T @ y`` for the design matrix
    ``A = [feature(x), 1]`` (one row per house). ``np.linalg.lstsq`` solves
    them stably. No gradient descent and no :func:`gradient` involved.

    Parameters
    ----------
    feature : callable
        ``x -> feature(x)``, e.g. ``LINEAR.feature`` or ``CUBIC.feature``.
    x, y : array_like, optional
        Floors and prices; the four houses by default.

    Returns
    -------
    tuple of float
        ``(w, b)``.

    Raises
    ------
    ValueError
        If the data are invalid or ``feature(x)`` is constant (then ``w``
        and ``b`` cannot be told apart).

    Examples
    --------
    >>> w, b = least_squares(LINEAR.feature)
    >>> round(w, 12), round(b, 12)
    (2.94, -3.3)
    >>> w, b = least_squares(CUBIC.feature)
    >>> round(w, 6), round(b, 6)
    (0.141088, 0.522803)
    """
    x, y = _check_data(x, y)
    phi = _check_feature(feature, x)
    A = np.column_stack([phi, np.ones_like(phi)])
    (w, b), _, rank, _ = np.linalg.lstsq(A, y, rcond=None)
    if rank < 2:
        raise ValueError("feature(x) is constant: w and b are not identifiable")
    return float(w), float(b)


# --8<-- [end:least_squares]


# --8<-- [start:threshold]
def mse_hessian(feature, x=FLOORS):
    """The constant Hessian of the MSE for ``y_hat = w feature(x) + b``.

    With ``phi = feature(x)`` the loss ``(1/N) sum (w phi + b - y)**2`` has
    second derivatives that do not depend on ``w``, ``b`` or ``y``:

    .. code-block:: text

        H = (2/N) [[sum phi**2, sum phi],
                   [sum phi,    N      ]]

    Parameters
    ----------
    feature : callable
        ``x -> feature(x)``.
    x : array_like, optional
        Floors, 1-D; the four houses by default.

    Returns
    -------
    numpy.ndarray
        Shape (2, 2), symmetric.

    Examples
    --------
    >>> mse_hessian(LINEAR.feature)
    array([[15.,  5.],
           [ 5.,  2.]])
    """
    x, _ = _check_data(x, np.zeros(np.shape(x)))
    phi = _check_feature(feature, x)
    n = phi.size
    return (2.0 / n) * np.array(
        [[np.sum(phi**2), np.sum(phi)], [np.sum(phi), float(n)]]
    )


def divergence_threshold(feature, x=FLOORS):
    """The learning rate ``2 / lambda_max(H)`` above which descent diverges.

    On a quadratic loss the error ``e = (w, b) - optimum`` obeys
    ``e <- (I - lr H) e`` exactly. Along an eigenvector of ``H`` with
    eigenvalue ``lambda`` it is multiplied by ``1 - lr lambda`` every step,
    which shrinks it only if ``|1 - lr lambda| < 1``, i.e.
    ``0 < lr < 2 / lambda``. The steepest direction, the top eigenvector
    with ``lambda_max``, sets the limit: below ``2 / lambda_max`` descent
    converges from any start, above it the error along that direction
    flips sign and grows every step.

    Parameters
    ----------
    feature : callable
        ``x -> feature(x)``.
    x : array_like, optional
        Floors, 1-D; the four houses by default.

    Returns
    -------
    float

    Examples
    --------
    >>> round(divergence_threshold(LINEAR.feature), 6)
    0.119756
    >>> round(divergence_threshold(CUBIC.feature), 8)  # x**3 is steep
    0.00081765
    """
    return float(2.0 / np.linalg.eigvalsh(mse_hessian(feature, x))[-1])


# --8<-- [end:threshold]
