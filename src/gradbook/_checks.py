"""Argument checks shared by every module: one wording for one mistake.

Every check names the argument it checks, says what was wrong, and raises
before any work is done: `TypeError` for a value of the wrong kind,
`ValueError` for a value of the right kind that is out of range.
"""

import math
from numbers import Integral, Real

import numpy as np


def show(value):
    """A short, safe text for `value` in an error message.

    Huge ints are summarised (Python refuses to print ints of more than 4300
    digits), and long texts are cut.

    >>> show(2.5), show(10**400), show("x" * 100)[-5:]
    ('2.5', 'an int of 401 digits', "x...'")
    """
    if isinstance(value, Integral) and not isinstance(value, bool):
        value = int(value)
        bits = value.bit_length()
        if bits <= 200:
            return str(value)
        sign = "a negative" if value < 0 else "an"
        if bits < 13_000:  # str() is safe below 4300 digits
            return f"{sign} int of {len(str(abs(value)))} digits"
        return f"{sign} int of about {int(math.log10(abs(value))) + 1} digits"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:76] + "..." + text[-1:]


def finite_real(name, value):
    """Return `value` as a float, or raise if it is not a finite real number.

    >>> finite_real("lr", 0.5)
    0.5
    >>> finite_real("lr", float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: lr must be finite, got nan
    >>> finite_real("lr", 10**400)
    Traceback (most recent call last):
    ...
    ValueError: lr must be finite, got an int of 401 digits, too large for a float
    """
    if type(value) in (float, np.float64) and value - value == 0.0:  # fast path
        return float(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:  # a huge int or Fraction
        raise ValueError(
            f"{name} must be finite, got {show(value)}, too large for a float"
        ) from None
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    return number


def positive(name, value, *, allow_zero=False):
    """Return `value` as a float, or raise unless it is finite and > 0 (>= 0).

    >>> positive("dt", 0.05)
    0.05
    >>> positive("dt", 0)
    Traceback (most recent call last):
    ...
    ValueError: dt must be > 0, got 0.0
    """
    value = finite_real(name, value)
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {value}")
    return value


def count(name, value, *, limit=None):
    """Return `value` as an int, or raise unless it is an integer >= 0 (<= `limit`).

    >>> count("steps", 3)
    3
    >>> count("steps", 2.0)
    Traceback (most recent call last):
    ...
    TypeError: steps must be an int, got float
    >>> count("steps", 10**9, limit=10**6)
    Traceback (most recent call last):
    ...
    ValueError: steps must be <= 1000000, got 1000000000
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    value = int(value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {show(value)}")
    if limit is not None and value > limit:
        raise ValueError(f"{name} must be <= {limit}, got {show(value)}")
    return value


def callable_arg(name, value):
    """Return `value`, or raise TypeError if it cannot be called.

    >>> callable_arg("f", None)
    Traceback (most recent call last):
    ...
    TypeError: f must be callable, got NoneType
    """
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {type(value).__name__}")
    return value


def real_array(name, value, *, ndim=None, shape=None, nonempty=False, finite=True):
    """Return `value` as a new float array, or raise naming `name`.

    Parameters
    ----------
    name : str
        The argument's name, for the messages.
    value : array_like
        Real numbers: a number, a (nested) list or tuple, or an array of
        ints or floats. Booleans, complex numbers, strings, `None` and
        ragged nesting are refused.
    ndim : int or tuple of int, optional
        The allowed numbers of dimensions.
    shape : tuple, optional
        The required shape; `None` in it matches any length.
    nonempty : bool, optional
        Refuse arrays without elements.
    finite : bool, optional
        Refuse NaN and infinities (the default).

    Returns
    -------
    numpy.ndarray
        A float64 copy that the caller may modify.

    Raises
    ------
    TypeError
        If `value` is not made of real numbers.
    ValueError
        If it is ragged, has the wrong shape, is empty or is not finite.

    Examples
    --------
    >>> real_array("velocity", [3, 4], shape=(2,))
    array([3., 4.])
    >>> real_array("velocity", [[1.0, 2.0], [3.0]])
    Traceback (most recent call last):
    ...
    ValueError: velocity must be a rectangular array of numbers, got ragged nested lists
    >>> real_array("velocity", [1.0, 2.0, 3.0], shape=(2,))
    Traceback (most recent call last):
    ...
    ValueError: velocity must have shape (2,), got (3,)
    """
    if type(value) is np.ndarray and value.dtype == np.float64:  # fast path
        return _checked_array(name, value.copy(), ndim, shape, nonempty, finite)
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(
            f"{name} must be an array of real numbers, got {type(value).__name__}"
        )
    try:
        arr = np.asarray(value)
    except ValueError:
        raise ValueError(
            f"{name} must be a rectangular array of numbers, got ragged nested lists"
        ) from None
    kind = arr.dtype.kind
    if kind == "b":
        raise TypeError(f"{name} must contain real numbers, got booleans")
    if kind == "c":
        raise TypeError(f"{name} must contain real numbers, got complex numbers")
    if kind not in "iufO":
        raise TypeError(f"{name} must contain real numbers, got dtype {arr.dtype}")
    if kind == "O":
        for entry in arr.flat:
            if isinstance(entry, (bool, np.bool_, complex, str, bytes)) or not (
                isinstance(entry, Real) or hasattr(entry, "__float__")
            ):
                raise TypeError(
                    f"{name} must contain only real numbers, got {type(entry).__name__}"
                )
    try:
        arr = arr.astype(float)  # astype copies
    except OverflowError:
        raise ValueError(f"{name} has an entry too large for a float") from None
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must contain only real numbers ({exc})") from None
    return _checked_array(name, arr, ndim, shape, nonempty, finite)


def _checked_array(name, arr, ndim, shape, nonempty, finite):
    """The shape, size and finiteness checks of `real_array` on a float array."""
    if ndim is not None and arr.ndim not in np.atleast_1d(ndim):
        allowed = " or ".join(f"{d}-D" for d in np.atleast_1d(ndim))
        raise ValueError(f"{name} must be a {allowed} array, got shape {arr.shape}")
    if shape is not None and (
        arr.ndim != len(shape)
        or any(want is not None and got != want for got, want in zip(arr.shape, shape))
    ):
        wanted = "(" + ", ".join("N" if s is None else str(s) for s in shape)
        wanted += ",)" if len(shape) == 1 else ")"
        raise ValueError(f"{name} must have shape {wanted}, got {arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if finite and not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got {show(arr)}")
    return arr
