r"""Robot arm: forward kinematics, its Jacobian, and reaching a target by descent.

An arm of $N$ segments hangs from the origin. Segment $k$
($k = 0, \dots, N - 1$) has length $L_k$, and joint $k$ turns it *and
everything after it* by the relative angle $\theta_k$ (radians). With every
angle zero the arm points straight up: segment $k$ is the template
$s_k = (0, L_k)$. Segment $k$ is therefore turned by the cumulative angle
$\varphi_k = \theta_0 + \dots + \theta_k$, and the joints are

$$
p_0 = (0, 0), \qquad p_{k+1} = p_k + R(\varphi_k)\, s_k, \qquad \text{tip} = p_N,
$$

with the counter-clockwise rotation
$R(a) = \begin{pmatrix} \cos a & -\sin a \\ \sin a & \cos a \end{pmatrix}$.

The derivative of a rotation is the rotation followed by a quarter turn:
$R'(a) = \begin{pmatrix} -\sin a & -\cos a \\ \cos a & -\sin a \end{pmatrix} = J\, R(a)$
with $J = \begin{pmatrix} 0 & -1 \\ 1 & 0 \end{pmatrix}$, the 90 degree turn
$(x, y) \mapsto (-y, x)$. Since $\varphi_j$ contains $\theta_k$ exactly when
$j \ge k$,

$$
\frac{\partial\, \text{tip}}{\partial \theta_k}
= \sum_{j \ge k} R'(\varphi_j)\, s_j
= J \sum_{j \ge k} R(\varphi_j)\, s_j
= J\, (\text{tip} - p_k).
$$

Turning joint $k$ swings the rigid rest of the arm about $p_k$, so the tip
moves perpendicular to the line from $p_k$ to the tip, at a speed equal to
that distance. These columns form the Jacobian
([`jacobian`][gradbook.robot_arm.jacobian]).

The arm reaches for a target $T$ by minimising the squared distance
$L(\theta) = \lVert T - \text{tip} \rVert^2$ (the report's sum of squares,
no factor 1/2). By the chain rule
$\partial L / \partial \theta_k = -2\, (T - \text{tip}) \cdot \partial\, \text{tip} / \partial \theta_k$,
that is $\nabla L = -2\, \mathrm{Jac}^\top (T - \text{tip})$
([`loss_grad`][gradbook.robot_arm.loss_grad]), and
[`reach`][gradbook.robot_arm.reach] runs the shared loop
[`gradient_descent`][gradbook.descent.gradient_descent] on it.

**The report's rule.** The class report updated the angles with a different
rule, transcribed in [`report_step`][gradbook.robot_arm.report_step] (its
docstring says what the rule computes) and iterated by
[`report_descent`][gradbook.robot_arm.report_descent]. Its forward model,
[`report_joints`][gradbook.robot_arm.report_joints], turns each segment by
its own angle only (absolute angles). Every name that starts with `report_`
belongs to the report's model or rule; the exact derivatives of that model,
which the report did not compute, are ours:
[`report_model_jacobian`][gradbook.robot_arm.report_model_jacobian] and
[`report_model_loss_grad`][gradbook.robot_arm.report_model_loss_grad].

**The chapter's example** is [`LENGTHS`][gradbook.robot_arm.LENGTHS],
[`START`][gradbook.robot_arm.START], [`TARGET`][gradbook.robot_arm.TARGET] and
[`LEARNING_RATE`][gradbook.robot_arm.LEARNING_RATE]: three segments of
length 2, every angle at -10 degrees, the target $(-3, 0)$ and the step 0.01.

**Limits.** So that no input can overflow a float or run for minutes, an
arm has at most `MAX_SEGMENTS` segments, lengths add up to at most
`MAX_COORDINATE` and points have coordinates of at most `MAX_COORDINATE` in
size; a learning rate is at most `MAX_LR` and a run at most `MAX_STEPS`
steps. Larger values raise `ValueError`. Angles may be any finite number.
"""

import numpy as np

from gradbook import descent
from gradbook._checks import count, finite_real, positive

__all__ = [
    "J",
    "LENGTHS",
    "START",
    "TARGET",
    "LEARNING_RATE",
    "rotation",
    "rotation_grad",
    "joints",
    "tip",
    "jacobian",
    "loss",
    "loss_grad",
    "reach",
    "reach_radii",
    "joints_along",
    "report_joints",
    "report_tip",
    "report_loss",
    "report_model_jacobian",
    "report_model_loss_grad",
    "report_step",
    "report_descent",
]


def _frozen(values):
    array = np.array(values, dtype=float)
    array.flags.writeable = False
    return array


J = _frozen([[0.0, -1.0], [1.0, 0.0]])  # a quarter turn: (x, y) -> (-y, x)

# The chapter's example: three segments of length 2, all angles -10 degrees,
# the target (-3, 0), learning rate 0.01.
LENGTHS = _frozen([2.0, 2.0, 2.0])
START = _frozen(np.deg2rad([-10.0, -10.0, -10.0]))
TARGET = _frozen([-3.0, 0.0])
LEARNING_RATE = 0.01

MAX_SEGMENTS = 10  # with MAX_STEPS: a run takes seconds at most
MAX_COORDINATE = 1e100  # squares of sums of such numbers stay far below 1e308
MAX_LR = 1e6
MAX_STEPS = 10_000
TAU = 2.0 * np.pi


# --- argument checks ---------------------------------------------------------


def _real_array(name, value):
    """`value` as a float array, or TypeError if it does not hold real numbers."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers, got {type(value).__name__}")
    try:
        array = np.asarray(value)
    except ValueError as error:  # a ragged nested list
        raise ValueError(f"{name} must be a rectangular array of numbers: {error}") from None
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be an array of real numbers, got {type(value).__name__} "
            f"of dtype {array.dtype}"
        )
    return array.astype(float)


def _vector(name, value, what):
    """A non-empty, finite 1-D float array (a copy) of at most `MAX_SEGMENTS` entries."""
    array = _real_array(name, value)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array ({what}), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty: the arm needs at least one segment")
    if array.size > MAX_SEGMENTS:
        raise ValueError(f"{name} has {array.size} entries: an arm has at most "
                         f"{MAX_SEGMENTS} segments")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {array}")
    return array


def _point(name, value):
    """A finite point `(x, y)` as a float array of shape (2,)."""
    array = _real_array(name, value)
    if array.shape != (2,):
        raise ValueError(f"{name} must be a point (x, y) of shape (2,), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {array}")
    if np.any(np.abs(array) > MAX_COORDINATE):
        raise ValueError(f"{name} must have coordinates of at most {MAX_COORDINATE:g} in size, "
                         f"got {array}")
    return array


def _arm(thetas, lengths):
    """Check an arm: one finite angle and one positive length per segment."""
    thetas = _vector("thetas", thetas, "one angle per segment")
    lengths = _vector("lengths", lengths, "one length per segment")
    if np.any(lengths <= 0):
        raise ValueError(f"lengths must be > 0, got {lengths}")
    if np.max(lengths) > MAX_COORDINATE or np.sum(lengths) > MAX_COORDINATE:
        raise ValueError(f"lengths must add up to at most {MAX_COORDINATE:g}, got {lengths}")
    if thetas.size != lengths.size:
        raise ValueError(
            f"thetas and lengths must have the same number of entries (one per "
            f"segment), got {thetas.size} angles and {lengths.size} lengths"
        )
    return thetas, lengths


def _lr(lr):
    lr = positive("lr", lr)
    if lr > MAX_LR:
        raise ValueError(f"lr must be at most {MAX_LR:g}, got {lr}")
    return lr


# --- rotation and its derivative ---------------------------------------------


# --8<-- [start:rotation]
def rotation(theta):
    """The 2x2 counter-clockwise rotation by `theta` radians.

    Parameters
    ----------
    theta : float
        Angle in radians, finite.

    Returns
    -------
    numpy.ndarray
        Shape (2, 2): `[[cos, -sin], [sin, cos]]`.

    Examples
    --------
    >>> np.round(rotation(np.pi / 2) @ [0.0, 2.0], 12) + 0.0  # up turns left
    array([-2.,  0.])
    >>> np.allclose(rotation(0.3) @ rotation(0.4), rotation(0.7))  # angles add
    True
    """
    theta = finite_real("theta", theta)
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def rotation_grad(theta):
    r"""The derivative of the rotation, $R'(\theta) = J\, R(\theta)$.

    Differentiating each entry of [`rotation`][gradbook.robot_arm.rotation]
    gives

    $$
    R'(\theta) = \begin{pmatrix} -\sin\theta & -\cos\theta \\
    \cos\theta & -\sin\theta \end{pmatrix},
    $$

    which is $R(\theta)$ followed by the quarter turn
    [`J`][gradbook.robot_arm.J]: turning a vector a little further moves it
    perpendicular to itself. The report's `d_rotation` is this same matrix.

    Parameters
    ----------
    theta : float
        Angle in radians, finite.

    Returns
    -------
    numpy.ndarray
        Shape (2, 2).

    Examples
    --------
    >>> rotation_grad(0.0)
    array([[ 0., -1.],
           [ 1.,  0.]])
    >>> np.allclose(rotation_grad(0.8), rotation(0.8 + np.pi / 2))  # R' = R(. + 90 deg)
    True
    """
    return J @ rotation(theta)


# --8<-- [end:rotation]


# --- forward kinematics and its Jacobian -------------------------------------


# --8<-- [start:joints]
def joints(thetas, lengths):
    r"""The joint positions $p_0 = (0, 0), \dots, p_N = \text{tip}$ of the arm.

    Segment $k$ is the template $s_k = (0, L_k)$ turned by the cumulative
    angle $\varphi_k = \theta_0 + \dots + \theta_k$ and attached to the end
    of segment $k - 1$: $p_{k+1} = p_k + R(\varphi_k)\, s_k$.

    Parameters
    ----------
    thetas : array_like
        Shape (N,): relative joint angles in radians, finite.
    lengths : array_like
        Shape (N,): segment lengths, finite and > 0.

    Returns
    -------
    numpy.ndarray
        Shape (N + 1, 2).

    Raises
    ------
    TypeError
        If `thetas` or `lengths` does not hold real numbers.
    ValueError
        If they are not 1-D, empty, not finite, of different lengths, longer
        than `MAX_SEGMENTS`, or a length is not > 0 (or they add up to more
        than `MAX_COORDINATE`).

    Examples
    --------
    >>> joints([0.0, 0.0], [1.0, 2.0])  # straight up
    array([[0., 0.],
           [0., 1.],
           [0., 3.]])
    >>> np.round(joints([np.pi / 2, -np.pi / 2], [1.0, 1.0]), 12) + 0.0  # left, then up
    array([[ 0.,  0.],
           [-1.,  0.],
           [-1.,  1.]])
    """
    thetas, lengths = _arm(thetas, lengths)
    return _joints(thetas, lengths)


def _joints(thetas, lengths):
    # phi_k = theta_0 + ... + theta_k (fmod changes no angle below a full
    # turn and keeps the sum of huge angles finite)
    phis = np.cumsum(np.fmod(thetas, TAU))
    segments = [rotation(phi) @ [0.0, length]  # R(phi_k) s_k
                for phi, length in zip(phis, lengths)]
    return np.vstack([[0.0, 0.0], np.cumsum(segments, axis=0)])


def tip(thetas, lengths):
    """The end of the arm, $p_N$ of [`joints`][gradbook.robot_arm.joints].

    Examples
    --------
    >>> np.round(tip([np.pi, 0.0], [1.0, 1.0]), 12) + 0.0  # straight down
    array([ 0., -2.])
    """
    return joints(thetas, lengths)[-1]


def jacobian(thetas, lengths):
    r"""The 2 x N Jacobian of the tip: column $k$ is $J\, (\text{tip} - p_k)$.

    Joint $k$ turns the rigid rest of the arm about $p_k$, so the tip moves
    perpendicular to $\text{tip} - p_k$ at the speed
    $\lVert \text{tip} - p_k \rVert$ (derivation in the module docstring).

    Parameters
    ----------
    thetas, lengths : array_like
        As for [`joints`][gradbook.robot_arm.joints].

    Returns
    -------
    numpy.ndarray
        Shape (2, N).

    Examples
    --------
    >>> jacobian([0.0, 0.0], [1.0, 1.0])  # tip at (0, 2): both joints push it left
    array([[-2., -1.],
           [ 0.,  0.]])
    """
    return _jacobian(joints(thetas, lengths))


def _jacobian(points):
    return J @ (points[-1] - points[:-1]).T  # column k: J (tip - p_k)


# --8<-- [end:joints]


# --- the loss and its gradient -----------------------------------------------


# --8<-- [start:loss]
def loss(thetas, lengths, target):
    r"""The squared distance $\lVert T - \text{tip} \rVert^2$ from tip to target.

    Parameters
    ----------
    thetas, lengths : array_like
        As for [`joints`][gradbook.robot_arm.joints].
    target : array_like
        The point $T = (x, y)$ to reach, finite.

    Returns
    -------
    float

    Examples
    --------
    >>> loss([0.0, 0.0], [1.0, 1.0], [1.0, 2.0])  # tip (0, 2), one unit off
    1.0
    """
    target = _point("target", target)
    return _loss(joints(thetas, lengths), target)


def _loss(points, target):
    residual = target - points[-1]
    return float(residual @ residual)


def loss_grad(thetas, lengths, target):
    r"""$\nabla L = -2\, \mathrm{Jac}^\top (T - \text{tip})$, by the chain rule.

    $\partial L / \partial\, \text{tip} = -2\, (T - \text{tip})$, and
    $\partial\, \text{tip} / \partial \theta_k$ is column $k$ of
    [`jacobian`][gradbook.robot_arm.jacobian].

    Parameters
    ----------
    thetas, lengths, target : array_like
        As for [`loss`][gradbook.robot_arm.loss].

    Returns
    -------
    numpy.ndarray
        Shape (N,).

    Examples
    --------
    >>> loss_grad([0.0, 0.0], [1.0, 1.0], [1.0, 2.0])  # turning left moves away
    array([4., 2.])
    """
    target = _point("target", target)
    return _loss_grad(joints(thetas, lengths), target)


def _loss_grad(points, target):
    residual = target - points[-1]
    return -2.0 * _jacobian(points).T @ residual


# --8<-- [end:loss]


# --8<-- [start:reach]
def reach(thetas, lengths, target, lr, *, max_steps=10_000, tol=1e-9):
    """Move the tip to `target` by gradient descent on the loss.

    The loss is [`loss`][gradbook.robot_arm.loss] and the loop is the shared
    [`gradient_descent`][gradbook.descent.gradient_descent]: every step moves
    all angles at once by `-lr` times
    [`loss_grad`][gradbook.robot_arm.loss_grad]. It stops when the gradient
    is shorter than `tol` or after `max_steps` updates. The loss is bounded
    (by the squared distance of the target plus the arm's reach), so a run
    never diverges.

    Parameters
    ----------
    thetas : array_like
        The starting angles, shape (N,).
    lengths : array_like
        Segment lengths, shape (N,), > 0.
    target : array_like
        The point to reach, shape (2,).
    lr : float
        The learning rate, > 0 and at most `MAX_LR`.
    max_steps : int, optional
        The largest number of updates, at most `MAX_STEPS`.
    tol : float, optional
        The run has converged when the gradient is shorter than this.

    Returns
    -------
    gradbook.descent.History
        Parameters named `"theta0", "theta1", ...`.

    Raises
    ------
    TypeError, ValueError
        On invalid arguments (see [`joints`][gradbook.robot_arm.joints] and
        [`gradient_descent`][gradbook.descent.gradient_descent]).

    Examples
    --------
    >>> run = reach(START, LENGTHS, TARGET, LEARNING_RATE)
    >>> run.converged, bool(run.loss[-1] < 1e-15)
    (True, True)
    >>> np.round(tip(run.final, LENGTHS), 6) + 0.0
    array([-3.,  0.])
    """
    thetas, lengths = _arm(thetas, lengths)
    target = _point("target", target)
    lr = _lr(lr)
    max_steps = count("max_steps", max_steps, limit=MAX_STEPS)

    def fun(p):
        points = _joints(p, lengths)  # one forward pass for both
        return _loss(points, target), _loss_grad(points, target)

    names = tuple(f"theta{k}" for k in range(thetas.size))
    return descent.gradient_descent(fun, thetas, lr, max_steps=max_steps,
                                    tol=tol, names=names)


# --8<-- [end:reach]


# --8<-- [start:reach_radii]
def reach_radii(lengths):
    r"""The smallest and largest distance from the origin that the tip can reach.

    The tip is at most $\sum_k L_k$ away (triangle inequality; equality for a
    straight arm). It cannot come closer than the longest segment minus all
    the others, $L_{\max} - (\sum_k L_k - L_{\max})$, when that is positive:
    the other segments, folded back, cannot cover the longest one. Every
    distance in between is reached, so the workspace is the ring (or disc)
    between the two radii.

    Parameters
    ----------
    lengths : array_like
        Segment lengths, shape (N,), > 0.

    Returns
    -------
    tuple of float
        `(inner, outer)`.

    Examples
    --------
    >>> reach_radii(LENGTHS)  # a disc
    (0.0, 6.0)
    >>> reach_radii([3.0, 1.0, 0.5])  # a ring
    (1.5, 4.5)
    """
    lengths = _vector("lengths", lengths, "one length per segment")
    _arm(np.zeros(lengths.size), lengths)
    outer = float(np.sum(lengths))
    return max(0.0, float(2.0 * np.max(lengths) - outer)), outer


# --8<-- [end:reach_radii]


def joints_along(run, lengths, forward=joints):
    """The joints at every point of a run, for drawing it.

    Parameters
    ----------
    run : gradbook.descent.History or array_like
        A run (its `params` are used) or an array of angles, shape (T, N).
    lengths : array_like
        Segment lengths, shape (N,).
    forward : callable, optional
        [`joints`][gradbook.robot_arm.joints] (relative angles), or
        [`report_joints`][gradbook.robot_arm.report_joints] for the report's
        model.

    Returns
    -------
    numpy.ndarray
        Shape (T, N + 1, 2).

    Raises
    ------
    TypeError
        If `forward` is neither of the two.
    ValueError
        If `run` is not a finite (T, N) array of angles, N the number of
        `lengths`, or T is 0.

    Examples
    --------
    >>> frames = joints_along([[0.0, 0.0], [np.pi, 0.0]], [1.0, 1.0])
    >>> frames.shape
    (2, 3, 2)
    >>> np.round(frames[1, -1], 12) + 0.0
    array([ 0., -2.])
    """
    if forward is not joints and forward is not report_joints:
        raise TypeError(f"forward must be joints or report_joints, got {forward!r}")
    params = run.params if isinstance(run, descent.History) else _real_array("run", run)
    lengths = _vector("lengths", lengths, "one length per segment")
    if params.ndim != 2 or params.shape[0] == 0 or params.shape[1] != lengths.size:
        raise ValueError(f"run must be a History or an array of shape (T, N) with T > 0 and "
                         f"N = {lengths.size}, one angle per entry of lengths, got shape "
                         f"{params.shape}")
    if not np.all(np.isfinite(params)):
        raise ValueError("run must hold finite angles")
    if params.shape[0] > MAX_STEPS + 1:
        raise ValueError(f"run has {params.shape[0]} rows: at most {MAX_STEPS + 1}")
    return np.array([forward(p, lengths) for p in params])


# --- the report's rule, transcribed ------------------------------------------


# --8<-- [start:report_joints]
def report_joints(thetas, lengths):
    """The REPORT's forward model: every segment turned by its OWN angle only.

    The report computes `np_joints[segment_idx+1] = np.dot(r, segment) +
    np_joints[segment_idx]` with `r = rotation(theta)` and
    `theta = thetas[segment_idx]`: the angles are absolute (no
    accumulation), unlike [`joints`][gradbook.robot_arm.joints]. The report
    uses one `segment` for all segments; here segment $k$ is $(0, L_k)$, the
    same thing when all lengths are equal.

    Examples
    --------
    >>> np.round(report_joints([np.pi / 2, 0.0], [1.0, 1.0]), 12) + 0.0
    array([[ 0.,  0.],
           [-1.,  0.],
           [-1.,  1.]])
    >>> np.round(joints([np.pi / 2, 0.0], [1.0, 1.0]), 12) + 0.0  # ours: both turn
    array([[ 0.,  0.],
           [-1.,  0.],
           [-2.,  0.]])
    """
    thetas, lengths = _arm(thetas, lengths)
    points = np.zeros((thetas.size + 1, 2))
    for k, (theta, length) in enumerate(zip(thetas, lengths)):
        points[k + 1] = rotation(theta) @ [0.0, length] + points[k]
    return points


def report_tip(thetas, lengths):
    """The end of the report's arm, `report_joints(...)[-1]`.

    Examples
    --------
    >>> np.round(report_tip([np.pi / 2, 0.0], [1.0, 1.0]), 12) + 0.0
    array([-1.,  1.])
    """
    return report_joints(thetas, lengths)[-1]


def report_loss(thetas, lengths, target):
    """The report's loss, `np.sum((TARGET_POINT - np_joints[-1])** 2)`, of its own tip.

    Examples
    --------
    >>> report_loss([np.pi / 2, 0.0], [1.0, 1.0], [-1.0, 0.0])  # tip (-1, 1)
    1.0
    """
    target = _point("target", target)
    return float(np.sum((target - report_tip(thetas, lengths)) ** 2))


# --8<-- [end:report_joints]


# --8<-- [start:report_model]
def report_model_jacobian(thetas, lengths):
    r"""OURS: the exact Jacobian of the report's model; column $k$ is $R'(\theta_k)\, s_k$.

    In [`report_joints`][gradbook.robot_arm.report_joints] the angle
    $\theta_k$ turns segment $k$ alone, so
    $\partial\, \text{tip} / \partial \theta_k = R'(\theta_k)\, s_k = J\, (p_{k+1} - p_k)$:
    the segment itself turned by 90 degrees. This is what a gradient of the
    report's own model needs; the report's code multiplies it by the
    previous segment's rotation instead (see
    [`report_step`][gradbook.robot_arm.report_step]).

    Examples
    --------
    >>> report_model_jacobian([0.0, 0.0], [1.0, 2.0])  # each segment pushes its own length
    array([[-1., -2.],
           [ 0.,  0.]])
    """
    points = report_joints(thetas, lengths)
    return J @ np.diff(points, axis=0).T


def report_model_loss_grad(thetas, lengths, target):
    r"""OURS: the exact gradient of [`report_loss`][gradbook.robot_arm.report_loss].

    $-2\, \mathrm{Jac}^\top (T - \text{tip})$ with the Jacobian of
    [`report_model_jacobian`][gradbook.robot_arm.report_model_jacobian].

    Examples
    --------
    >>> report_model_loss_grad([0.0, 0.0], [1.0, 2.0], [1.0, 3.0])  # tip (0, 3)
    array([2., 4.])
    """
    target = _point("target", target)
    residual = target - report_tip(thetas, lengths)
    return -2.0 * report_model_jacobian(thetas, lengths).T @ residual


# --8<-- [end:report_model]


# --8<-- [start:report_step]
def report_step(thetas, lengths, target, lr, previous_tip=None):
    r"""One pass of the REPORT's update loop over the segments, transcribed.

    The report's loop (class report; comments left out, and the two code
    blocks it is printed in joined; `d_rotation` there is
    [`rotation_grad`][gradbook.robot_arm.rotation_grad] here, the same matrix
    `[[-s, -c], [c, -s]]`):

    ```text
    prev_r = None
    for segment_idx in range(SEGMENT_COUNT):
        theta = thetas[segment_idx]
        r = rotation(theta)
        dr_theta_1 = d_rotation(theta)
        np_joints[segment_idx+1] = np.dot(r, segment) + np_joints[segment_idx]
        x = dr_theta_1 @ segment
        if segment_idx:
            x = prev_r @ x
        d_theta_1 = np.sum(x * -2 * (TARGET_POINT - np_joints[-1]))
        thetas[segment_idx] -= d_theta_1 * LEARNING_RATE
        prev_r = r
    ```

    **What it computes.** With $s_k = (0, L_k)$, $q$ the tip read from
    `np_joints[-1]` and the residual $e = T - q$, the component for segment
    $k$ is $d_k = -2\, e \cdot x_k$ where $x_0 = R'(\theta_0)\, s_0$ and
    $x_k = R(\theta_{k-1})\, R'(\theta_k)\, s_k = J\, R(\theta_{k-1} + \theta_k)\, s_k$
    for $k \ge 1$. Two details of the code:

    * `np_joints[-1]` is the tip as it stands when it is read. The loop
      writes it only in its last iteration, so for every segment but the
      last it still holds the tip of the PREVIOUS pass (at the previous
      pass's angles); only the last segment sees the tip this pass has just
      recomputed. `previous_tip` is that stale tip; `None` uses the current
      tip (as if the arm had just been drawn at `thetas`). The report's
      excerpt does not show where `np_joints` is created; we assume one
      array kept from frame to frame.
    * Although `thetas[segment_idx]` is updated inside the loop, no later
      segment reads an updated angle: `r` and `prev_r` are computed before
      the update, and every joint is placed with the old angles. The pass is
      the simultaneous update $\theta \leftarrow \theta - \text{lr}\, d$.

    **Why it is nobody's gradient.** In the report's own model
    ([`report_joints`][gradbook.robot_arm.report_joints], absolute angles)
    $\partial\, \text{tip} / \partial \theta_k = R'(\theta_k)\, s_k$
    ([`report_model_jacobian`][gradbook.robot_arm.report_model_jacobian]):
    the extra factor $R(\theta_{k-1})$ turns that direction by
    $\theta_{k-1}$. In the relative model
    ([`joints`][gradbook.robot_arm.joints])
    $\partial\, \text{tip} / \partial \theta_k = J\, (\text{tip} - p_k)$
    collects every segment from $k$ to the end, each turned by the
    cumulative angle $\varphi_j$; the report keeps only segment $k$, turned
    by $\theta_{k-1} + \theta_k$, and measures the residual with the
    absolute-model tip. With one segment (whose tip is always fresh) all
    three coincide; from two segments on, the rule follows neither
    gradient. It can still stop on the target: the direction vanishes only
    where the residual is perpendicular to every $x_k$, which, unless all
    the $x_k$ are parallel, means the (absolute-model) tip is on it.

    Parameters
    ----------
    thetas : array_like
        The angles before the pass, shape (N,); not modified.
    lengths : array_like
        Segment lengths, shape (N,), > 0.
    target : array_like
        `TARGET_POINT`, shape (2,).
    lr : float
        `LEARNING_RATE`, > 0 and at most `MAX_LR`.
    previous_tip : array_like, optional
        `np_joints[-1]` when the pass starts, shape (2,).

    Returns
    -------
    thetas : numpy.ndarray
        Shape (N,): the angles after the pass.
    d_thetas : numpy.ndarray
        Shape (N,): the report's `d_theta_1` of every segment.
    np_joints : numpy.ndarray
        Shape (N + 1, 2): the joints the pass drew,
        [`report_joints`][gradbook.robot_arm.report_joints] at the angles
        BEFORE the pass; `np_joints[-1]` is the next pass's `previous_tip`.

    Examples
    --------
    >>> after, d, arm = report_step(START, LENGTHS, TARGET, LEARNING_RATE)
    >>> np.round(d, 4) + 0.0
    array([-11.8177,  -7.1088,  -7.1088])
    >>> np.allclose(after, START - LEARNING_RATE * d)  # a simultaneous update
    True
    >>> np.allclose(arm, report_joints(START, LENGTHS))
    True
    """
    thetas, lengths = _arm(thetas, lengths)
    target = _point("target", target)
    lr = _lr(lr)
    np_joints = np.zeros((thetas.size + 1, 2))
    if previous_tip is None:
        np_joints[-1] = report_tip(thetas, lengths)
    else:
        np_joints[-1] = _point("previous_tip", previous_tip)
    d_thetas = np.zeros(thetas.size)
    prev_r = None
    for segment_idx in range(thetas.size):
        theta = thetas[segment_idx]
        segment = np.array([0.0, lengths[segment_idx]])
        r = rotation(theta)
        np_joints[segment_idx + 1] = np.dot(r, segment) + np_joints[segment_idx]
        x = rotation_grad(theta) @ segment
        if segment_idx:
            x = prev_r @ x
        d_thetas[segment_idx] = np.sum(x * -2 * (target - np_joints[-1]))
        thetas[segment_idx] -= d_thetas[segment_idx] * lr
        prev_r = r
    return thetas, d_thetas, np_joints


# --8<-- [end:report_step]


def report_descent(thetas, lengths, target, lr, *, max_steps=1000, tol=1e-9,
                   previous_tip=None):
    """Iterate the REPORT's rule ([`report_step`][gradbook.robot_arm.report_step]) from `thetas`.

    Pass $t$ uses the tip drawn in pass $t - 1$ for every segment but the
    last, as the report's persistent `np_joints` does. The loop is the shared
    [`gradient_descent`][gradbook.descent.gradient_descent], fed the report's
    direction `d_thetas` in place of a gradient (the pass is a simultaneous
    update, see [`report_step`][gradbook.robot_arm.report_step]); it
    evaluates each point once, in order, which is what carries the stale tip
    from one pass to the next. The recorded loss is the report's
    `np.sum((TARGET_POINT - np_joints[-1]) ** 2)`: the squared distance of the
    REPORT's tip (absolute angles,
    [`report_loss`][gradbook.robot_arm.report_loss]), and `grad_norm` is the
    length of the report's direction, not of a gradient.

    Parameters
    ----------
    thetas, lengths, target, lr :
        As for [`report_step`][gradbook.robot_arm.report_step].
    max_steps : int, optional
        The number of passes at most, at most `MAX_STEPS`.
    tol : float, optional
        Stop (`converged`) when the report's direction is shorter than this.
    previous_tip : array_like, optional
        `np_joints[-1]` before the first pass; `None`: the report's tip at
        `thetas`.

    Returns
    -------
    gradbook.descent.History
        Parameters named `"theta0", "theta1", ...`.

    Examples
    --------
    >>> run = report_descent(START, LENGTHS, TARGET, LEARNING_RATE, max_steps=2)
    >>> first, d0, drawn = report_step(START, LENGTHS, TARGET, LEARNING_RATE)
    >>> second, d1, _ = report_step(first, LENGTHS, TARGET, LEARNING_RATE,
    ...                             previous_tip=drawn[-1])  # the stale tip
    >>> np.array_equal(run.params[1:], [first, second])
    True
    >>> round(float(run.loss[0]), 4)  # the report's loss at the start
    51.2513
    """
    thetas, lengths = _arm(thetas, lengths)
    target = _point("target", target)
    lr = _lr(lr)
    max_steps = count("max_steps", max_steps, limit=MAX_STEPS)
    drawn = {"tip": None if previous_tip is None else _point("previous_tip", previous_tip)}

    def fun(p):  # one pass of the report's loop at the point p
        _, d_thetas, np_joints = report_step(p, lengths, target, lr, drawn["tip"])
        drawn["tip"] = np_joints[-1]  # what the next pass reads as np_joints[-1]
        return float(np.sum((target - np_joints[-1]) ** 2)), d_thetas

    names = tuple(f"theta{k}" for k in range(thetas.size))
    return descent.gradient_descent(fun, thetas, lr, max_steps=max_steps, tol=tol,
                                    names=names)
