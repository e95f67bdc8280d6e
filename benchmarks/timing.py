"""Side-by-side timing: interleaved repetitions, medians and ratios.

The machines these benchmarks run on are shared and noisy, so no benchmark
reports an absolute time as its result. Every figure is the ratio of two (or
more) workloads timed in the same process, in interleaved rounds (A, B, B, A,
A, B, ...), so that a slow spell of the machine hits both alike; the reported
ratio is the median over rounds of the per-round ratio.
"""

import math
import statistics
import time


def interleaved(workloads, *, rounds, calls=None, min_time=0.2, warmup=1):
    """Times several workloads in interleaved rounds.

    Args:
        workloads: dict `name -> callable()`; each call runs the workload once
            and returns only when its work is finished (synchronise inside:
            convert a result to NumPy, etc.).
        rounds: number of rounds; every round times every workload once.
        calls: calls per timing (the time is divided by it): an int for all
            workloads, or None to choose per workload the fewest calls that
            take at least `min_time` seconds (from one timed calibration call).
        min_time: seconds per timing when `calls` is None; 0 means one call.
        warmup: untimed calls of each workload before the first round (tracing,
            compilation, caches).

    Returns:
        `Times`: dict `name -> list of wall-clock seconds per call`, one entry
        per round; its `.cpu` holds the same for this process's CPU time (all
        threads), a cross-check that other processes' load does not enter
        (but spin-waiting threads do).
    """
    names = list(workloads)
    counts = {}
    for name in names:
        for _ in range(warmup):
            workloads[name]()
        if calls is None and min_time > 0:
            _, seconds = timed(workloads[name])
            counts[name] = max(1, math.ceil(min_time / max(seconds, 1e-9)))
        else:
            counts[name] = 1 if calls is None else int(calls)
    times = Times({name: [] for name in names})
    for r in range(rounds):
        # Alternate the order so that no workload always runs first.
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            fn = workloads[name]
            start, start_cpu = time.perf_counter(), time.process_time()
            for _ in range(counts[name]):
                fn()
            times[name].append((time.perf_counter() - start) / counts[name])
            times.cpu[name].append((time.process_time() - start_cpu) / counts[name])
    return times


class Times(dict):
    """Wall-clock times per workload (the dict) and CPU times (`.cpu`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cpu = {name: [] for name in self}


def median_ratio(times, numerator, denominator):
    """Median over rounds of `times[numerator][r] / times[denominator][r]`."""
    return statistics.median(
        a / b for a, b in zip(times[numerator], times[denominator], strict=True)
    )


def median(values):
    return statistics.median(values)


def timed(fn):
    """Runs `fn()` once and returns `(result, seconds)`."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start
