"""The `scgan-tf` command line: `data`, `train` (and more as the library grows)."""

import argparse
import os
import sys


def _quiet_tensorflow():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)


def _cmd_data(args):
    from scgan_tf.data import describe_sources

    header = ("dataset", "source", "available", "train", "test", "location")
    print(
        f"{header[0]:<14} {header[1]:<10} {header[2]:<9} {header[3]:>6} {header[4]:>6}  {header[5]}"
    )
    for row in describe_sources(args.datasets or None):
        counts = row.get("counts", {})
        available = "yes" if row["available"] else "no"
        where = row.get("error") or row["location"] or "-"
        print(
            f"{row['dataset']:<14} {row['source']:<10} {available:<9} "
            f"{counts.get('train', '-'):>6} {counts.get('test', '-'):>6}  {where}"
        )
    return 0


def _cmd_train(args):
    from scgan_tf import distribute, training

    if args.cpu_replicas:
        distribute.split_cpu(args.cpu_replicas)
    out = args.out or os.path.join(
        "runs", f"{args.model.replace('-', '_')}_{args.dataset}"
    )
    _, record = training.train(
        args.model,
        args.dataset,
        out=out,
        epochs=args.epochs,
        batch_size=args.batch_size,
        steps_per_epoch=args.steps_per_epoch,
        strategy=args.strategy,
        seed=args.seed,
        jit_compile=args.jit_compile,
        sync_batch_norm=args.sync_batch_norm,
        verbose=args.verbose,
    )
    if record["stopped_early"]:
        print(record["stopped_early"], file=sys.stderr)
        return 1
    print(f"Model:      {os.path.join(out, 'model.keras')}")
    print(f"Samples:    {os.path.join(out, 'samples')}/epoch_NNN.png")
    print(f"Traversal:  {os.path.join(out, 'traversal.png')}")
    print(f"History:    {os.path.join(out, 'history.json')}")
    print(f"TensorBoard: tensorboard --logdir {os.path.join(out, 'logs')}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="scgan-tf", description="SCGAN and SSIM-SCGAN for Keras 3 and TensorFlow."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="show which dataset sources this machine has")
    data.add_argument("datasets", nargs="*", help="datasets to check (default: all)")
    data.set_defaults(func=_cmd_data)

    train = sub.add_parser(
        "train",
        help="train a model (default: the SSIM-SCGAN on MNIST with the paper's settings)",
    )
    train.add_argument(
        "--model",
        default="ssim-scgan",
        choices=["cgan", "infogan", "scgan", "ssim-scgan"],
    )
    train.add_argument("--dataset", default="mnist", choices=["mnist", "fashion_mnist"])
    train.add_argument("--epochs", type=int, default=25)
    train.add_argument("--batch-size", type=int, default=32)
    train.add_argument("--steps-per-epoch", type=int, default=None)
    train.add_argument(
        "--out", default=None, help="output folder (default runs/MODEL_DATASET)"
    )
    train.add_argument(
        "--strategy", default="auto", choices=["auto", "one-device", "mirrored"]
    )
    train.add_argument("--seed", type=int, default=0)
    train.add_argument(
        "--jit-compile", action="store_true", help="compile steps with XLA"
    )
    train.add_argument(
        "--sync-batch-norm",
        action="store_true",
        help="batch norm over the global batch",
    )
    train.add_argument(
        "--cpu-replicas",
        type=int,
        default=0,
        help="split the CPU into this many logical devices (for --strategy mirrored)",
    )
    train.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2])
    train.set_defaults(func=_cmd_train)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    _quiet_tensorflow()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
