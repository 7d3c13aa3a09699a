r"""Layers with a forward and a backward pass, and the report's two small networks.

Every layer maps a batch to a batch and has two methods, written one under
the other:

* `forward(x)` computes the output and remembers what the derivative needs;
* `backward(grad_out)` receives $G = \partial L / \partial(\text{output})$,
  the gradient of the (scalar) loss with respect to everything the layer
  produced, and returns $\partial L / \partial(\text{input})$. A layer with
  parameters also stores their gradients, `dW` and `db`.

Chaining these calls from the loss back to the input *is* backpropagation:
the chain rule applied to one layer at a time.

**Shapes are batch first**, as in PyTorch: a batch of $N$ examples with
$d_\text{in}$ features is an array `x` of shape `(N, d_in)`, one example per
row.

**Linear.** $Y = X W^\top + b$ with $W$ of shape `(d_out, d_in)` and $b$ of
shape `(d_out,)`, that is $Y_{nk} = \sum_j X_{nj} W_{kj} + b_k$. Each
parameter is used once per example, so its gradient is a sum over the batch:

$$
\frac{\partial L}{\partial W_{kj}} = \sum_n G_{nk} X_{nj},\qquad
\frac{\partial L}{\partial b_k} = \sum_n G_{nk},\qquad
\frac{\partial L}{\partial X_{nj}} = \sum_k G_{nk} W_{kj},
$$

or in matrix form `dW = G.T @ X` (a sum of outer products $g_n x_n^\top$),
`db = G.sum(axis=0)` and `dX = G @ W`.

**Elementwise activations.** $Z = f(A)$ gives
$\partial L / \partial A = G \odot f'(A)$, with $f'$ from
[`gradbook.activations`][gradbook.activations]: ReLU, tanh and LeakyReLU.

**Losses** are layers too, at the end of the chain: `forward(y_hat, y)`
returns a float and `backward()` returns $\partial L / \partial \hat Y$.
The mean is taken over **all entries** of $\hat Y$ (for `(N, 1)` outputs,
over the $N$ examples), like PyTorch's `reduction="mean"`:

$$
\mathrm{MAE} = \frac{1}{N d}\sum_{n,k} |\hat Y_{nk} - Y_{nk}|,\quad
\frac{\partial\,\mathrm{MAE}}{\partial \hat Y} = \frac{\operatorname{sign}(\hat Y - Y)}{N d};
\qquad
\mathrm{MSE} = \frac{1}{N d}\sum_{n,k} (\hat Y_{nk} - Y_{nk})^2,\quad
\frac{\partial\,\mathrm{MSE}}{\partial \hat Y} = \frac{2(\hat Y - Y)}{N d}.
$$

**The two networks.** [`TwoLayer`][gradbook.nn.TwoLayer] chains
Linear → activation → Linear (→ optional LeakyReLU):

* the backpropagation chapter: $\hat y = W_2\,\mathrm{ReLU}(W_1 x + b_1) + b_2$;
* the LeakyReLU chapter: $\hat y = \mathrm{LeakyReLU}(W_2 \tanh(W_1 x + b_1) + b_2)$.

For the first with MAE, writing $q = W_1 x + b_1$ and $z = \mathrm{ReLU}(q)$,
the backward pass computes, for the whole batch,

```text
g    = sign(y_hat - y) / N          shape (N, 1)   MAE.backward
dW2  = g.T @ z,    db2 = sum(g)                    Linear 2
d_z  = g @ W2                       shape (N, h)
d_q  = d_z * ReLU'(q)               ReLU'(0) = 0   ReLU
dW1  = d_q.T @ x,  db1 = sum(d_q)                  Linear 1
```

Training is the shared loop
[`gradient_descent`][gradbook.descent.gradient_descent] over the flat
parameter vector: [`train`][gradbook.nn.train] for a whole run,
[`sgd_step`][gradbook.nn.sgd_step] for one step.

**The report's rule.** The report writes $a = y - M(x)$ and then
$\partial |a| / \partial W = \frac{a}{|a|} \cdot \frac{\partial M}{\partial W}$.
But $\partial a / \partial W = -\partial M / \partial W$: the $-1$ is lost,
so every one of its four formulas points uphill. It also differentiates a
single example, without the $\frac1N \sum$ of its own MAE.
[`report_gradients`][gradbook.nn.report_gradients] transcribes the formulas
(summed over the batch); away from kinks they equal exactly $-N$ times the
true gradient ($-N d$ for $d$ outputs), and a small step along them
*increases* the loss.
(Two smaller slips in the same chapter: its MAE formula
$\frac1N\sum(y_i - y_i')$ has no absolute value, and it writes
$|a| = \sqrt{a}$ for $\sqrt{a^2}$; the derivative $a/|a|$ it reaches is
right.)

All inputs are validated before any work is done: arrays must be real
(ints or floats), finite and non-empty with the documented shapes, and an
overflow anywhere in a pass is a `ValueError` naming the argument, never
an `inf` or a warning.
"""

import copy
import reprlib
from contextlib import contextmanager

import numpy as np

from gradbook import descent
from gradbook._checks import count, finite_real, positive
from gradbook.activations import (
    _check_alpha,
    abs_grad,
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    tanh,
    tanh_grad,
)

__all__ = [
    "PARAM_NAMES",
    "MAX_PARAMS",
    "MAX_SAMPLES",
    "MAX_STEPS",
    "Linear",
    "ReLU",
    "Tanh",
    "LeakyReLU",
    "MAE",
    "MSE",
    "TwoLayer",
    "init_two_layer",
    "example_params",
    "example_data",
    "example_model",
    "sgd_step",
    "train",
    "report_gradients",
    "regression_data",
    "dead_units",
]

PARAM_NAMES = ("W1", "b1", "W2", "b2")  # the fixed order of TwoLayer's parameters
MAX_PARAMS = 1_000_000  # init_two_layer refuses larger models
MAX_SAMPLES = 100_000  # regression_data refuses larger data sets
MAX_STEPS = 100_000  # train refuses longer runs


# --- validation helpers ------------------------------------------------------


def _real_array(name, value, ndim, layout):
    """`value` as a new float array: real, finite, non-empty, `ndim`-D.

    `ndim=None` accepts any number of dimensions >= 1.
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:  # e.g. ragged nested lists
        raise TypeError(
            f"{name} must be an array of real numbers, got {reprlib.repr(value)}"
        ) from exc
    if arr.dtype.kind not in "iuf":  # bool, complex, str, object
        raise TypeError(
            f"{name} must contain real numbers (int or float), got dtype "
            f"{arr.dtype} from {type(value).__name__}"
        )
    if (arr.ndim != ndim) if ndim is not None else (arr.ndim == 0):
        dims = f"{ndim}-D" if ndim is not None else "an array, not a scalar"
        raise ValueError(f"{name} must be {dims}, shape {layout}, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    arr = arr.astype(float)  # a copy: the caller's array is never shared
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {reprlib.repr(arr)}")
    return arr


def _batch(name, value, columns, owner, owner_shape):
    """A batch `(N, columns)`; the message names both shapes on a mismatch."""
    arr = _real_array(name, value, 2, f"(N, {columns})")
    if arr.shape[1] != columns:
        raise ValueError(
            f"{name} must have {columns} column(s) to match {owner} of shape "
            f"{owner_shape}, got shape {arr.shape}"
        )
    return arr


def _same_shape(name, value, ref_name, ref_shape):
    """An array of exactly `ref_shape` (no broadcasting)."""
    arr = _real_array(name, value, len(ref_shape), str(ref_shape))
    if arr.shape != ref_shape:
        raise ValueError(
            f"{name} must have the shape of {ref_name}, {ref_shape}, got shape {arr.shape}"
        )
    return arr


def _grad_out(value, out_shape, layer):
    """Check `grad_out` against the shape that the last forward produced."""
    if out_shape is None:
        raise ValueError(
            f"grad_out cannot be used yet: call {layer}.forward before backward"
        )
    return _same_shape("grad_out", value, "the forward output", out_shape)


@contextmanager
def _no_overflow(culprits, what):
    """Turn a floating-point overflow inside the block into a ValueError."""
    with np.errstate(over="raise", invalid="raise"):
        try:
            yield
        except FloatingPointError as exc:
            raise ValueError(f"{culprits} too large: {what} overflows ({exc})") from None


def _loss_layer(loss):
    if isinstance(loss, (MAE, MSE)):
        return loss
    if isinstance(loss, str) and loss.lower() in ("mae", "mse"):
        return MAE() if loss.lower() == "mae" else MSE()
    raise TypeError(f"loss must be 'mae', 'mse', an MAE or an MSE, got {reprlib.repr(loss)}")


# --- layers ------------------------------------------------------------------


# --8<-- [start:Linear]
class Linear:
    r"""A fully connected layer $Y = X W^\top + b$ over a batch.

    Parameters
    ----------
    W : array_like
        Weights, shape `(d_out, d_in)`: row $k$ holds the weights of output
        $k$. Copied.
    b : array_like
        Biases, shape `(d_out,)`. Copied.

    Attributes
    ----------
    W, b : numpy.ndarray
        The parameters.
    dW, db : numpy.ndarray or None
        $\partial L/\partial W$ and $\partial L/\partial b$ from the last
        `backward`, shaped like `W` and `b` (None before the first).

    Raises
    ------
    TypeError
        If `W` or `b` is not made of real numbers.
    ValueError
        If they are not finite, empty, or their shapes do not fit.

    Examples
    --------
    >>> layer = Linear([[0.5], [-1.0], [1.5]], [0.0, 0.6, -1.0])
    >>> layer.forward([[-1.0], [0.5], [2.0]])  # one row per example
    array([[-0.5 ,  1.6 , -2.5 ],
           [ 0.25,  0.1 , -0.25],
           [ 1.  , -1.4 ,  2.  ]])
    >>> layer.backward(np.ones((3, 3)))  # dL/dx = G @ W
    array([[1.],
           [1.],
           [1.]])
    >>> layer.dW, layer.db  # sums over the batch
    (array([[1.5],
           [1.5],
           [1.5]]), array([3., 3., 3.]))
    """

    def __init__(self, W, b):
        self.W, self.b = _linear_params(W, b, "W", "b")
        self.dW = self.db = None
        self.x = None  # the input of the last forward

    def forward(self, x):
        """`x @ W.T + b` for a batch `x` of shape `(N, d_in)`; remembers `x`."""
        x = _batch("x", x, self.W.shape[1], "W", self.W.shape)
        with _no_overflow("x or W", "x @ W.T + b"):
            y = x @ self.W.T + self.b  # (N, d_in) @ (d_in, d_out) + (d_out,)
        self.x = x
        return y

    def backward(self, grad_out):
        """Store `dW`, `db` and return `dL/dx = grad_out @ W`, shape `(N, d_in)`."""
        out_shape = None if self.x is None else (self.x.shape[0], self.W.shape[0])
        g = _grad_out(grad_out, out_shape, "Linear")
        with _no_overflow("grad_out", "the gradients"):
            dW = g.T @ self.x  # sum over the batch of outer products g_n x_n^T
            db = g.sum(axis=0)  # b is added to every example
            dx = g @ self.W
        self.dW, self.db = dW, db
        return dx


# --8<-- [end:Linear]


def _linear_params(W, b, w_name, b_name):
    W = _real_array(w_name, W, 2, "(d_out, d_in)")
    b = _real_array(b_name, b, 1, "(d_out,)")
    if b.shape[0] != W.shape[0]:
        raise ValueError(
            f"{b_name} must have one entry per row of {w_name}: {w_name} has "
            f"shape {W.shape}, {b_name} has shape {b.shape}"
        )
    return W, b


class _Activation:
    """Shared input check of the elementwise layers: a finite `(N, d)` batch."""

    name = "activation"

    def __init__(self):
        self.a = None  # the input of the last forward

    def _input(self, a):
        return _real_array("a", a, 2, "(N, d)")

    def _upstream(self, grad_out):
        return _grad_out(grad_out, None if self.a is None else self.a.shape, self.name)

    def __repr__(self):
        return f"{type(self).__name__}()"


# --8<-- [start:ReLU]
class ReLU(_Activation):
    r"""Elementwise $\max(a, 0)$; backward multiplies by ReLU′ (0 at $a = 0$).

    Examples
    --------
    >>> layer = ReLU()
    >>> layer.forward([[-1.0, 2.0]])
    array([[0., 2.]])
    >>> layer.backward([[5.0, 5.0]])  # no gradient through the inactive unit
    array([[0., 5.]])
    """

    name = "ReLU"

    def forward(self, a):
        """`relu(a)` for a batch `a` of shape `(N, d)`; remembers `a`."""
        self.a = self._input(a)
        return relu(self.a)

    def backward(self, grad_out):
        """`grad_out * relu_grad(a)`: the gradient with respect to `a`."""
        return self._upstream(grad_out) * relu_grad(self.a)


# --8<-- [end:ReLU]


# --8<-- [start:Tanh]
class Tanh(_Activation):
    r"""Elementwise $\tanh(a)$; backward multiplies by $1 - \tanh^2(a)$.

    Examples
    --------
    >>> layer = Tanh()
    >>> np.round(layer.forward([[0.0, 1.0]]), 6)
    array([[0.      , 0.761594]])
    >>> np.round(layer.backward([[1.0, 1.0]]), 6)
    array([[1.      , 0.419974]])
    """

    name = "Tanh"

    def forward(self, a):
        """`tanh(a)` for a batch `a` of shape `(N, d)`; remembers `a`."""
        self.a = self._input(a)
        return tanh(self.a)

    def backward(self, grad_out):
        """`grad_out * tanh_grad(a)`: the gradient with respect to `a`."""
        return self._upstream(grad_out) * tanh_grad(self.a)


# --8<-- [end:Tanh]


# --8<-- [start:LeakyReLU]
class LeakyReLU(_Activation):
    r"""Elementwise LeakyReLU with slope `alpha` for $a \le 0$ (α at $a = 0$).

    Parameters
    ----------
    alpha : float, optional
        The slope for negative inputs, $0 < \alpha \le 1$.

    Examples
    --------
    >>> layer = LeakyReLU(alpha=0.1)
    >>> layer.forward([[-1.0, 2.0]])
    array([[-0.1,  2. ]])
    >>> layer.backward([[5.0, 5.0]])  # a tenth of the gradient still flows
    array([[0.5, 5. ]])
    """

    name = "LeakyReLU"

    def __init__(self, alpha=0.1):
        super().__init__()
        self.alpha = _check_alpha(alpha)

    def forward(self, a):
        """`leaky_relu(a, alpha)` for a batch `a` of shape `(N, d)`; remembers `a`."""
        self.a = self._input(a)
        return leaky_relu(self.a, self.alpha)

    def backward(self, grad_out):
        """`grad_out * leaky_relu_grad(a, alpha)`: the gradient with respect to `a`."""
        return self._upstream(grad_out) * leaky_relu_grad(self.a, self.alpha)

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


# --8<-- [end:LeakyReLU]


# --- losses ------------------------------------------------------------------


class _Loss:
    """Shared checks of the losses: `y_hat` and `y` of one shape, no broadcasting."""

    def __init__(self):
        self.diff = None  # y_hat - y of the last forward

    @staticmethod
    def _pair(y_hat, y):
        y_hat = _real_array("y_hat", y_hat, None, "(N, d)")
        y = _real_array("y", y, None, "(N, d)")
        if y_hat.shape != y.shape:  # (N, 1) - (N,) would broadcast to (N, N)
            raise ValueError(
                f"y_hat and y must have the same shape, got y_hat {y_hat.shape} "
                f"and y {y.shape}"
            )
        with _no_overflow("y_hat or y", "y_hat - y"):
            diff = y_hat - y
        return diff

    def _upstream(self, grad_out):
        if self.diff is None:
            raise ValueError(
                f"grad_out cannot be used yet: call {type(self).__name__}.forward "
                "before backward"
            )
        return finite_real("grad_out", grad_out)


# --8<-- [start:losses]
class MAE(_Loss):
    r"""Mean absolute error $\frac{1}{M}\sum |\hat y - y|$ over all $M$ entries.

    `backward` returns $\operatorname{sign}(\hat y - y) / M$, with sign 0
    for an entry predicted exactly (see
    [`abs_grad`][gradbook.activations.abs_grad]). For predictions of shape
    `(N, 1)`, $M = N$.

    Examples
    --------
    >>> loss = MAE()
    >>> round(loss.forward([[1.0], [2.0], [3.0]], [[1.5], [2.0], [1.0]]), 6)  # 2.5 / 3
    0.833333
    >>> loss.backward()
    array([[-0.33333333],
           [ 0.        ],
           [ 0.33333333]])
    """

    def forward(self, y_hat, y):
        """The loss, a float; `y_hat` and `y` must have the same shape."""
        diff = self._pair(y_hat, y)
        with _no_overflow("y_hat or y", "the loss"):
            value = float(np.mean(np.abs(diff)))
        self.diff = diff
        return value

    def backward(self, grad_out=1.0):
        """`dL/dy_hat = grad_out * sign(y_hat - y) / M`, shaped like `y_hat`."""
        g = self._upstream(grad_out)
        with _no_overflow("grad_out", "the gradient"):
            return g * abs_grad(self.diff) / self.diff.size


class MSE(_Loss):
    r"""Mean squared error $\frac{1}{M}\sum (\hat y - y)^2$ over all $M$ entries.

    `backward` returns $2(\hat y - y) / M$.

    Examples
    --------
    >>> loss = MSE()
    >>> round(loss.forward([[1.0], [2.0], [3.0]], [[1.5], [2.0], [1.0]]), 6)  # 4.25 / 3
    1.416667
    >>> loss.backward()
    array([[-0.33333333],
           [ 0.        ],
           [ 1.33333333]])
    """

    def forward(self, y_hat, y):
        """The loss, a float; `y_hat` and `y` must have the same shape."""
        diff = self._pair(y_hat, y)
        with _no_overflow("y_hat or y", "the loss"):
            value = float(np.mean(diff**2))
        self.diff = diff
        return value

    def backward(self, grad_out=1.0):
        """`dL/dy_hat = grad_out * 2 (y_hat - y) / M`, shaped like `y_hat`."""
        g = self._upstream(grad_out)
        with _no_overflow("grad_out", "the gradient"):
            return g * 2.0 * self.diff / self.diff.size


# --8<-- [end:losses]


# --- the two-layer network ---------------------------------------------------

_HIDDEN = ("relu", "tanh", "leaky_relu")


# --8<-- [start:TwoLayer]
class TwoLayer:
    r"""Linear → activation → Linear (→ LeakyReLU), trained as one flat vector.

    $\hat y = W_2\, f(W_1 x + b_1) + b_2$, optionally passed through a final
    LeakyReLU. The parameters are always ordered `W1, b1, W2, b2` (see
    `PARAM_NAMES`), each flattened row by row, so the whole model is one
    vector for [`gradient_descent`][gradbook.descent.gradient_descent].

    Parameters
    ----------
    W1 : array_like
        Shape `(h, d_in)`, one row per hidden unit.
    b1 : array_like
        Shape `(h,)`.
    W2 : array_like
        Shape `(d_out, h)`.
    b2 : array_like
        Shape `(d_out,)`.
    activation : {"relu", "tanh", "leaky_relu"}, optional
        The hidden activation $f$.
    output : {None, "leaky_relu"}, optional
        An activation after the second layer.
    alpha : float, optional
        The slope of every LeakyReLU in the model, $0 < \alpha \le 1$.

    Attributes
    ----------
    linear1, act, linear2, out_act
        The layers (`out_act` is None without an output activation).
    layers : list
        The layers in forward order.
    names : tuple of str
        One name per parameter, `"W1[0,0]", ..., "b2[0]"`.

    Raises
    ------
    TypeError
        If an array is not made of real numbers or an option is not a string.
    ValueError
        If an array is not finite or the shapes do not chain, naming both
        shapes, or an option is unknown.

    Examples
    --------
    >>> model = TwoLayer([[0.5], [-1.0], [1.5]], [0.0, 0.6, -1.0],
    ...                  [[1.0, -2.0, 0.5]], [0.1])
    >>> model.forward([[-1.0], [0.5], [2.0]])
    array([[-3.1 ],
           [ 0.15],
           [ 2.1 ]])
    >>> model.get_params()
    array([ 0.5, -1. ,  1.5,  0. ,  0.6, -1. ,  1. , -2. ,  0.5,  0.1])
    >>> model.names[:4]
    ('W1[0,0]', 'W1[1,0]', 'W1[2,0]', 'b1[0]')
    """

    def __init__(self, W1, b1, W2, b2, *, activation="relu", output=None, alpha=0.1):
        W1, b1, W2, b2 = _two_layer_params(W1, b1, W2, b2)
        self.activation, self.output, self.alpha = _two_layer_options(activation, output, alpha)
        self.linear1 = Linear(W1, b1)
        self.act = {"relu": ReLU(), "tanh": Tanh(), "leaky_relu": LeakyReLU(self.alpha)}[activation]
        self.linear2 = Linear(W2, b2)
        self.out_act = LeakyReLU(self.alpha) if output == "leaky_relu" else None
        self.layers = [self.linear1, self.act, self.linear2]
        if self.out_act is not None:
            self.layers.append(self.out_act)

    def forward(self, x):
        """The predictions `y_hat`, shape `(N, d_out)`, for inputs `x` of shape `(N, d_in)`."""
        _batch("x", x, self.linear1.W.shape[1], "W1", self.linear1.W.shape)
        try:
            for layer in self.layers:
                x = layer.forward(x)
        except ValueError:  # only an overflow can get here
            self._forget()  # no half-finished pass is left behind
            raise
        return x

    def backward(self, grad_out):
        """Backpropagate `dL/dy_hat` through every layer; return `dL/dx`."""
        for layer in reversed(self.layers):  # the chain rule, last layer first
            grad_out = layer.backward(grad_out)
        return grad_out  # dL/dx

    def loss_and_grad(self, params, x, y, loss="mae"):
        """The loss at `params` and its gradient, for the shared descent loop.

        Loads `params` into the model (it keeps them afterwards), runs
        forward, the loss and backward, and returns the gradient flat in
        the order of `get_params`. Use it as
        `gradient_descent(lambda p: model.loss_and_grad(p, x, y), ...)`.

        Parameters
        ----------
        params : array_like
            A flat vector with `size` entries.
        x : array_like
            Inputs, shape `(N, d_in)`.
        y : array_like
            Targets, shape `(N, d_out)`.
        loss : {"mae", "mse"} or MAE or MSE, optional

        Returns
        -------
        tuple of (float, numpy.ndarray)
            The loss and its gradient with respect to `params`.

        Raises
        ------
        TypeError, ValueError
            For arguments of the wrong kind or shape (checked before the
            model is touched), or numbers so large that a pass overflows
            (the model then keeps its old parameters).
        """
        params = self._check_vector("params", params)
        x = _batch("x", x, self.linear1.W.shape[1], "W1", self.linear1.W.shape)
        y = _same_shape("y", y, "the predictions", (x.shape[0], self.linear2.W.shape[0]))
        loss = _loss_layer(loss)
        old = self.get_params()
        self._load(params)
        try:
            value = loss.forward(self.forward(x), y)
            self.backward(loss.backward())
        except ValueError as exc:  # an overflow: leave the model as it was
            self._load(old)
            raise ValueError(f"params, x or y too large: {exc}") from None
        return value, self.get_grads()

    # The rest is bookkeeping: the parameters as one flat vector (get_params,
    # set_params, get_grads, unflatten, names, shapes, size).
    # --8<-- [end:TwoLayer]

    @property
    def shapes(self):
        """The shapes of `W1, b1, W2, b2`, in that order."""
        return tuple(
            p.shape for layer in (self.linear1, self.linear2) for p in (layer.W, layer.b)
        )

    @property
    def size(self):
        """The number of parameters."""
        return sum(int(np.prod(s)) for s in self.shapes)

    @property
    def names(self):
        """One name per entry of `get_params()`, e.g. `"W1[2,0]"`, `"b2[0]"`."""
        names = []
        for name, shape in zip(PARAM_NAMES, self.shapes):
            for index in np.ndindex(shape):
                names.append(f"{name}[{','.join(map(str, index))}]")
        return tuple(names)

    def get_params(self):
        """All parameters as one new 1-D array, in the order `W1, b1, W2, b2`."""
        return np.concatenate(
            [self.linear1.W.ravel(), self.linear1.b, self.linear2.W.ravel(), self.linear2.b]
        )

    def set_params(self, params):
        """Load a flat vector (the layout of `get_params`); clears cached passes.

        Raises
        ------
        TypeError, ValueError
            If `params` is not a finite 1-D real array with `size` entries.
        """
        self._load(self._check_vector("params", params))

    def get_grads(self):
        """The gradients of the last `backward`, flat, in parameter order.

        Raises
        ------
        ValueError
            If `backward` has not run since the parameters were last set.
        """
        if self.linear1.dW is None or self.linear2.dW is None:
            raise ValueError("no gradients yet: run forward and backward first")
        return np.concatenate(
            [self.linear1.dW.ravel(), self.linear1.db, self.linear2.dW.ravel(), self.linear2.db]
        )

    def unflatten(self, vector):
        """A flat vector as a dict `{"W1": ..., "b1": ..., "W2": ..., "b2": ...}`.

        Examples
        --------
        >>> model = example_model()
        >>> model.unflatten(model.get_params())["W2"]
        array([[ 1. , -2. ,  0.5]])
        """
        vector = self._check_vector("vector", vector)
        parts, start = {}, 0
        for name, shape in zip(PARAM_NAMES, self.shapes):
            stop = start + int(np.prod(shape))
            parts[name] = vector[start:stop].reshape(shape)
            start = stop
        return parts

    def _check_vector(self, name, vector):
        vector = _real_array(name, vector, 1, f"({self.size},)")
        if vector.size != self.size:
            layout = ", ".join(f"{n} {s}" for n, s in zip(PARAM_NAMES, self.shapes))
            raise ValueError(
                f"{name} must have {self.size} entries ({layout}), got shape {vector.shape}"
            )
        return vector

    def _load(self, vector):
        parts = self.unflatten(vector)
        self.linear1.W, self.linear1.b = parts["W1"].copy(), parts["b1"].copy()
        self.linear2.W, self.linear2.b = parts["W2"].copy(), parts["b2"].copy()
        self._forget()

    def _forget(self):
        """Drop cached inputs and gradients: they belong to other parameters."""
        for layer in self.layers:
            if isinstance(layer, Linear):
                layer.x = layer.dW = layer.db = None
            else:
                layer.a = None

    def __repr__(self):
        h, d_in = self.linear1.W.shape
        extra = f", output={self.output!r}" if self.output else ""
        return (
            f"TwoLayer(d_in={d_in}, hidden={h}, d_out={self.linear2.W.shape[0]}, "
            f"activation={self.activation!r}{extra}, alpha={self.alpha})"
        )


def _two_layer_params(W1, b1, W2, b2):
    """The four parameter arrays, checked to chain: `(h, d_in), (h,), (d_out, h), (d_out,)`."""
    W1, b1 = _linear_params(W1, b1, "W1", "b1")
    W2, b2 = _linear_params(W2, b2, "W2", "b2")
    if W2.shape[1] != W1.shape[0]:
        raise ValueError(
            f"W2 must have one column per hidden unit (row of W1): W1 has "
            f"shape {W1.shape}, W2 has shape {W2.shape}"
        )
    return W1, b1, W2, b2


def _two_layer_options(activation, output, alpha):
    """`activation`, `output` and `alpha` of a `TwoLayer`, checked."""
    if not isinstance(activation, str):
        raise TypeError(f"activation must be a string, got {type(activation).__name__}")
    if activation not in _HIDDEN:
        raise ValueError(f"activation must be one of {_HIDDEN}, got {activation!r}")
    if output is not None and not (isinstance(output, str) and output == "leaky_relu"):
        raise ValueError(f"output must be None or 'leaky_relu', got {reprlib.repr(output)}")
    return activation, output, _check_alpha(alpha)


def _check_model(model):
    if not isinstance(model, TwoLayer):
        raise TypeError(f"model must be a TwoLayer, got {type(model).__name__}")
    return model


# --- construction ------------------------------------------------------------


def init_two_layer(hidden, seed, *, d_in=1, d_out=1, activation="relu", output=None,
                   alpha=0.1):
    r"""A [`TwoLayer`][gradbook.nn.TwoLayer] with seeded random parameters.

    Every weight and bias of a layer with `fan_in` inputs is drawn uniformly
    from $[-1/\sqrt{\text{fan\_in}},\ 1/\sqrt{\text{fan\_in}}]$, PyTorch's
    default for `nn.Linear`. For one input feature the first layer's kinks
    $-b_1/W_1$ then spread over the data instead of all sitting at 0.

    Parameters
    ----------
    hidden : int
        Number of hidden units, >= 1.
    seed : int
        Seed for `numpy.random.default_rng`, >= 0.
    d_in, d_out : int, optional
        Input and output features, >= 1.
    activation, output, alpha
        As for [`TwoLayer`][gradbook.nn.TwoLayer].

    Returns
    -------
    TwoLayer

    Raises
    ------
    TypeError
        If a size or the seed is not an int.
    ValueError
        If a size is < 1, or the model would have more than `MAX_PARAMS`
        (one million) parameters.

    Examples
    --------
    >>> model = init_two_layer(4, seed=0)
    >>> model.shapes
    ((4, 1), (4,), (1, 4), (1,))
    >>> bool(np.all(np.abs(model.get_params()[-5:]) <= 0.5))  # 1/sqrt(4)
    True
    """
    hidden, seed = count("hidden", hidden), count("seed", seed)
    d_in, d_out = count("d_in", d_in), count("d_out", d_out)
    for name, value in (("hidden", hidden), ("d_in", d_in), ("d_out", d_out)):
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    size = hidden * (d_in + 1) + d_out * (hidden + 1)
    if size > MAX_PARAMS:
        raise ValueError(
            f"hidden={hidden}, d_in={d_in}, d_out={d_out} give {size} parameters; "
            f"at most {MAX_PARAMS} are allowed"
        )
    rng = np.random.default_rng(seed)
    k1, k2 = 1.0 / np.sqrt(d_in), 1.0 / np.sqrt(hidden)
    return TwoLayer(
        rng.uniform(-k1, k1, (hidden, d_in)), rng.uniform(-k1, k1, hidden),
        rng.uniform(-k2, k2, (d_out, hidden)), rng.uniform(-k2, k2, d_out),
        activation=activation, output=output, alpha=alpha,
    )


# --8<-- [start:example]
def example_params():
    r"""The chapters' worked example, `(W1, b1, W2, b2)`, as new arrays.

    $W_1 = [[0.5], [-1.0], [1.5]]$, $b_1 = [0, 0.6, -1]$,
    $W_2 = [[1, -2, 0.5]]$, $b_2 = [0.1]$: one input, three hidden units,
    one output.

    Examples
    --------
    >>> [p.shape for p in example_params()]
    [(3, 1), (3,), (1, 3), (1,)]
    """
    return (
        np.array([[0.5], [-1.0], [1.5]]),
        np.array([0.0, 0.6, -1.0]),
        np.array([[1.0, -2.0, 0.5]]),
        np.array([0.1]),
    )


def example_data():
    """The worked example's batch `(x, y)`, both of shape `(3, 1)`.

    Examples
    --------
    >>> x, y = example_data()
    >>> x.ravel(), y.ravel()
    (array([-1. ,  0.5,  2. ]), array([ 0.5, -1. ,  2. ]))
    """
    return np.array([[-1.0], [0.5], [2.0]]), np.array([[0.5], [-1.0], [2.0]])


def example_model(chapter="backprop"):
    r"""The worked example as a model of one of the two chapters.

    Parameters
    ----------
    chapter : {"backprop", "leaky_relu"}, optional
        `"backprop"`: $\hat y = W_2\,\mathrm{ReLU}(W_1 x + b_1) + b_2$.
        `"leaky_relu"`: $\hat y = \mathrm{LeakyReLU}(W_2 \tanh(W_1 x + b_1) + b_2)$
        with $\alpha = 0.1$.

    Returns
    -------
    TwoLayer

    Raises
    ------
    TypeError
        If `chapter` is not a string.
    ValueError
        If `chapter` is not one of the two names.

    Examples
    --------
    >>> x, y = example_data()
    >>> model = example_model("backprop")
    >>> np.round(model.forward(x).ravel(), 6)
    array([-3.1 ,  0.15,  2.1 ])
    >>> round(MAE().forward(model.forward(x), y), 6)  # (3.6 + 1.15 + 0.1) / 3
    1.616667
    >>> model = example_model("leaky_relu")
    >>> np.round(model.forward(x).ravel(), 6)
    array([-0.269876,  0.023123,  3.114311])
    >>> round(MAE().forward(model.forward(x), y), 6)
    0.969104
    """
    if not isinstance(chapter, str):
        raise TypeError(f"chapter must be a string, got {type(chapter).__name__}")
    if chapter == "backprop":
        return TwoLayer(*example_params(), activation="relu")
    if chapter == "leaky_relu":
        return TwoLayer(*example_params(), activation="tanh", output="leaky_relu", alpha=0.1)
    raise ValueError(f"chapter must be 'backprop' or 'leaky_relu', got {reprlib.repr(chapter)}")


# --8<-- [end:example]


# --- the report's rule -------------------------------------------------------


def _report_relu_grad(q):
    """The report's ReLU derivative: 1 for q >= 0, 0 for q < 0."""
    return np.where(q >= 0, 1.0, 0.0)


def _check_report_model(model):
    _check_model(model)
    if model.activation != "relu" or model.out_act is not None:
        raise ValueError(
            "model must be the backpropagation chapter's ReLU model without output "
            f"activation, got {model!r}"
        )


# --8<-- [start:report_gradients]
def report_gradients(model, x, y):
    r"""The report's backpropagation formulas, summed over the batch. **Wrong.**

    A transcription of the four final formulas of the report's chapter, with
    $s = \frac{y - M(x)}{|y - M(x)|}$ (taken as 0 where $y = M(x)$) and
    $q = W_1 x + b_1$, for one example:

    ```text
    dW2 = s * ReLU(q)            db2 = s
    dW1 = s * W2 * ReLU'(q) * x  db1 = s * W2 * ReLU'(q)
    ```

    with the report's $\mathrm{ReLU}'(q) = 1$ for $q \ge 0$. The report
    differentiates one example and has no $\frac1N$; we add the per-example
    formulas over the batch. The sign is wrong: $a = y - M(x)$ has
    $\partial a/\partial W = -\partial M/\partial W$, and the $-1$ was
    dropped. So wherever no pre-activation is exactly 0 this is exactly
    $-N$ times the true MAE gradient ($-N d$ for $d$ outputs, since the MAE
    averages all $N d$ entries): it points uphill.

    Parameters
    ----------
    model : TwoLayer
        A ReLU model without output activation (the backpropagation chapter).
    x, y : array_like
        Inputs `(N, d_in)` and targets `(N, d_out)`.

    Returns
    -------
    numpy.ndarray
        Flat, in the order of `model.get_params()`.

    Raises
    ------
    TypeError
        If `model` is not a `TwoLayer` or an array is not real.
    ValueError
        If `model` is not the ReLU model of that chapter, or the data do
        not fit its shapes.

    Examples
    --------
    >>> model = example_model("backprop")
    >>> x, y = example_data()
    >>> report = report_gradients(model, x, y)
    >>> for name, g in model.unflatten(report).items():
    ...     print(name, np.round(g.ravel(), 6) + 0.0)
    W1 [-2.5  3.  -1. ]
    b1 [-2.   0.  -0.5]
    W2 [-1.25  1.5  -2.  ]
    b2 [-1.]
    >>> _, grad = model.loss_and_grad(model.get_params(), x, y, "mae")
    >>> for name, g in model.unflatten(grad).items():
    ...     print(name, np.round(g.ravel(), 6) + 0.0)
    W1 [ 0.833333 -1.        0.333333]
    b1 [0.666667 0.       0.166667]
    W2 [ 0.416667 -0.5       0.666667]
    b2 [0.333333]
    >>> bool(np.allclose(report, -3 * grad))  # -N times the gradient, N = 3
    True
    """
    _check_report_model(model)
    W1, b1, W2, b2 = model.linear1.W, model.linear1.b, model.linear2.W, model.linear2.b
    x = _batch("x", x, W1.shape[1], "W1", W1.shape)
    y = _same_shape("y", y, "the predictions", (x.shape[0], W2.shape[0]))
    with _no_overflow("x or the model's parameters", "the report's formulas"):
        q = x @ W1.T + b1
        z = relu(q)
        M = z @ W2.T + b2
        s = abs_grad(y - M)  # (y - M)/|y - M|: d|a|/da, but a = y - M(x)
        dW2, db2 = s.T @ z, s.sum(axis=0)
        back = (s @ W2) * _report_relu_grad(q)  # s * W2 * ReLU'(q), per example
        dW1, db1 = back.T @ x, back.sum(axis=0)
    return np.concatenate([dW1.ravel(), db1, dW2.ravel(), db2])


# --8<-- [end:report_gradients]


# --- training ----------------------------------------------------------------


# --8<-- [start:sgd_step]
def sgd_step(model, x, y, lr, *, loss="mae", rule="backprop"):
    r"""One full-batch gradient step, $p \leftarrow p - \text{lr} \cdot g$, in place.

    The step is one iteration of the shared loop
    [`gradient_descent`][gradbook.descent.gradient_descent] (with
    `max_steps=1`), so it also reports the loss after the step.

    Parameters
    ----------
    model : TwoLayer
        Updated in place.
    x, y : array_like
        Inputs `(N, d_in)` and targets `(N, d_out)`.
    lr : float
        Learning rate, finite and > 0.
    loss : {"mae", "mse"} or MAE or MSE, optional
    rule : {"backprop", "report"}, optional
        `"backprop"`: the true gradient. `"report"`: the direction of
        [`report_gradients`][gradbook.nn.report_gradients] (ReLU model and
        MAE only).

    Returns
    -------
    History
        `loss[0]` before and `loss[-1]` after the step (no step is taken if
        the gradient is already shorter than `1e-9`).

    Raises
    ------
    TypeError, ValueError
        For an invalid argument, or a step so large that it overflows (the
        model is then left as it was).

    Examples
    --------
    >>> x, y = example_data()
    >>> model = example_model("backprop")
    >>> run = sgd_step(model, x, y, lr=0.1)
    >>> [round(float(v), 6) for v in run.loss]  # downhill
    [1.616667, 1.54544]
    >>> run = sgd_step(example_model("backprop"), x, y, lr=0.1, rule="report")
    >>> [round(float(v), 6) for v in run.loss]  # uphill
    [1.616667, 2.639792]
    """
    _check_model(model)
    lr = positive("lr", lr)
    loss = _loss_layer(loss)
    if not isinstance(rule, str) or rule not in ("backprop", "report"):
        raise ValueError(f"rule must be 'backprop' or 'report', got {reprlib.repr(rule)}")
    if rule == "report":
        _check_report_model(model)
        if not isinstance(loss, MAE):
            raise ValueError("rule='report' transcribes the report's MAE formulas: use loss='mae'")
    start, calls = model.get_params(), []

    def fun(p):
        value, grad = model.loss_and_grad(p, x, y, loss)
        calls.append(p)
        return value, (grad if rule == "backprop" else report_gradients(model, x, y))

    try:
        run = descent.gradient_descent(fun, start, lr, max_steps=1, names=model.names)
    except ValueError as exc:
        model.set_params(start)
        if not calls:  # the start itself failed: x, y or the model are at fault
            raise
        raise ValueError(f"lr={lr} too large: the step overflows ({exc})") from None
    if run.diverged:
        model.set_params(start)
        raise ValueError(f"lr={lr} too large: the step overflows")
    model.set_params(run.final)
    return run


# --8<-- [end:sgd_step]


# --8<-- [start:train]
def train(model, x, y, *, lr, max_steps, loss="mae"):
    r"""Full-batch gradient descent on a model: `max_steps` updates of the shared loop.

    Every step runs forward, the loss and backward over the whole batch and
    moves all parameters at once, $p \leftarrow p - \text{lr} \cdot \nabla L(p)$,
    in [`gradient_descent`][gradbook.descent.gradient_descent]. The model
    keeps the last parameters.

    Parameters
    ----------
    model : TwoLayer
        The start; updated in place.
    x, y : array_like
        Inputs `(N, d_in)` and targets `(N, d_out)`.
    lr : float
        Learning rate, finite and > 0.
    max_steps : int
        Number of updates, 0 to `MAX_STEPS` (100,000). The run stops
        earlier only if the gradient vanishes (shorter than `1e-9`) or the
        loss diverges.
    loss : {"mae", "mse"} or MAE or MSE, optional

    Returns
    -------
    History
        The parameters, loss and gradient length at every step; `names`
        are `model.names`.

    Raises
    ------
    TypeError, ValueError
        For an invalid argument (checked before any step), or a run that
        diverges (the model is then left at its start).

    Examples
    --------
    >>> x, y = example_data()
    >>> model = example_model()
    >>> run = train(model, x, y, lr=0.1, max_steps=20)
    >>> run.steps, round(float(run.loss[0]), 6), round(float(run.loss[-1]), 6)
    (20, 1.616667, 0.581188)
    >>> bool(np.array_equal(model.get_params(), run.final))
    True
    """
    _check_model(model)
    lr = positive("lr", lr)
    max_steps = count("max_steps", max_steps, limit=MAX_STEPS)
    loss = _loss_layer(loss)
    start = model.get_params()

    def fun(p):
        return model.loss_and_grad(p, x, y, loss)

    try:
        run = descent.gradient_descent(fun, start, lr, max_steps=max_steps, names=model.names)
    except ValueError:
        model.set_params(start)
        raise
    if run.diverged:
        model.set_params(start)
        raise ValueError(f"lr={lr} too large: the loss diverged after {run.steps} steps")
    model.set_params(run.final)
    return run


# --8<-- [end:train]


# --8<-- [start:regression_data]
def regression_data(seed, n=40, outliers=None):
    r"""A small seeded 1-D regression set with a few large outliers.

    $x$ is uniform on $[-3, 3]$ (sorted), and
    $y = \sin(x) + 0.3\,x + \varepsilon$ with Gaussian noise of standard
    deviation 0.1. Then `outliers` of the points (chosen at random) are
    moved up or down by between 3 and 5: far off the curve, the situation
    where the mean absolute error and the mean squared error disagree.

    Parameters
    ----------
    seed : int
        Seed for `numpy.random.default_rng`, >= 0.
    n : int, optional
        Number of points, 1 to `MAX_SAMPLES` (100,000).
    outliers : int, optional
        Number of outliers, 0 to `n`; by default one in ten points
        (`n // 10`, so 4 of the default 40).

    Returns
    -------
    x, y : numpy.ndarray
        Both of shape `(n, 1)`.

    Raises
    ------
    TypeError
        If an argument is not an int.
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> x, y = regression_data(seed=0, n=5, outliers=1)
    >>> x.shape, y.shape
    ((5, 1), (5, 1))
    >>> bool(np.all(np.diff(x.ravel()) >= 0) and np.all(np.abs(x) <= 3))
    True
    """
    seed, n = count("seed", seed), count("n", n)
    if not 1 <= n <= MAX_SAMPLES:
        raise ValueError(f"n must be between 1 and {MAX_SAMPLES}, got {n}")
    outliers = n // 10 if outliers is None else count("outliers", outliers)
    if outliers > n:
        raise ValueError(f"outliers must be at most n={n}, got {outliers}")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3.0, 3.0, n))
    y = np.sin(x) + 0.3 * x + rng.normal(0.0, 0.1, n)
    far = rng.choice(n, size=outliers, replace=False)
    y[far] += rng.choice([-1.0, 1.0], size=outliers) * rng.uniform(3.0, 5.0, outliers)
    return x[:, None], y[:, None]


# --8<-- [end:regression_data]


# --8<-- [start:dead_units]
def dead_units(model, x):
    r"""Hidden units whose activation derivative is 0 on every example of `x`.

    Such a unit passes no gradient back: its row of $W_1$, its entry of
    $b_1$ and its column of $W_2$ get zero gradient, so gradient descent on
    this batch can never revive it. For ReLU (derivative 0 for $q \le 0$)
    a unit is dead when $W_1 x + b_1 \le 0$ for every example. A
    LeakyReLU unit never is (its derivative is at least $\alpha > 0$), and
    a tanh unit only when every $|q|$ exceeds about 372, where
    $\tanh'(q) = 1 - \tanh^2 q \approx 4 e^{-2|q|}$ underflows to 0.

    Parameters
    ----------
    model : TwoLayer
    x : array_like
        Inputs `(N, d_in)`.

    Returns
    -------
    numpy.ndarray
        Boolean mask of shape `(h,)`, one entry per hidden unit.

    Raises
    ------
    TypeError, ValueError
        If `model` is not a `TwoLayer` or `x` does not fit it.

    Examples
    --------
    >>> x, _ = example_data()
    >>> dead_units(example_model(), x)
    array([False, False, False])
    >>> dead_units(example_model(), x[:1])  # on x = -1 alone, units 0 and 2 are off
    array([ True, False,  True])
    """
    _check_model(model)
    W1, b1 = model.linear1.W, model.linear1.b
    x = _batch("x", x, W1.shape[1], "W1", W1.shape)
    q = Linear(W1, b1).forward(x)  # fresh layers: the model's cached pass is untouched
    act = copy.copy(model.act)
    act.forward(q)
    slope = act.backward(np.ones_like(q))  # f'(q), elementwise
    return np.all(slope == 0.0, axis=0)


# --8<-- [end:dead_units]
