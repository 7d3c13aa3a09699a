r"""Homogeneous coordinates: 2-D rotation, translation and scale as 3x3 matrices.

A rotation or a scale is *linear*, `p -> A @ p`, so a 2x2 matrix holds it.
A translation `p -> p + b` is not linear (it moves the origin), so no 2x2
matrix can do it. The trick is to give every 2-D point a third coordinate
$w = 1$: the point $(x, y)$ becomes $(x, y, 1)$ and the affine map
`p -> A @ p + b` becomes one 3x3 matrix product,

```text
[x']   [a11 a12 b1] [x]
[y'] = [a21 a22 b2] [y]
[1 ]   [ 0   0   1] [1]
```

The last column `b` is multiplied by $w$. Now every transform is a
matrix, and doing one after another is a matrix product: `T @ R` applies
`R` first and then `T`. The order matters, since `T @ R` (rotate about
the origin, then move) is not `R @ T` (move, then swing around the origin).

A *direction*, such as a velocity or the difference of two points, gets
$w = 0$ instead: $(x_1, y_1, 1) - (x_2, y_2, 1)$ has $w = 0$ by itself.
With $w = 0$ the translation column drops out, which is what we want:
moving the whole scene does not change which way a ship flies or how fast.

Going back divides by $w$: $(X, Y, W) \mapsto (X / W, Y / W)$. For the affine
matrices built here $W$ stays 1, but dividing is the rule that makes
$(2x, 2y, 2)$ the same point as $(x, y, 1)$. A row with $W = 0$ is a
direction (a "point at infinity") and has no 2-D point to go back to.

Angles are in radians and rotations are counter-clockwise about the Z axis
(the axis pointing out of the screen), matching `numpy.cos`/`numpy.sin`.
"""


import numpy as np

from gradbook._checks import finite_real, real_array

__all__ = [
    "rotation",
    "translation",
    "scale",
    "to_homogeneous",
    "from_homogeneous",
    "apply",
    "compose",
]


def _check_matrix(matrix, name="matrix"):
    """Return `matrix` as a finite 3x3 float array, or raise."""
    return real_array(name, matrix, shape=(3, 3))


def _check_w(w):
    """Return `w` as a float; only 1 (point) and 0 (direction) are allowed."""
    w = finite_real("w", w)
    if w not in (0.0, 1.0):
        raise ValueError(f"w must be 1 (point) or 0 (direction), got {w}")
    return w


def _check_points(points):
    """Return `points` as a finite float array of shape (2,) or (N, 2)."""
    points = real_array("points", points)
    if points.shape[-1:] != (2,) or points.ndim not in (1, 2):
        raise ValueError(f"points must have shape (2,) or (N, 2), got {points.shape}")
    return points


# --8<-- [start:matrices]
def rotation(theta):
    """Rotate counter-clockwise about the origin (the Z axis) by `theta`.

    Parameters
    ----------
    theta : float
        Angle in radians (not degrees). Positive turns from +x towards +y.

    Returns
    -------
    numpy.ndarray
        Shape (3, 3): `[[cos, -sin, 0], [sin, cos, 0], [0, 0, 1]]`.

    Raises
    ------
    TypeError
        If `theta` is not a real number.
    ValueError
        If `theta` is not finite.

    Examples
    --------
    >>> R = rotation(np.pi / 2)
    >>> (np.round(R @ [1.0, 0.0, 1.0], 12) + 0.0).tolist()  # +x turns into +y
    [0.0, 1.0, 1.0]
    >>> np.allclose(rotation(0.3) @ rotation(0.4), rotation(0.7))  # angles add
    True
    """
    theta = finite_real("theta", theta)
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def translation(dx, dy):
    """Move points by `(dx, dy)`; directions ($w = 0$) are unchanged.

    Parameters
    ----------
    dx, dy : float
        Offsets along x and y.

    Returns
    -------
    numpy.ndarray
        Shape (3, 3): the identity with `(dx, dy)` in the last column.

    Raises
    ------
    TypeError
        If `dx` or `dy` is not a real number.
    ValueError
        If `dx` or `dy` is not finite.

    Examples
    --------
    >>> T = translation(2.0, -1.0)
    >>> (T @ [1.0, 1.0, 1.0]).tolist()  # a point moves
    [3.0, 0.0, 1.0]
    >>> (T @ [1.0, 1.0, 0.0]).tolist()  # a direction does not
    [1.0, 1.0, 0.0]
    """
    dx = finite_real("dx", dx)
    dy = finite_real("dy", dy)
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])


def scale(sx, sy):
    """Stretch by `sx` along x and `sy` along y, about the origin.

    Parameters
    ----------
    sx, sy : float
        Scale factors (negative values mirror, zero flattens).

    Returns
    -------
    numpy.ndarray
        Shape (3, 3): `diag(sx, sy, 1)`.

    Raises
    ------
    TypeError
        If `sx` or `sy` is not a real number.
    ValueError
        If `sx` or `sy` is not finite.

    Examples
    --------
    >>> (scale(2.0, 3.0) @ [1.0, 1.0, 1.0]).tolist()
    [2.0, 3.0, 1.0]
    """
    sx = finite_real("sx", sx)
    sy = finite_real("sy", sy)
    return np.diag([sx, sy, 1.0])


# --8<-- [end:matrices]


# --8<-- [start:homogeneous]
def to_homogeneous(points, w=1.0):
    """Append the coordinate `w` to 2-D points or directions.

    Use $w = 1$ for positions and $w = 0$ for directions (velocities,
    differences of points). A direction must not be translated: a velocity
    of 3 m/s to the east is the same wherever the ship is, and shifting the
    scene must not change it. With $w = 0$ the translation column of a
    3x3 matrix is multiplied by zero, so only rotation and scale act.

    Parameters
    ----------
    points : array_like
        Shape (2,) for one point or (N, 2) for N points, finite.
    w : {1.0, 0.0}
        1 for points, 0 for directions.

    Returns
    -------
    numpy.ndarray
        Shape (3,) or (N, 3), float.

    Raises
    ------
    TypeError
        If `points` is not made of real numbers or `w` is not a number.
    ValueError
        If `points` is not (2,) or (N, 2) or not finite, or `w` is not 0 or 1.

    Examples
    --------
    >>> to_homogeneous([2.0, 3.0])
    array([2., 3., 1.])
    >>> to_homogeneous([[1, 2], [3, 4]], w=0)
    array([[1., 2., 0.],
           [3., 4., 0.]])
    """
    w = _check_w(w)
    points = _check_points(points)
    column = np.full(points.shape[:-1] + (1,), w)
    return np.concatenate([points, column], axis=-1)


def from_homogeneous(h):
    """Turn homogeneous coordinates $(X, Y, W)$ back into points $(X/W, Y/W)$.

    Parameters
    ----------
    h : array_like
        Shape (3,) or (N, 3), finite.

    Returns
    -------
    numpy.ndarray
        Shape (2,) or (N, 2).

    Raises
    ------
    TypeError
        If `h` is not made of real numbers.
    ValueError
        If `h` is not (3,) or (N, 3) or not finite; if a row has $W = 0$:
        that row is a direction (a point at infinity), not a point, so take
        `h[..., :2]`; or if $X / W$ or $Y / W$ is beyond the float range
        (a tiny $W$).

    Examples
    --------
    >>> from_homogeneous([2.0, 3.0, 1.0]).tolist()
    [2.0, 3.0]
    >>> from_homogeneous([[4.0, 6.0, 2.0]]).tolist()  # same point, scaled by w = 2
    [[2.0, 3.0]]
    """
    h = real_array("h", h)
    if h.shape[-1:] != (3,) or h.ndim not in (1, 2):
        raise ValueError(f"h must have shape (3,) or (N, 3), got {h.shape}")
    w = h[..., 2:]
    if np.any(w == 0):
        row = int(np.flatnonzero(w == 0)[0])
        raise ValueError(
            f"row {row} of h has w == 0: it is a direction (a point at infinity), "
            "not a point; take its first two coordinates instead"
        )
    with np.errstate(over="ignore"):
        points = h[..., :2] / w
    if not np.all(np.isfinite(points)):
        raise ValueError(
            "h: X / W or Y / W is beyond the float range; W is too small for X and Y"
        )
    return points


# --8<-- [end:homogeneous]


# --8<-- [start:apply]
def apply(matrix, points, w=1.0):
    """Transform 2-D points (or directions, $w = 0$) by a 3x3 matrix.

    Each row `p` becomes `from_homogeneous(matrix @ (p, w))`. With
    $w = 0$ the result is a direction: the translation is ignored and the
    first two coordinates are returned as they are (there is no $W$ to
    divide by). Meant for affine matrices such as those built here.

    Parameters
    ----------
    matrix : array_like
        Shape (3, 3), finite.
    points : array_like
        Shape (2,) or (N, 2), finite.
    w : {1.0, 0.0}
        1 for points, 0 for directions.

    Returns
    -------
    numpy.ndarray
        Same shape as `points`.

    Raises
    ------
    TypeError
        If `matrix` or `points` is not made of real numbers.
    ValueError
        If a shape is wrong, an entry is not finite, `w` is not 0 or 1, a
        point lands at $W = 0$, or a transformed coordinate is beyond the
        float range.

    Examples
    --------
    >>> apply(translation(1.0, 2.0), [[0.0, 0.0], [1.0, 1.0]]).tolist()
    [[1.0, 2.0], [2.0, 3.0]]
    >>> apply(translation(1.0, 2.0), [1.0, 1.0], w=0).tolist()  # a velocity
    [1.0, 1.0]
    """
    matrix = _check_matrix(matrix)
    with np.errstate(over="ignore", invalid="ignore"):
        h = to_homogeneous(points, w) @ matrix.T  # row vectors: (M @ p.T).T
    if not np.all(np.isfinite(h)):
        raise ValueError(
            "apply: matrix @ points is beyond the float range for these points "
            "and this matrix"
        )
    if w == 0:
        return h[..., :2]
    return from_homogeneous(h)


def compose(*matrices):
    """Multiply 3x3 transforms left to right: `compose(A, B) == A @ B`.

    The product applies the *rightmost* matrix first, so
    `compose(translation(...), rotation(...), scale(...))` scales, then
    rotates about the origin, then moves: the usual way to place a shape
    drawn in its own model coordinates into the world.

    Parameters
    ----------
    *matrices : array_like
        Any number of (3, 3) matrices, finite.

    Returns
    -------
    numpy.ndarray
        Shape (3, 3); the identity when no matrix is given.

    Raises
    ------
    TypeError
        If a matrix is not made of real numbers.
    ValueError
        If a matrix is not (3, 3) or not finite, or the product is beyond
        the float range.

    Examples
    --------
    >>> M = compose(translation(5.0, 0.0), scale(2.0, 2.0))
    >>> apply(M, [1.0, 1.0]).tolist()  # scale first, then translate
    [7.0, 2.0]
    >>> compose().tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    checked = [_check_matrix(matrix, f"matrices[{i}]") for i, matrix in enumerate(matrices)]
    result = np.eye(3)
    with np.errstate(over="ignore", invalid="ignore"):
        for matrix in checked:
            result = result @ matrix
    if not np.all(np.isfinite(result)):
        raise ValueError("compose: the product of the matrices is beyond the float range")
    return result


# --8<-- [end:apply]
