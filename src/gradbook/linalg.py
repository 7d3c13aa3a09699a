r"""Two small pieces of arithmetic that gradient-based learning leans on.

**Powers.** [`power`][gradbook.linalg.power] raises a number to an integer
power by repeated multiplication, [`fast_power`][gradbook.linalg.fast_power]
does the same by exponentiation by squaring, and
[`count_multiplications`][gradbook.linalg.count_multiplications] runs either
algorithm on a counting stand-in number to show what each costs: $n - 1$
products against $\lfloor \log_2 n \rfloor + s(n) - 1$, where $s(n)$ is the
number of ones in the binary expansion of $n$.

**Matrix products.** [`matmul`][gradbook.linalg.matmul] multiplies nested
lists in pure Python with exactly the shape rules of NumPy's `@` for 1-D and
2-D operands, and [`shape`][gradbook.linalg.shape] checks an operand and
reports its shape.

Both algorithms are written out in plain Python so that the code on the page
is the derivation; NumPy serves only as the oracle in the tests.
"""

import decimal
import math
from decimal import Decimal
from fractions import Fraction
from numbers import Number

import numpy as np

from gradbook._checks import show
from gradbook._contract import contract

__all__ = [
    "MAX_FACTORS",
    "MAX_EXACT_BITS",
    "power",
    "fast_power",
    "count_multiplications",
    "shape",
    "matmul",
]

MAX_FACTORS = 100_000  # largest |exponent| for power and for counting "repeated"
MAX_EXACT_BITS = 100_000  # largest int or Fraction power, in bits (~30,000 digits)


# --8<-- [start:power]
def _check_exponent(exponent):
    """Raise TypeError unless `exponent` is an `int` (`bool` excluded)."""
    if isinstance(exponent, bool) or not isinstance(exponent, int):
        raise TypeError(f"exponent must be an int, got {type(exponent).__name__}")


def _check_operands(base, exponent, algorithm):
    """Validate `base ** exponent` completely before any work is done.

    Returns the base to compute with: a float subclass such as
    `numpy.float64` becomes a plain `float`.
    """
    _check_exponent(exponent)
    if isinstance(base, bool) or not isinstance(base, (int, float, Decimal, Fraction)):
        raise TypeError(
            "base must be an int, float, Decimal or Fraction, "
            f"got {type(base).__name__}"
        )
    if isinstance(base, float):
        base = float(base)  # numpy.float64 would warn where a float gives inf
    if base.is_nan() if isinstance(base, Decimal) else base != base:
        raise ValueError(f"base must be a number, got {base!r}")
    n = abs(exponent)
    if algorithm is _repeated and n > MAX_FACTORS:
        raise ValueError(
            f"exponent must be at most {MAX_FACTORS} in absolute value for repeated "
            f"multiplication ({show(n)} factors); fast_power needs only "
            "about 2 log2 |exponent| products"
        )
    if n.bit_length() > MAX_FACTORS:
        raise ValueError(f"exponent must have at most {MAX_FACTORS} bits, got {show(n)}")
    if isinstance(base, (int, Fraction)) and n > 1:
        bits = max(abs(Fraction(base).numerator).bit_length(),
                   Fraction(base).denominator.bit_length())
        if bits > 1 and n * bits > MAX_EXACT_BITS:
            raise ValueError(
                f"base ** exponent would have about {show(n * bits)} bits, more than "
                f"MAX_EXACT_BITS = {MAX_EXACT_BITS}: use a float base for an "
                "approximation"
            )
    if base == 0 and exponent < 0:
        raise ZeroDivisionError(
            f"base is 0, and 0 cannot be raised to a negative power ({exponent})"
        )
    return base


def _repeated(base, n):
    """`base * base * ... * base` (n factors, n - 1 products); 1 for n == 0."""
    if n == 0:
        return 1
    result = base
    for _ in range(n - 1):
        result = result * base
    return result


def _raise(base, exponent, algorithm):
    """`algorithm(base, |exponent|)`, inverted for a negative exponent.

    Float products follow IEEE 754: a product that overflows is `inf` and
    one that underflows is 0.0, and the inverse of an underflowed power is
    the overflow it stands for, `inf` with the sign of the power. Decimal
    arithmetic that leaves the range of the decimal context becomes a
    ValueError.
    """
    try:
        result = algorithm(base, abs(exponent))
        if exponent >= 0:
            return result
        if isinstance(result, float) and result == 0.0:  # |base ** -exponent| < 5e-324
            return math.copysign(math.inf, result)
        return 1 / result
    except (decimal.Overflow, decimal.DivisionByZero):
        context = decimal.getcontext()
        raise ValueError(
            f"base ** exponent is out of the range of the decimal context "
            f"(|result| above 10**{context.Emax}): base={base!r}, exponent={show(exponent)}"
        ) from None
    except decimal.DecimalException as exc:
        raise ValueError(
            f"base ** exponent signalled decimal.{type(exc).__name__} in the current "
            f"decimal context: base={base!r}, exponent={show(exponent)}"
        ) from None


_ZERO_DIVISION = "base 0 with a negative exponent, like Python's 0 ** -1"
_IEEE = (
    "a float base follows IEEE 754: a power beyond the float range is inf (with "
    "its sign), where Python's ** raises OverflowError; an infinite base gives "
    "inf or 0.0"
)


@contract(raises={ZeroDivisionError: _ZERO_DIVISION}, nonfinite=_IEEE)
def power(base, exponent):
    """Raise `base` to an integer power by repeated multiplication.

    Parameters
    ----------
    base : int, float, Decimal or Fraction
        The number to raise. A float subclass such as `numpy.float64` is
        computed as a plain `float`.
    exponent : int
        The power. $n > 0$ costs $n - 1$ multiplications, $n = 0$ gives `1`
        (also for `0 ** 0`), and $n < 0$ gives `1 / power(base, -n)`.
        At most [`MAX_FACTORS`][gradbook.linalg.MAX_FACTORS] in absolute
        value: each factor is one multiplication in the interpreter.

    Returns
    -------
    int, float, Decimal or Fraction
        The power; an `int` base with a negative exponent gives a float.

    Raises
    ------
    TypeError
        If `exponent` is not an `int` or `base` is not a supported number.
    ValueError
        If `base` is NaN, `|exponent|` exceeds
        [`MAX_FACTORS`][gradbook.linalg.MAX_FACTORS], an `int` or `Fraction`
        power would have more than
        [`MAX_EXACT_BITS`][gradbook.linalg.MAX_EXACT_BITS] bits, or a
        `Decimal` power leaves the range of the decimal context.
    ZeroDivisionError
        For base 0 with a negative exponent, like Python's 0 ** -1.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`): a
    float base follows IEEE 754: a power beyond the float range is inf (with
    its sign), where Python's ** raises OverflowError; an infinite base gives
    inf or 0.0. This holds for negative exponents too: `power(0.5, -1100)`
    is `inf`, because $0.5^{1100}$ underflows to 0.0 and stands for
    $2^{1100}$.

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
    >>> power(0.5, -1100), power(-10.0, 309)
    (inf, -inf)
    """
    base = _check_operands(base, exponent, _repeated)
    return _raise(base, exponent, _repeated)


# --8<-- [end:power]


# --8<-- [start:squaring]
def _squaring(base, n):
    r"""`base ** n` for `n >= 0`, reading the bits of n from the top.

    The leading 1 bit starts the result at `base`; every further bit squares
    it (doubling the exponent so far) and a 1 bit multiplies in one more
    `base`. That is $\lfloor \log_2 n \rfloor$ squarings and $s(n) - 1$
    extra products, with $s(n)$ the number of 1 bits.
    """
    if n == 0:
        return 1
    result = base
    for bit in format(n, "b")[1:]:
        result = result * result
        if bit == "1":
            result = result * base
    return result


@contract(raises={ZeroDivisionError: _ZERO_DIVISION}, nonfinite=_IEEE)
def fast_power(base, exponent):
    r"""Raise `base` to an integer power by exponentiation by squaring.

    Same semantics, validation and errors as [`power`][gradbook.linalg.power],
    but $n \ge 1$ costs $\lfloor \log_2 n \rfloor + s(n) - 1$ multiplications
    instead of $n - 1$ ($s(n)$ is the number of ones in the binary expansion
    of $n$).

    Parameters
    ----------
    base : int, float, Decimal or Fraction
        The number to raise.
    exponent : int
        The power; negative powers give `1 / fast_power(base, -n)`. At most
        [`MAX_FACTORS`][gradbook.linalg.MAX_FACTORS] bits long.

    Returns
    -------
    int, float, Decimal or Fraction
        The power.

    Raises
    ------
    TypeError
        If `exponent` is not an `int` or `base` is not a supported number.
    ValueError
        If `base` is NaN, an `int` or `Fraction` power would have more than
        [`MAX_EXACT_BITS`][gradbook.linalg.MAX_EXACT_BITS] bits, or a
        `Decimal` power leaves the range of the decimal context.
    ZeroDivisionError
        For base 0 with a negative exponent, like Python's 0 ** -1.

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`): a
    float base follows IEEE 754: a power beyond the float range is inf (with
    its sign), where Python's ** raises OverflowError; an infinite base gives
    inf or 0.0.

    Examples
    --------
    >>> fast_power(3, 13)
    1594323
    >>> fast_power(Fraction(1, 2), -3)
    Fraction(8, 1)
    >>> fast_power(2.0, 0)
    1
    >>> fast_power(1e-308, -2)
    inf
    >>> fast_power(Decimal("1e500000"), 2)
    Traceback (most recent call last):
    ...
    ValueError: base ** exponent is out of the range of the decimal context (|result| above 10**999999): base=Decimal('1E+500000'), exponent=2
    """
    base = _check_operands(base, exponent, _squaring)
    return _raise(base, exponent, _squaring)


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
    """Count the multiplications that `power` or `fast_power` performs.

    The count is measured, not computed from a formula: the very algorithm
    behind the public function ([`power`][gradbook.linalg.power] or
    [`fast_power`][gradbook.linalg.fast_power]) runs on a number that counts
    its products.

    Parameters
    ----------
    exponent : int
        The power. A negative power counts the products for `|exponent|`;
        the final division is not a multiplication. The limits are those of
        the public functions: for `"repeated"`, `|exponent|` is at most
        [`MAX_FACTORS`][gradbook.linalg.MAX_FACTORS] (100,000), since every
        product is one step of the loop; for `"squaring"`, at most
        `MAX_FACTORS` bits.
    method : {"repeated", "squaring"}
        `"repeated"` for [`power`][gradbook.linalg.power], `"squaring"` for
        [`fast_power`][gradbook.linalg.fast_power].

    Returns
    -------
    int
        The number of multiplications.

    Raises
    ------
    TypeError
        If `exponent` is not an `int`.
    ValueError
        If `method` is not one of the two names above, or `exponent` is
        beyond the limit of that method.

    Examples
    --------
    >>> count_multiplications(13, "repeated")
    12
    >>> count_multiplications(13, "squaring")  # 13 = 0b1101: 3 squarings + 2
    5
    >>> count_multiplications(-13, "squaring")
    5
    >>> count_multiplications(10**9, "repeated")
    Traceback (most recent call last):
    ...
    ValueError: exponent must be at most 100000 in absolute value for repeated multiplication (1000000000 factors); fast_power needs only about 2 log2 |exponent| products
    """
    if not isinstance(method, str):
        raise TypeError(f"method must be a str, got {type(method).__name__}")
    if method not in _ALGORITHMS:
        allowed = ", ".join(repr(name) for name in _ALGORITHMS)
        raise ValueError(f"method must be one of {allowed}; got {show(method)}")
    algorithm = _ALGORITHMS[method]
    _check_operands(1, exponent, algorithm)  # the same limits as the public functions
    counter = _CountingNumber()
    algorithm(counter, abs(exponent))
    return counter.multiplications


# --8<-- [end:count]


def _check_entry(entry, name, position):
    if not isinstance(entry, Number):
        raise TypeError(
            f"{name}{position} is {type(entry).__name__}, not a number"
        )


def _shape(x, name):
    """Shape of a 0-D, 1-D or 2-D operand called `name` in error messages."""
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
        The operand. Entries must be numbers (`numbers.Number`, which
        includes `Decimal`, `Fraction` and NumPy scalars).

    Returns
    -------
    tuple of int
        `()`, `(n,)` or `(m, n)`.

    Raises
    ------
    TypeError
        If an entry is not a number (the message names its type and position),
        or an array has a non-numeric dtype.
    ValueError
        If rows are ragged (the message lists their lengths), numbers and rows
        are mixed, or `x` has more than 2 dimensions.

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


def _dot(row, column, i, j):
    """`sum(row[p] * column[p])`; a failing product names both entries."""
    total = 0
    for p, (left, right) in enumerate(zip(row, column)):
        try:
            total = total + left * right
        except TypeError:
            raise TypeError(
                f"matmul: cannot multiply entry {p} of row {i} of a "
                f"({type(left).__name__}) by entry {p} of column {j} of b "
                f"({type(right).__name__})"
            ) from None
        except decimal.DecimalException as exc:
            raise ValueError(
                f"matmul: Decimal arithmetic signalled decimal.{type(exc).__name__} "
                f"in row {i} of a times column {j} of b"
            ) from None
    return total


_MATMUL_IEEE = (
    "float entries follow IEEE 754: a product or sum beyond the float range "
    "is inf, and inf - inf is nan, as with NumPy's @"
)
_MATMUL_EXACT = (
    "integer arrays are multiplied exactly: int64 entries become Python ints, "
    "where NumPy's @ wraps around modulo 2**64"
)


@contract(nonfinite=_MATMUL_IEEE, notes=[_MATMUL_EXACT])
def matmul(a, b):
    r"""Multiply two 1-D or 2-D operands in pure Python, with NumPy's shape rules.

    NumPy's rule for vectors: a 1-D `a` is promoted to a `(1, k)` row, a
    1-D `b` to a `(k, 1)` column, the two matrices are multiplied, and
    each promoted axis is dropped again. So `(m, k) @ (k, n)` is
    `(m, n)`, `(m, k) @ (k,)` is `(m,)`, `(k,) @ (k, n)` is `(n,)`
    and `(k,) @ (k,)` is a scalar. An empty inner dimension $k = 0$ gives
    zeros, as a sum of nothing is 0.

    The arithmetic is Python's, not NumPy's: each entry is
    $\sum_p a_{ip} b_{pj}$ computed with the operands' own numbers, so
    `int`, `Fraction` and `Decimal` entries stay exact.

    Parameters
    ----------
    a, b : nested list/tuple of numbers, or numpy.ndarray
        The operands, 1-D or 2-D. Arrays are converted with `.tolist()`, so
        their entries become Python numbers.

    Returns
    -------
    list of list, list, or number
        The product as plain nested Python lists, or a number for two vectors.

    Raises
    ------
    ValueError
        If an operand is 0-D, ragged or more than 2-D, or the inner
        dimensions differ (the message names both shapes); or `Decimal`
        entries leave the range of the decimal context.
    TypeError
        If an entry is not a number, or two entries cannot be multiplied
        (such as a `float` and a `Decimal`; the message names both).

    Notes
    -----
    Contract exceptions (declared with `gradbook._contract.contract`):
    integer arrays are multiplied exactly: int64 entries become Python ints,
    where NumPy's @ wraps around modulo 2**64. So `matmul` and `@` agree on
    integer arrays exactly when NumPy's result does not overflow. And
    float entries follow IEEE 754: a product or sum beyond the float range
    is inf, and inf - inf is nan, as with NumPy's @.

    A nested list cannot express a 2-D shape with no rows (`[]` reads as
    `(0,)`); pass a NumPy array for those.

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
    >>> big = np.array([2**62, 2**62])
    >>> matmul(big, big), int(big @ big)  # exact, where int64 wraps to 0
    (42535295865117307932921825928971026432, 0)
    >>> matmul([[1, 2, 3], [4, 5, 6]], [1, 2])
    Traceback (most recent call last):
    ...
    ValueError: matmul: shapes (2, 3) and (2,) are not aligned: 3 (dim 1 of a) != 2 (dim 0 of b)
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
        [_dot(row, [cols[p][j] for p in range(k)], i, j) for j in range(n)]
        for i, row in enumerate(rows)
    ]

    if len(shape_a) == 1:  # drop the promoted row axis
        product = product[0]
    if len(shape_b) == 1:  # drop the promoted column axis
        product = product[0] if len(shape_a) == 1 else [r[0] for r in product]
    return product


# --8<-- [end:matmul]
