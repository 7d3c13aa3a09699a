"""One gradient-descent loop for every chapter.

House prices, the robot arm and the networks all minimise a loss over a
vector of parameters with the same loop:

```text
loss, g = fun(p)           # the loss and its gradient at the current point
stop if |g| < tol          # converged: the slope has (numerically) vanished
p <- p - lr * g            # one step downhill, every parameter at once
```

A chapter supplies `fun`, which returns the loss and its gradient together
(a network's backward pass reuses its forward pass), and reads the run back
from a [`History`][gradbook.descent.History]. The stopping rule and the
divergence test live here, once: a run stops when the gradient is shorter
than `tol` (converged), when the loss grows beyond
`divergence * (initial loss + 1)` or stops being finite (diverged), or after
`max_steps` updates.
"""

from dataclasses import dataclass

import numpy as np

from gradbook._checks import callable_arg, count, positive, real_array
from gradbook._contract import contract

__all__ = ["History", "gradient_descent"]

DIVERGENCE = 1e12  # a loss above 1e12 * (initial loss + 1) has diverged


@dataclass(frozen=True)
class History:
    """A gradient-descent run, starting point included.

    Attributes
    ----------
    params : numpy.ndarray
        Read-only, shape `(steps + 1, n)`: the parameters before the first
        step and after every step. After a divergence the last row may hold
        infinities or NaN: the step that left the float range.
    loss : numpy.ndarray
        Read-only, shape `(steps + 1,)`: the loss at each of those points.
        After a divergence the last entry is the huge (or non-finite) value
        that stopped the run.
    grad_norm : numpy.ndarray
        Read-only, shape `(steps + 1,)`: the length of the gradient at each
        point (NaN at a point whose gradient was never evaluated, which only
        happens at the last point of a diverged run).
    steps : int
        Number of updates made.
    converged : bool
        The gradient at the last point is shorter than `tol`.
    diverged : bool
        The loss grew beyond `divergence * (initial loss + 1)` or stopped
        being finite. Neither flag is set when the run used up `max_steps`.
    lr : float
        The learning rate.
    names : tuple of str
        One name per parameter; `run["w"]` is the column named `"w"`.
    """

    params: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    steps: int
    converged: bool
    diverged: bool
    lr: float
    names: tuple = ()

    def __getitem__(self, name):
        """The history of one named parameter, shape `(steps + 1,)`."""
        if name not in self.names:
            raise KeyError(f"no parameter named {name!r}; the names are {self.names}")
        return self.params[:, self.names.index(name)]

    @property
    def final(self):
        """The last point, a copy of `params[-1]`."""
        return self.params[-1].copy()


def _frozen(values):
    array = np.array(values, dtype=float)
    array.flags.writeable = False
    return array


def _check_start(x0, names):
    x = real_array("x0", x0)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x0 must be a non-empty 1-D array, got shape {x.shape}")
    if names is None:
        return x, tuple(f"p{i}" for i in range(x.size))
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise TypeError(
            f"names must be a sequence of {x.size} strings, got {type(names).__name__}"
        )
    names = tuple(names)
    if len(names) != x.size or not all(isinstance(n, str) for n in names):
        raise ValueError(f"names must be {x.size} strings, one per parameter, got {names!r}")
    return x, names


def _evaluate(fun, p):
    """`fun(p)` as `(float loss, float gradient)`, checked for type and shape."""
    result = fun(p.copy())
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError("fun must return a pair (loss, gradient)")
    value, grad = result
    if np.ndim(value) != 0:
        raise ValueError(f"fun must return a scalar loss, got shape {np.shape(value)}")
    if isinstance(value, (bool, np.bool_, complex, np.complexfloating, str, bytes)):
        raise TypeError(f"fun must return a real loss, got {type(value).__name__}")
    try:
        value = float(value)
        grad = np.asarray(grad)
        if grad.dtype.kind not in "iuf":
            raise TypeError(f"got dtype {grad.dtype}")
        grad = grad.astype(float)
    except (TypeError, ValueError, OverflowError) as exc:
        raise TypeError(f"fun must return real numbers, a loss and a gradient ({exc})") from None
    if grad.shape != p.shape:
        raise ValueError(
            f"fun returned a gradient of shape {grad.shape} for parameters of "
            f"shape {p.shape}: one component per parameter"
        )
    return value, grad


DIVERGED = (
    "a diverged run records what stopped it: its last loss may be inf or nan, "
    "its last parameters may have left the float range, and the gradient length "
    "there is nan"
)


# --8<-- [start:gradient_descent]
@contract(nonfinite=DIVERGED)
def gradient_descent(fun, x0, lr, *, max_steps=10_000, tol=1e-9,
                     divergence=DIVERGENCE, names=None):
    """Minimise `fun` from `x0` by steps of `-lr` times the gradient.

    Parameters
    ----------
    fun : callable
        `p -> (loss, gradient)` for a 1-D float array `p`; the gradient
        has the shape of `p`. It gets a copy of `p` and may keep it.
    x0 : array_like
        The start, a non-empty 1-D array of finite numbers. It is copied.
    lr : float
        The learning rate, finite and > 0.
    max_steps : int, optional
        The largest number of updates, >= 0.
    tol : float, optional
        The run has converged when the gradient's Euclidean length is below
        `tol` (> 0).
    divergence : float, optional
        The run has diverged when the loss exceeds
        `divergence * (initial loss + 1)` or is not finite.
    names : sequence of str, optional
        A name per parameter, for `run[name]`; `p0, p1, ...` by default.

    Returns
    -------
    History
        The run; see [`History`][gradbook.descent.History].

    Raises
    ------
    TypeError
        If `fun` is not callable or does not return a pair of real numbers,
        `max_steps` is not an int, or `names` is not a sequence.
    ValueError
        If a number is out of range, `x0` is not a finite 1-D array, the
        loss at the start is not finite, or the gradient has the wrong shape.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`): a
    diverged run records what stopped it: its last loss may be inf or nan,
    its last parameters may have left the float range, and the gradient
    length there is nan.

    Examples
    --------
    The bowl $(p_0 - 3)^2 + 2 p_1^2$ has its minimum at $(3, 0)$:

    >>> bowl = lambda p: ((p[0] - 3) ** 2 + 2 * p[1] ** 2,
    ...                   np.array([2 * (p[0] - 3), 4 * p[1]]))
    >>> run = gradient_descent(bowl, [0.0, 1.0], lr=0.1, names=("a", "b"))
    >>> run.converged, run.steps
    (True, 101)
    >>> [round(float(v), 6) for v in run.final]
    [3.0, 0.0]
    >>> gradient_descent(bowl, [0.0, 1.0], lr=0.6).diverged  # 1 - 0.6 * 4 < -1
    True
    """
    fun = callable_arg("fun", fun)
    p, names = _check_start(x0, names)
    lr, tol = positive("lr", lr), positive("tol", tol)
    max_steps = count("max_steps", max_steps)
    divergence = positive("divergence", divergence)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow = divergence
        loss, grad = _evaluate(fun, p)
        if not np.isfinite(loss):
            raise ValueError(f"the loss at the start x0={p} is not finite: {loss}")
        limit = divergence * (abs(loss) + 1.0)
        points, losses, norms = [p], [loss], [float(np.linalg.norm(grad))]
        converged = diverged = False
        while True:
            if norms[-1] < tol:
                converged = True
                break
            if len(points) > max_steps:
                break
            p = p - lr * grad  # every parameter moves at once
            points.append(p)
            if not np.all(np.isfinite(p)):
                losses.append(np.nan)
                norms.append(np.nan)
                diverged = True
                break
            loss, grad = _evaluate(fun, p)
            losses.append(loss)
            if not (loss <= limit):  # also catches a NaN loss
                norms.append(np.nan)
                diverged = True
                break
            norms.append(float(np.linalg.norm(grad)))
    return History(
        params=_frozen(points), loss=_frozen(losses), grad_norm=_frozen(norms),
        steps=len(points) - 1, converged=converged, diverged=diverged, lr=lr,
        names=names,
    )


# --8<-- [end:gradient_descent]
