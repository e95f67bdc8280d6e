"""What every benchmark receives (`Context`) and returns (result rows)."""

import math
import operator

from benchmarks.workloads import StepCache

_OPS = {">=": operator.ge, "<=": operator.le, "<": operator.lt, ">": operator.gt}


class Context:
    """Run-wide settings and shared state.

    Attributes:
        quick: tiny sizes and few repetitions (the test's mode).
        steps: a `StepCache` of compiled training steps, shared so that a step
            used by several benchmarks is traced once.
    """

    def __init__(self, *, quick=False):
        self.quick = bool(quick)
        self.steps = StepCache()

    def pick(self, full, quick):
        """`quick` in quick mode, else `full`."""
        return quick if self.quick else full


def result(
    benchmark,
    name,
    value,
    *,
    unit="x",
    target=None,
    op=None,
    ratio=None,
    notes="",
    details=None,
):
    """One measured row.

    Args:
        benchmark: the benchmark (as selected by `--only`) that produced it.
        name: what the row measures.
        value: the figure shown in the table (a ratio for `unit="x"`).
        unit: `"x"` (a ratio of two side-by-side measurements), `"%"` (a
            fraction shown as a percentage, `value` in [0, 1]) or `"GiB"`.
        target: the figure to meet, or None for information only.
        op: how `value` compares with `target`: ">=", "<=", "<" or ">".
        ratio: the dimensionless figure tested for being finite and positive;
            defaults to `value`.
        notes: one line for the table.
        details: JSON-serialisable dict of the raw measurements.
    """
    value = float(value)
    met = None
    if target is not None:
        met = bool(math.isfinite(value) and _OPS[op](value, target))
    return {
        "benchmark": benchmark,
        "name": name,
        "value": value,
        "unit": unit,
        "ratio": value if ratio is None else float(ratio),
        "target": target,
        "op": op,
        "met": met,
        "notes": notes,
        "details": details or {},
    }


def skipped(benchmark, name, reason, *, target=None, op=None):
    """A row that could not be measured on this machine, with the reason."""
    return {
        "benchmark": benchmark,
        "name": name,
        "value": None,
        "unit": "x",
        "ratio": None,
        "target": target,
        "op": op,
        "met": None,
        "notes": reason,
        "skipped": reason,
        "details": {},
    }
