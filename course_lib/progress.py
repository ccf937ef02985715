"""Live progress for long training runs, and a one-line summary that stays (issue 13, point 13).

A learner who runs a cell that trains for half a minute sees a bar move, epoch by epoch and
batch by batch; when the fit ends, the bar gives way to one line::

    fit: 6 of 6 epochs · best val_accuracy 0.973 (epoch 5)

The bar draws only where someone watches: in a notebook front end (an IPython kernel), unless
``COURSE_LIVE_PROGRESS=0``. Where nobody does (``make test``, ``tools/execute_notebooks.py``,
a plain Python process), only the summary is printed, so a stored notebook holds the summary
and never the bar. Its numbers come from training, so they differ from one CPU to another:
``tests/nbval_sanitize.cfg`` reads them as ``N``, ``K`` and ``VALUE``, and nbval compares the
rest of the line.

Use it as a Keras callback, with ``verbose=0`` (Keras's own bar writes control characters that
a stored notebook keeps)::

    history = model.fit(x, y, epochs=6, verbose=0, callbacks=[progress.bar()])
"""

import html
import os
import sys
import time

from course_lib.validation import instance_of, positive_int, text

#: Set to ``0`` to print only the summary, also in a notebook front end.
LIVE_VARIABLE = "COURSE_LIVE_PROGRESS"

#: The least time between two redraws of the bar, in seconds.
_REDRAW_EVERY = 0.25


def is_live():
    """True where a learner watches the kernel: an IPython kernel, and ``COURSE_LIVE_PROGRESS``
    not ``0``.

    Example:
        >>> is_live()  # a doctest runs in no kernel
        False
    """
    if os.environ.get(LIVE_VARIABLE, "1") == "0":
        return False
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and hasattr(shell, "kernel")


def summary_line(history, planned_epochs, metric=None):
    """The line a fit leaves: epochs run of ``planned_epochs``, and the best value of the metric
    that matters most (validation accuracy, else accuracy, else validation loss, else loss;
    the largest accuracy or the smallest loss) with the epoch (from 1) that reached it.

    Args:
        history: ``{metric name: [value per epoch]}``, as ``model.fit(...).history``.
        planned_epochs: the epochs the fit was asked for.
        metric: the metric to report (``"predictions_accuracy"`` of a model with two outputs);
            by default the first of the order above that ``history`` has.

    Example:
        >>> summary_line({"loss": [0.9, 0.5], "val_accuracy": [0.81, 0.874]}, 5)
        'fit: 2 of 5 epochs · best val_accuracy 0.874 (epoch 2)'
        >>> summary_line({"loss": [0.9, 0.5, 0.6]}, 3)
        'fit: 3 of 3 epochs · best loss 0.500 (epoch 2)'
        >>> summary_line({"loss": [0.9, 0.5], "aux_accuracy": [0.3, 0.5], "main_accuracy": [0.4, 0.6]}, 2, "main_accuracy")
        'fit: 2 of 2 epochs · best main_accuracy 0.600 (epoch 2)'
    """
    instance_of(history, "history", dict, "a dict of metric name -> one value per epoch, as model.fit(...).history")
    planned_epochs = positive_int(planned_epochs, "planned_epochs")
    runs = [len(values) for values in history.values()]
    epochs_run = max(runs, default=0)
    line = f"fit: {epochs_run} of {planned_epochs} epochs"
    validation = [name for name in history if name.startswith("val_")]
    training = [name for name in history if not name.startswith("val_")]
    if metric is not None:
        metric = text(metric, "metric")
        if history and metric not in history:
            raise ValueError(f"metric={metric!r} is not in the fit's history, which has {sorted(history)}; "
                             "pass one of those names.")
    candidates = ([metric] if metric else []) + [name for name in validation if name.endswith("accuracy")]
    candidates += [name for name in training if name.endswith("accuracy")] + ["val_loss", "loss"]
    for name in candidates:
        values = history.get(name)
        if values:
            pick = max if name.endswith("accuracy") else min
            best = pick(range(len(values)), key=lambda i: values[i])
            return f"{line} · best {name} {values[best]:.3f} (epoch {best + 1})"
    return line


def _bar_bundle(fraction, text):
    """An HTML progress bar ``fraction`` of the way with ``text`` beside it, and ``text`` alone
    for a front end without HTML."""
    return {"text/plain": text,
            "text/html": f'<progress value="{fraction:.4f}" max="1" style="width: 24em"></progress> '
                         f"<code>{html.escape(text)}</code>"}


class Bar:
    """One bar in the cell's output: drawn, redrawn at most every :data:`_REDRAW_EVERY` seconds,
    and replaced by the summary at the end. Where :func:`is_live` is false, it draws nothing and
    prints the summary, unless ``print_summary`` is false (a loop that many cells call, such as
    :func:`course_lib.training.fit_curves`, whose stored outputs say what the cell makes of them).

    Example (headless, as under the tests: nothing is drawn, the summary is printed):
        >>> progress_bar = Bar()
        >>> progress_bar.draw(0.5, "epoch 1/2")
        >>> progress_bar.finish("fit: 2 of 2 epochs")
        fit: 2 of 2 epochs
    """

    def __init__(self, print_summary=True):
        self._handle, self._drawn, self._print_summary = None, 0.0, print_summary
        if is_live():
            from IPython.display import display

            self._handle = display(_bar_bundle(0.0, "starting"), raw=True, display_id=True)

    def draw(self, fraction, text, force=False):
        now = time.monotonic()
        if self._handle is not None and (force or now - self._drawn >= _REDRAW_EVERY):
            self._handle.update(_bar_bundle(fraction, text), raw=True)
            self._drawn = now

    def finish(self, line):
        if self._handle is None:
            if self._print_summary:
                print(line)
        else:
            self._handle.update({"text/plain": line, "text/html": f"<code>{html.escape(line)}</code>"}, raw=True)


def bar(metric=None):
    """A Keras callback that shows a live bar while ``fit`` runs and leaves :func:`summary_line`
    (of ``metric``, if given).

    Example:
        >>> import keras, numpy as np
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
        >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        >>> _ = model.fit(np.eye(2), np.arange(2), epochs=2, verbose=0, callbacks=[bar()])  # doctest: +ELLIPSIS
        fit: 2 of 2 epochs · best accuracy ... (epoch ...)
    """
    from course_lib.session import import_keras

    keras = import_keras()

    class Summary(keras.callbacks.Callback):
        """The summary line of one ``fit`` (see :mod:`course_lib.progress`), and its bar, epoch by epoch."""

        def on_train_begin(self, logs=None):
            self._bar, self._history, self._started = Bar(), {}, time.monotonic()
            self._epochs, self._steps = self.params.get("epochs") or 1, self.params.get("steps")
            self._epoch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch = epoch

        def on_epoch_end(self, epoch, logs=None):
            for name, value in (logs or {}).items():
                self._history.setdefault(name, []).append(float(value))
            seconds = time.monotonic() - self._started
            text = f"epoch {epoch + 1}/{self._epochs} done · {seconds:.0f} s"
            self._bar.draw((epoch + 1) / self._epochs, text, force=True)

        def on_train_end(self, logs=None):
            self._bar.finish(summary_line(self._history, self._epochs, metric))

    class ProgressBar(Summary):
        """:class:`Summary`, with the bar redrawn batch by batch. Only where someone watches:
        a batch hook makes Keras read the logs back after every step, which costs time."""

        def on_train_batch_end(self, batch, logs=None):
            within = (batch + 1) / self._steps if self._steps else 0.0
            text = f"epoch {self._epoch + 1}/{self._epochs}" + (f" · batch {batch + 1}/{self._steps}" if self._steps else "")
            if logs and "loss" in logs:
                text += f" · loss {float(logs['loss']):.4f}"
            self._bar.draw((self._epoch + min(within, 1.0)) / self._epochs, text)

    return ProgressBar() if is_live() else Summary()
