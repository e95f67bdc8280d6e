"""The `scgan-tf` command line."""

import argparse
import sys


def _cmd_data(args):
    from scgan_tf.data import describe_sources

    print(
        f"{'dataset':<14} {'source':<10} {'available':<9} {'train':>6} {'test':>6}  location"
    )
    for row in describe_sources(args.datasets or None):
        counts = row.get("counts", {})
        print(
            f"{row['dataset']:<14} {row['source']:<10} {'yes' if row['available'] else 'no':<9} "
            f"{counts.get('train', '-'):>6} {counts.get('test', '-'):>6}  "
            f"{row.get('error') or row['location'] or '-'}"
        )
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="scgan-tf", description="SCGAN and SSIM-SCGAN for Keras 3 and TensorFlow."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="show which dataset sources this machine has")
    data.add_argument("datasets", nargs="*", help="datasets to check (default: all)")
    data.set_defaults(func=_cmd_data)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
