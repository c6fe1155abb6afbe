"""The normal form the similarity check compares: what it ignores, what it keeps, and that no
text a student can type makes it fail. Pure functions on strings: milliseconds each."""

from __future__ import annotations

from textwrap import dedent

import pytest

from autograder.report.code_form import NAME, bound_names, module_bindings, normal_form, parse_cell

GIVEN = frozenset({"np", "tf", "tnp", "XXX"})


def form(source: str) -> list[str]:
    cell = parse_cell(dedent(source))
    return [token.text for token in normal_form(cell, bound_names(cell) - GIVEN)]


SET_FILTERS = """
    w0 = [[0.25, 0.25], [0.25, 0.25]]
    w1 = [[-1.0, 1.0], [-1.0, 1.0]]
    w = np.stack([w0, w1], axis=-1).reshape(2, 2, 1, 2)
    b = np.zeros(2)
    conv.set_weights([w, b])
    XXX0 = conv(XXX)[..., 0]
    XXX1 = conv(XXX)[..., 1]
"""


def test_renamed_variables_give_the_same_form():
    renamed = (SET_FILTERS.replace("w0", "mean_f").replace("w1", "edge_f").replace("w =", "kern =")
               .replace("[w, b]", "[kern, bias]").replace("b =", "bias ="))
    assert renamed != SET_FILTERS
    assert form(renamed) == form(SET_FILTERS)


def test_independent_statements_in_another_order_give_the_same_form():
    reordered = """
        b = np.zeros(2)
        w1 = [[-1.0, 1.0], [-1.0, 1.0]]
        w0 = [[0.25, 0.25], [0.25, 0.25]]
        w = np.stack([w0, w1], axis=-1).reshape(2, 2, 1, 2)
        conv.set_weights([w, b])
        XXX1 = conv(XXX)[..., 1]
        XXX0 = conv(XXX)[..., 0]
    """
    assert form(reordered) == form(SET_FILTERS)


def test_identical_statements_in_another_order_give_the_same_form():
    # Two statements with the same form: which comes first must not change what follows.
    first = "a = 6 * 6\nb = 5 * 5\nc = 8\nd = a * b\n"
    second = "a = 6 * 6\nc = 8\nb = 5 * 5\nd = a * b\n"
    assert form(first) == form(second)


def test_dependent_statements_keep_their_order():
    before = "conv = tf.keras.layers.Conv2D(2, 2)\nn = len(conv.weights)\nconv(XXX)\nm = len(conv.weights)\n"
    after = "conv = tf.keras.layers.Conv2D(2, 2)\nconv(XXX)\nn = len(conv.weights)\nm = len(conv.weights)\n"
    assert form(before) != form(after)


def test_comments_blank_lines_layout_and_literals_are_ignored():
    rewritten = """
        # 필터 두 개
        w0 = [[1 / 4, 1 / 4],
              [1 / 4, 1 / 4]]   # 평균

        w1 = [[-2.0, 2.0], [-2.0, 2.0]]
        w = np.stack([w0, w1], axis=-1).reshape(2, 2, 1, 2)
        b = np.zeros(7)
        conv.set_weights([w, b])
        XXX0 = conv(XXX)[..., 0]
        XXX1 = conv(XXX)[..., 1]
    """
    assert form(rewritten) == form(SET_FILTERS)


def test_another_library_call_is_another_form():
    concatenated = SET_FILTERS.replace("np.stack([w0, w1], axis=-1).reshape(2, 2, 1, 2)",
                                       "np.concatenate([np.array(w0).reshape(2, 2, 1, 1), "
                                       "np.array(w1).reshape(2, 2, 1, 1)], axis=-1)")
    assert form(concatenated) != form(SET_FILTERS)


def test_a_loop_and_a_comprehension_are_different_forms():
    loop = "out = []\nfor i in range(4):\n    out.append(i * i)\n"
    comprehension = "out = [i * i for i in range(4)]\n"
    assert form(loop) != form(comprehension)


def test_chosen_names_become_one_placeholder_and_given_names_stay():
    tokens = form("kern = np.zeros(2)\nXXX0 = conv(XXX)\n")
    assert tokens.count(NAME) == 2  # kern and XXX0, bound here; conv is bound elsewhere
    assert {"N:np", "N:XXX", "N:conv", "A:zeros"} <= set(tokens)


def test_docstrings_are_dropped_like_comments():
    assert form('def f(x):\n    """Say what."""\n    return x\n') == form("def g(y):\n    return y\n")


def test_ipython_lines_are_blanked():
    assert form("%matplotlib inline\n!pip list\nx = np.zeros(3)\n") == form("x = np.zeros(3)\n")


def test_tokens_remember_the_lines_of_their_statement():
    cell = parse_cell("a = 1\n\nb = np.zeros(\n    3)\n")
    lines = {token.text: (token.first_line, token.last_line) for token in normal_form(cell, {"a", "b"})}
    assert lines["A:zeros"] == (3, 4)


def test_code_that_does_not_parse_gets_a_lexical_form():
    cell = parse_cell("x = np.zeros((2, 2)\ny = x.sum(")
    assert cell.tree is None
    tokens = [token.text for token in normal_form(cell, {"x", "y"})]
    assert tokens[:4] == [NAME, "=", "N:np", "."] and "A:zeros" in tokens and "L" in tokens


def test_the_same_broken_code_renamed_gives_the_same_form():
    assert form("x = foo(1)\nfor i, j in x:\n    y = i +\n") == form("z = foo(2)\nfor p, q in z:\n    w = p +\n")


@pytest.mark.parametrize("hostile", [
    "(" * 5000 + ")" * 5000,
    "x = " + " + ".join(["a"] * 20000),
    "a\x00b = 1",
    "'''" + "never closed",
    "def f(:\n" * 300,
    "\n".join(f"v{i} = v{i - 1} + 1" for i in range(1, 3000)),
    "if True:\n" + "".join(" " * i + "if True:\n" for i in range(1, 90)) + " " * 90 + "pass\n",
])
def test_no_text_makes_the_normal_form_fail(hostile):
    cell = parse_cell(hostile)
    assert isinstance(normal_form(cell, bound_names(cell)), tuple)


def test_module_bindings_are_the_names_later_cells_may_use():
    cell = parse_cell("import numpy as np\nX = 1\nfor a in []:\n    pass\ndef f(p):\n    inner = p\n")
    assert module_bindings(cell) == {"np", "X", "a", "f"}
