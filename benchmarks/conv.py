"""Time course_lib.conv.conv2d against tf.nn.conv2d on the same inputs and print the ratio.

    make benchmark        (or: .venv/bin/python benchmarks/conv.py [--repeats N] [--figure PATH])

Each case is timed as the median of ``--repeats`` runs, the two implementations interleaved so
that a busy moment of the machine hits both. TensorFlow runs as the course runs it (oneDNN off,
see course_lib.session); its result is copied back to NumPy, as a learner would use it.
Prints a Markdown table (pasted into README.md) and saves a bar chart.
"""

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

from course_lib.conv import conv2d
from course_lib.session import import_tensorflow

# (batch, height, width, channels in, filters out, kernel, stride, padding)
CASES = [
    (32, 32, 32, 16, 32, 3, 1, "same"),
    (16, 64, 64, 32, 64, 3, 1, "same"),
    (32, 32, 32, 16, 32, 3, 1, "valid"),
    (16, 64, 64, 32, 64, 3, 2, "same"),
    (8, 28, 28, 1, 32, 5, 1, "same"),
]


def median_seconds(function, repeats):
    function()  # warm up: first calls pay for allocation and TensorFlow's tracing
    return float(np.median([_timed(function) for _ in range(repeats)]))


def _timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def run(repeats):
    tf = import_tensorflow()
    rng = np.random.default_rng(0)
    rows = []
    for batch, height, width, c_in, c_out, k, stride, padding in CASES:
        x = rng.uniform(-1, 1, (batch, height, width, c_in)).astype(np.float32)
        kernel = rng.uniform(-1, 1, (k, k, c_in, c_out)).astype(np.float32)
        x_tf, kernel_tf = tf.constant(x), tf.constant(kernel)

        def ours():
            return conv2d(x, kernel, strides=stride, padding=padding)

        def theirs():
            return tf.nn.conv2d(x_tf, kernel_tf, strides=stride, padding=padding.upper()).numpy()

        np.testing.assert_allclose(ours(), theirs(), rtol=1e-4, atol=1e-4)
        times = {"ours": [], "tf": []}
        ours(), theirs()
        for _ in range(repeats):
            times["ours"].append(_timed(ours))
            times["tf"].append(_timed(theirs))
        t_ours, t_tf = (float(np.median(times[name])) for name in ("ours", "tf"))
        label = f"{batch} x {height}x{width}x{c_in} -> {c_out} filters {k}x{k}, stride {stride}, {padding}"
        rows.append((label, t_ours * 1e3, t_tf * 1e3, t_ours / t_tf))
    return tf, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--figure", default=str(Path(__file__).parents[1] / "images" / "conv_benchmark.png"))
    args = parser.parse_args()
    tf, rows = run(args.repeats)
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; NumPy {np.__version__}, "
        f"TensorFlow {tf.__version__} (oneDNN {'on' if os.environ.get('TF_ENABLE_ONEDNN_OPTS') != '0' else 'off'}); "
        f"median of {args.repeats} runs\n"
    )
    print("| case | conv2d (ms) | tf.nn.conv2d (ms) | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for label, ours, theirs, ratio in rows:
        print(f"| {label} | {ours:.1f} | {theirs:.1f} | {ratio:.2f} |")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.6 * len(rows) + 1.2))
    positions = np.arange(len(rows))
    ax.barh(positions - 0.2, [r[1] for r in rows], height=0.4, label="course_lib.conv.conv2d (NumPy)")
    ax.barh(positions + 0.2, [r[2] for r in rows], height=0.4, label="tf.nn.conv2d")
    ax.set_yticks(positions, [r[0] for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("milliseconds per call (median)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(args.figure, dpi=100)
    print(f"\nfigure: {args.figure}")


if __name__ == "__main__":
    main()
