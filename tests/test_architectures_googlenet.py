"""GoogLeNet against the paper's Table 1, counted with the course's formulas; modules, heads, errors."""

import numpy as np
import pytest

from course_lib import counting
from course_lib.architectures import googlenet as g
from course_lib.session import import_keras

keras = import_keras()

# Szegedy et al. 2014, Table 1, written out independently of the module under test:
# (stage, output side at 224x224, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj).
PAPER_MODULES = [
    ("3a", 28, 64, 96, 128, 16, 32, 32),
    ("3b", 28, 128, 128, 192, 32, 96, 64),
    ("4a", 14, 192, 96, 208, 16, 48, 64),
    ("4b", 14, 160, 112, 224, 24, 64, 64),
    ("4c", 14, 128, 128, 256, 24, 64, 64),
    ("4d", 14, 112, 144, 288, 32, 64, 64),
    ("4e", 14, 256, 160, 320, 32, 128, 128),
    ("5a", 7, 256, 160, 320, 32, 128, 128),
    ("5b", 7, 384, 192, 384, 48, 128, 128),
]
# The table's "output size" depths and its "params" column (in K, which turns out to be 1,024).
PAPER_DEPTHS = {"3a": 256, "3b": 480, "4a": 512, "4b": 512, "4c": 512, "4d": 528, "4e": 832, "5a": 832, "5b": 1024}
PAPER_PARAMS_K = {"conv2": 112, "3a": 159, "3b": 380, "4a": 364, "4b": 437, "4c": 463, "4d": 580,
                  "4e": 840, "5a": 1072, "5b": 1388, "linear": 1000}


def module_convs(c_in, f1, f3r, f3, f5r, f5, pp, bottlenecks=True):
    """(kernel, c_in, filters) of every convolution of one module."""
    if not bottlenecks:
        return [(1, c_in, f1), (3, c_in, f3), (5, c_in, f5), (1, c_in, pp)]
    return [(1, c_in, f1), (1, c_in, f3r), (3, f3r, f3), (1, c_in, f5r), (5, f5r, f5), (1, c_in, pp)]


def paper_counts(bottlenecks=True, use_bias=True, classes=1000):
    """{row: (params, MACs)} of GoogLeNet at 224x224, from the table above and counting's formulas."""
    rows = {
        "conv1": (counting.conv2d_params(7, 3, 64, use_bias), counting.conv2d_macs(112, 112, 7, 3, 64)),
        "conv2": (
            counting.conv2d_params(1, 64, 64, use_bias) + counting.conv2d_params(3, 64, 192, use_bias),
            counting.conv2d_macs(56, 56, 1, 64, 64) + counting.conv2d_macs(56, 56, 3, 64, 192),
        ),
    }
    c_in = 192
    for stage, side, *filters in PAPER_MODULES:
        convs = module_convs(c_in, *filters, bottlenecks=bottlenecks)
        rows[stage] = (
            sum(counting.conv2d_params(k, a, b, use_bias) for k, a, b in convs),
            sum(counting.conv2d_macs(side, side, k, a, b) for k, a, b in convs),
        )
        f1, _, f3, _, f5, pp = filters
        c_in = f1 + f3 + f5 + pp
    rows["linear"] = (counting.dense_params(c_in, classes, use_bias), counting.dense_macs(c_in, classes))
    return rows


def aux_params(c_in, classes=1000):
    return (counting.conv2d_params(1, c_in, 128) + counting.dense_params(4 * 4 * 128, 1024)
            + counting.dense_params(1024, classes))


@pytest.fixture(scope="module")
def models():
    """GoogLeNet three ways, built once without drawing random initial weights."""
    with keras.StatelessScope(initialize_variables=False):
        return {
            "main": g.googlenet(),
            "aux": g.googlenet(aux_classifiers=True),
            "flat": g.googlenet(bottlenecks=False),
        }


def params_by_row(model):
    """{row of the paper's table: parameters} summed over the model's layers by name."""
    rows = {}
    for layer in model.layers:
        name = layer.name
        if name.startswith("inception_"):
            row = name.split("_")[1]
        elif name.startswith("conv"):
            row = name.split("_")[0]
        elif name == "predictions":
            row = "linear"
        else:
            row = name.split("_")[0]
        rows[row] = rows.get(row, 0) + layer.count_params()
    return {row: count for row, count in rows.items() if count}


def test_the_table_in_the_module_is_the_papers():
    assert list(g.GOOGLENET_MODULES.items()) == [(stage, tuple(f)) for stage, _, *f in PAPER_MODULES]


def test_total_equals_the_papers_table_counted_with_the_formulas(models):
    model = models["main"]
    expected = paper_counts()
    assert model.count_params() == sum(p for p, _ in expected.values()) == 6_998_552
    assert params_by_row(model) == {row: p for row, (p, _) in expected.items()}
    profile = counting.layer_table(model)
    assert profile.params == model.count_params()
    assert profile.macs == sum(m for _, m in expected.values()) == 1_582_671_872
    assert not any(row.note for row in profile.rows)


def test_weights_without_biases_and_the_papers_params_column(models):
    """The paper's column counts weights in units of 1,024: conv2 and linear exactly, most rows within
    2 %; conv1 (2.7K in the paper, 9.2K here), 4c and 5a are off, and the errors almost cancel."""
    weights = {row: p for row, (p, _) in paper_counts(use_bias=False).items()}
    assert sum(weights.values()) == 6_990_272
    assert models["main"].count_params() - sum(weights.values()) == 8_280, "one bias per filter and class"
    assert weights["conv2"] / 1024 == PAPER_PARAMS_K["conv2"] and weights["linear"] / 1024 == 1000
    close = {row for row, k in PAPER_PARAMS_K.items() if abs(weights[row] / 1024 - k) / k < 0.02}
    assert set(PAPER_PARAMS_K) - close == {"4c", "5a"}
    assert weights["conv1"] / 1024 == pytest.approx(9.19, abs=0.01)
    paper_total = sum(PAPER_PARAMS_K.values()) + 2.7  # 6,797.7 K, the paper's "about 6.8 million"
    assert sum(weights.values()) / 1024 == pytest.approx(paper_total, rel=0.005)


def test_the_modules_output_the_papers_depths(models):
    model = models["main"]
    for stage, side, *_ in PAPER_MODULES:
        assert model.get_layer(f"inception_{stage}_output").output.shape == (None, side, side, PAPER_DEPTHS[stage])
    assert model.get_layer("avg_pool").output.shape == (None, 1024)


def test_without_bottlenecks(models):
    model = models["flat"]
    expected = paper_counts(bottlenecks=False)
    assert model.count_params() == sum(p for p, _ in expected.values()) == 25_305_944
    assert counting.layer_table(model).macs == sum(m for _, m in expected.values())
    assert not any("reduce" in layer.name and layer.name.startswith("inception") for layer in model.layers)
    c_in = 192
    for stage, side, *filters in PAPER_MODULES:
        for bottlenecks in (True, False):
            assert g.inception_params(c_in, *filters, bottlenecks=bottlenecks) == paper_counts(bottlenecks)[stage][0]
            assert g.inception_macs(side, side, c_in, *filters, bottlenecks=bottlenecks) == paper_counts(bottlenecks)[stage][1]
        c_in = PAPER_DEPTHS[stage]


def test_auxiliary_classifiers_are_extra_outputs(models):
    model = models["aux"]
    assert [tuple(o.shape) for o in model.outputs] == [(None, 1000)] * 3
    assert model.output_names == ["predictions", "aux1_predictions", "aux2_predictions"]
    assert model.get_layer("aux1_avg_pool").output.shape == (None, 4, 4, 512)
    assert model.get_layer("aux2_avg_pool").output.shape == (None, 4, 4, 528)
    assert model.count_params() == models["main"].count_params() + aux_params(512) + aux_params(528)
    assert model.count_params() == 13_378_280


def test_global_average_pooling_makes_the_count_independent_of_the_input_size():
    with keras.StatelessScope(initialize_variables=False):
        for shape in [(32, 32, 3), (65, 65, 3), (320, 256, 3)]:
            assert g.googlenet(input_shape=shape).count_params() == 6_998_552
        # The auxiliary heads flatten their pooled map, so their dense layer grows with the input.
        small = g.googlenet(input_shape=(65, 65, 3), aux_classifiers=True)
        assert small.get_layer("aux1_avg_pool").output.shape == (None, 1, 1, 512)
        assert small.get_layer("aux1_fc").count_params() == counting.dense_params(128, 1024)
        assert g.googlenet(input_shape=(32, 32, 1), classes=10).count_params() == (
            6_998_552 - 7 * 7 * 2 * 64 - 1024 * 990 - 990
        )


@pytest.mark.parametrize(
    "shape, filters",
    [((28, 28, 192), (64, 96, 128, 16, 32, 32)), ((5, 7, 3), (1, 2, 3, 4, 5, 6)), ((1, 1, 8), (8, 4, 8, 2, 4, 8))],
)
@pytest.mark.parametrize("bottlenecks", [True, False])
def test_inception_module_shapes_names_and_counts(shape, filters, bottlenecks):
    x = keras.Input(shape)
    model = keras.Model(x, g.inception_module(x, *filters, name="m", bottlenecks=bottlenecks))
    f1, _, f3, _, f5, pp = filters
    assert model.output.shape == (None, shape[0], shape[1], f1 + f3 + f5 + pp)
    names = {layer.name for layer in model.layers[1:]}
    reduce = {"m_3x3_reduce", "m_5x5_reduce"}
    assert names == {"m_1x1", "m_3x3", "m_5x5", "m_pool", "m_pool_proj", "m_output"} | (reduce if bottlenecks else set())
    assert model.count_params() == g.inception_params(shape[2], *filters, bottlenecks=bottlenecks)
    assert counting.layer_table(model).macs == g.inception_macs(*shape, *filters, bottlenecks=bottlenecks)
    assert model.get_layer("m_pool").strides == (1, 1)


def test_googlenet_small_with_and_without_its_auxiliary_head():
    model = g.googlenet_small()
    assert model.output.shape == (None, 6)
    assert model.get_layer("inception_a_output").output.shape == (None, 16, 16, 40)
    assert model.get_layer("inception_b_output").output.shape == (None, 8, 8, 56)
    expected = (counting.conv2d_params(3, 3, 16) + g.inception_params(16, *g.SMALL_MODULES["a"])
                + g.inception_params(40, *g.SMALL_MODULES["b"]) + counting.dense_params(56, 6))
    assert model.count_params() == expected
    with_aux = g.googlenet_small(aux_classifier=True)
    assert [tuple(o.shape) for o in with_aux.outputs] == [(None, 6), (None, 6)]
    assert with_aux.get_layer("aux_avg_pool").output.shape == (None, 4, 4, 40)
    outputs = with_aux.predict(np.zeros((2, 32, 32, 3), np.float32), verbose=0)
    assert len(outputs) == 2 and all(np.allclose(o.sum(axis=1), 1, atol=1e-5) for o in outputs)


def test_googlenet_small_total_loss_weighs_the_auxiliary_loss():
    x = np.random.default_rng(0).random((12, 32, 32, 3), dtype=np.float32)
    y = np.arange(12) % 6
    model = g.googlenet_small(aux_classifier=True)
    model.compile(loss=["sparse_categorical_crossentropy"] * 2, loss_weights=[1.0, g.AUX_LOSS_WEIGHT])
    result = model.evaluate(x, [y, y], batch_size=12, verbose=0, return_dict=True)
    expected = result["predictions_loss"] + g.AUX_LOSS_WEIGHT * result["aux_predictions_loss"]
    assert result["loss"] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    "builder, kwargs, match",
    [
        (g.googlenet, {"input_shape": (64, 300, 3), "aux_classifiers": True},
         r"\(64, 300, 3\) is too small for the auxiliary.*4 stride-2 layers.*only 4 pixels.*at least 65x65"),
        (g.googlenet_small, {"input_shape": (8, 8, 3), "aux_classifier": True}, r"aux_classifier=True.*at least 9x9"),
        (g.googlenet, {"classes": 1}, "classes must be an int >= 2"),
        (g.googlenet_small, {"classes": 6.0}, "classes must be an int; received classes=6.0"),
        (g.googlenet, {"input_shape": (224, 224)}, r"input_shape must be \(height, width, channels\)"),
    ],
)
def test_errors(builder, kwargs, match):
    # A float where an int belongs is a TypeError, a wrong value a ValueError (course_lib.validation).
    error = TypeError if "classes=6.0" in match else ValueError
    with keras.StatelessScope(initialize_variables=False), pytest.raises(error, match=match):
        builder(**kwargs)


def test_module_and_head_argument_errors():
    x = keras.Input((4, 4, 16))
    with pytest.raises(ValueError, match="f3_reduce must be a positive int"):
        g.inception_module(x, 8, 0, 8, 4, 8, 8, name="m")
    with pytest.raises(TypeError, match="pool_proj must be an int; received pool_proj=None"):
        g.inception_params(16, 8, 4, 8, 4, 8, None)
    with pytest.raises(ValueError, match=r"5x5 average pooling.*only 4x4"):
        g.auxiliary_classifier(x, 10, "aux")


def test_draw_branches_shows_every_layer_of_a_module():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_lib import viz

    x = keras.Input((8, 8, 16))
    model = keras.Model(x, g.inception_module(x, *g.SMALL_MODULES["a"], name="m"))
    layout = [["m_1x1"], ["m_3x3_reduce", "m_3x3"], ["m_5x5_reduce", "m_5x5"], ["m_pool", "m_pool_proj"]]
    fig = viz.draw_branches(model, layout, merge="m_output", title="module a")
    texts = [t.get_text() for t in fig.axes[0].texts]
    for name in ["input", "m_output"] + [n for branch in layout for n in branch]:
        assert name in texts
    assert "Conv2D 5x5, 8 filters" in texts and "MaxPooling2D 3x3, stride 1" in texts
    assert "output 8x8x40" in texts
    plt.close(fig)
    with pytest.raises(ValueError, match="names of its layers"):
        viz.draw_branches(model, [["no_such_layer"]])
    with pytest.raises(ValueError, match="non-empty"):
        viz.draw_branches(model, [])
