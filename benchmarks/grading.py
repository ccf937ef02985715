"""Hand-ins graded per minute: one process (``--jobs 1``) against a local Dask cluster of two workers.

    python benchmarks/grading.py [--copies 6] [--notebook 02]

Grades ``--copies`` copies of the instructor's edition of one notebook (each scores full marks,
so every cell runs) in the sandbox, once with one job here and once on a
``distributed.LocalCluster`` of two single-threaded worker processes, and prints hand-ins per
minute for each. The cluster's start is timed apart: a class-sized run pays it once.
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import distributed

from course_lib.grading import COURSE_NOTEBOOKS, grade
from course_lib.notebook_files import course_notebooks, notebook_number


def copies(number, prefix, folder):
    """Write ``number`` copies of the instructor's notebook ``prefix`` into ``folder``; return it."""
    (source,) = (path for path in course_notebooks(COURSE_NOTEBOOKS) if notebook_number(path) == prefix)
    for index in range(number):
        shutil.copy(source, folder / f"{prefix}_learner_{index}.ipynb")
    return folder


def timed_grading(folder, out, **options):
    """Grade ``folder``; return ``(seconds, results)``. Every copy must score full marks."""
    start = time.perf_counter()
    results = grade([folder], out, **options)
    seconds = time.perf_counter() - start
    wrong = [r.submission for r in results if r.score != r.max_score]
    if wrong:
        raise RuntimeError(f"copies of the instructor's edition did not score full marks: {wrong}")
    return seconds, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--notebook", default="02")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        (work / "in").mkdir()
        folder = copies(args.copies, args.notebook, work / "in")
        seconds, _ = timed_grading(folder, work / "one", jobs=1)
        print(f"--jobs 1: {args.copies} hand-ins in {seconds:.0f} s, {60 * args.copies / seconds:.1f} per minute")
        start = time.perf_counter()
        with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
            started = time.perf_counter() - start
            seconds, _ = timed_grading(folder, work / "cluster", scheduler=cluster.scheduler_address)
        print(
            f"local Dask cluster, 2 workers: {args.copies} hand-ins in {seconds:.0f} s, "
            f"{60 * args.copies / seconds:.1f} per minute (the cluster started in {started:.0f} s more)"
        )


if __name__ == "__main__":
    main()
