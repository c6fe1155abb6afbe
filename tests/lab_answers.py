"""Honest lab answers, written many ways: what a class of students who did not copy hands in.

:class:`LabWriter` writes one student's nine answer cells of ``week12-lab/conv_lab.ipynb`` (and
sometimes a cell or two of their own) from a seeded ``random.Random``. Each answer is put
together from independent choices that change the *structure* of the code, because names,
numbers, comments, layout and the order of independent statements are what a similarity check
ignores: which library call (``np.concatenate`` / ``np.stack`` / slice assignment), helper
variables or not, a loop or a comprehension or vectorised code, keyword or positional
arguments, a helper function, a Keras layer or the formula. Names come from pools (recorded in
``chosen``, so that a copier can rename exactly the names the student chose), and the short
lines everyone writes alike (``conv.set_weights([w, b])``, ``keeps_edge = {...}``) are among
the choices, often the most likely one. A student has a few habits (numpy or TensorFlow first,
helper variables, printing) that tilt several answers the same way, as real students do.
"""

from __future__ import annotations

import random
from textwrap import dedent, indent

NAME_POOLS = {
    "left": ("_X1", "left", "bright", "left_half", "l_part", "img_l", "a_half"),
    "right": ("_X2", "right", "dark", "right_half", "r_part", "img_r", "b_half"),
    "noise": ("_noise", "noise", "eps", "jitter", "gauss", "rand_part"),
    "rng": ("rng", "gen", "g", "random_gen", "my_rng"),
    "image": ("img", "image0", "base", "arr", "step", "canvas", "pic"),
    "out": ("out", "y", "result", "res", "feat", "fmap", "output"),
    "kernel": ("w", "W", "weights", "kernels", "filt", "k_all"),
    "bias": ("b", "bias", "bias0", "zeros_b", "b_vec"),
    "mean": ("w0", "mean_f", "avg_filter", "m", "box"),
    "edge": ("w1", "edge_f", "edge_filter", "e", "sobel"),
    "fn": ("apply", "run_conv", "conv_again", "twice_of", "stack_filter", "do_conv"),
    "arg": ("src", "inp", "x_in", "feature", "im"),
    "ch": ("ch", "channel", "c", "idx", "j"),
    "layer": ("layer", "lay", "c2", "probe", "tmp_layer", "cnn"),
    "shape": ("shapes", "out_shapes", "sizes", "shape_list"),
    "x": ("x", "t", "h_val", "cur", "z"),
    "count": ("n_in", "inputs", "in_size", "n_inputs"),
    "units": ("n_out", "outputs", "out_size", "n_units"),
    "ij": ("i", "r", "row", "ii"),
    "jj": ("j", "q", "col_i", "jx"),
    "pooled": ("pooled", "res_p", "small", "down"),
    "names": ("names", "kinds", "labels", "filters_names"),
    "inputs": ("inputs", "sources", "feature_maps", "maps"),
}
COMMENTS = ("# 왼쪽은 밝고 오른쪽은 어둡게", "# 잡음 추가", "# 가중치 확인", "# 필터 설정", "# 두 번 적용",
            "# 풀링", "# 모양 확인", "# shape check", "# TODO 다시 보기", "# 강의 노트 참고", "# 채널 0: 평균",
            "# bias는 0", "# 파라미터 개수", "# 층 쌓기")


class LabWriter:
    """One honest student: ``answers()`` gives cell id -> source, ``other_cells()`` their own cells."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.chosen: set[str] = set()
        self.names: dict[str, str] = {}
        self.numpy_first = rng.random() < 0.6
        self.helpers = rng.random() < 0.5  # likes intermediate variables
        self.prints = rng.random() < 0.35
        self.comments = rng.random() < 0.5
        self.keywords = rng.random() < 0.5

    def pick(self, *options):
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def name(self, concept: str) -> str:
        if concept not in self.names:
            self.names[concept] = self.rng.choice(NAME_POOLS[concept])
            self.chosen.add(self.names[concept])
        return self.names[concept]

    def comment(self) -> str:
        return self.pick(*COMMENTS) + "\n" if self.comments and self.chance(0.4) else ""

    def answers(self) -> dict[str, str]:
        cells = {"step_image": self.step_image, "lazy_weights": self.lazy_weights, "set_filters": self.set_filters,
                 "stacked_filters": self.stacked_filters, "keeps_edge": self.keeps_edge,
                 "stride_padding": self.stride_padding, "pooling": self.pooling,
                 "parameter_sharing": self.parameter_sharing, "basic_unit": self.basic_unit}
        return {cell: write().strip("\n") + "\n" for cell, write in cells.items()}

    # --- 1. the step image ------------------------------------------------------------------

    def _noise(self) -> tuple[str, str]:
        """(statements, expression) of the lecture's seeded noise."""
        draw = self.pick("standard_normal((50, 50))", "normal(0, 1, (50, 50))", "normal(size=(50, 50))")
        if self.helpers:
            rng, noise = self.name("rng"), self.name("noise")
            return f"{rng} = np.random.default_rng(STEP_IMAGE_SEED)\n{noise} = {rng}.{draw}\n", noise
        return "", f"np.random.default_rng(STEP_IMAGE_SEED).{draw}"

    def _to_batch(self, value: str) -> str:
        return self.pick(f"{value}.reshape(1, 50, 50, 1)", f"np.reshape({value}, (1, 50, 50, 1))",
                         f"{value}[np.newaxis, :, :, np.newaxis]", f"{value}[None, ..., None]",
                         f"tf.reshape({value}, [1, 50, 50, 1])", f"np.expand_dims(np.expand_dims({value}, 0), -1)")

    def step_image(self) -> str:
        noise_code, noise = self._noise()
        image = self.name("image")
        how = self.pick("concat", "fill", "loop", "where", "helper") if self.numpy_first else \
            self.pick("concat", "concat", "fill", "helper")
        if how == "helper":
            wrap = self.pick("tnp.asarray", "tf.constant", "np.asarray")
            return self.comment() + f"XXX = {wrap}(lecture_step_image()).reshape(1, 50, 50, 1)\n"
        if how == "concat":
            left, right = self.name("left"), self.name("right")
            ones = self.pick("tnp.ones([50, 25]) * 10", "np.full((50, 25), 10.0)", "10 * np.ones((50, 25))")
            zeros = self.pick("tnp.zeros([50, 25])", "np.zeros((50, 25))", "np.zeros_like(" + left + ")")
            join = self.pick(f"tf.concat([{left}, {right}], axis=1)", f"np.concatenate([{left}, {right}], axis=1)",
                             f"np.hstack([{left}, {right}])", f"np.hstack(({left}, {right}))")
            body = f"{left} = {ones}\n{right} = {zeros}\n{image} = {join}\n"
        elif how == "fill":
            body = f"{image} = np.zeros((50, 50))\n{image}[:, {self.pick(':25', '0:25')}] = 10\n"
        elif how == "loop":
            i, j = self.name("ij"), self.name("jj")
            body = f"{image} = np.zeros((50, 50))\n" + self.pick(
                f"for {i} in range(50):\n    for {j} in range(25):\n        {image}[{i}, {j}] = 10.0\n",
                f"for {j} in range(25):\n    {image}[:, {j}] = 10\n")
        else:
            body = self.pick(f"{image} = np.tile(np.where(np.arange(50) < 25, 10.0, 0.0), (50, 1))\n",
                             f"{image} = np.where(np.arange(50)[None, :] < 25, 10.0, 0.0) * np.ones((50, 1))\n")
        body += noise_code
        if self.chance(0.5):
            body += f"{image} = {image} + {noise}\n"
            final = self._to_batch(image)
        else:
            final = self._to_batch(f"({image} + {noise})")
        convert = self.pick("", "tf.constant", "tf.convert_to_tensor", "tnp.asarray")
        line = f"XXX = {convert}({final})\n" if convert else f"XXX = {final}\n"
        if self.prints:
            line += "print(XXX.shape)\n"
        return self.comment() + body + self.comment() + line

    # --- 2. when Conv2D makes its weights ------------------------------------------------------

    def _count(self) -> str:
        return self.pick("len(conv.weights)", "len(conv.get_weights())", "len(conv.trainable_weights)",
                         "len(conv.variables)")

    def lazy_weights(self) -> str:
        layer = self.pick("tf.keras.layers.Conv2D(2, (2, 2))", "tf.keras.layers.Conv2D(filters=2, kernel_size=(2, 2))",
                          "tf.keras.layers.Conv2D(2, kernel_size=2)", "tf.keras.layers.Conv2D(2, 2)")
        code = ""
        if self.chance(0.25):
            code, layer = "from tensorflow.keras.layers import Conv2D\n", layer.replace("tf.keras.layers.", "")
        out = self.name("out")
        build = self.pick("conv(XXX)", f"{out} = conv(XXX)", "_ = conv(XXX)", "conv.build(XXX.shape)",
                          "conv.build((1, 50, 50, 1))")
        code += f"conv = {layer}\nn_weights_before = {self._count()}\n{build}\n"
        if self.prints and build.startswith(out):
            code += f"print({out}.shape)\n"
        code += f"n_weights_after = {self._count()}\n"
        how = self.pick("weights", "kernel", "get", "unpack", "as_list")
        if how == "weights":
            code += "kernel_shape = tuple(conv.weights[0].shape)\nbias_shape = tuple(conv.weights[1].shape)\n"
        elif how == "kernel":
            code += "kernel_shape = tuple(conv.kernel.shape)\nbias_shape = tuple(conv.bias.shape)\n"
        elif how == "get":
            code += "kernel_shape = conv.get_weights()[0].shape\nbias_shape = conv.get_weights()[1].shape\n"
        elif how == "unpack":
            w, b = self.name("kernel"), self.name("bias")
            code += f"{w}, {b} = conv.get_weights()\nkernel_shape = {w}.shape\nbias_shape = {b}.shape\n"
        else:
            code += "kernel_shape = tuple(conv.weights[0].shape.as_list())\nbias_shape = tuple(conv.weights[1].shape.as_list())\n"
        if self.prints:
            code += self.pick("print(n_weights_before, n_weights_after)\n", "print(kernel_shape, bias_shape)\n")
        return self.comment() + code

    # --- 3. a mean and an edge filter -----------------------------------------------------------

    def set_filters(self) -> str:
        mean, edge, w, b = self.name("mean"), self.name("edge"), self.name("kernel"), self.name("bias")
        code = self.comment()
        code += f"{mean} = " + self.pick("[[0.25, 0.25], [0.25, 0.25]]", "np.full((2, 2), 0.25)", "np.ones((2, 2)) / 4",
                                         "np.array([[1, 1], [1, 1]]) / 4") + "\n"
        code += f"{edge} = " + self.pick("[[-1.0, 1.0], [-1.0, 1.0]]", "np.array([[-1, 1], [-1, 1]], dtype=float)",
                                         "np.tile([-1.0, 1.0], (2, 1))", "np.array([[-1.0, 1.0]] * 2)") + "\n"
        how = self.pick("concat", "stack", "slots", "dstack", "transpose")
        if how == "concat":
            code += (f"{w} = np.concatenate([np.array({mean}).reshape(2, 2, 1, 1), "
                     f"np.array({edge}).reshape(2, 2, 1, 1)], axis=-1)\n")
        elif how == "stack":
            code += f"{w} = np.stack([{mean}, {edge}], axis=-1).reshape(2, 2, 1, 2)\n"
        elif how == "slots":
            code += f"{w} = np.zeros((2, 2, 1, 2))\n{w}[:, :, 0, 0] = {mean}\n{w}[:, :, 0, 1] = {edge}\n"
        elif how == "dstack":
            code += f"{w} = np.dstack([{mean}, {edge}])[:, :, np.newaxis, :]\n"
        else:
            code += f"{w} = np.array([{mean}, {edge}]).transpose(1, 2, 0).reshape(2, 2, 1, 2)\n"
        code += f"{b} = " + self.pick("np.zeros(2)", "np.array([0.0, 0.0])", "np.zeros((2,))", "np.zeros([2])") + "\n"
        if self.chance(0.8):
            code += f"conv.set_weights([{w}, {b}])\n"
        else:
            code += f"conv.kernel.assign({w})\nconv.bias.assign({b})\n"
        out = self.name("out")
        how = self.pick("direct", "once", "once_index", "tuple", "squeeze")
        if how == "direct":
            code += "XXX0 = conv(XXX)[..., 0]\nXXX1 = conv(XXX)[..., 1]\n"
        elif how == "once":
            code += f"{out} = conv(XXX)\nXXX0 = {out}[..., 0]\nXXX1 = {out}[..., 1]\n"
        elif how == "once_index":
            code += f"{out} = conv(XXX)\nXXX0 = {out}[0, :, :, 0]\nXXX1 = {out}[0, :, :, 1]\n"
        elif how == "tuple":
            code += f"{out} = conv(XXX)\nXXX0, XXX1 = {out}[..., 0], {out}[..., 1]\n"
        else:
            code += f"{out} = conv(XXX)\nXXX0 = tf.squeeze({out}[..., 0])\nXXX1 = tf.squeeze({out}[..., 1])\n"
        if self.prints:
            code += "print(XXX0.shape, XXX1.shape)\n"
        return code

    # --- 4. filters twice -----------------------------------------------------------------------

    def _as_batch(self, value: str) -> str:
        return self.pick(f"{value}.reshape(1, 49, 49, 1)", f"tf.reshape({value}, (1, 49, 49, 1))",
                         f"np.reshape({value}, (1, 49, 49, 1))")

    def _as_map(self, value: str) -> str:
        return self.pick(f"{value}.reshape(48, 48)", f"tf.reshape({value}, (48, 48))", f"np.squeeze({value})")

    def stacked_filters(self) -> str:
        keys = ("mean->mean", "mean->edge", "edge->mean", "edge->edge")

        def source(key):
            return "XXX0" if key.startswith("mean") else "XXX1"

        def channel(key):
            return int(key.endswith("edge"))

        how = self.pick("literal", "literal", "helper", "loop", "comprehension", "precomputed")
        if how == "literal":
            rows = [f'    "{key}": ' + self._as_map(f"conv({self._as_batch(source(key))})[..., {channel(key)}]") + ","
                    for key in keys]
            return self.comment() + "twice = {\n" + "\n".join(rows) + "\n}\n"
        if how == "helper":
            fn, arg, ch = self.name("fn"), self.name("arg"), self.name("ch")
            value = self._as_map(f"conv({self._as_batch(arg)})[..., {ch}]")
            calls = [f'    "{key}": {fn}({source(key)}, {channel(key)}),' for key in keys]
            return f"def {fn}({arg}, {ch}):\n    return {value}\n\n\ntwice = {{\n" + "\n".join(calls) + "\n}\n"
        inputs, names, ch = self.name("inputs"), self.name("names"), self.name("ch")
        if how == "loop":
            out, arg = self.name("out"), self.name("arg")
            target = self._as_map(f"{out}[..., {ch}]")
            return (f'{inputs} = {{"mean": XXX0, "edge": XXX1}}\ntwice = {{}}\n'
                    f"for {arg}, value in {inputs}.items():\n"
                    f"    {out} = conv({self._as_batch('value')})\n"
                    f'    for {ch}, target in enumerate(["mean", "edge"]):\n'
                    f'        twice[f"{{{arg}}}->{{target}}"] = {target}\n')
        if how == "comprehension":
            value = self._as_map("conv(" + self._as_batch(inputs + "[a]") + f")[..., {names}.index(b)]")
            return (f'{inputs} = {{"mean": XXX0, "edge": XXX1}}\n{names} = ["mean", "edge"]\n'
                    f'twice = {{f"{{a}}->{{b}}": {value}\n         for a in {names} for b in {names}}}\n')
        y0, y1 = self.name("out") + "0", self.name("out") + "1"
        self.chosen.update((y0, y1))
        rows = []
        for key in keys:
            value = self._as_map(f"{y0 if key.startswith('mean') else y1}[..., {channel(key)}]")
            rows.append(f'    "{key}": {value},')
        return (f"{y0} = conv({self._as_batch('XXX0')})\n{y1} = conv({self._as_batch('XXX1')})\ntwice = {{\n"
                + "\n".join(rows) + "\n}\n")

    # --- 4-2. which compositions keep the edge ----------------------------------------------------

    def keeps_edge(self) -> str:
        scaffold = ('keeps_edge = {\n    "mean->mean": None,\n    "mean->edge": None,\n    "edge->mean": None,\n'
                    '    "edge->edge": None,\n}\n')
        values = dict(zip(("mean->mean", "mean->edge", "edge->mean", "edge->edge"),
                          self.pick((False, True, True, True), (False, True, True, True), (False, True, True, False),
                                    (True, True, True, True))))
        how = self.pick("literal", "literal", "items", "update", "zip")
        if how == "literal":
            return scaffold + "keeps_edge = {" + ", ".join(f'"{k}": {v}' for k, v in values.items()) + "}\n"
        if how == "items":
            return scaffold + "".join(f'keeps_edge["{k}"] = {v}\n' for k, v in values.items())
        if how == "update":
            return scaffold + "keeps_edge.update({" + ", ".join(f'"{k}": {v}' for k, v in values.items()) + "})\n"
        return scaffold + (f"keeps_edge = dict(zip(keeps_edge, [{', '.join(map(str, values.values()))}]))\n")

    # --- 5. stride and padding ----------------------------------------------------------------------

    def stride_padding(self) -> str:
        same = self.pick("-(-n // stride)", "math.ceil(n / stride)", "(n + stride - 1) // stride")
        valid = self.pick("(n - k) // stride + 1", "math.floor((n - k) / stride) + 1", "int((n - k) / stride) + 1")
        how = self.pick("early", "else", "ternary", "elif")
        if how == "early":
            body = f'    if padding == "same":\n        return {same}\n    return {valid}\n'
        elif how == "else":
            body = f'    if padding == "valid":\n        return {valid}\n    else:\n        return {same}\n'
        elif how == "ternary":
            body = f'    return {same} if padding == "same" else {valid}\n'
        else:
            body = (f'    if padding == "valid":\n        return {valid}\n    elif padding == "same":\n        return {same}\n'
                    f'    raise ValueError(padding)\n')
        code = ("import math\n\n" if "math." in body else "") + \
            f'def conv_output_size(n, k, stride=1, padding="valid"):\n{body}\n'
        layer = self.name("layer")
        how = self.pick("inline", "layers", "as_list", "formula")
        if how == "inline":
            code += ('shape_stride2 = tuple(tf.keras.layers.Conv2D(1, (2, 2), strides=2)(XXX).shape)\n'
                     'shape_same = tuple(tf.keras.layers.Conv2D(1, (2, 2), padding="same")(XXX).shape)\n')
        elif how == "layers":
            code += (f"{layer}_s = tf.keras.layers.Conv2D(1, (2, 2), strides=(2, 2))\n"
                     f'{layer}_p = tf.keras.layers.Conv2D(1, (2, 2), padding="same")\n'
                     f"shape_stride2 = tuple({layer}_s(XXX).shape)\nshape_same = tuple({layer}_p(XXX).shape)\n")
            self.chosen.update((f"{layer}_s", f"{layer}_p"))
        elif how == "as_list":
            code += ("shape_stride2 = tuple(tf.keras.layers.Conv2D(1, 2, strides=2)(XXX).shape.as_list())\n"
                     'shape_same = tuple(tf.keras.layers.Conv2D(1, 2, padding="same")(XXX).shape.as_list())\n')
        else:
            code += ("shape_stride2 = (1, conv_output_size(50, 2, 2), conv_output_size(50, 2, 2), 1)\n"
                     'shape_same = (1, conv_output_size(50, 2, 1, "same"), conv_output_size(50, 2, 1, "same"), 1)\n')
        return code

    # --- 6. pooling ------------------------------------------------------------------------------

    def _pool_body(self, how: str, reduce: str) -> str:
        np_reduce = {"max": "np.max", "mean": "np.mean"}[reduce]
        ij, jj, out = self.name("ij"), self.name("jj"), self.name("pooled")
        start = self.pick("image = np.asarray(image)\n", "image = np.array(image, dtype=float)\n", "")
        if how == "reshape":
            shape = self.pick("h, w = image.shape\n", "h = image.shape[0]\nw = image.shape[1]\n")
            tail = self.pick(f"image.reshape(h // 2, 2, w // 2, 2).{reduce}(axis=(1, 3))",
                             f"{np_reduce}(image.reshape(h // 2, 2, w // 2, 2), axis=(1, 3))",
                             f"image.reshape(h // 2, 2, w // 2, 2).{reduce}(axis=3).{reduce}(axis=1)")
            return start + shape + f"return {tail}\n"
        if how == "slices":
            parts = "[image[0::2, 0::2], image[0::2, 1::2], image[1::2, 0::2], image[1::2, 1::2]]"
            if reduce == "mean" and self.chance(0.5):
                return start + "return (image[0::2, 0::2] + image[0::2, 1::2] + image[1::2, 0::2] + image[1::2, 1::2]) / 4\n"
            return start + f"return {np_reduce}({parts}, axis=0)\n"
        if how == "loops":
            return start + (f"h, w = image.shape\n{out} = np.zeros((h // 2, w // 2))\n"
                            f"for {ij} in range(0, h, 2):\n    for {jj} in range(0, w, 2):\n"
                            f"        {out}[{ij} // 2, {jj} // 2] = image[{ij}:{ij} + 2, {jj}:{jj} + 2].{reduce}()\n"
                            f"return {out}\n")
        if how == "index_loops":
            return start + (f"{out} = np.zeros((image.shape[0] // 2, image.shape[1] // 2))\n"
                            f"for {ij} in range({out}.shape[0]):\n    for {jj} in range({out}.shape[1]):\n"
                            f"        {out}[{ij}, {jj}] = {np_reduce}(image[2 * {ij}:2 * {ij} + 2, 2 * {jj}:2 * {jj} + 2])\n"
                            f"return {out}\n")
        if how == "comprehension":
            return start + (f"return np.array([[image[{ij}:{ij} + 2, {jj}:{jj} + 2].{reduce}() "
                            f"for {jj} in range(0, image.shape[1], 2)]\n"
                            f"                 for {ij} in range(0, image.shape[0], 2)])\n")
        pool = {"max": "tf.nn.max_pool2d", "mean": "tf.nn.avg_pool2d"}[reduce]
        return (f"x4 = tf.reshape(tf.cast(image, tf.float32), (1, *np.shape(image), 1))\n"
                f'return {pool}(x4, 2, 2, "VALID")[0, :, :, 0].numpy()\n')

    def pooling(self) -> str:
        how = self.pick("reshape", "slices", "loops", "index_loops", "comprehension", "tf")
        other = how if self.chance(0.7) else self.pick("reshape", "slices", "loops", "comprehension")
        code = (f"def max_pool_2x2(image):\n{indent(self._pool_body(how, 'max'), '    ')}\n"
                f"def avg_pool_2x2(image):\n{indent(self._pool_body(other, 'mean'), '    ')}\n")
        how = self.pick("pool_size", "positional", "alias", "nn", "layers")
        if how == "pool_size":
            code += ("pooled_max_keras = tf.keras.layers.MaxPooling2D(pool_size=(2, 2))(XXX)\n"
                     "pooled_avg_keras = tf.keras.layers.AveragePooling2D(pool_size=(2, 2))(XXX)\n")
        elif how == "positional":
            code += ("pooled_max_keras = tf.keras.layers.MaxPooling2D(2)(XXX)\n"
                     "pooled_avg_keras = tf.keras.layers.AveragePooling2D(2)(XXX)\n")
        elif how == "alias":
            code += ("pooled_max_keras = tf.keras.layers.MaxPool2D()(XXX)\n"
                     "pooled_avg_keras = tf.keras.layers.AvgPool2D((2, 2))(XXX)\n")
        elif how == "nn":
            code += ('pooled_max_keras = tf.nn.max_pool2d(XXX, ksize=2, strides=2, padding="VALID")\n'
                     'pooled_avg_keras = tf.nn.avg_pool2d(XXX, ksize=2, strides=2, padding="VALID")\n')
        else:
            layer = self.name("layer")
            code += (f"{layer}_max = tf.keras.layers.MaxPooling2D(pool_size=2)\n"
                     f"{layer}_avg = tf.keras.layers.AveragePooling2D(pool_size=2)\n"
                     f"pooled_max_keras = {layer}_max(XXX)\npooled_avg_keras = {layer}_avg(XXX)\n")
            self.chosen.update((f"{layer}_max", f"{layer}_avg"))
        return code

    # --- 7. parameter sharing -----------------------------------------------------------------------

    def parameter_sharing(self) -> str:
        n_in, n_out = self.name("count"), self.name("units")
        how = self.pick("product", "number", "named", "prod")
        if how == "product":
            code = "n_dense_weights = (6 * 6 * 1) * (5 * 5 * 2)\n"
        elif how == "number":
            code = "n_dense_weights = 1800\n"
        elif how == "named":
            code = f"{n_in} = 6 * 6 * 1\n{n_out} = 5 * 5 * 2\nn_dense_weights = {n_in} * {n_out}\n"
        else:
            code = "n_dense_weights = int(np.prod([6, 6, 1]) * np.prod([5, 5, 2]))\n"
        code += "n_conv_weights = " + self.pick("2 * 2 * 1 * 2", "8", "int(np.prod((2, 2, 1, 2)))") + "\n"
        layer = self.name("layer")
        how = self.pick("call", "build", "sequential", "sum_shapes", "sum_sizes")
        if how == "call":
            code += (f"{layer} = tf.keras.layers.Conv2D(2, (2, 2))\n{layer}(tnp.zeros([1, 6, 6, 1]))\n"
                     f"n_conv_params_keras = {layer}.count_params()\n")
        elif how == "build":
            code += (f"{layer} = tf.keras.layers.Conv2D(2, (2, 2))\n{layer}.build((1, 6, 6, 1))\n"
                     f"n_conv_params_keras = {layer}.count_params()\n")
        elif how == "sequential":
            code += ("n_conv_params_keras = tf.keras.Sequential([tf.keras.Input((6, 6, 1)), "
                     "tf.keras.layers.Conv2D(2, (2, 2))]).count_params()\n")
        elif how == "sum_shapes":
            code += (f"{layer} = tf.keras.layers.Conv2D(2, (2, 2))\n{layer}.build((None, 6, 6, 1))\n"
                     f"n_conv_params_keras = sum(int(np.prod(v.shape)) for v in {layer}.weights)\n")
        else:
            code += (f"{layer} = tf.keras.layers.Conv2D(2, (2, 2))\n{layer}(np.zeros((1, 6, 6, 1)))\n"
                     f"n_conv_params_keras = sum(v.size for v in {layer}.get_weights())\n")
        if self.prints:
            code += "print(n_dense_weights, n_conv_weights, n_conv_params_keras)\n"
        return self.comment() + code

    # --- 8. the basic unit ------------------------------------------------------------------------

    def basic_unit(self) -> str:
        conv = self.pick("tf.keras.layers.Conv2D(2, (2, 2))", "tf.keras.layers.Conv2D(filters=2, kernel_size=2)")
        relu = self.pick('tf.keras.layers.Activation("relu")', "tf.keras.layers.ReLU()",
                         "tf.keras.layers.Activation(tf.nn.relu)")
        pool = self.pick("tf.keras.layers.MaxPooling2D(pool_size=(2, 2))", "tf.keras.layers.MaxPooling2D(2)",
                         "tf.keras.layers.MaxPool2D()")
        first = self.pick("tf.keras.Input((50, 50, 1))", "tf.keras.Input(shape=(50, 50, 1))")
        if self.chance(0.6):
            code = f"unit = tf.keras.Sequential([\n    {first},\n    {conv},\n    {relu},\n    {pool},\n])\n"
        else:
            code = "unit = tf.keras.Sequential()\n" + "".join(f"unit.add({layer})\n" for layer in (first, conv, relu, pool))
        how = self.pick("literal", "loop", "comprehension", "formula")
        shapes, x = self.name("shape"), self.name("x")
        if how == "literal":
            code += "unit_output_shapes = [(1, 49, 49, 2), (1, 49, 49, 2), (1, 24, 24, 2)]\n"
        elif how == "loop":
            code += (f"{x} = XXX\n{shapes} = []\nfor layer in unit.layers:\n    {x} = layer({x})\n"
                     f"    {shapes}.append(tuple({x}.shape))\nunit_output_shapes = {shapes}\n")
        elif how == "comprehension":
            code += "unit_output_shapes = [(1,) + tuple(layer.output.shape[1:]) for layer in unit.layers]\n"
        else:
            side = self.name("x")
            code += (f"{side} = conv_output_size(50, 2)\n"
                     f"unit_output_shapes = [(1, {side}, {side}, 2), (1, {side}, {side}, 2), (1, {side} // 2, {side} // 2, 2)]\n")
        if self.prints or self.chance(0.3):
            code += self.pick("unit.summary()\n", "print(unit_output_shapes)\n")
        return self.comment() + code

    # --- cells of their own -----------------------------------------------------------------------

    def other_cells(self) -> list[str]:
        """Cells a student adds to look at things (none for most)."""
        options = [
            "print(XXX.shape, XXX.dtype)\n",
            'plt.imshow(np.squeeze(XXX0), cmap="gray")\nplt.colorbar()\nplt.show()\n',
            "conv.get_weights()\n",
            "for key, value in twice.items():\n    print(key, np.asarray(value).shape)\n",
            dedent("""\
                fig, axes = plt.subplots(1, 2)
                axes[0].imshow(np.squeeze(pooled_max_keras))
                axes[1].imshow(np.squeeze(pooled_avg_keras))
                plt.show()
                """),
            "print(conv_output_size(50, 2, 2), conv_output_size(50, 2, 1, 'same'))\n",
            "print(unit.count_params())\n",
        ]
        count = self.pick(0, 0, 0, 1, 1, 2)
        return self.rng.sample(options, count)
