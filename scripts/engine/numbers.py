"""How computed numbers are written on pages and in figures, the same everywhere.

A figure and the sentence about it must show a number the same way; chapter
modules format through these two functions (and small wrappers of their own
that fix the number of digits for one quantity).
"""

from __future__ import annotations


def num(x: float, digits: int = 7) -> str:
    """`x` with `digits` significant digits and a true minus sign (−); `0` for ±0."""
    text = f"{float(x):.{digits}g}"
    if float(text) == 0.0:
        text = "0"
    return text.replace("-", "−")


def sci(x: float, digits: int = 2) -> str:
    """`x` as TeX `$a \\times 10^{b}$` with `digits` significant digits
    (`$10^{b}$` when `a` is 1, `$0$` for zero): for tiny and huge numbers."""
    if x == 0:
        return "$0$"
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    if float(mantissa) == 1.0:
        return rf"$10^{{{int(exponent)}}}$"
    return rf"${mantissa} \times 10^{{{int(exponent)}}}$"
