"""Argument checks shared by every module: one wording for one mistake."""

from numbers import Integral, Real

import numpy as np


def finite_real(name, value):
    """Return ``value`` as a float, or raise if it is not a finite real number.

    >>> finite_real("lr", 0.5)
    0.5
    >>> finite_real("lr", float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: lr must be finite, got nan
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def positive(name, value, *, allow_zero=False):
    """Return ``value`` as a float, or raise unless it is finite and > 0 (>= 0).

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


def count(name, value):
    """Return ``value`` as an int, or raise unless it is an integer >= 0.

    >>> count("steps", 3)
    3
    >>> count("steps", 2.0)
    Traceback (most recent call last):
    ...
    TypeError: steps must be an int, got float
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return int(value)
