"""Valid 2D cross-correlation with a 2x2 kernel: what Keras' ``Conv2D`` computes in the lecture.

Keras' ``Conv2D(1, (2, 2), padding='valid', use_bias=False)`` with its kernel of shape
``(2, 2, 1, 1)`` holding ``K = [[a, b], [c, d]]`` maps an ``(H, W)`` single-channel image ``x``
to an ``(H-1, W-1)`` map with

    out[i, j] = a*x[i, j] + b*x[i, j+1] + c*x[i+1, j] + d*x[i+1, j+1]

(no kernel flip: deep-learning "convolution" is cross-correlation). Here it is four shifted
multiply-adds over a whole stack of images at once, with no TensorFlow involved.
"""

from __future__ import annotations

import numpy as np


def cross_correlate_valid(images: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Keras-equivalent valid cross-correlation of one image or a stack with a 2x2 kernel.

    Parameters
    ----------
    images : array_like
        ``(H, W)`` image or ``(n, H, W)`` stack, ``H, W >= 2``.
    kernel : array_like
        ``(2, 2)`` kernel ``[[a, b], [c, d]]`` (Keras' ``(2, 2, 1, 1)`` kernel squeezed).

    Returns
    -------
    numpy.ndarray
        ``(H-1, W-1)`` or ``(n, H-1, W-1)`` float64 response, equal (up to float rounding) to
        ``Conv2D(1, (2, 2), padding='valid', use_bias=False)`` with that kernel.

    Examples
    --------
    >>> x = np.array([[10., 10.], [0., 0.]])
    >>> cross_correlate_valid(x, [[-1, -1], [1, 1]])
    array([[-20.]])
    """
    x = np.asarray(images, dtype=np.float64)
    (a, b), (c, d) = np.asarray(kernel, dtype=np.float64).reshape(2, 2)
    top, bottom = x[..., :-1, :], x[..., 1:, :]
    out = a * top[..., :-1]
    out += b * top[..., 1:]
    out += c * bottom[..., :-1]
    out += d * bottom[..., 1:]
    return out


def window_stack(images: np.ndarray) -> np.ndarray:
    """The four shifted views of valid 2x2 windows, stacked: ``(4, ..., H-1, W-1)``.

    ``window_stack(x)[k]`` holds the pixel that kernel entry ``k`` (row-major: a, b, c, d)
    multiplies, so ``np.tensordot(kernel.ravel(), window_stack(x), axes=1)`` equals
    :func:`cross_correlate_valid`. Precomputing it once for a fixed battery turns every later
    correlation into a single matrix-vector product, which is what makes scoring fast.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(3, 3)
    >>> w = window_stack(x)
    >>> np.allclose(np.tensordot([1.0, 2.0, 3.0, 4.0], w, axes=1),
    ...             cross_correlate_valid(x, [[1, 2], [3, 4]]))
    True
    """
    x = np.asarray(images, dtype=np.float64)
    return np.stack([x[..., :-1, :-1], x[..., :-1, 1:], x[..., 1:, :-1], x[..., 1:, 1:]])
