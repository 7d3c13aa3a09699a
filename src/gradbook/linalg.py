"""Two small pieces of arithmetic that gradient-based learning leans on.

Powers
    :func:`power` raises a number to an integer power by repeated
    multiplication, :func:`fast_power` does the same by exponentiation by
    squaring, and :func:`count_multiplications` runs either algorithm on a
    counting stand-in number to show what each costs: ``n - 1`` products
    against ``floor(log2 n) + popcount(n) - 1``.

Matrix products
    :func:`matmul` multiplies nested lists in pure Python with exactly the
    rules of NumPy's ``@`` for 1-D and 2-D operands, and :func:`shape`
    checks an operand and reports its shape.

Both algorithms are written out in plain Python so that the code on the page
is the derivation; NumPy serves only as the oracle in the tests.
"""

from decimal import Decimal
from fractions import Fraction
from numbers import Number

import numpy as np

__all__ = ["power", "fast_power", "count_multiplications", "shape", "matmul"]


# --8<-- [start:power]
def _check_exponent(exponent):
    """Raise TypeError unless ``exponent`` is an ``int`` (``bool`` excluded)."""
    if isinstance(exponent, bool) or not isinstance(exponent, int):
        raise TypeError(f"exponent must be an int, got {type(exponent).__name__}")


def _check_operands(base, exponent):
    """Validate ``base ** exponent`` completely before any work is done."""
    _check_exponent(exponent)
    if isinstance(base, bool) or not isinstance(base, (int, float, Decimal, Fraction)):
        raise TypeError(
            "base must be an int, float, Decimal or Fraction, "
            f"got {type(base).__name__}"
        )
    if base == 0 and exponent < 0:
        raise ZeroDivisionError(f"0 cannot be raised to a negative power ({exponent})")


def _repeated(base, n):
    """``base * base * ... * base`` (n factors, n - 1 products); 1 for n == 0."""
    if n == 0:
        return 1
    result = base
    for _ in range(n - 1):
        result = result * base
    return result


def power(base, exponent):
    """Raise ``base`` to an integer power by repeated multiplication.

    Parameters
    ----------
    base : int, float, Decimal or Fraction
        The number to raise.
    exponent : int
        The power. ``n > 0`` costs ``n - 1`` multiplications, ``n == 0``
        gives ``1`` (also for ``0 ** 0``), and ``n < 0`` gives
        ``1 / power(base, -n)``.

    Returns
    -------
    int, float, Decimal or Fraction
        The power; an ``int`` base with a negative exponent gives a float.

    Raises
    ------
    TypeError
        If ``exponent`` is not an ``int`` or ``base`` is not a supported number.
    ZeroDivisionError
        If ``base`` is zero and ``exponent`` is negative.

    Notes
    -----
    Float products follow IEEE 754: an overflow gives ``inf`` where ``**``
    raises ``OverflowError``.

    Examples
    --------
    >>> power(3, 4)
    81
    >>> power(2, -2)
    0.25
    >>> power(Decimal("1.5"), 2)
    Decimal('2.25')
    >>> power(0, 0)
    1
    """
    _check_operands(base, exponent)
    if exponent < 0:
        return 1 / _repeated(base, -exponent)
    return _repeated(base, exponent)


# --8<-- [end:power]


# --8<-- [start:squaring]
def _squaring(base, n):
    """``base ** n`` for ``n >= 0``, reading the bits of n from the top.

    The leading 1 bit starts the result at ``base``; every further bit squares
    it (doubling the exponent so far) and a 1 bit multiplies in one more
    ``base``. That is ``floor(log2 n)`` squarings and ``popcount(n) - 1``
    extra products.
    """
    if n == 0:
        return 1
    result = base
    for bit in format(n, "b")[1:]:
        result = result * result
        if bit == "1":
            result = result * base
    return result


def fast_power(base, exponent):
    """Raise ``base`` to an integer power by exponentiation by squaring.

    Same semantics, validation and errors as :func:`power`, but ``n >= 1``
    costs ``floor(log2 n) + popcount(n) - 1`` multiplications instead of
    ``n - 1``.

    Parameters
    ----------
    base : int, float, Decimal or Fraction
        The number to raise.
    exponent : int
        The power; negative powers give ``1 / fast_power(base, -n)``.

    Returns
    -------
    int, float, Decimal or Fraction
        The power.

    Raises
    ------
    TypeError
        If ``exponent`` is not an ``int`` or ``base`` is not a supported number.
    ZeroDivisionError
        If ``base`` is zero and ``exponent`` is negative.

    Examples
    --------
    >>> fast_power(3, 13)
    1594323
    >>> fast_power(Fraction(1, 2), -3)
    Fraction(8, 1)
    >>> fast_power(2.0, 0)
    1
    """
    _check_operands(base, exponent)
    if exponent < 0:
        return 1 / _squaring(base, -exponent)
    return _squaring(base, exponent)


# --8<-- [end:squaring]


# --8<-- [start:count]
class _CountingNumber:
    """A stand-in number whose only ability is to count products."""

    def __init__(self):
        self.multiplications = 0

    def __mul__(self, other):
        self.multiplications += 1
        return self


_ALGORITHMS = {"repeated": _repeated, "squaring": _squaring}


def count_multiplications(exponent, method):
    """Count the multiplications :func:`power` or :func:`fast_power` performs.

    The count is measured, not computed from a formula: the very algorithm
    behind the public function runs on a number that counts its products.

    Parameters
    ----------
    exponent : int
        The power. A negative power counts the products for ``|exponent|``;
        the final division is not a multiplication.
    method : {"repeated", "squaring"}
        ``"repeated"`` for :func:`power`, ``"squaring"`` for :func:`fast_power`.

    Returns
    -------
    int
        The number of multiplications.

    Raises
    ------
    TypeError
        If ``exponent`` is not an ``int``.
    ValueError
        If ``method`` is not one of the two names above.

    Examples
    --------
    >>> count_multiplications(13, "repeated")
    12
    >>> count_multiplications(13, "squaring")  # 13 = 0b1101: 3 squarings + 2
    5
    >>> count_multiplications(-13, "squaring")
    5
    """
    if method not in _ALGORITHMS:
        allowed = ", ".join(repr(name) for name in _ALGORITHMS)
        raise ValueError(f"method must be one of {allowed}; got {method!r}")
    _check_exponent(exponent)
    counter = _CountingNumber()
    _ALGORITHMS[method](counter, abs(exponent))
    return counter.multiplications


# --8<-- [end:count]


def _check_entry(entry, name, position):
    if not isinstance(entry, Number):
        raise TypeError(
            f"{name}{position} is {type(entry).__name__}, not a number"
        )


def _shape(x, name):
    """Shape of a 0-D, 1-D or 2-D operand called ``name`` in error messages."""
    if isinstance(x, np.ndarray):
        if x.ndim > 2:
            raise ValueError(f"{name} has {x.ndim} dimensions; at most 2 are supported")
        if x.dtype.kind == "O":
            for index in np.ndindex(x.shape):
                _check_entry(x[index], name, "".join(f"[{i}]" for i in index))
        elif x.dtype.kind not in "biufc":
            raise TypeError(f"{name} has non-numeric dtype {x.dtype}")
        return x.shape
    if not isinstance(x, (list, tuple)):
        _check_entry(x, name, "")
        return ()
    is_row = [isinstance(item, (list, tuple)) for item in x]
    if not any(is_row):
        for j, entry in enumerate(x):
            _check_entry(entry, name, f"[{j}]")
        return (len(x),)
    if not all(is_row):
        raise ValueError(f"{name} mixes numbers and rows")
    lengths = [len(row) for row in x]
    if len(set(lengths)) > 1:
        raise ValueError(f"{name} is ragged: its rows have lengths {lengths}")
    for i, row in enumerate(x):
        for j, entry in enumerate(row):
            if isinstance(entry, (list, tuple)):
                raise ValueError(f"{name} has more than 2 dimensions")
            _check_entry(entry, name, f"[{i}][{j}]")
    return (len(x), lengths[0])


def shape(x):
    """Return the shape of a 0-D, 1-D or 2-D numeric operand.

    Parameters
    ----------
    x : number, nested list/tuple of numbers, or numpy.ndarray
        The operand. Entries must be numbers (``numbers.Number``, which
        includes ``Decimal``, ``Fraction`` and NumPy scalars).

    Returns
    -------
    tuple of int
        ``()``, ``(n,)`` or ``(m, n)``.

    Raises
    ------
    TypeError
        If an entry is not a number (the message names its type and position),
        or an array has a non-numeric dtype.
    ValueError
        If rows are ragged (the message lists their lengths), numbers and rows
        are mixed, or ``x`` has more than 2 dimensions.

    Examples
    --------
    >>> shape([[1, 2, 3], [4, 5, 6]])
    (2, 3)
    >>> shape((1.0, 2.0))
    (2,)
    >>> shape(7)
    ()
    >>> shape([[1, 2], [3]])
    Traceback (most recent call last):
    ...
    ValueError: x is ragged: its rows have lengths [2, 1]
    """
    return _shape(x, "x")


# --8<-- [start:matmul]
def _as_rows(x, ndim, vector_is):
    """Nested lists for a 2-D operand; a 1-D one becomes a row or a column."""
    if ndim == 2:
        return [list(row) for row in x]
    if vector_is == "row":
        return [list(x)]
    return [[entry] for entry in x]


def matmul(a, b):
    """Multiply two 1-D or 2-D operands in pure Python, like NumPy's ``a @ b``.

    NumPy's rule for vectors: a 1-D ``a`` is promoted to a ``(1, k)`` row, a
    1-D ``b`` to a ``(k, 1)`` column, the two matrices are multiplied, and
    each promoted axis is dropped again. So ``(m, k) @ (k, n)`` is
    ``(m, n)``, ``(m, k) @ (k,)`` is ``(m,)``, ``(k,) @ (k, n)`` is ``(n,)``
    and ``(k,) @ (k,)`` is a scalar. An empty inner dimension ``k = 0`` gives
    zeros, as a sum of nothing is 0.

    Parameters
    ----------
    a, b : nested list/tuple of numbers, or numpy.ndarray
        The operands, 1-D or 2-D. Arrays are converted with ``.tolist()``.

    Returns
    -------
    list of list, list, or number
        The product as plain nested Python lists, or a number for two vectors.

    Raises
    ------
    ValueError
        If an operand is 0-D, ragged or more than 2-D, or the inner
        dimensions differ (the message names both shapes).
    TypeError
        If an entry is not a number.

    Notes
    -----
    A nested list cannot express a 2-D shape with no rows (``[]`` reads as
    ``(0,)``); pass a NumPy array for those.

    Examples
    --------
    >>> matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]])
    [[19, 22], [43, 50]]
    >>> matmul([1, 2], [[1, 2, 3], [4, 5, 6]])
    [9, 12, 15]
    >>> matmul([[1, 2], [3, 4]], [1, 1])
    [3, 7]
    >>> matmul([1, 2, 3], [4, 5, 6])
    32
    >>> matmul([[1, 2, 3], [4, 5, 6]], [1, 2])
    Traceback (most recent call last):
    ...
    ValueError: matmul: shapes (2, 3) and (2,) are not aligned: 3 (dim 1 of a) ...
    """
    shape_a, shape_b = _shape(a, "a"), _shape(b, "b")
    for name, shp in (("a", shape_a), ("b", shape_b)):
        if shp == ():
            raise ValueError(
                f"matmul: operand {name} is 0-D (a scalar); "
                "use * for scalar multiplication"
            )
    k = shape_a[-1]
    if k != shape_b[0]:
        raise ValueError(
            f"matmul: shapes {shape_a} and {shape_b} are not aligned: "
            f"{k} (dim {len(shape_a) - 1} of a) != {shape_b[0]} (dim 0 of b)"
        )
    if isinstance(a, np.ndarray):
        a = a.tolist()
    if isinstance(b, np.ndarray):
        b = b.tolist()

    rows = _as_rows(a, len(shape_a), vector_is="row")
    cols = _as_rows(b, len(shape_b), vector_is="column")
    n = shape_b[1] if len(shape_b) == 2 else 1
    product = [
        [sum(row[p] * cols[p][j] for p in range(k)) for j in range(n)]
        for row in rows
    ]

    if len(shape_a) == 1:  # drop the promoted row axis
        product = product[0]
    if len(shape_b) == 1:  # drop the promoted column axis
        product = product[0] if len(shape_a) == 1 else [r[0] for r in product]
    return product


# --8<-- [end:matmul]
