"""``course_lib.progress``: a live bar where a learner watches, one stable summary line where
nobody does, and the sanitiser that lets nbval compare that line on any CPU."""

import os
import re
import sys
import types
from pathlib import Path

import keras
import numpy as np
import pytest

from course_lib import progress


def _model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_the_summary_names_the_metric_that_matters_most():
    history = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.75], "val_loss": [0.9, 0.95], "val_accuracy": [0.6, 0.55]}
    assert progress.summary_line(history, 10) == "fit: 2 of 10 epochs · best val_accuracy 0.600 (epoch 1)"
    del history["val_accuracy"]
    assert progress.summary_line(history, 2) == "fit: 2 of 2 epochs · best accuracy 0.750 (epoch 2)"
    assert progress.summary_line({"val_loss": [0.9, 0.95]}, 2).endswith("best val_loss 0.900 (epoch 1)")
    assert progress.summary_line({}, 3) == "fit: 0 of 3 epochs"
    two_outputs = {"loss": [0.9, 0.5], "aux_accuracy": [0.3, 0.7], "main_accuracy": [0.4, 0.6]}
    assert progress.summary_line(two_outputs, 2).endswith("best aux_accuracy 0.700 (epoch 2)")
    assert progress.summary_line(two_outputs, 2, "main_accuracy").endswith("best main_accuracy 0.600 (epoch 2)")
    with pytest.raises(ValueError, match=r"metric='accuracy' is not in the fit's history, which has \['aux_accuracy'"):
        progress.summary_line(two_outputs, 2, "accuracy")


def test_nobody_watching_gets_the_summary_printed(capsys, monkeypatch):
    monkeypatch.setenv(progress.LIVE_VARIABLE, "1")  # still no kernel here
    x, y = np.eye(2).repeat(8, axis=0), np.arange(2).repeat(8)
    _model().fit(x, y, epochs=3, batch_size=4, verbose=0, callbacks=[progress.bar()])
    assert re.fullmatch(r"fit: 3 of 3 epochs · best accuracy \d\.\d{3} \(epoch [123]\)\n", capsys.readouterr().out)


class _Handle:
    def __init__(self, shown):
        self.shown = shown

    def update(self, bundle, raw):
        assert raw and bundle["text/plain"] in bundle["text/html"]
        self.shown.append(bundle["text/html"])


def test_a_watched_fit_draws_a_bar_and_leaves_only_the_summary(capsys, monkeypatch):
    shown = []
    display = types.ModuleType("IPython.display")
    display.display = lambda bundle, raw, display_id: (shown.append(bundle["text/html"]), _Handle(shown))[1]
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    monkeypatch.setattr(progress, "is_live", lambda: True)
    monkeypatch.setattr(progress, "_REDRAW_EVERY", 0.0)
    x, y = np.eye(2).repeat(8, axis=0), np.arange(2).repeat(8)
    _model().fit(x, y, epochs=2, batch_size=4, validation_data=(x, y), verbose=0, callbacks=[progress.bar()])
    assert capsys.readouterr().out == ""  # the bar's place, not the cell's text
    assert shown[0].startswith("<progress") and "epoch 1/2 · batch 2/4 · loss " in shown[2]
    assert any("epoch 2/2 done" in text for text in shown)
    assert re.fullmatch(r"<code>fit: 2 of 2 epochs · best val_accuracy \d\.\d{3} \(epoch [12]\)</code>", shown[-1])


def test_the_sanitiser_reads_a_summary_the_same_on_any_cpu():
    rules = Path(__file__).with_name("nbval_sanitize.cfg").read_text().splitlines()
    pairs = [(rules[i].removeprefix("regex: "), rules[i + 1].removeprefix("replace: "))
             for i in range(len(rules)) if rules[i].startswith("regex: ")]

    def sanitise(text):
        for regex, replace in pairs:
            text = re.sub(regex, replace, text)
        return text

    one = sanitise("fit: 8 of 40 epochs · best val_loss 0.123 (epoch 5)")
    assert one == sanitise("fit: 14 of 40 epochs · best val_loss 0.119 (epoch 11)")
    assert one != sanitise("fit: 8 of 30 epochs · best val_loss 0.123 (epoch 5)")
    assert one != sanitise("fit: 8 of 40 epochs · best val_accuracy 0.123 (epoch 5)")


def test_the_test_run_turns_the_bar_off():
    assert os.environ[progress.LIVE_VARIABLE] == "0"  # conftest.py sets it; the kernels inherit it


def test_fit_curves_shows_a_bar_where_watched_and_prints_nothing(capsys, monkeypatch):
    from course_lib import training

    shown = []
    display = types.ModuleType("IPython.display")
    display.display = lambda bundle, raw, display_id: (shown.append(bundle["text/html"]), _Handle(shown))[1]
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    x, y = np.eye(2).repeat(8, axis=0), np.arange(2).repeat(8)
    training.fit_curves(_model(), x, y, epochs=2, batch_size=4)
    assert shown == [] and capsys.readouterr().out == ""  # nobody watching: no bar, no line
    monkeypatch.setattr(progress, "is_live", lambda: True)
    training.fit_curves(_model(), x, y, epochs=2, batch_size=4)
    assert "epoch 2/2 · loss " in shown[-2] and shown[-1].startswith("<code>fit: 2 of 2 epochs · best accuracy ")
    assert capsys.readouterr().out == ""
