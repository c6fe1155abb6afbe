"""A strict JSON codec for extracted answers: plain values and numeric arrays, size-capped.

Student code decides what these values are, so decoding must be safe for any input: only JSON
(never pickle), only a closed set of shapes, numeric arrays rebuilt with ``numpy`` from lists of
numbers, and every size bounded. Anything else is encoded as an ``{"__unreadable__": ...}``
marker so that the scorer can say what was wrong instead of crashing.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

MAX_ARRAY_ELEMENTS = 100_000  # the largest lab answer is a 50x50 image; generous headroom
MAX_CONTAINER_ITEMS = 1_000
MAX_STRING_CHARS = 10_000
MAX_DEPTH = 8
MAX_ENCODED_BYTES = 4_000_000

ARRAY_TAG, UNREADABLE_TAG, FLOAT_TAG = "__ndarray__", "__unreadable__", "__float__"


class AnswerTooLarge(ValueError):
    pass


def _unreadable(reason: str) -> dict:
    return {UNREADABLE_TAG: reason[:200]}


def _encode_float(value: float):
    return value if math.isfinite(value) else {FLOAT_TAG: repr(value)}


def _encode(value: Any, depth: int):
    if depth > MAX_DEPTH:
        return _unreadable("nested too deeply")
    if isinstance(value, Unreadable):  # what extraction could not read (e.g. the student's function raised)
        return _unreadable(value.reason)
    if value is None or isinstance(value, (bool, str)) and not isinstance(value, np.generic):
        if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
            return _unreadable(f"string of {len(value)} characters")
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _encode_float(float(value))
    if isinstance(value, dict):
        if len(value) > MAX_CONTAINER_ITEMS:
            return _unreadable(f"dict of {len(value)} items")
        return {str(key): _encode(item, depth + 1) for key, item in list(value.items())}
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_CONTAINER_ITEMS:
            return _unreadable(f"sequence of {len(value)} items")
        return [_encode(item, depth + 1) for item in value]
    return _encode_array(value)


def _encode_array(value: Any):
    """Numeric arrays, and anything numpy reads as one (TensorFlow tensors and variables)."""
    try:
        if hasattr(value, "numpy") and callable(value.numpy):
            value = value.numpy()
        array = np.asarray(value)
    except Exception as error:  # noqa: BLE001 - a student's object may raise anything
        return _unreadable(f"{type(value).__name__}: {error}")
    if array.dtype.kind not in "biuf":
        return _unreadable(f"{type(value).__name__} with dtype {array.dtype}")
    if array.size > MAX_ARRAY_ELEMENTS:
        return _unreadable(f"array of {array.size} elements")
    if array.ndim > MAX_DEPTH:
        return _unreadable(f"array of {array.ndim} dimensions")
    data = [_encode_float(float(v)) for v in array.astype(np.float64).ravel()]
    return {ARRAY_TAG: {"shape": list(array.shape), "dtype": str(array.dtype), "data": data}}


def encode(value: Any) -> str:
    """JSON text for ``value``; raises ``AnswerTooLarge`` past ``MAX_ENCODED_BYTES``."""
    try:
        text = json.dumps(_encode(value, 0), allow_nan=False, separators=(",", ":"))
    except Exception as error:  # noqa: BLE001 - student objects may raise from any dunder
        text = json.dumps(_unreadable(f"cannot encode: {type(error).__name__}"))
    if len(text) > MAX_ENCODED_BYTES:
        raise AnswerTooLarge(f"answer of {len(text)} bytes (limit {MAX_ENCODED_BYTES})")
    return text


class Unreadable:
    """Stands for a value that could not be extracted; ``reason`` says why."""

    def __init__(self, reason: str):
        self.reason = str(reason)[:200]

    def __repr__(self) -> str:
        return f"<unreadable: {self.reason}>"

    def __eq__(self, other) -> bool:
        return isinstance(other, Unreadable) and other.reason == self.reason


def _decode(value: Any, depth: int):
    if depth > MAX_DEPTH + 1:
        return Unreadable("nested too deeply")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, list):
        return [_decode(item, depth + 1) for item in value[:MAX_CONTAINER_ITEMS]]
    if isinstance(value, dict):
        if set(value) == {UNREADABLE_TAG}:
            return Unreadable(value[UNREADABLE_TAG])
        if set(value) == {FLOAT_TAG}:
            return float(value[FLOAT_TAG]) if value[FLOAT_TAG] in ("nan", "inf", "-inf") else Unreadable("bad float")
        if set(value) == {ARRAY_TAG}:
            return _decode_array(value[ARRAY_TAG])
        return {str(key): _decode(item, depth + 1) for key, item in list(value.items())[:MAX_CONTAINER_ITEMS]}
    return Unreadable(f"unexpected {type(value).__name__}")


def _array_shape(spec) -> tuple[int, ...] | None:
    """The declared shape, if it is a plain rank-bounded list of element counts within the cap.

    Checked before any arithmetic on it: a shape of a hundred thousand huge numbers would make
    even their product cost seconds (the big-integer product grows with every factor).
    """
    shape = spec.get("shape") if isinstance(spec, dict) else None
    if not isinstance(shape, list) or len(shape) > MAX_DEPTH:
        return None
    if not all(type(d) is int and 0 <= d <= MAX_ARRAY_ELEMENTS for d in shape):
        return None
    return tuple(shape)


def _decode_array(spec: Any):
    try:
        shape = _array_shape(spec)
        data = spec.get("data") if isinstance(spec, dict) else None
        if shape is None or not isinstance(data, list) or len(data) > MAX_ARRAY_ELEMENTS:
            return Unreadable("malformed array")
        if math.prod(shape) != len(data):
            return Unreadable("array data does not match its shape")
        values = data
        kinds = set(map(type, values))  # exact types: bool is not a number here
        if dict in kinds:
            values = [float(v[FLOAT_TAG]) if isinstance(v, dict) and v.get(FLOAT_TAG) in ("nan", "inf", "-inf")
                      else v for v in data]
            kinds = set(map(type, values))
        if not kinds <= {int, float}:
            return Unreadable("non-numeric array data")
        return np.array(values, dtype=np.float64).reshape(shape)
    except Exception as error:  # noqa: BLE001 - untrusted structure
        return Unreadable(f"malformed array: {error}")


def decode(text: str | bytes) -> Any:
    """Rebuild plain values and float64 arrays from ``encode``'s JSON (untrusted input)."""
    if len(text) > MAX_ENCODED_BYTES:
        raise AnswerTooLarge(f"answer of {len(text)} bytes (limit {MAX_ENCODED_BYTES})")
    try:
        return _decode(json.loads(text), 0)
    except (ValueError, RecursionError) as error:
        return Unreadable(f"not valid JSON: {error}")
