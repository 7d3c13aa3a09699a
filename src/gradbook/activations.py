"""The logistic sigmoid and its derivative, computed without overflow.

The sigmoid squashes any real number into the interval ``(0, 1)``,

.. code-block:: text

    sigma(a) = 1 / (1 + exp(-a))

and its derivative has a famously short form. With ``u = 1 + exp(-a)``,
``sigma = 1/u`` and ``du/da = -exp(-a)``, so by the chain rule

.. code-block:: text

    sigma'(a) = exp(-a) / (1 + exp(-a))**2 = sigma(a) * (1 - sigma(a)),

because ``exp(-a) / (1 + exp(-a)) = 1 - sigma(a)``. The derivative is
largest, ``1/4``, at ``a = 0`` and vanishes in both tails, where the curve is
flat: a sigmoid unit that is far from 0 passes almost no gradient back.

Written literally, ``1 / (1 + np.exp(-a))`` overflows for ``a = -1000``
(``exp(1000)`` is larger than any float) and NumPy warns. Both
forms below are the same function, ``1/(1 + e^-a) = e^a/(1 + e^a)``; we
only ever exponentiate ``-|a| <= 0``, which lies in ``(0, 1]`` and cannot
overflow, and pick the form by the sign of ``a``.
"""

import numpy as np

__all__ = ["sigmoid", "sigmoid_grad"]


def _as_real_array(a):
    """Return ``a`` as a float array, or raise TypeError if it is not numeric."""
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError) as exc:  # e.g. ragged nested lists
        raise TypeError(f"sigmoid needs real numbers, got {a!r}") from exc
    if arr.dtype.kind not in "iuf":  # bool, complex, str and object are rejected
        raise TypeError(
            f"sigmoid needs real numbers (int or float), got dtype {arr.dtype} "
            f"from {type(a).__name__}"
        )
    return arr.astype(float)


# --8<-- [start:sigmoid]
def sigmoid(a):
    """The logistic function ``1 / (1 + exp(-a))``, safe for any ``a``.

    Only ``exp(-|a|)`` is ever computed, so nothing overflows:

    * ``a >= 0``: ``1 / (1 + exp(-a))``, the definition;
    * ``a < 0``: ``exp(a) / (1 + exp(a))``, the same fraction multiplied by
      ``exp(a) / exp(a)``.

    Parameters
    ----------
    a : float or array_like
        Real numbers (ints or floats).

    Returns
    -------
    float or numpy.ndarray
        ``sigma(a)`` in ``[0, 1]`` (``(0, 1)`` mathematically; far tails
        round to 0.0 or 1.0), a NumPy float for a scalar ``a`` and an array
        of the same shape otherwise.

    Raises
    ------
    TypeError
        If ``a`` is not made of real numbers (strings, complex, bools).

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    >>> sigmoid(np.array([-1000.0, -2.0, 2.0, 1000.0]))  # no overflow warning
    array([0.        , 0.11920292, 0.88079708, 1.        ])
    >>> float(sigmoid(-2.0) + sigmoid(2.0))  # sigma(-a) = 1 - sigma(a)
    1.0
    """
    a = _as_real_array(a)
    e = np.exp(-np.abs(a))  # in (0, 1]: never overflows
    result = np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return result[()]  # a 0-d array becomes a NumPy float


def sigmoid_grad(a):
    """The derivative ``sigma'(a) = sigma(a) * (1 - sigma(a))``.

    ``1 - sigma(a)`` is computed as ``sigma(-a)`` (the curve is symmetric
    about ``(0, 1/2)``), which keeps full relative precision in the right
    tail where ``1 - sigma(a)`` would round to 0.

    Parameters
    ----------
    a : float or array_like
        Real numbers (ints or floats).

    Returns
    -------
    float or numpy.ndarray
        Values in ``[0, 1/4]``, shaped like ``a``.

    Raises
    ------
    TypeError
        If ``a`` is not made of real numbers.

    Examples
    --------
    >>> float(sigmoid_grad(0.0))  # the maximum: 1/2 * 1/2
    0.25
    >>> sigmoid_grad([-2.0, 2.0])  # symmetric
    array([0.10499359, 0.10499359])
    >>> float(sigmoid_grad(40.0))  # tiny, but not rounded to 0
    4.2484e-18
    """
    return sigmoid(a) * sigmoid(np.negative(_as_real_array(a)))


# --8<-- [end:sigmoid]
