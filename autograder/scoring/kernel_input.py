"""Turn whatever a student wrote for their 2x2 filter into a plain float64 array, or say why not.

Students write the homework filter in many ways: nested lists of ints, ``np.array(..., dtype=...)``,
the Keras kernel layout ``(2, 2, 1, 1)``, a ``tf.constant``/``tf.Variable``, ``layer.kernel`` or
even the ``Conv2D`` layer itself. :func:`coerce_kernel` accepts all of these without importing
TensorFlow (tensors are duck-typed through ``.numpy()`` / ``__array__``) and returns a
:class:`KernelInput`: either a ``(2, 2)`` float64 ``kernel`` or a machine-readable ``problem``
code with ``detail`` for the feedback message (see ``messages.py``).

The answer is untrusted data, so the conversion never raises, never unpickles, bounds recursion
depth and element count, and checks an array's declared shape before converting it.

Problem codes: ``missing`` (None), ``text`` (str/bytes), ``ragged``, ``not_numeric`` (includes
booleans, dicts, sets, None inside a list...), ``complex``, ``wrong_shape`` (``detail['shape']``),
``several_filters`` (e.g. Keras shape ``(2, 2, 1, 2)``), ``not_finite`` (NaN/inf/overflow),
``too_large``, ``layer_not_built`` (a Keras layer without weights yet), ``unreadable`` (any
exception raised by the object itself).
"""

from __future__ import annotations

import itertools
import numbers
import warnings
from collections.abc import Mapping, Set
from dataclasses import dataclass, field

import numpy as np

PROBLEM_CODES = ("missing", "text", "ragged", "not_numeric", "complex", "wrong_shape",
                 "several_filters", "not_finite", "too_large", "layer_not_built", "unreadable")
EXPECTED_SHAPE = (2, 2)
# Shapes that are a single 2x2 filter: plain, with a channel axis, or Keras' (h, w, in, out).
ACCEPTED_SHAPES = ((2, 2), (2, 2, 1), (2, 2, 1, 1))
MAX_DEPTH = 8  # nesting levels (lists, wrappers, .numpy() results) before we give up
MAX_ELEMENTS = 10_000  # a 50x50 image passed by mistake still gets a "wrong shape" message


@dataclass(frozen=True)
class KernelInput:
    """Result of :func:`coerce_kernel`: a ``(2, 2)`` float64 ``kernel`` or a ``problem`` code."""

    kernel: np.ndarray | None
    problem: str | None = None
    detail: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problem is None


class _Rejected(Exception):
    """Internal: carries a problem code out of the recursive conversion."""

    def __init__(self, problem: str, **detail):
        super().__init__(problem)
        self.problem = problem
        self.detail = detail


def _short_repr(obj, limit: int = 40) -> str:
    try:
        text = repr(obj)
    except BaseException:  # noqa: BLE001 - hostile __repr__
        text = f"<{type(obj).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _shape_text(shape) -> str:
    return str(tuple(int(s) for s in shape))


def _declared_shape(obj):
    """The ``.shape`` an array-like announces, as a tuple of ints, or None if it has none."""
    try:
        shape = getattr(obj, "shape", None)
        if shape is None:
            return None
        # A hostile .shape may iterate forever (a __getitem__ that never raises IndexError).
        dims = tuple(itertools.islice(iter(shape), MAX_DEPTH + 1))
        if len(dims) > MAX_DEPTH:
            return None
        if not all(isinstance(d, (int, np.integer)) and d >= 0 for d in dims):
            return None
        return tuple(int(d) for d in dims)
    except Exception:  # noqa: BLE001 - a shape we cannot read is checked after conversion
        return None


def _from_scalar(obj, budget: list) -> np.ndarray:
    if isinstance(obj, (bool, np.bool_)):
        raise _Rejected("not_numeric", element=_short_repr(obj), kind="bool")
    if isinstance(obj, (complex, np.complexfloating)):
        raise _Rejected("complex", element=_short_repr(obj))
    try:
        value = float(obj)
    except OverflowError:
        raise _Rejected("not_finite", element=_short_repr(obj)) from None
    budget[0] -= 1
    return np.asarray(value, dtype=np.float64)


def _from_ndarray(arr: np.ndarray, depth: int, budget: list, top: bool) -> np.ndarray:
    if top:
        _check_declared_shape(arr.shape)
    if arr.size > budget[0]:
        raise _Rejected("too_large", shape=_shape_text(arr.shape))
    kind = arr.dtype.kind
    if kind in "iuf":
        with np.errstate(all="ignore"):
            out = arr.astype(np.float64)
        budget[0] -= out.size
        return out
    if kind == "b":
        raise _Rejected("not_numeric", element="bool array", kind="bool")
    if kind == "c":
        raise _Rejected("complex", element=f"{arr.dtype} array")
    if kind in "US":
        raise _Rejected("text", value=_short_repr(arr))
    if kind == "O":
        if arr.ndim == 0:
            return _to_array(arr.item(), depth + 1, budget, top)
        return _to_array(arr.tolist(), depth + 1, budget, top)
    raise _Rejected("not_numeric", element=f"{arr.dtype} array")


def _from_sequence(items, depth: int, budget: list) -> np.ndarray:
    if len(items) > budget[0]:
        raise _Rejected("too_large", shape=f"({len(items)}, ...)")
    if len(items) == 0:
        return np.zeros((0,), dtype=np.float64)
    parts = [_to_array(item, depth + 1, budget, False) for item in items]
    first = parts[0].shape
    if any(p.shape != first for p in parts[1:]):
        if all(p.ndim == 1 for p in parts):
            lengths = ", ".join(str(len(p)) for p in parts[:6])
        else:
            lengths = ", ".join(_shape_text(p.shape) for p in parts[:6])
        raise _Rejected("ragged", lengths=lengths)
    return np.stack(parts)


def _unwrap_layer(obj):
    """A Keras layer (or anything with ``.kernel`` / ``get_weights()``) -> its kernel, else obj."""
    kernel = getattr(obj, "kernel", None)
    if kernel is not None:
        return kernel
    get_weights = getattr(obj, "get_weights", None)
    if callable(get_weights):
        weights = get_weights()
        if isinstance(weights, (list, tuple)):
            if len(weights) == 0:
                raise _Rejected("layer_not_built")
            return weights[0]
        return weights
    return obj


def _check_declared_shape(shape) -> None:
    """Reject a top-level array-like by its announced shape, before any conversion."""
    problem = _shape_problem(tuple(shape))
    if problem is not None:
        raise _Rejected(problem, shape=_shape_text(shape))


def _to_array(obj, depth: int, budget: list, top: bool = True) -> np.ndarray:
    """Recursive conversion; raises :class:`_Rejected` (or whatever a hostile object raises).

    ``top`` stays True through wrappers (a layer's kernel, ``.numpy()``) and becomes False inside
    lists, so only the student's whole answer is checked against the accepted shapes early.
    """
    if depth > MAX_DEPTH:
        raise _Rejected("wrong_shape", shape=f"more than {MAX_DEPTH} nested levels")
    if obj is None:
        raise _Rejected("missing" if depth == 0 else "not_numeric", element="None")
    if isinstance(obj, (str, bytes, bytearray)):
        raise _Rejected("text", value=_short_repr(obj))
    if isinstance(obj, (bool, np.bool_, numbers.Number, np.generic)):
        if isinstance(obj, np.generic) and not isinstance(obj, (np.number, np.bool_)):
            raise _Rejected("not_numeric", element=_short_repr(obj))
        if budget[0] <= 0:
            raise _Rejected("too_large", shape=f"more than {MAX_ELEMENTS} numbers")
        return _from_scalar(obj, budget)
    if isinstance(obj, np.ndarray):
        return _from_ndarray(obj, depth, budget, top)
    if isinstance(obj, (list, tuple)):
        return _from_sequence(obj, depth, budget)
    if isinstance(obj, (Mapping, Set)):
        raise _Rejected("not_numeric", element=type(obj).__name__)
    # Array-likes (tf tensors/variables, Keras variables, layers): check the declared shape
    # before converting, so a huge tensor is never copied just to be rejected.
    declared = _declared_shape(obj)
    if declared is not None:
        if top:
            _check_declared_shape(declared)
        if float(np.prod(declared, dtype=np.float64)) > budget[0]:
            raise _Rejected("too_large", shape=_shape_text(declared))
    unwrapped = _unwrap_layer(obj)
    if unwrapped is not obj:
        return _to_array(unwrapped, depth + 1, budget, top)
    to_numpy = getattr(obj, "numpy", None)
    if callable(to_numpy):
        return _to_array(to_numpy(), depth + 1, budget, top)
    if hasattr(obj, "__array__") or hasattr(obj, "__array_interface__"):
        return _from_ndarray(np.asarray(obj), depth + 1, budget, top)
    if hasattr(obj, "__len__") and hasattr(obj, "__getitem__"):
        if len(obj) > budget[0]:
            raise _Rejected("too_large", shape=f"({len(obj)}, ...)")
        return _from_sequence(list(itertools.islice(iter(obj), budget[0] + 1)), depth, budget)
    if hasattr(obj, "__iter__"):
        items = list(itertools.islice(iter(obj), budget[0] + 1))
        return _from_sequence(items, depth, budget)
    raise _Rejected("not_numeric", element=_short_repr(obj))


def _shape_problem(shape: tuple) -> str | None:
    """None for an accepted single-filter shape, else the problem code."""
    if shape in ACCEPTED_SHAPES:
        return None
    if len(shape) == 4 and shape[:3] == (2, 2, 1) and shape[3] > 1:
        return "several_filters"
    return "wrong_shape"


def _plain_kernel(obj) -> KernelInput | None:
    """Fast path for the common answers: a real ndarray of an accepted shape, or a 2x2 nested
    list/tuple of plain ints and floats. None means "take the general route"."""
    if type(obj) is np.ndarray:
        if obj.dtype.kind not in "iuf" or obj.shape not in ACCEPTED_SHAPES:
            return None
        with np.errstate(all="ignore"):
            kernel = obj.astype(np.float64).reshape(EXPECTED_SHAPE)
    elif type(obj) in (list, tuple) and len(obj) == 2:
        rows = obj
        if not all(type(row) in (list, tuple) and len(row) == 2 for row in rows):
            return None
        if not all(type(v) in (int, float) for row in rows for v in row):
            return None
        try:
            kernel = np.array(rows, dtype=np.float64)
        except OverflowError:
            return None
    else:
        return None
    if not np.isfinite(kernel).all():
        return KernelInput(None, "not_finite", {"kernel": kernel.tolist()})
    kernel.setflags(write=False)
    return KernelInput(kernel)


def coerce_kernel(obj) -> KernelInput:
    """Read a student's 2x2 filter into a ``(2, 2)`` float64 array, never raising.

    Parameters
    ----------
    obj : object
        Anything: nested lists, numpy arrays of any real dtype, tensors, a Keras layer...

    Returns
    -------
    KernelInput
        ``kernel`` is a fresh ``(2, 2)`` float64 array when the input is one finite 2x2 filter in
        an accepted shape (``(2, 2)``, ``(2, 2, 1)`` or Keras' ``(2, 2, 1, 1)``); otherwise
        ``kernel`` is None and ``problem``/``detail`` say what was wrong.

    Examples
    --------
    >>> coerce_kernel([[-1, -1], [1, 1]]).kernel
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> coerce_kernel(np.ones((3, 3))).problem, coerce_kernel(np.ones((3, 3))).detail['shape']
    ('wrong_shape', '(3, 3)')
    >>> coerce_kernel(np.zeros((2, 2, 1, 2))).problem
    'several_filters'
    >>> coerce_kernel("[[-1, -1], [1, 1]]").problem
    'text'
    """
    try:
        fast = _plain_kernel(obj)
        if fast is not None:
            return fast
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            array = _to_array(obj, 0, [MAX_ELEMENTS])
        problem = _shape_problem(array.shape)
        if problem is not None:
            return KernelInput(None, problem, {"shape": _shape_text(array.shape)})
        kernel = np.ascontiguousarray(array.reshape(EXPECTED_SHAPE), dtype=np.float64)
        if not np.all(np.isfinite(kernel)):
            return KernelInput(None, "not_finite", {"kernel": kernel.tolist()})
        kernel.setflags(write=False)
        return KernelInput(kernel)
    except _Rejected as rejected:
        return KernelInput(None, rejected.problem, dict(rejected.detail))
    except RecursionError:
        return KernelInput(None, "unreadable", {"error": "RecursionError"})
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001 - hostile objects may raise anything
        try:
            name = type(error).__name__
        except BaseException:  # noqa: BLE001
            name = "exception"
        return KernelInput(None, "unreadable", {"error": str(name)[:60]})
