"""Declared exceptions to the error contract that every public function keeps.

The contract, checked for every public function by `tests/test_fuzz.py`:
called with any arguments, a function returns a correct result with finite
floats in every numeric output, or raises a `ValueError` or `TypeError`
whose message names the offending argument and says what was wrong. It
never hangs, never warns, never turns finite input into a silent NaN or
infinity, and never lets a bare arithmetic exception (`ZeroDivisionError`,
`OverflowError`, `FloatingPointError`, `decimal.Overflow`, ...) escape.

Some functions have a good reason to do otherwise: Python raises
`ZeroDivisionError` for `0 ** -1`, and IEEE 754 floats give `inf` when a
product overflows. Such a function says so next to its definition with
[`contract`][gradbook._contract.contract]:

```python
@contract(nonfinite="float overflow gives inf, like IEEE 754")
def power(base, exponent):
    ...
```

The decorator records the allowed outcomes, with the reason, on the function
(read back by [`declared`][gradbook._contract.declared]); the fuzz tests
read them from there. It also checks that the docstring tells the reader:
every reason must appear in the docstring word for word (line breaks and
indentation do not matter), so an exception to the contract cannot hide in
the code.
"""

from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["Contract", "contract", "declared"]


@dataclass(frozen=True)
class Contract:
    """The exceptions to the contract that one function declares.

    Attributes
    ----------
    raises : mapping of exception type to str
        Exception types the function may raise although they are neither
        `ValueError` nor `TypeError`, each with the reason. Subclasses of a
        listed type are allowed too.
    nonfinite : str or None
        Why the function may return `inf` or `nan` for finite input, or
        `None` if it never does.
    notes : tuple of str
        Other documented departures from what a reader might expect, such
        as a difference from a NumPy function of the same name.
    """

    raises: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    nonfinite: str | None = None
    notes: tuple = ()

    def allows(self, exc):
        """Whether the exception instance `exc` is a declared outcome."""
        return isinstance(exc, tuple(self.raises))


_NOTHING = Contract()


def _normalized(text):
    return " ".join(text.split())


def contract(*, raises=None, nonfinite=None, notes=()):
    """Declare a function's exceptions to the error contract, with reasons.

    Parameters
    ----------
    raises : dict of exception type to str, optional
        Exception types besides `ValueError` and `TypeError` that the
        function may raise, each mapped to the reason.
    nonfinite : str, optional
        Why the function may return `inf` or `nan` for finite input.
    notes : sequence of str, optional
        Other documented departures, such as a difference from NumPy.

    Returns
    -------
    callable
        A decorator that stores the [`Contract`][gradbook._contract.Contract]
        as `__contract__` on the function or class and returns it unchanged.

    Raises
    ------
    TypeError
        If a key of `raises` is not an exception type, a reason is not a
        non-empty string, or a reason does not appear in the docstring of the
        decorated object (whitespace is normalised before comparing).

    Examples
    --------
    >>> @contract(raises={ZeroDivisionError: "0 to a negative power, like Python"})
    ... def inverse(x):
    ...     '''Return `1 / x`.
    ...
    ...     Raises `ZeroDivisionError` for 0 to a negative power, like Python.
    ...     '''
    ...     return 1 / x
    >>> declared(inverse).raises[ZeroDivisionError]
    '0 to a negative power, like Python'
    >>> declared(inverse).allows(ZeroDivisionError()), declared(len).allows(ValueError())
    (True, False)
    """
    raises = dict(raises or {})
    for exc_type, reason in raises.items():
        if not (isinstance(exc_type, type) and issubclass(exc_type, BaseException)):
            raise TypeError(f"raises keys must be exception types, got {exc_type!r}")
    reasons = list(raises.values()) + list(notes)
    if nonfinite is not None:
        reasons.append(nonfinite)
    for reason in reasons:
        if not isinstance(reason, str) or not reason.strip():
            raise TypeError(f"every reason must be a non-empty string, got {reason!r}")
    record = Contract(MappingProxyType(raises), nonfinite, tuple(notes))

    def decorate(obj):
        doc = _normalized(obj.__doc__ or "")
        for reason in reasons:
            if _normalized(reason) not in doc:
                raise TypeError(
                    f"{obj.__qualname__} declares an exception to the contract "
                    f"that its docstring does not state: {reason!r}"
                )
        obj.__contract__ = record
        return obj

    return decorate


def declared(obj):
    """The [`Contract`][gradbook._contract.Contract] that `obj` declares.

    A function that declares nothing gets an empty contract: only
    `ValueError` and `TypeError`, and finite results.

    Examples
    --------
    >>> declared(len)
    Contract(raises=mappingproxy({}), nonfinite=None, notes=())
    """
    return getattr(obj, "__contract__", _NOTHING)
