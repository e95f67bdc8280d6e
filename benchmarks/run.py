"""Runs the speed and memory benchmarks: `python -m benchmarks [--quick] [--only NAMES]`.

Every timed figure is a ratio of two workloads measured side by side in the
same process (interleaved rounds, medians: see `benchmarks.timing`), because
the machines are shared and absolute times are noise. The one absolute figure
is the peak memory of a training run. Results are printed as a table and
written as JSON with a description of the machine.
"""

import argparse
import datetime
import importlib
import json
import math
import os
import platform
import sys
import time
import traceback

if __package__ in (None, ""):  # `python benchmarks/run.py`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# name -> module in this package; the order they run in.
BENCHMARKS = {
    "ssim_matrix": "bench_ssim",
    "train_step": "bench_train_step",
    "torch_throughput": "bench_torch",
    "flops": "bench_flops",
    "input_pipeline": "bench_pipeline",
    "fid": "bench_fid",
    "factor_vae": "bench_factor_vae",
    "memory": "bench_memory",
    "step_profile": "bench_profile",
    "mixed_precision": "bench_mixed_precision",
}
DEFAULT_JSON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.json")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="scgan_tf speed and memory benchmarks (ratios of side-by-side timings).",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes and few repetitions (under a minute; checks the harness, "
        "the figures are not meaningful)",
    )
    parser.add_argument(
        "--only",
        default=None,
        help=f"comma-separated benchmarks to run, from: {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--json", default=DEFAULT_JSON, help="where to write the results (JSON)"
    )
    parser.add_argument(
        "--markdown", default=None, help="also write the table as Markdown to this file"
    )
    args = parser.parse_args(argv)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in BENCHMARKS]
        if unknown or not names:
            parser.error(
                f"unknown benchmark(s) {unknown or args.only!r}; choose from "
                f"{', '.join(BENCHMARKS)}"
            )
        args.only = names
    else:
        args.only = list(BENCHMARKS)
    return args


def machine_info():
    """What the figures were measured on."""
    import keras
    import numpy as np
    import tensorflow as tf

    info = {
        "cpu_count": os.cpu_count(),
        "cpus_available": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "processor": platform.processor(),
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "torch": _version("torch"),
        "gpus": [],
    }
    for device in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(device)
        info["gpus"].append(details.get("device_name", device.name))
    return info


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def _version(distribution):
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _load_average():
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def format_value(row):
    value = row.get("value")
    if value is None:
        return "skipped" if row.get("skipped") else "error"
    if row["unit"] == "%":
        return f"{100 * value:.1f}%"
    if row["unit"] == "GiB":
        return f"{value:.2f} GiB"
    return f"{value:.2f}x"


def format_target(row):
    if row.get("target") is None:
        return "-"
    target = row["target"]
    if row["unit"] == "%":
        return f"{row['op']} {100 * target:.0f}%"
    if row["unit"] == "GiB":
        return f"{row['op']} {target:g} GiB"
    return f"{row['op']} {target:g}x"


def format_met(row):
    if row.get("met") is None:
        return "-"
    return "yes" if row["met"] else "no"


def table_rows(rows):
    return [
        (
            row["benchmark"],
            row["name"],
            format_value(row),
            format_target(row),
            format_met(row),
            row.get("notes", ""),
        )
        for row in rows
    ]


HEADER = ("benchmark", "measurement", "measured", "target", "met", "notes")


def text_table(rows):
    lines = [HEADER, *table_rows(rows)]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(HEADER) - 1)]
    out = []
    for n, line in enumerate(lines):
        cells = [str(c).ljust(w) for c, w in zip(line[:-1], widths, strict=True)]
        out.append("  ".join(cells + [str(line[-1])]))
        if n == 0:
            out.append("  ".join("-" * w for w in widths) + "  -----")
    return "\n".join(out)


def markdown_table(rows):
    def cell(text):
        return str(text).replace("|", "\\|")

    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for line in table_rows(rows):
        lines.append("| " + " | ".join(cell(c) for c in line) + " |")
    return "\n".join(lines)


def run_benchmarks(names, ctx):
    """Runs the named benchmarks; returns `{name: {"rows", "duration_s"}}`."""
    modules = {
        name: importlib.import_module(f"benchmarks.{BENCHMARKS[name]}")
        for name in names
    }
    for module in modules.values():
        if hasattr(module, "prepare"):
            module.prepare(ctx)
    results = {}
    for name, module in modules.items():
        print(f"[{name}] running...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            rows = module.run(ctx)
            error = None
        except Exception as e:  # one broken benchmark must not hide the others
            traceback.print_exc()
            rows = []
            error = f"{type(e).__name__}: {e}"
        duration = time.perf_counter() - start
        if error is not None:
            rows.append(
                {
                    "benchmark": name,
                    "name": "error",
                    "value": None,
                    "unit": "x",
                    "ratio": None,
                    "target": None,
                    "op": None,
                    "met": None,
                    "notes": error.splitlines()[0][:200],
                    "error": error,
                    "details": {},
                }
            )
        results[name] = {"rows": rows, "duration_s": duration, "error": error}
        print(f"[{name}] {duration:.0f} s", file=sys.stderr, flush=True)
    return results


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item"):  # NumPy scalars
        return _json_safe(value.item())
    return value


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from benchmarks.context import Context

    started = time.perf_counter()
    load_start = _load_average()
    machine = machine_info()
    ctx = Context(quick=args.quick)
    results = run_benchmarks(args.only, ctx)
    rows = [row for name in args.only for row in results[name]["rows"]]
    report = {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "command": "python -m benchmarks "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "quick": args.quick,
        "machine": machine,
        "load_average": {"start": load_start, "end": _load_average()},
        "duration_s": time.perf_counter() - started,
        "benchmarks": results,
        "rows": rows,
    }
    print(text_table(rows))
    print(
        f"\n{machine['cpu_count']} CPUs ({machine['cpu_model']}), "
        f"TensorFlow {machine['tensorflow']}, Keras {machine['keras']}, "
        f"GPUs: {', '.join(machine['gpus']) or 'none'}; "
        f"load average {load_start} -> {report['load_average']['end']}; "
        f"{report['duration_s']:.0f} s"
    )
    directory = os.path.dirname(os.path.abspath(args.json))
    os.makedirs(directory, exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(_json_safe(report), f, indent=2)
    print(f"Wrote {args.json}")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(markdown_table(rows) + "\n")
        print(f"Wrote {args.markdown}")
    return 1 if any(r["error"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
