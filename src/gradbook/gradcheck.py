r"""Gradient checking: test a hand-derived gradient against finite differences.

A gradient worked out by hand (or coded by hand) is easy to get subtly
wrong: a forgotten factor 2, a missing chain-rule factor, `x` where
`x**3` belongs. Such a gradient still points roughly downhill, so gradient
descent still runs and still prints numbers; it just stops at the wrong
place. The cure is cheap: compare the analytic gradient with a *numerical*
one that needs nothing but the loss function itself.

For a function $f$ of a parameter vector $p$ the $i$-th partial
derivative is approximated by the *central difference*

$$
\frac{\partial f}{\partial p_i} \approx \frac{f(p + h e_i) - f(p - h e_i)}{2h},
$$

where $e_i$ is the $i$-th unit vector. This costs two evaluations of
$f$ per parameter, far too slow to train with, but perfectly fine to
*check* a gradient at a few points. The idea is the one in early tinygrad's
`gradcheck.py` (and in `torch.autograd.gradcheck`): perturb each input,
watch the output, and compare with what the backward pass claims.

**Why central differences, and why $h = 10^{-6}$.** By Taylor's theorem,
$f(x \pm h) = f(x) \pm h f'(x) + \frac{h^2}{2} f''(x) \pm \frac{h^3}{6} f'''(x) + O(h^4)$.
Subtracting the two expansions cancels the even terms:
$\frac{f(x + h) - f(x - h)}{2h} = f'(x) + \frac{h^2}{6} f'''(x) + O(h^4)$.
The *truncation error* is $O(h^2)$: ten times smaller $h$, a hundred times
smaller error (the one-sided $(f(x + h) - f(x)) / h$ is only $O(h)$). But
$h$ cannot shrink forever: each value of $f$ is rounded to a relative
precision of about $\varepsilon = 2.2 \cdot 10^{-16}$, and the difference of
two nearly equal values is divided by $2h$, giving a *round-off error* of
about $\varepsilon |f| / h$. The total,
$\frac{h^2}{6} |f'''| + \varepsilon |f| / h$, is smallest near
$h \approx \varepsilon^{1/3} \approx 6 \cdot 10^{-6}$ (for $f$ and $f'''$
of order 1), where both terms are around $10^{-11}$. Hence the default
$h = 10^{-6}$.
"""


import numpy as np

from gradbook._checks import callable_arg, positive, real_array
from gradbook._contract import contract

__all__ = ["numerical_gradient", "check_gradient", "GradientMismatch"]


class GradientMismatch(AssertionError):
    """An analytic gradient disagrees with its finite-difference estimate."""


def _check_params(params):
    """Return a float copy of `params`; it must be 1-D and finite."""
    return real_array("params", params, ndim=1)


def _scalar(f, p, where):
    """`f(p)` as a finite float; `f` gets its own copy and must return a scalar."""
    value = f(p.copy())
    if np.ndim(value) != 0:
        raise ValueError(
            f"f must return a scalar, got a value of shape {np.shape(value)}"
        )
    if isinstance(value, (bool, np.bool_, complex, np.complexfloating, str, bytes)):
        raise TypeError(f"f must return a real number, got {type(value).__name__}")
    try:
        value = float(value)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(
            f"f must return a real number that fits a float, got {type(value).__name__}"
        ) from None
    if not np.isfinite(value):
        raise ValueError(f"f must be finite near params, but f({where}) = {value}")
    return value


# --8<-- [start:numerical_gradient]
def numerical_gradient(f, params, h=1e-6):
    r"""Estimate the gradient of `f` at `params` by central differences.

    Component $i$ is $\bigl(f(p + h e_i) - f(p - h e_i)\bigr) / (2h)$, which
    differs from the true partial derivative by about $h^2 / 6$ times the
    third derivative (see the module docstring).

    Parameters
    ----------
    f : callable
        A function of a 1-D float array returning a finite real scalar.
    params : array_like
        The point, a 1-D array of finite numbers. It is copied and never
        modified.
    h : float, optional
        The step, > 0. The default `1e-6` balances truncation against
        round-off for functions of moderate size. It must move every
        parameter: `p + h` must differ from `p - h` and stay finite.

    Returns
    -------
    numpy.ndarray
        Float array with the shape of `params`.

    Raises
    ------
    TypeError
        If `f` is not callable or does not return a real number, or
        `params` is not made of real numbers.
    ValueError
        If `params` is not 1-D and finite, `h` is not > 0, `h` is too small
        to move a parameter or so large that `p + h` is beyond the float
        range, `f` does not return a finite scalar, or a difference quotient
        is beyond the float range.

    Examples
    --------
    >>> f = lambda p: p[0] ** 2 + 3 * p[0] * p[1]  # gradient (2x + 3y, 3x)
    >>> numerical_gradient(f, [1.0, 2.0]).round(8).tolist()
    [8.0, 3.0]
    >>> numerical_gradient(f, [1.0, 2.0]).tolist()  # round-off, about 1e-10
    [8.0, 2.9999999998889777]
    >>> numerical_gradient(lambda p: np.sin(p[0]), [0.0]).tolist()  # cos(0) = 1
    [0.9999999999998334]
    >>> numerical_gradient(f, [1.0, 2.0], h=1e-300)
    Traceback (most recent call last):
    ...
    ValueError: h = 1e-300 is too small for params[0] = 1.0: params[0] + h and params[0] - h round to the same float (their spacing there is 2.220446049250313e-16)
    """
    f = callable_arg("f", f)
    params = _check_params(params)
    h = positive("h", h)
    grad = np.empty_like(params)
    for i in range(params.size):
        plus, minus = params.copy(), params.copy()
        with np.errstate(over="ignore"):
            plus[i] += h
            minus[i] -= h
        # divide by the step actually taken: p + h is rounded to a float
        step = float(plus[i]) - float(minus[i])
        if not np.isfinite(step):
            raise ValueError(
                f"h = {h} is too large for params[{i}] = {params[i]}: "
                f"params[{i}] + h or params[{i}] - h is beyond the float range"
            )
        if step == 0:
            raise ValueError(
                f"h = {h} is too small for params[{i}] = {params[i]}: params[{i}] + h "
                f"and params[{i}] - h round to the same float (their spacing there "
                f"is {float(np.spacing(abs(params[i])))})"
            )
        rise = _scalar(f, plus, f"params + h e_{i}") - _scalar(f, minus, f"params - h e_{i}")
        grad[i] = rise / step  # Python floats: inf on overflow, no warning
        if not np.isfinite(grad[i]):
            raise ValueError(
                f"the central difference of f for params[{i}] is beyond the float "
                f"range: f changes by {rise} over a step of {step} (h = {h})"
            )
    return grad


# --8<-- [end:numerical_gradient]


_MISMATCH = "the analytic gradient disagrees with the numerical one, which is what it checks"


@contract(raises={GradientMismatch: _MISMATCH})
def check_gradient(f, grad, params, *, h=1e-6, rtol=1e-6, atol=1e-8):
    r"""Compare an analytic gradient with central differences of `f`.

    Each component is compared relative to its size: with $a$ the
    analytic and $n$ the numerical value, the error is

    $$
    \frac{|a - n|}{\max(|a|,\ |n|,\ \text{atol} / \text{rtol})},
    $$

    so the error exceeds `rtol` exactly when
    $|a - n| > \max(\text{atol},\ \text{rtol} \cdot \max(|a|, |n|))$.
    The floor atol / rtol keeps components that are (nearly) zero from
    turning round-off into huge relative errors: there `atol` is the
    tolerance on the absolute difference. A correct gradient of a smooth
    $f$ typically gives errors of $10^{-8}$ or less; a wrong one (a missing
    factor, a missing chain-rule term) gives errors of order 1.

    Parameters
    ----------
    f : callable
        The function, a 1-D float array to a finite real scalar.
    grad : callable
        The claimed gradient of `f`: a 1-D float array to an array of the
        same shape.
    params : array_like
        The point to check at, 1-D and finite; never modified.
    h : float, optional
        Step for [`numerical_gradient`][gradbook.gradcheck.numerical_gradient].
    rtol : float, optional
        Largest relative error accepted, > 0.
    atol : float, optional
        Absolute tolerance for components near zero, >= 0. The floor
        atol / rtol must be a finite float: an infinite floor would make
        every error 0 and accept any gradient.

    Returns
    -------
    float
        The largest error over the components (0.0 if `params` is empty).

    Raises
    ------
    GradientMismatch
        If the error exceeds `rtol`: the analytic gradient disagrees with
        the numerical one, which is what it checks. The message lists the
        analytic and numerical components side by side. It is an
        `AssertionError`, so a test that calls `check_gradient` fails with
        that table. A NaN or an infinity in the analytic gradient is a
        mismatch too.
    TypeError
        If `f` or `grad` is not callable, or `grad` does not return real
        numbers.
    ValueError
        If `grad(params)` does not have the shape of `params`, atol / rtol
        is beyond the float range, or an argument is invalid.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    `GradientMismatch` when the analytic gradient disagrees with the
    numerical one, which is what it checks.

    Examples
    --------
    >>> f = lambda p: np.sum(p ** 2)
    >>> err = check_gradient(f, lambda p: 2 * p, [1.0, -2.0, 3.0])
    >>> err < 1e-9
    True
    >>> try:
    ...     check_gradient(f, lambda p: p, [1.0, -2.0, 3.0])  # factor 2 missing
    ... except GradientMismatch as e:
    ...     print(e)
    gradient mismatch: max relative error 0.5 > rtol 1e-06
        i        analytic       numerical   rel. error
        0               1               2          0.5
        1              -2              -4          0.5
        2               3               6          0.5
    >>> check_gradient(f, lambda p: p, [1.0, -2.0, 3.0], atol=1e308, rtol=1e-308)
    Traceback (most recent call last):
    ...
    ValueError: atol / rtol must be finite, got atol = 1e+308 and rtol = 1e-308: an infinite floor would accept any gradient
    """
    f, grad = callable_arg("f", f), callable_arg("grad", grad)
    params = _check_params(params)
    rtol = positive("rtol", rtol)
    atol = positive("atol", atol, allow_zero=True)
    floor = atol / rtol  # Python floats: inf on overflow, no warning
    if not np.isfinite(floor):
        raise ValueError(
            f"atol / rtol must be finite, got atol = {atol} and rtol = {rtol}: "
            "an infinite floor would accept any gradient"
        )
    try:
        analytic = np.asarray(grad(params.copy()))
        if analytic.dtype.kind not in "iuf":
            raise TypeError(f"got dtype {analytic.dtype}")
        analytic = analytic.astype(float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"grad must return an array of real numbers ({exc})") from None
    if analytic.shape != params.shape:
        raise ValueError(
            f"grad returned shape {analytic.shape}, but params have shape "
            f"{params.shape}: the gradient has one component per parameter"
        )
    numerical = numerical_gradient(f, params, h)
    with np.errstate(invalid="ignore"):  # an inf or a nan in the analytic gradient
        scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numerical)), floor)
        safe = np.where(scale > 0, scale, 1.0)  # scale 0: both components are 0
        errors = np.abs(analytic / safe - numerical / safe)  # both <= 1: no overflow
    worst = float(np.max(errors, initial=0.0))
    if not worst <= rtol:  # also catches a NaN in the analytic gradient
        rows = [f"{'i':>5} {'analytic':>15} {'numerical':>15} {'rel. error':>12}"]
        for i, (a, n, e) in enumerate(zip(analytic, numerical, errors)):
            rows.append(f"{i:>5} {a:>15.9g} {n:>15.9g} {e:>12.3g}")
        raise GradientMismatch(
            f"gradient mismatch: max relative error {worst:.3g} > rtol {rtol:g}\n"
            + "\n".join(rows)
        )
    return worst
