"""Where a training step's time goes, op by op: `python -m benchmarks.profile_ops`.

Runs a few steps of a model's Keras train function under `tf.profiler`,
reads the host trace it writes (the XPlane protocol buffer that ships with
TensorFlow) and sums the executed TensorFlow ops' durations per network and
pass (generator/discriminator, forward/backward, optimizer, losses) and per
op type. The sums are CPU time over TensorFlow's compute threads, so they can
exceed the wall time of a step when ops run in parallel; shares are of their
total. Not a benchmark (no ratio): a diagnostic for `docs/performance.md`.
"""

import argparse
import collections
import glob
import os
import sys
import tempfile
import time

if __package__ in (None, ""):  # `python benchmarks/profile_ops.py`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_WRAPPERS = ("ExecutorState::Process",)
_NETWORKS = ("generator", "discriminator", "code_network", "adam")


def _group(op_name):
    """`(part, op type)` of an op event named like `Call/gradient_tape/generator_1/fc1/MatMul:_MklMatMul`."""
    path, _, op_type = op_name.rpartition(":")
    parts = [
        p for p in path.split("/") if p and not p.startswith("StatefulPartitionedCall")
    ]
    backward = bool(parts) and parts[0] == "gradient_tape"
    if backward:
        parts = parts[1:]
    head = parts[0] if parts else ""
    network = next((n for n in _NETWORKS if head.startswith(n)), None)
    if network == "adam":
        return "optimizer update", op_type
    if network is None:
        network = "losses and constraint"
    return f"{network}, {'backward' if backward else 'forward'}", op_type


def profile(kind="ssim_scgan", batch_size=64, *, jit_compile=False, steps=10):
    """Profiles `steps` training steps; returns `(by_part, by_op, wall_s_per_step)`.

    `by_part` and `by_op` map names to milliseconds of op time per step.
    """
    import tensorflow as tf
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    from benchmarks.workloads import build_model, train_step_fn

    step = train_step_fn(build_model(kind), batch_size, jit_compile=jit_compile)
    for _ in range(3):
        step()
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        start = time.perf_counter()
        for _ in range(steps):
            step()
        wall = (time.perf_counter() - start) / steps
        tf.profiler.experimental.stop()
        (path,) = glob.glob(os.path.join(logdir, "**", "*.xplane.pb"), recursive=True)
        space = xplane_pb2.XSpace()
        with open(path, "rb") as f:
            space.ParseFromString(f.read())
    by_part, by_op = collections.Counter(), collections.Counter()
    for plane in space.planes:
        if plane.name != "/host:CPU":
            continue
        for line in plane.lines:
            if not line.name.startswith("tf_Compute"):
                continue
            for event in line.events:
                name = plane.event_metadata[event.metadata_id].name
                if name in _WRAPPERS or ":" not in name:
                    continue
                part, op_type = _group(name)
                ms = event.duration_ps / 1e9 / steps
                by_part[part] += ms
                by_op[op_type] += ms
    return by_part, by_op, wall


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_ops")
    parser.add_argument(
        "--kind",
        default="ssim_scgan",
        choices=["gan", "ssim_scgan", "ssim_all", "scgan"],
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--jit-compile", action="store_true")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--top", type=int, default=15, help="op types to list")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    by_part, by_op, wall = profile(
        args.kind, args.batch_size, jit_compile=args.jit_compile, steps=args.steps
    )
    total = sum(by_part.values()) or 1.0
    print(
        f"{args.kind}, B={args.batch_size}, jit_compile={args.jit_compile}: "
        f"{1000 * wall:.0f} ms per step (wall), {total:.0f} ms of op time per step "
        f"({total / (1000 * wall):.2f} ops running at once on average)"
    )
    for title, counter, limit in (
        ("part", by_part, None),
        ("op type", by_op, args.top),
    ):
        print(f"\n{title:<40} ms/step  share")
        for name, ms in counter.most_common(limit):
            print(f"{name:<40} {ms:7.1f}  {100 * ms / total:5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
