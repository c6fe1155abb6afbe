"""Reading what students actually write for a 2x2 filter, and rejecting the rest precisely."""

import numpy as np
import pytest

from autograder.scoring import coerce_kernel, score_kernel
from autograder.scoring.kernel_input import PROBLEM_CODES

PLAIN = [[-1, -1], [1, 1]]


class FakeTensor:
    """Duck-types a tf.Tensor / tf.Variable / Keras variable: ``.shape`` and ``.numpy()``."""

    def __init__(self, array):
        self._array = np.asarray(array)
        self.shape = self._array.shape

    def numpy(self):
        return self._array


class FakeConv2D:
    """Duck-types a built Keras ``Conv2D(1, (2, 2))`` layer."""

    def __init__(self, kernel):
        self.kernel = FakeTensor(np.reshape(kernel, (2, 2, 1, 1)).astype(np.float32))


class FakeLayerWithWeightsOnly:
    def __init__(self, weights):
        self._weights = weights

    def get_weights(self):
        return self._weights


class ArrayLike:
    def __init__(self, array):
        self._array = np.asarray(array)

    def __array__(self, dtype=None, copy=None):
        return self._array


class HugeTensor:
    """A tensor that must not be converted: its shape alone says it is wrong."""

    shape = (10**6, 10**6)

    def numpy(self):
        raise AssertionError("converted a huge tensor")

    def __array__(self, *args, **kwargs):
        raise AssertionError("converted a huge tensor")


class Raising:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")

    def __len__(self):
        raise RuntimeError("no")

    def __getitem__(self, index):
        raise RuntimeError("no")


ACCEPTED_FORMS = {
    "nested list": PLAIN,
    "nested tuple": ((-1, -1), (1, 1)),
    "floats": [[-1.0, -1.0], [1.0, 1.0]],
    "int64 array": np.array(PLAIN),
    "uint8-made array": np.array(PLAIN, dtype=np.int8),
    "float32 array": np.array(PLAIN, dtype=np.float32),
    "float16 array": np.array(PLAIN, dtype=np.float16),
    "channel axis (2, 2, 1)": np.reshape(PLAIN, (2, 2, 1)),
    "keras kernel (2, 2, 1, 1)": np.reshape(PLAIN, (2, 2, 1, 1)),
    "keras kernel as nested list": np.reshape(PLAIN, (2, 2, 1, 1)).tolist(),
    "list of arrays": [np.array([-1, -1]), np.array([1, 1])],
    "numpy scalars": [[np.float32(-1), np.int64(-1)], [np.float64(1), 1]],
    "object with .numpy()": FakeTensor(np.reshape(PLAIN, (2, 2, 1, 1))),
    "object with __array__": ArrayLike(PLAIN),
    "keras layer with .kernel": FakeConv2D(PLAIN),
    "keras layer with get_weights()": FakeLayerWithWeightsOnly(
        [np.reshape(PLAIN, (2, 2, 1, 1)), np.zeros(1)]),
    "object dtype array": np.array(PLAIN, dtype=object),
    "ndarray subclass": np.ma.masked_array(PLAIN),
}


@pytest.mark.parametrize("form", list(ACCEPTED_FORMS), ids=list(ACCEPTED_FORMS))
def test_accepted_form_reads_as_the_plain_2x2_list(form):
    coerced = coerce_kernel(ACCEPTED_FORMS[form])
    assert coerced.problem is None
    assert coerced.kernel.dtype == np.float64 and coerced.kernel.shape == (2, 2)
    np.testing.assert_array_equal(coerced.kernel, PLAIN)


@pytest.mark.parametrize("form", list(ACCEPTED_FORMS), ids=list(ACCEPTED_FORMS))
def test_accepted_form_scores_like_the_plain_2x2_list(form):
    expected = score_kernel(PLAIN, language="en").to_dict()
    assert score_kernel(ACCEPTED_FORMS[form], language="en").to_dict() == expected


def _self_containing_list():
    outer = []
    outer.append(outer)
    return outer


def _endless():
    while True:
        yield 1.0


REJECTED_FORMS = {
    "None": (None, "missing"),
    "string": ("[[-1, -1], [1, 1]]", "text"),
    "bytes": (b"\x00\x01", "text"),
    "strings inside": ([["-1", "-1"], ["1", "1"]], "text"),
    "ragged": ([[-1, -1], [1]], "ragged"),
    "booleans": ([[True, False], [False, True]], "not_numeric"),
    "bool array": (np.eye(2, dtype=bool), "not_numeric"),
    "None inside": ([[None, 1], [1, 1]], "not_numeric"),
    "dict": ({"a": 1}, "not_numeric"),
    "complex": ([[1j, 0], [0, 1]], "complex"),
    "complex array": (np.eye(2, dtype=complex), "complex"),
    "3x3": (np.ones((3, 3)), "wrong_shape"),
    "flat four": ([-1, -1, 1, 1], "wrong_shape"),
    "scalar": (5, "wrong_shape"),
    "rgb filter (2, 2, 3, 1)": (np.ones((2, 2, 3, 1)), "wrong_shape"),
    "two filters (2, 2, 1, 2)": (np.ones((2, 2, 1, 2)), "several_filters"),
    "nan": ([[np.nan, 1], [1, 1]], "not_finite"),
    "inf": (np.array([[np.inf, 1], [1, 1]]), "not_finite"),
    "overflowing int": ([[10**400, 1], [1, 1]], "not_finite"),
    "hostile object": (Raising(), "unreadable"),
    "huge tensor": (HugeTensor(), "wrong_shape"),
    "endless generator": (_endless(), "too_large"),
    "self-containing list": (_self_containing_list(), "wrong_shape"),
    "unbuilt layer": (FakeLayerWithWeightsOnly([]), "layer_not_built"),
}


@pytest.mark.parametrize("form", list(REJECTED_FORMS), ids=list(REJECTED_FORMS))
def test_rejected_form_gets_zero_and_its_problem_code(form):
    value, problem = REJECTED_FORMS[form]
    verdict = score_kernel(value, language="en")
    assert verdict.fraction == 0.0
    assert verdict.problem == problem
    assert verdict.kernel is None
    assert verdict.messages and verdict.messages[0]


@pytest.mark.parametrize("value, shape", [(np.ones((3, 3)), "(3, 3)"),
                                          (np.ones((2, 2, 1, 2)), "(2, 2, 1, 2)"),
                                          (HugeTensor(), "(1000000, 1000000)"),
                                          ([1, 2, 3, 4], "(4,)")])
def test_shape_message_names_the_received_shape_and_the_expected_one(value, shape):
    text = score_kernel(value, language="en").messages[0]
    assert shape in text
    assert "2x2" in text


def test_wrong_shape_message_lists_the_accepted_shapes():
    text = score_kernel(np.ones((3, 3)), language="en").messages[0]
    assert "got shape (3, 3)" in text.lower()
    assert "(2, 2, 1, 1)" in text


def test_every_problem_code_is_listed():
    for form in REJECTED_FORMS.values():
        assert form[1] in PROBLEM_CODES


def test_coerced_kernel_is_a_fresh_read_only_copy():
    source = np.array(PLAIN, dtype=float)
    kernel = coerce_kernel(source).kernel
    source[0, 0] = 99
    assert kernel[0, 0] == -1
    assert not kernel.flags.writeable


@pytest.mark.timeout(30)
def test_a_shape_that_never_stops_iterating_is_rejected_quickly():
    class EndlessShape:
        def __getitem__(self, index):  # iterates forever: never raises IndexError
            return 2

    class Tensorish:
        shape = EndlessShape()

    assert coerce_kernel(Tensorish()).problem is not None
