"""Peak resident memory of a short `scgan-tf train` run, in a child process.

The peak is the child's `ru_maxrss` (Linux: KiB), so it covers TensorFlow,
the data, the model, tracing and the run's outputs. This one is an absolute
figure, not a ratio; for scale, a child that only imports TensorFlow and
Keras is measured too (full mode).

On Linux a process's `ru_maxrss` starts from the resident size of the
process it was forked from (`exec` records the pre-exec copy's high-water
mark), so a command started directly by this (large) benchmark process would
report at least this process's size. The command is therefore started by a
small launcher process, which reports its child's `ru_maxrss`.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

from benchmarks.context import result

NAME = "memory"
TARGET_GIB = 2.0
_KIB_PER_GIB = 1024**2

# Runs argv (sys.argv[1], JSON) with its output in sys.argv[2] and prints the
# child's exit code and ru_maxrss as JSON.
_LAUNCHER = """
import json, os, subprocess, sys
with open(sys.argv[2], "wb") as log:
    child = subprocess.Popen(json.loads(sys.argv[1]), stdout=log, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
print(json.dumps({"code": child.returncode, "maxrss": usage.ru_maxrss}))
"""


class Job:
    """A command running under the launcher; `finish()` waits for its peak RSS."""

    def __init__(self, argv, env=None):
        self.argv = argv
        handle, self.log_path = tempfile.mkstemp(
            prefix="scgan_tf_bench_", suffix=".log"
        )
        os.close(handle)
        # Its own session, so that a timeout can stop the launcher and the command.
        self.launcher = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, json.dumps(argv), self.log_path],
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )

    def finish(self, timeout=900):
        """Returns `(peak RSS in GiB, exit code, output tail)`."""
        try:
            stdout, _ = self.launcher.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.launcher.pid, signal.SIGKILL)
            self.launcher.communicate()
            raise
        finally:
            with open(self.log_path, errors="replace") as f:
                tail = f.read()[-2000:]
            os.remove(self.log_path)
        report = json.loads(stdout.decode().strip().splitlines()[-1])
        maxrss = report["maxrss"]
        if sys.platform == "darwin":  # bytes there, KiB on Linux
            maxrss /= 1024
        return maxrss / _KIB_PER_GIB, report["code"], tail


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


def _env():
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")


def _start(ctx):
    steps = ctx.pick(20, 2)
    out = tempfile.mkdtemp(prefix="scgan_tf_bench_")
    return {"steps": steps, "out": out, "job": Job(_train_command(out, steps), _env())}


def prepare(ctx):
    """Quick mode starts the run at once, to go on beside the other benchmarks.

    Its peak memory does not depend on what else runs, and the other
    benchmarks are ratios of side-by-side timings, so a background process
    slows both sides alike; full runs still keep it separate.
    """
    if ctx.quick:
        ctx.memory_run = _start(ctx)


def run(ctx):
    started = getattr(ctx, "memory_run", None) or _start(ctx)
    ctx.memory_run = None
    job, steps = started["job"], started["steps"]
    try:
        peak, code, tail = job.finish()
    finally:
        shutil.rmtree(started["out"], ignore_errors=True)
    if code != 0:
        raise RuntimeError(
            f"`{' '.join(job.argv)}` exited with status {code}; output tail:\n{tail}"
        )
    details = {"command": " ".join(job.argv), "peak_rss_gib": peak}
    notes = f"scgan-tf train --epochs 1 --steps-per-epoch {steps}"
    if not ctx.quick:
        baseline, _, _ = Job(
            [sys.executable, "-c", "import tensorflow, keras"], _env()
        ).finish()
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
