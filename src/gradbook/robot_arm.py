"""Robot arm: forward kinematics, its Jacobian, and reaching a target by descent.

An arm of ``N`` segments hangs from the origin. Segment ``k`` has length
``L_k`` and joint ``k`` turns it, *and everything after it*, by the relative
angle ``theta_k`` (radians). With every angle zero the arm points straight up:
each segment is the template ``(0, L_k)``. Segment ``k`` is therefore turned by
the *cumulative* angle ``phi_k = theta_0 + ... + theta_k``, and the joints are

.. code-block:: text

    p_0 = (0, 0),    p_{k+1} = p_k + R(phi_k) (0, L_k),    tip = p_N

with the counter-clockwise rotation ``R(a) = [[cos a, -sin a], [sin a, cos a]]``.

The derivative of a rotation is a rotation followed by a quarter turn:
``R'(a) = [[-sin a, -cos a], [cos a, -sin a]] = J R(a)`` with
``J = [[0, -1], [1, 0]]``, the 90 degree turn ``(x, y) -> (-y, x)``. Since
``phi_j`` contains ``theta_k`` exactly when ``j >= k``,

.. code-block:: text

    d tip / d theta_k = sum_{j >= k} R'(phi_j) (0, L_j)
                      = J sum_{j >= k} R(phi_j) (0, L_j)  = J (tip - p_k).

Turning joint ``k`` swings the rigid rest of the arm about ``p_k``, so the tip
moves perpendicular to the line from ``p_k`` to the tip, at a speed equal to
that distance. These columns form the Jacobian (:func:`jacobian`).

The arm reaches for a target ``T`` by minimising the squared distance
``L(theta) = |T - tip|**2`` (the report's sum of squares, no factor 1/2). By
the chain rule ``dL/dtheta_k = -2 (T - tip) . d tip/d theta_k``, i.e.
``grad L = -2 Jac^T (T - tip)`` (:func:`loss_grad`), and :func:`reach` runs
the shared loop :func:`gradbook.descent.gradient_descent` on it.

The class report updated the angles with a different rule, transcribed in
:func:`report_step` (read its docstring for what it computes); its own forward
model (:func:`report_joints`) places each segment with its own angle only.

The chapter's example is :data:`LENGTHS`, :data:`START`, :data:`TARGET` and
:data:`LEARNING_RATE`: three segments of length 2, every angle at -10 degrees,
the target ``(-3, 0)`` and the step 0.01.
"""

import numpy as np

from gradbook import descent
from gradbook._checks import finite_real, positive

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
    "joints_along",
    "report_joints",
    "report_tip",
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


# --- argument checks ---------------------------------------------------------


def _real_array(name, value):
    """``value`` as a float array, or TypeError if it does not hold real numbers."""
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
    """A non-empty, finite 1-D float array (a copy)."""
    array = _real_array(name, value)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array ({what}), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty: the arm needs at least one segment")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {array}")
    return array


def _point(name, value):
    """A finite point ``(x, y)`` as a float array of shape (2,)."""
    array = _real_array(name, value)
    if array.shape != (2,):
        raise ValueError(f"{name} must be a point (x, y) of shape (2,), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {array}")
    return array


def _arm(thetas, lengths):
    """Check an arm: one finite angle and one positive length per segment."""
    thetas = _vector("thetas", thetas, "one angle per segment")
    lengths = _vector("lengths", lengths, "one length per segment")
    if np.any(lengths <= 0):
        raise ValueError(f"lengths must be > 0, got {lengths}")
    if thetas.size != lengths.size:
        raise ValueError(
            f"thetas and lengths must have the same number of entries (one per "
            f"segment), got {thetas.size} angles and {lengths.size} lengths"
        )
    return thetas, lengths


# --- rotation and its derivative ---------------------------------------------


# --8<-- [start:rotation]
def rotation(theta):
    """The 2x2 counter-clockwise rotation by ``theta`` radians.

    Parameters
    ----------
    theta : float
        Angle in radians, finite.

    Returns
    -------
    numpy.ndarray
        Shape (2, 2): ``[[cos, -sin], [sin, cos]]``.

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
    """``dR/dtheta = [[-sin, -cos], [cos, -sin]] = J @ R(theta)``.

    Differentiating each entry of :func:`rotation` gives the matrix above,
    which is ``R(theta)`` followed by the quarter turn :data:`J`: turning a
    vector a little further moves it perpendicular to itself. The report's
    ``d_rotation`` is this same matrix.

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
    """The joint positions ``p_0 = (0, 0), ..., p_N = tip`` of the arm.

    Segment ``k`` is the template ``(0, L_k)`` turned by the cumulative angle
    ``phi_k = theta_0 + ... + theta_k`` and attached to the end of segment
    ``k - 1``: ``p_{k+1} = p_k + R(phi_k) (0, L_k)``.

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
        If ``thetas`` or ``lengths`` does not hold real numbers.
    ValueError
        If they are not 1-D, empty, not finite, of different lengths, or a
        length is not > 0.

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
    points = np.zeros((thetas.size + 1, 2))
    for k, (phi, length) in enumerate(zip(np.cumsum(thetas), lengths)):
        points[k + 1] = points[k] + rotation(phi) @ [0.0, length]
    return points


def tip(thetas, lengths):
    """The end of the arm, ``p_N`` of :func:`joints`.

    Examples
    --------
    >>> np.round(tip([np.pi, 0.0], [1.0, 1.0]), 12) + 0.0  # straight down
    array([ 0., -2.])
    """
    return joints(thetas, lengths)[-1]


def jacobian(thetas, lengths):
    """The 2 x N Jacobian ``d tip / d theta``: column ``k`` is ``J (tip - p_k)``.

    Joint ``k`` turns the rigid rest of the arm about ``p_k``, so the tip
    moves perpendicular to ``tip - p_k`` at the speed ``|tip - p_k|``
    (derivation in the module docstring).

    Parameters
    ----------
    thetas, lengths : array_like
        As for :func:`joints`.

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
    points = joints(thetas, lengths)
    return J @ (points[-1] - points[:-1]).T


# --8<-- [end:joints]


# --- the loss and its gradient -----------------------------------------------


# --8<-- [start:loss]
def loss(thetas, lengths, target):
    """The squared distance ``|target - tip|**2`` from the tip to the target.

    Parameters
    ----------
    thetas, lengths : array_like
        As for :func:`joints`.
    target : array_like
        The point ``(x, y)`` to reach, finite.

    Returns
    -------
    float

    Examples
    --------
    >>> loss([0.0, 0.0], [1.0, 1.0], [1.0, 2.0])  # tip (0, 2), one unit off
    1.0
    """
    target = _point("target", target)
    return float(np.sum((target - tip(thetas, lengths)) ** 2))


def loss_grad(thetas, lengths, target):
    """``dL/dtheta = -2 Jac^T (target - tip)``, by the chain rule.

    ``dL/d tip = -2 (target - tip)``, and ``d tip/d theta_k`` is column ``k``
    of :func:`jacobian`.

    Parameters
    ----------
    thetas, lengths, target : array_like
        As for :func:`loss`.

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
    residual = target - tip(thetas, lengths)
    return -2.0 * jacobian(thetas, lengths).T @ residual


# --8<-- [end:loss]


# --8<-- [start:reach]
def reach(thetas, lengths, target, lr, *, max_steps=100_000, tol=1e-9):
    """Move the tip to ``target`` by gradient descent on :func:`loss`.

    The loop is the shared :func:`gradbook.descent.gradient_descent`: every
    step moves all angles at once by ``-lr`` times :func:`loss_grad`. It stops
    when the gradient is shorter than ``tol``, when the loss diverges, or
    after ``max_steps`` updates.

    Parameters
    ----------
    thetas : array_like
        The starting angles, shape (N,).
    lengths : array_like
        Segment lengths, shape (N,), > 0.
    target : array_like
        The point to reach, shape (2,).
    lr : float
        The learning rate, > 0.
    max_steps : int, optional
        The largest number of updates.
    tol : float, optional
        The run has converged when the gradient is shorter than this.

    Returns
    -------
    gradbook.descent.History
        Parameters named ``"theta0", "theta1", ...``.

    Raises
    ------
    TypeError, ValueError
        On invalid arguments (see :func:`joints` and
        :func:`gradbook.descent.gradient_descent`).

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

    def fun(p):
        return loss(p, lengths, target), loss_grad(p, lengths, target)

    names = tuple(f"theta{k}" for k in range(thetas.size))
    return descent.gradient_descent(fun, thetas, lr, max_steps=max_steps, tol=tol,
                                    names=names)


# --8<-- [end:reach]


def joints_along(run, lengths, forward=joints):
    """The joints at every point of a run, for drawing it.

    Parameters
    ----------
    run : gradbook.descent.History or array_like
        A run (its ``params`` are used) or an array of angles, shape (T, N).
    lengths : array_like
        Segment lengths, shape (N,).
    forward : callable, optional
        :func:`joints` (relative angles), or :func:`report_joints` for a run
        of the report's rule.

    Returns
    -------
    numpy.ndarray
        Shape (T, N + 1, 2).

    Examples
    --------
    >>> frames = joints_along([[0.0, 0.0], [np.pi, 0.0]], [1.0, 1.0])
    >>> frames.shape
    (2, 3, 2)
    >>> np.round(frames[1, -1], 12) + 0.0
    array([ 0., -2.])
    """
    params = run.params if isinstance(run, descent.History) else _real_array("run", run)
    if params.ndim != 2:
        raise ValueError(f"run must be a History or an array of shape (T, N), got shape "
                         f"{params.shape}")
    return np.array([forward(p, lengths) for p in params]).reshape(len(params), -1, 2)


# --- the report's rule, transcribed ------------------------------------------


# --8<-- [start:report_joints]
def report_joints(thetas, lengths):
    """The REPORT's forward model: every segment turned by its OWN angle only.

    The report computes ``np_joints[segment_idx+1] = np.dot(r, segment) +
    np_joints[segment_idx]`` with ``r = rotation(thetas[segment_idx])``: the
    angles are absolute (no accumulation), unlike :func:`joints`. The report
    uses one ``segment`` for all segments; here segment ``k`` is ``(0, L_k)``,
    the same thing when all lengths are equal.

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
    """The end of the report's arm, ``report_joints(...)[-1]``.

    Examples
    --------
    >>> np.round(report_tip([np.pi / 2, 0.0], [1.0, 1.0]), 12) + 0.0
    array([-1.,  1.])
    """
    return report_joints(thetas, lengths)[-1]


# --8<-- [end:report_joints]


# --8<-- [start:report_step]
def report_step(thetas, lengths, target, lr, previous_tip=None):
    """One pass of the REPORT's update loop over the segments, transcribed.

    The report's loop (class report, quoted without its comments;
    ``d_rotation`` there is :func:`rotation_grad` here, the same matrix
    ``[[-s, -c], [c, -s]]``):

    .. code-block:: text

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

    What it computes. With ``s_k = (0, L_k)`` and ``r = T - np_joints[-1]``,
    the component for segment ``k`` is ``d_k = -2 r . x_k`` where
    ``x_0 = R'(theta_0) s_0`` and ``x_k = R(theta_{k-1}) R'(theta_k) s_k =
    R'(theta_{k-1} + theta_k) s_k`` for ``k >= 1``. Two details of the code:

    * ``np_joints[-1]`` is the tip as it stands when it is read. For every
      segment but the last it was written in the PREVIOUS pass (the tip at the
      previous pass's angles); only the last segment sees the tip this pass
      has just recomputed. ``previous_tip`` is that stale tip; ``None`` uses
      the current tip (as if the arm had just been drawn at ``thetas``). The
      report's excerpt does not show where ``np_joints`` is created; we
      assume one array kept from frame to frame.
    * Although ``thetas[segment_idx]`` is updated inside the loop, no later
      segment reads an updated angle: ``r`` and ``prev_r`` are taken before
      the update and the joints are all computed from the old angles. The
      pass is a simultaneous update ``theta <- theta - lr d``.

    Why it is nobody's gradient. In the report's own model
    (:func:`report_joints`, absolute angles) ``d tip/d theta_k = R'(theta_k)
    s_k``: the extra factor ``R(theta_{k-1})`` turns that direction by
    ``theta_{k-1}``. In the relative model (:func:`joints`) ``d tip/d theta_k
    = J (tip - p_k)`` collects every segment from ``k`` to the end, each
    turned by the cumulative angle ``phi_j``; the report keeps only segment
    ``k``, turned by ``theta_{k-1} + theta_k``, and measures the residual
    with the absolute-model tip. With one segment (whose tip is always fresh)
    all three coincide; from two segments on, the rule follows neither
    gradient. It can still stop on the target: the direction vanishes only
    where the residual is perpendicular to every ``x_k``, which, unless all
    the ``x_k`` are parallel, means the (absolute-model) tip is on it.

    Parameters
    ----------
    thetas : array_like
        The angles before the pass, shape (N,); not modified.
    lengths : array_like
        Segment lengths, shape (N,), > 0.
    target : array_like
        ``TARGET_POINT``, shape (2,).
    lr : float
        ``LEARNING_RATE``, > 0.
    previous_tip : array_like, optional
        ``np_joints[-1]`` when the pass starts, shape (2,).

    Returns
    -------
    thetas : numpy.ndarray
        Shape (N,): the angles after the pass.
    d_thetas : numpy.ndarray
        Shape (N,): the report's ``d_theta_1`` of every segment.
    np_joints : numpy.ndarray
        Shape (N + 1, 2): the joints the pass drew, ``report_joints`` at the
        angles BEFORE the pass; ``np_joints[-1]`` is the next pass's
        ``previous_tip``.

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
    lr = positive("lr", lr)
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
    """Iterate the REPORT's rule (:func:`report_step`) from ``thetas``.

    Pass ``t`` uses the tip drawn in pass ``t - 1`` for every segment but the
    last, as the report's persistent ``np_joints`` does. The loop is the
    shared :func:`gradbook.descent.gradient_descent`, fed the report's
    direction ``d_thetas`` in place of a gradient (the pass is a simultaneous
    update, see :func:`report_step`); it evaluates each point once, in order,
    which is what carries the stale tip from one pass to the next. The
    recorded loss is the report's ``np.sum((TARGET_POINT - np_joints[-1]) **
    2)``: the squared distance of the REPORT's tip (absolute angles), and
    ``grad_norm`` is the length of the report's direction, not of a gradient.

    Parameters
    ----------
    thetas, lengths, target, lr :
        As for :func:`report_step`.
    max_steps : int, optional
        The number of passes at most.
    tol : float, optional
        Stop (``converged``) when the report's direction is shorter than this.
    previous_tip : array_like, optional
        ``np_joints[-1]`` before the first pass; ``None``: the report's tip at
        ``thetas``.

    Returns
    -------
    gradbook.descent.History
        Parameters named ``"theta0", "theta1", ...``.

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
    drawn = {"tip": None if previous_tip is None else _point("previous_tip", previous_tip)}

    def fun(p):  # one pass of the report's loop at the point p
        _, d_thetas, np_joints = report_step(p, lengths, target, lr, drawn["tip"])
        drawn["tip"] = np_joints[-1]  # what the next pass reads as np_joints[-1]
        return float(np.sum((target - np_joints[-1]) ** 2)), d_thetas

    names = tuple(f"theta{k}" for k in range(thetas.size))
    return descent.gradient_descent(fun, thetas, lr, max_steps=max_steps, tol=tol,
                                    names=names)
