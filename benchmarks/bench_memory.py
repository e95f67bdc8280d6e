"""Peak resident memory of a short `scgan-tf train` run, in a child process.

The peak is the child's `ru_maxrss` as `os.wait4` reports it (Linux: KiB),
so it covers TensorFlow, the data, the model, tracing and the run's outputs.
This one is an absolute figure, not a ratio; for scale, a child that only
imports TensorFlow and Keras is measured too (full mode).
"""

import os
import shutil
import subprocess
import sys
import tempfile

from benchmarks.context import result

NAME = "memory"
TARGET_GIB = 2.0
_KIB_PER_GIB = 1024**2


def peak_rss_gib(argv, *, env=None, timeout=600):
    """Runs `argv` and returns `(peak RSS in GiB, exit status, output tail)`."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            _, status, usage = _wait4(process.pid, timeout)
        finally:
            process.returncode = 0  # reaped by wait4; stop Popen from waiting again
        log.seek(0)
        tail = log.read().decode(errors="replace")[-2000:]
    return _gib(usage.ru_maxrss), os.waitstatus_to_exitcode(status), tail


def _wait4(pid, timeout):
    import time

    deadline = time.monotonic() + timeout
    while True:
        waited, status, usage = os.wait4(pid, os.WNOHANG)
        if waited == pid:
            return waited, status, usage
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            return os.wait4(pid, 0)
        time.sleep(0.1)


def _train_command(out, steps):
    exe = shutil.which("scgan-tf")
    base = [exe] if exe else [sys.executable, "-m", "scgan_tf.cli"]
    return base + [
        "train",
        "--epochs",
        "1",
        "--steps-per-epoch",
        str(steps),
        "--out",
        out,
        "--verbose",
        "0",
    ]


def prepare(ctx):
    """Quick mode starts the child at once, to run beside the other benchmarks.

    Its peak memory does not depend on what else runs; the other benchmarks
    are ratios of side-by-side timings, so a background process slows both
    sides alike (full runs still keep it separate).
    """
    if ctx.quick:
        ctx.memory_job = _start(ctx)


def _start(ctx):
    steps = ctx.pick(20, 2)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    out = tempfile.mkdtemp(prefix="scgan_tf_bench_")
    argv = _train_command(out, steps)
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    return {
        "steps": steps,
        "env": env,
        "out": out,
        "argv": argv,
        "log": log,
        "process": process,
    }


def _finish(job, timeout=600):
    process, log = job["process"], job["log"]
    try:
        _, status, usage = _wait4(process.pid, timeout)
    finally:
        process.returncode = 0  # reaped by wait4; stop Popen from waiting again
        shutil.rmtree(job["out"], ignore_errors=True)
    log.seek(0)
    tail = log.read().decode(errors="replace")[-2000:]
    log.close()
    return _gib(usage.ru_maxrss), os.waitstatus_to_exitcode(status), tail


def _gib(maxrss):
    if sys.platform == "darwin":  # bytes there, KiB on Linux
        maxrss /= 1024
    return maxrss / _KIB_PER_GIB


def run(ctx):
    job = getattr(ctx, "memory_job", None) or _start(ctx)
    ctx.memory_job = None
    steps, env, argv = job["steps"], job["env"], job["argv"]
    peak, code, tail = _finish(job)
    if code != 0:
        raise RuntimeError(
            f"`{' '.join(argv)}` exited with status {code}; output tail:\n{tail}"
        )
    details = {"command": " ".join(argv), "peak_rss_gib": peak}
    notes = f"scgan-tf train --epochs 1 --steps-per-epoch {steps}"
    if not ctx.quick:
        baseline, _, _ = peak_rss_gib(
            [sys.executable, "-c", "import tensorflow, keras"], env=env
        )
        details["import_only_peak_rss_gib"] = baseline
        notes += f"; importing TF+Keras alone: {baseline:.2f} GiB"
    return [
        result(
            NAME,
            "peak resident memory of a training run (GiB)",
            peak,
            unit="GiB",
            ratio=peak / TARGET_GIB,
            target=TARGET_GIB,
            op="<",
            notes=notes,
            details=details,
        )
    ]
