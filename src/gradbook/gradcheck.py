"""Gradient checking: test a hand-derived gradient against finite differences.

A gradient worked out by hand (or coded by hand) is easy to get subtly
wrong: a forgotten factor 2, a missing chain-rule factor, ``x`` where
``x**3`` belongs. Such a gradient still points roughly downhill, so gradient
descent still runs and still prints numbers; it just stops at the wrong
place. The cure is cheap: compare the analytic gradient with a *numerical*
one that needs nothing but the loss function itself.

For a function ``f`` of a parameter vector ``p`` the ``i``-th partial
derivative is approximated by the *central difference*

.. code-block:: text

    df/dp_i  ~  (f(p + h e_i) - f(p - h e_i)) / (2 h)

where ``e_i`` is the ``i``-th unit vector. This costs two evaluations of
``f`` per parameter, far too slow to train with, but perfectly fine to
*check* a gradient at a few points. The idea is the one in early tinygrad's
``gradcheck.py`` (and in ``torch.autograd.gradcheck``): perturb each input,
watch the output, and compare with what the backward pass claims.

Why central differences, and why ``h = 1e-6``
    By Taylor's theorem, ``f(x + h) = f(x) + h f'(x) + h**2/2 f''(x)
    + h**3/6 f'''(x) + O(h**4)``, and the same with ``-h``. Subtracting the
    two expansions cancels the even terms:
    ``(f(x + h) - f(x - h)) / (2h) = f'(x) + h**2/6 f'''(x) + O(h**4)``.
    The *truncation error* is ``O(h**2)``: ten times smaller ``h``, a
    hundred times smaller error (the one-sided ``(f(x + h) - f(x)) / h`` is
    only ``O(h)``). But ``h`` cannot shrink forever: each value of ``f`` is
    rounded to a relative precision of about ``eps = 2.2e-16``, and the
    difference of two nearly equal values is divided by ``2h``, giving a
    *round-off error* of about ``eps |f| / h``. The total,
    ``h**2 |f'''| / 6 + eps |f| / h``, is smallest near
    ``h ~ eps**(1/3) ~ 6e-6`` (for ``f`` and ``f'''`` of order 1), where
    both terms are around ``1e-11``. Hence the default ``h = 1e-6``.
"""


import numpy as np

from gradbook._checks import positive

__all__ = ["numerical_gradient", "check_gradient", "GradientMismatch"]


class GradientMismatch(AssertionError):
    """An analytic gradient disagrees with its finite-difference estimate."""


def _check_params(params):
    """Return a float copy of ``params``; it must be 1-D and finite."""
    params = np.array(params, dtype=float)  # np.array copies
    if params.ndim != 1:
        raise ValueError(f"params must be a 1-D array, got shape {params.shape}")
    if not np.all(np.isfinite(params)):
        raise ValueError(f"params must be finite, got {params}")
    return params


def _scalar(f, p):
    """``f(p)`` as a float; ``f`` gets its own copy and must return a scalar."""
    value = f(p.copy())
    if np.ndim(value) != 0:
        raise ValueError(
            f"f must return a scalar, got a value of shape {np.shape(value)}"
        )
    return float(value)


# --8<-- [start:numerical_gradient]
def numerical_gradient(f, params, h=1e-6):
    """Estimate the gradient of ``f`` at ``params`` by central differences.

    Component ``i`` is ``(f(p + h e_i) - f(p - h e_i)) / (2 h)``, which
    differs from the true partial derivative by about ``h**2/6`` times the
    third derivative (see the module docstring).

    Parameters
    ----------
    f : callable
        A function of a 1-D float array returning a scalar.
    params : array_like
        The point, a 1-D array of finite numbers. It is copied and never
        modified.
    h : float, optional
        The step, > 0. The default ``1e-6`` balances truncation against
        round-off for functions of moderate size.

    Returns
    -------
    numpy.ndarray
        Float array with the shape of ``params``.

    Raises
    ------
    ValueError
        If ``params`` is not 1-D and finite, ``h`` is not > 0, or ``f``
        does not return a scalar.

    Examples
    --------
    >>> f = lambda p: p[0] ** 2 + 3 * p[0] * p[1]  # gradient (2x + 3y, 3x)
    >>> numerical_gradient(f, [1.0, 2.0])
    array([8., 3.])
    >>> numerical_gradient(lambda p: np.sin(p[0]), [0.0])  # cos(0)
    array([1.])
    """
    params = _check_params(params)
    h = positive("h", h)
    grad = np.empty_like(params)
    for i in range(params.size):
        plus, minus = params.copy(), params.copy()
        plus[i] += h
        minus[i] -= h
        # divide by the step actually taken: p + h is rounded to a float
        grad[i] = (_scalar(f, plus) - _scalar(f, minus)) / (plus[i] - minus[i])
    return grad


# --8<-- [end:numerical_gradient]


def check_gradient(f, grad, params, *, h=1e-6, rtol=1e-6, atol=1e-8):
    """Compare an analytic gradient with central differences of ``f``.

    Each component is compared relative to its size: with ``a`` the
    analytic and ``n`` the numerical value, the error is

    .. code-block:: text

        |a - n| / max(|a|, |n|, atol / rtol)

    so ``error > rtol`` exactly when ``|a - n| > max(atol, rtol * max(|a|,
    |n|))``. The floor ``atol / rtol`` keeps components that are (nearly)
    zero from turning round-off into huge relative errors: there ``atol``
    is the tolerance on the absolute difference. A correct gradient of a
    smooth ``f`` typically gives errors of ``1e-8`` or less; a wrong one
    (a missing factor, a missing chain-rule term) gives errors of order 1.

    Parameters
    ----------
    f : callable
        The function, a 1-D float array to a scalar.
    grad : callable
        The claimed gradient of ``f``: a 1-D float array to an array of the
        same shape.
    params : array_like
        The point to check at, 1-D and finite; never modified.
    h : float, optional
        Step for :func:`numerical_gradient`.
    rtol : float, optional
        Largest relative error accepted, > 0.
    atol : float, optional
        Absolute tolerance for components near zero, >= 0.

    Returns
    -------
    float
        The largest error over the components (0.0 if ``params`` is empty).

    Raises
    ------
    GradientMismatch
        If the error exceeds ``rtol``. The message lists the analytic and
        numerical components side by side. It is an ``AssertionError``, so
        a test that calls ``check_gradient`` fails with that table.
    ValueError
        If ``grad(params)`` does not have the shape of ``params``, or an
        argument is invalid.

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
    """
    params = _check_params(params)
    rtol = positive("rtol", rtol)
    atol = positive("atol", atol, allow_zero=True)
    analytic = np.asarray(grad(params.copy()), dtype=float)
    if analytic.shape != params.shape:
        raise ValueError(
            f"grad returned shape {analytic.shape}, but params have shape "
            f"{params.shape}: the gradient has one component per parameter"
        )
    numerical = numerical_gradient(f, params, h)
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numerical)), atol / rtol)
    errors = np.abs(analytic - numerical) / scale
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
