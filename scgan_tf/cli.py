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
        jit_compile={"auto": "auto", "on": True, "off": False}[args.jit_compile],
        mixed_precision=args.mixed_precision,
        batch_norm=args.batch_norm,
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


def _cmd_evaluate(args):
    import time

    from scgan_tf import evaluation

    def _format(value, digits=4):
        if value is None:
            return "-"
        if abs(value) >= 1000 or (value != 0 and abs(value) < 1e-3):
            return f"{value:.{digits}g}"
        return f"{value:.{digits}f}"

    started = time.perf_counter()
    try:
        result = evaluation.evaluate_run(
            args.run_dir,
            args.metrics,
            num_samples=args.num_samples,
            extractor=args.extractor,
            seed=args.seed,
            num_test=args.num_test,
            encoder_steps=args.encoder_steps,
            factorvae_num_train=args.factorvae_num_train,
            factorvae_num_eval=args.factorvae_num_eval,
            factorvae_num_variance_estimate=args.factorvae_num_variance_estimate,
        )
    except (ValueError, FileNotFoundError) as error:
        print(f"scgan-tf evaluate: error: {error}", file=sys.stderr)
        return 2
    print(f"{result['model']} on {result['dataset']}, seed {result['seed']}")
    header = ("metric", "value", "±", "samples", "extractor")
    print(
        f"{header[0]:<17} {header[1]:>12} {header[2]:>10} {header[3]:>12}  {header[4]}"
    )
    for name in result["evaluated"]:
        entry = result["metrics"][name]
        spread = entry.get("std", entry.get("standard_error"))
        if name == "factorvae":
            samples = f"{entry['num_eval']} votes"
            where = entry["representation"]
        else:
            samples, where = str(entry["num_samples"]), entry["extractor"]
        print(
            f"{name:<17} {_format(entry['value']):>12} {_format(spread):>10} "
            f"{samples:>12}  {where}"
        )
    if "factorvae" in result["evaluated"]:
        entry = result["metrics"]["factorvae"]
        codes = ", ".join(_format(a, 3) for a in entry["code_accuracy"]) or "-"
        print(
            f"factorvae: chance {_format(entry['chance_accuracy'], 3)}, class accuracy "
            f"{_format(entry['class_accuracy'], 3)}, code recovery {codes} "
            "(see scgan_tf.metrics.disentanglement)"
        )
    path = os.path.join(args.run_dir, evaluation.METRICS_FILE)
    print(f"Wrote {path} in {time.perf_counter() - started:.0f} s")
    return 0


def _cmd_sample(args):
    from scgan_tf import evaluation, visualize

    if args.num < 1:
        print(
            f"scgan-tf sample: error: --num must be a positive integer. "
            f"Received: --num {args.num}",
            file=sys.stderr,
        )
        return 2
    try:
        model = evaluation.load_model(args.run_dir)
    except FileNotFoundError as error:
        print(f"scgan-tf sample: error: {error}", file=sys.stderr)
        return 2
    if args.traverse:
        out = args.out or args.run_dir
        spec = model.latent_spec
        if spec.num_codes == 0:
            print(
                f"The model in {args.run_dir} has no code to traverse.", file=sys.stderr
            )
            return 1
        for code in range(spec.num_codes):
            columns = spec.categorical[code] if code < len(spec.categorical) else 10
            path = os.path.join(out, f"traversal_code{code}.png")
            images = visualize.traversal_images(model, code, 10, columns, args.seed)
            visualize.save_image_grid(images, path, columns)
            print(path)
        return 0
    out = args.out or os.path.join(args.run_dir, f"samples_seed{args.seed}.png")
    images = model.generate(args.num, seed=args.seed)
    visualize.save_image_grid(images, out, min(10, args.num))
    print(out)
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
        "--jit-compile",
        default="auto",
        choices=["auto", "on", "off"],
        help="compile steps with XLA (auto: on with one replica)",
    )
    train.add_argument(
        "--mixed-precision", default=None, choices=["bfloat16", "float16"]
    )
    train.add_argument(
        "--batch-norm",
        default="local",
        choices=["local", "sync", "none"],
        help="batch norm per replica (the paper's), over the global batch, or none",
    )
    train.add_argument(
        "--cpu-replicas",
        type=int,
        default=0,
        help="split the CPU into this many logical devices (for --strategy mirrored)",
    )
    train.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2])
    train.set_defaults(func=_cmd_train)

    evaluate = sub.add_parser(
        "evaluate",
        help="score a run folder (FID, KID, classifier score, Parzen, FactorVAE) "
        "and write its metrics.json",
    )
    evaluate.add_argument("run_dir", help="a folder written by `scgan-tf train`")
    evaluate.add_argument(
        "--metrics",
        default="fid,kid,classifier_score,parzen,factorvae",
        help="comma-separated metrics (default: all)",
    )
    evaluate.add_argument("--num-samples", type=int, default=10000)
    evaluate.add_argument(
        "--extractor",
        default=None,
        help="features for FID/KID: mnist_classifier, fashion_mnist_classifier or "
        "inception (default: the dataset's classifier)",
    )
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument(
        "--num-test", type=int, default=10000, help="test images for Parzen"
    )
    evaluate.add_argument(
        "--encoder-steps",
        type=int,
        default=2000,
        help="training steps of the FactorVAE encoder (models without Q)",
    )
    evaluate.add_argument("--factorvae-num-train", type=int, default=10000)
    evaluate.add_argument("--factorvae-num-eval", type=int, default=5000)
    evaluate.add_argument("--factorvae-num-variance-estimate", type=int, default=10000)
    evaluate.set_defaults(func=_cmd_evaluate)

    sample = sub.add_parser(
        "sample", help="write a grid of samples, or traversals of each code"
    )
    sample.add_argument("run_dir", help="a folder written by `scgan-tf train`")
    sample.add_argument(
        "--traverse",
        action="store_true",
        help="one grid per code (traversal_codeK.png): rows of fixed noise, "
        "columns sweeping the code",
    )
    sample.add_argument("--num", type=int, default=100, help="images in the grid")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument(
        "--out",
        default=None,
        help="PNG file (default RUN_DIR/samples_seedS.png), or with --traverse a "
        "folder (default RUN_DIR)",
    )
    sample.set_defaults(func=_cmd_sample)
    return parser


def main(argv=None):
    _quiet_tensorflow()
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
