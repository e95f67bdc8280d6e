"""The benchmark harness (`python -m benchmarks`): complete, well-formed results.

These tests check the harness, never a time or a target: `--quick` figures
come from tiny workloads on a shared machine and mean nothing.
"""

import json
import math
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks import run, timing  # noqa: E402
from benchmarks.context import result, skipped  # noqa: E402


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("benchmarks") / "results.json"
    markdown = path.with_suffix(".md")
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--json",
            str(path),
            "--markdown",
            str(markdown),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert process.returncode == 0, process.stdout[-4000:] + process.stderr[-4000:]
    with open(path) as f:
        data = json.load(f)
    data["_stdout"] = process.stdout
    data["_markdown"] = markdown.read_text()
    return data


@pytest.mark.slow
def test_quick_run_reports_every_benchmark(report):
    assert list(report["benchmarks"]) == list(run.BENCHMARKS)
    for name, entry in report["benchmarks"].items():
        assert entry["error"] is None, (name, entry["error"])
        assert entry["rows"], name
        assert all(row["benchmark"] == name for row in entry["rows"])
    assert report["quick"] is True


@pytest.mark.slow
def test_quick_run_ratios_are_finite_and_positive(report):
    for row in report["rows"]:
        if row.get("skipped"):
            # Only the comparison with the optional PyTorch may be skipped.
            assert row["benchmark"] == "torch_throughput", row
            assert "PyTorch" in row["skipped"]
            continue
        assert isinstance(row["ratio"], float), row
        assert math.isfinite(row["ratio"]) and row["ratio"] > 0, row
        assert row["met"] in (None, True, False)
        if row["target"] is not None:
            assert row["op"] in (">=", "<=", "<", ">")


@pytest.mark.slow
def test_quick_run_describes_the_machine_and_prints_the_table(report):
    machine = report["machine"]
    assert machine["cpu_count"] >= 1
    assert "processor" in machine
    assert machine["tensorflow"] and machine["keras"]
    assert isinstance(machine["gpus"], list)
    lines = report["_stdout"].splitlines()
    assert lines[0].split()[:4] == ["benchmark", "measurement", "measured", "target"]
    for name in run.BENCHMARKS:
        assert any(line.startswith(name) for line in lines), name
        assert f"| {name} |" in report["_markdown"]


def test_only_rejects_unknown_names():
    with pytest.raises(SystemExit):
        run.parse_args(["--only", "ssim_matrix,nope"])
    assert run.parse_args(["--only", "fid, memory"]).only == ["fid", "memory"]
    assert run.parse_args([]).only == list(run.BENCHMARKS)


def test_interleaved_times_every_workload_every_round():
    calls = {"a": 0, "b": 0}

    def workload(name):
        def fn():
            calls[name] += 1

        return fn

    times = timing.interleaved(
        {"a": workload("a"), "b": workload("b")}, rounds=5, calls=3, warmup=2
    )
    assert [len(times["a"]), len(times["b"])] == [5, 5]
    assert calls == {"a": 2 + 5 * 3, "b": 2 + 5 * 3}


def test_median_ratio_pairs_rounds():
    times = {"slow": [2.0, 4.0, 30.0], "fast": [1.0, 1.0, 10.0]}
    # Per-round ratios 2, 4, 3: the median is 3, not median(slow)/median(fast) = 4.
    assert timing.median_ratio(times, "slow", "fast") == 3.0


def test_result_rows_compare_with_their_target():
    assert result("b", "n", 6.0, target=5.0, op=">=")["met"] is True
    assert result("b", "n", 1.2, target=1.1, op="<=")["met"] is False
    row = result("memory", "m", 1.5, unit="GiB", ratio=0.75, target=2.0, op="<")
    assert (row["met"], row["ratio"], run.format_value(row)) == (True, 0.75, "1.50 GiB")
    assert run.format_target(row) == "< 2 GiB"
    assert run.format_value(result("f", "n", 0.316, unit="%")) == "31.6%"
    row = skipped("torch_throughput", "n", "PyTorch is not installed")
    assert (row["ratio"], run.format_value(row)) == (None, "skipped")
