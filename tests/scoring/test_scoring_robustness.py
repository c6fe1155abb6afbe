"""No input, however odd or hostile, makes score_kernel raise."""

import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.scoring import coerce_kernel, describe_kernel, score_kernel

BEHAVIOURS = ("raise", "garbage", "self", "recursion", "text", "negative", "huge", "nan",
              "system_exit", "none", "two")
METHODS = ("__array__", "__len__", "__getitem__", "__float__", "numpy", "__iter__", "shape",
           "kernel", "get_weights", "__index__", "dtype")


def _act(behaviour):
    def act(self, *args, **kwargs):
        if behaviour == "raise":
            raise RuntimeError("hostile")
        if behaviour == "recursion":
            raise RecursionError("hostile")
        if behaviour == "system_exit":
            raise SystemExit(1)
        return {"garbage": object(), "self": self, "text": "x", "negative": -1,
                "huge": 10**30, "nan": float("nan"), "none": None, "two": 2}[behaviour]
    return act


def make_hostile(spec: dict):
    namespace = {}
    for method, behaviour in spec.items():
        act = _act(behaviour)
        namespace[method] = property(act) if method in ("shape", "kernel", "dtype") else act
    return type("Hostile", (), namespace)()


hostile_objects = st.dictionaries(st.sampled_from(METHODS), st.sampled_from(BEHAVIOURS),
                                  min_size=1, max_size=4).map(make_hostile)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5),
                    st.binary(max_size=5), st.complex_numbers())
nested = st.recursive(scalars | hostile_objects,
                      lambda children: st.lists(children, max_size=4)
                      | st.tuples(children, children), max_leaves=12)
arrays = hnp.arrays(dtype=hnp.scalar_dtypes(),
                    shape=hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=3))
anything = st.one_of(scalars, nested, arrays, hostile_objects,
                     st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=anything)
def test_score_kernel_never_raises_and_stays_in_range(value):
    verdict = score_kernel(value, language="en")
    assert 0.0 <= verdict.fraction <= 1.0
    assert verdict.problem != "internal_error"
    assert (verdict.kernel is None) == (verdict.problem is not None)
    json.dumps(verdict.to_dict())
    assert verdict.to_text()


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=anything)
def test_coerce_kernel_returns_a_finite_2x2_or_a_problem(value):
    coerced = coerce_kernel(value)
    if coerced.problem is None:
        assert coerced.kernel.shape == (2, 2) and np.isfinite(coerced.kernel).all()
    else:
        assert coerced.kernel is None


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=anything)
def test_describe_kernel_never_raises(value):
    assert isinstance(describe_kernel(value), str)


@settings(max_examples=30, deadline=None)
@given(values=st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64),
                       min_size=4, max_size=4))
def test_extreme_finite_values_score_without_overflow_trouble(values):
    verdict = score_kernel(np.reshape(values, (2, 2)), language="en")
    assert 0.0 <= verdict.fraction <= 1.0
    assert verdict.problem is None
