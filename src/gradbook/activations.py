r"""Activation functions and their derivatives, each derivative beside its function.

A layer of a network computes $z = f(a)$ elementwise, and backpropagation
needs $f'(a)$ at the same points. This module has the functions the chapters
use, all written so that no input, however extreme, produces an overflow
warning or a NaN.

**The sigmoid.** $\sigma(a) = 1 / (1 + e^{-a})$ squashes any real number
into $(0, 1)$. With $u = 1 + e^{-a}$, $\sigma = 1/u$ and $du/da = -e^{-a}$,
so by the chain rule
$\sigma'(a) = e^{-a} / (1 + e^{-a})^2 = \sigma(a)\,(1 - \sigma(a))$,
because $e^{-a} / (1 + e^{-a}) = 1 - \sigma(a)$. The derivative is largest,
$1/4$, at $a = 0$ and vanishes in both tails. Written literally,
`1 / (1 + np.exp(-a))` overflows for $a = -1000$; both forms used below are
the same function, $1/(1 + e^{-a}) = e^{a}/(1 + e^{a})$, and we only ever
exponentiate $-|a| \le 0$.

**The hyperbolic tangent.**
$\tanh(a) = (e^{a} - e^{-a}) / (e^{a} + e^{-a})$ squashes into $(-1, 1)$.
Multiplying numerator and denominator by $e^{-a}$ gives
$(1 - e^{-2a}) / (1 + e^{-2a}) = 2\sigma(2a) - 1$: a sigmoid stretched to
$(-1, 1)$. With $v = e^{a} - e^{-a}$ and $u = e^{a} + e^{-a}$ (each the
other's derivative) the quotient rule gives
$\tanh'(a) = (u^2 - v^2)/u^2 = 1 - \tanh^2(a)$, which is 1 at $a = 0$ and
vanishes in the tails. The report reaches the same result, though one factor
of its middle step differentiates $u^{-1}$ a second time.

**ReLU and LeakyReLU.** $\mathrm{ReLU}(a) = \max(a, 0)$ and, for a slope
$0 < \alpha \le 1$, $\mathrm{LeakyReLU}(a) = \max(a, \alpha a)$. Their
derivatives are 1 for $a > 0$ and 0 (ReLU) or $\alpha$ (LeakyReLU) for
$a < 0$. At the kink $a = 0$ there is no derivative; any number between the
two one-sided slopes is a *subgradient*, and code has to pick one: 0 for
ReLU ([`relu_grad`][gradbook.activations.relu_grad] says why) and $\alpha$
for LeakyReLU, as in the report.

**The absolute value.** $|a|$, the heart of the mean absolute error, has
derivative $\operatorname{sign}(a)$ away from 0; at 0 we use 0
([`abs_grad`][gradbook.activations.abs_grad]).

Every function takes a real number or an array of them (ints or floats) and
returns a NumPy float or an array of the same shape. Bools, complex numbers,
strings and other objects are a `TypeError`; NaN is a `ValueError` (a NaN
that slips into a network silently poisons every number downstream).
$\pm\infty$ is accepted: $\sigma(+\infty) = 1$, $\sigma(-\infty) = 0$,
$\tanh(\pm\infty) = \pm 1$, the derivatives of both are 0 there, and the
piecewise-linear functions pass infinities through as their formulas say
(e.g. $\mathrm{ReLU}(+\infty) = +\infty$, $\mathrm{ReLU}(-\infty) = 0$).
"""

import reprlib

import numpy as np

from gradbook._checks import finite_real

__all__ = [
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "abs_grad",
]


def _as_real_array(a, func):
    """Return `a` as a float array; TypeError unless real, ValueError on NaN."""
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError) as exc:  # e.g. ragged nested lists
        raise TypeError(
            f"{func}: a must be real numbers, got {reprlib.repr(a)}"
        ) from exc
    if arr.dtype.kind not in "iuf":  # bool, complex, str and object are rejected
        raise TypeError(
            f"{func}: a must be real numbers (int or float), got dtype "
            f"{arr.dtype} from {type(a).__name__}"
        )
    arr = arr.astype(float)
    if np.isnan(arr).any():
        raise ValueError(f"{func}: a must not contain NaN, got {reprlib.repr(a)}")
    return arr


def _check_alpha(alpha):
    """The LeakyReLU slope: a finite real number with 0 < alpha <= 1."""
    alpha = finite_real("alpha", alpha)
    if not 0.0 < alpha <= 1.0:
        raise ValueError(
            f"alpha must satisfy 0 < alpha <= 1 (the slope for negative inputs; "
            f"use relu for 0), got {alpha}"
        )
    return alpha


# --8<-- [start:sigmoid]
def sigmoid(a):
    r"""The logistic function $\sigma(a) = 1 / (1 + e^{-a})$, safe for any `a`.

    Only $e^{-|a|}$ is ever computed, so nothing overflows:

    * $a \ge 0$: $1 / (1 + e^{-a})$, the definition;
    * $a < 0$: $e^{a} / (1 + e^{a})$, the same fraction multiplied by
      $e^{a} / e^{a}$.

    Parameters
    ----------
    a : float or array_like
        Real numbers (ints or floats), no NaN; $\pm\infty$ map to 1 and 0.

    Returns
    -------
    float or numpy.ndarray
        $\sigma(a)$ in $[0, 1]$ ($(0, 1)$ mathematically; far tails
        round to 0.0 or 1.0), a NumPy float for a scalar `a` and an array
        of the same shape otherwise.

    Raises
    ------
    TypeError
        If `a` is not made of real numbers (strings, complex, bools).
    ValueError
        If `a` contains NaN.

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    >>> sigmoid(np.array([-1000.0, -2.0, 2.0, 1000.0]))  # no overflow warning
    array([0.        , 0.11920292, 0.88079708, 1.        ])
    >>> round(float(sigmoid(-2.0) + sigmoid(2.0)), 12)  # sigma(-a) = 1 - sigma(a)
    1.0
    """
    a = _as_real_array(a, "sigmoid")
    e = np.exp(-np.abs(a))  # in (0, 1]: never overflows
    result = np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return result[()]  # a 0-d array becomes a NumPy float


def sigmoid_grad(a):
    r"""The derivative $\sigma'(a) = \sigma(a)\,(1 - \sigma(a))$.

    $1 - \sigma(a)$ is computed as $\sigma(-a)$ (the curve is symmetric
    about $(0, 1/2)$), which keeps full relative precision in the right
    tail where $1 - \sigma(a)$ would round to 0.

    Parameters
    ----------
    a : float or array_like
        Real numbers (ints or floats), no NaN.

    Returns
    -------
    float or numpy.ndarray
        Values in $[0, 1/4]$, shaped like `a`.

    Raises
    ------
    TypeError
        If `a` is not made of real numbers.
    ValueError
        If `a` contains NaN.

    Examples
    --------
    >>> float(sigmoid_grad(0.0))  # the maximum: 1/2 * 1/2
    0.25
    >>> sigmoid_grad([-2.0, 2.0])  # symmetric
    array([0.10499359, 0.10499359])
    >>> f"{float(sigmoid_grad(40.0)):.5g}"  # tiny, but not rounded to 0
    '4.2484e-18'
    """
    a = _as_real_array(a, "sigmoid_grad")
    return sigmoid(a) * sigmoid(-a)


# --8<-- [end:sigmoid]


# --8<-- [start:tanh]
def tanh(a):
    r"""The hyperbolic tangent $\tanh(a) = 2\sigma(2a) - 1$, safe for any `a`.

    NumPy's `np.tanh` already evaluates this without overflow and to within
    an ulp, so we use it. The two textbook forms would not do:

    * $(e^{a} - e^{-a}) / (e^{a} + e^{-a})$ overflows to $\infty/\infty$ = NaN
      for $|a| > 710$;
    * $2\sigma(2a) - 1$ is exact algebra but subtracts two numbers close to 1
      near $a = 0$: at $a = 10^{-10}$ only six or seven of the sixteen digits
      survive.

    Parameters
    ----------
    a : float or array_like
        Real numbers (ints or floats), no NaN; $\pm\infty$ map to $\pm 1$.

    Returns
    -------
    float or numpy.ndarray
        Values in $[-1, 1]$, shaped like `a`. Odd: `tanh(-a) == -tanh(a)`
        bit for bit, and `tanh(0) == 0.0` exactly.

    Raises
    ------
    TypeError
        If `a` is not made of real numbers.
    ValueError
        If `a` contains NaN.

    Examples
    --------
    >>> float(tanh(0.0))
    0.0
    >>> tanh([-1000.0, -1.0, 1.0, 1000.0])  # no overflow warning
    array([-1.        , -0.76159416,  0.76159416,  1.        ])
    >>> round(float(2 * sigmoid(2 * 0.5) - 1 - tanh(0.5)), 12)  # 2 sigma(2a) - 1
    0.0
    """
    return np.tanh(_as_real_array(a, "tanh"))[()]


def tanh_grad(a):
    r"""The derivative $\tanh'(a) = 1 - \tanh^2(a)$.

    With $e = e^{-2|a|} \in [0, 1]$, $\tanh|a| = (1 - e)/(1 + e)$ and
    $1 - \tanh^2 a = (1 - \tanh|a|)(1 + \tanh|a|) = 4e / (1 + e)^2$.
    This form never overflows, is exactly 1 at $a = 0$ ($e = 1$), and keeps
    full relative precision in the tails, where $1 - \tanh^2(a)$ computed
    literally rounds to 0 as soon as $\tanh(a)$ rounds to $\pm 1$ ($|a| > 19$).
    $e$ is computed as $(e^{-|a|})^2$ so that $-2|a|$ cannot overflow.

    Parameters
    ----------
    a : float or array_like
        Real numbers (ints or floats), no NaN; $\pm\infty$ map to 0.

    Returns
    -------
    float or numpy.ndarray
        Values in $[0, 1]$, shaped like `a`; even in `a`.

    Raises
    ------
    TypeError
        If `a` is not made of real numbers.
    ValueError
        If `a` contains NaN.

    Examples
    --------
    >>> float(tanh_grad(0.0))  # the maximum
    1.0
    >>> np.round(tanh_grad([-1.0, 1.0, 1000.0]), 8)
    array([0.41997434, 0.41997434, 0.        ])
    >>> f"{float(tanh_grad(20.0)):.5g}"  # 4 e^-40: tiny, not rounded to 0
    '1.6993e-17'
    """
    a = _as_real_array(a, "tanh_grad")
    e = np.square(np.exp(-np.abs(a)))  # e^(-2|a|) in [0, 1]
    return (4.0 * e / np.square(1.0 + e))[()]


# --8<-- [end:tanh]


# --8<-- [start:relu]
def relu(a):
    r"""The rectified linear unit $\mathrm{ReLU}(a) = \max(a, 0)$.

    Parameters
    ----------
    a : float or array_like
        Real numbers (ints or floats), no NaN; $+\infty$ stays $+\infty$,
        $-\infty$ maps to 0.

    Returns
    -------
    float or numpy.ndarray
        Shaped like `a`; never `-0.0`.

    Raises
    ------
    TypeError
        If `a` is not made of real numbers.
    ValueError
        If `a` contains NaN.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    a = _as_real_array(a, "relu")
    return np.where(a > 0, a, 0.0)[()]


def relu_grad(a):
    r"""The derivative of ReLU: 1 for $a > 0$, 0 for $a \le 0$.

    At the kink $a = 0$ ReLU has no derivative: the slope is 0 on the left
    and 1 on the right, and every number in $[0, 1]$ is a subgradient.
    **We use 0 at $a = 0$**, for three reasons:

    * it is the choice of PyTorch, TensorFlow and JAX, so numbers on these
      pages match what readers get from a framework;
    * ReLU is LeakyReLU with slope $\alpha = 0$, and the report's own
      LeakyReLU rule ("$x \le 0 \to \alpha$") then gives 0 at the kink;
    * the derivative is 1 exactly where the unit outputs a positive value,
      so a unit with $\mathrm{ReLU}(a) = 0$ on every example passes no
      gradient at all: it is *dead* (see
      [`dead_units`][gradbook.nn.dead_units]).

    The report's ReLU chapter uses 1 for $q \ge 0$ instead; both are valid
    subgradients, and they differ only when a pre-activation is exactly 0.

    Parameters
    ----------
    a : float or array_like
        Real numbers (ints or floats), no NaN.

    Returns
    -------
    float or numpy.ndarray
        0.0 or 1.0, shaped like `a`.

    Raises
    ------
    TypeError
        If `a` is not made of real numbers.
    ValueError
        If `a` contains NaN.

    Examples
    --------
    >>> relu_grad([-2.0, 0.0, 3.0])  # 0 at the kink
    array([0., 0., 1.])
    """
    a = _as_real_array(a, "relu_grad")
    return np.where(a > 0, 1.0, 0.0)[()]


# --8<-- [end:relu]


# --8<-- [start:leaky_relu]
def leaky_relu(a, alpha=0.1):
    r"""LeakyReLU: $a$ for $a > 0$ and $\alpha a$ for $a \le 0$.

    For $0 < \alpha \le 1$ this is $\max(a, \alpha a)$. Unlike ReLU it keeps
    a small slope $\alpha$ for negative inputs, so a unit never stops
    passing gradient. $\alpha$ is a slope, not the learning rate.

    Parameters
    ----------
    a : float or array_like
        Real numbers (ints or floats), no NaN; $\pm\infty$ stay $\pm\infty$.
    alpha : float, optional
        The slope for negative inputs, $0 < \alpha \le 1$ (0 would be
        [`relu`][gradbook.activations.relu], 1 the identity).

    Returns
    -------
    float or numpy.ndarray
        Shaped like `a`; never `-0.0`.

    Raises
    ------
    TypeError
        If `a` is not made of real numbers or `alpha` is not a real number.
    ValueError
        If `a` contains NaN or `alpha` is not in $(0, 1]$.

    Examples
    --------
    >>> leaky_relu([-2.0, 0.0, 3.0])
    array([-0.2,  0. ,  3. ])
    """
    a = _as_real_array(a, "leaky_relu")
    alpha = _check_alpha(alpha)
    return (np.where(a > 0, a, alpha * a) + 0.0)[()]  # + 0.0 turns -0.0 into 0.0


def leaky_relu_grad(a, alpha=0.1):
    r"""The derivative of LeakyReLU: 1 for $a > 0$, $\alpha$ for $a \le 0$.

    At the kink $a = 0$ we follow the report ("$x \le 0 \to \alpha$"): the
    left slope $\alpha$. Any number in $[\alpha, 1]$ is a subgradient there.
    With $\alpha \to 0$ this is the convention of
    [`relu_grad`][gradbook.activations.relu_grad] (0 at the kink).

    Parameters
    ----------
    a : float or array_like
        Real numbers (ints or floats), no NaN.
    alpha : float, optional
        The slope for negative inputs, $0 < \alpha \le 1$.

    Returns
    -------
    float or numpy.ndarray
        1.0 or `alpha`, shaped like `a`.

    Raises
    ------
    TypeError
        If `a` is not made of real numbers or `alpha` is not a real number.
    ValueError
        If `a` contains NaN or `alpha` is not in $(0, 1]$.

    Examples
    --------
    >>> leaky_relu_grad([-2.0, 0.0, 3.0])  # alpha at the kink
    array([0.1, 0.1, 1. ])
    """
    a = _as_real_array(a, "leaky_relu_grad")
    alpha = _check_alpha(alpha)
    return np.where(a > 0, 1.0, alpha)[()]


# --8<-- [end:leaky_relu]


# --8<-- [start:abs_grad]
def abs_grad(a):
    r"""The derivative of $|a|$: $\operatorname{sign}(a)$, with 0 at $a = 0$.

    For $a \ne 0$, $|a| = \sqrt{a^2}$ gives
    $d|a|/da = \tfrac12 (a^2)^{-1/2} \cdot 2a = a / |a| = \operatorname{sign}(a)$.
    At $a = 0$ the formula $a/|a|$ is $0/0$ (NumPy would return NaN with a
    warning). $|a|$ has a kink there and every number in $[-1, 1]$ is a
    subgradient; we use 0, the one of smallest size, which is also what
    `np.sign` returns and what PyTorch uses for the gradient of `abs`. For
    the mean absolute error it means an example that is already predicted
    exactly pulls no parameter either way.

    Parameters
    ----------
    a : float or array_like
        Real numbers (ints or floats), no NaN; $\pm\infty$ give $\pm 1$.

    Returns
    -------
    float or numpy.ndarray
        -1.0, 0.0 or 1.0, shaped like `a` (never `-0.0`).

    Raises
    ------
    TypeError
        If `a` is not made of real numbers.
    ValueError
        If `a` contains NaN.

    Examples
    --------
    >>> abs_grad([-2.5, 0.0, 3.0])
    array([-1.,  0.,  1.])
    """
    a = _as_real_array(a, "abs_grad")
    return (np.sign(a) + 0.0)[()]  # + 0.0 turns sign(-0.0) = -0.0 into 0.0


# --8<-- [end:abs_grad]
