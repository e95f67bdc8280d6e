"""Choosing a `tf.distribute` strategy by name, and splitting a CPU for tests."""

import tensorflow as tf

STRATEGIES = ("auto", "one-device", "mirrored")


def get_strategy(strategy="auto"):
    """Returns a `tf.distribute.Strategy` for `strategy`.

    Args:
        strategy: `"auto"` (all GPUs with `MirroredStrategy` when there are
            several, else the default strategy), `"one-device"` (the first GPU,
            else the CPU), `"mirrored"` (`MirroredStrategy` over all GPUs, or over
            the logical CPUs made by `split_cpu`), or a strategy object.

    Returns:
        A `tf.distribute.Strategy`.
    """
    if isinstance(strategy, tf.distribute.Strategy):
        return strategy
    if strategy not in STRATEGIES:
        raise ValueError(
            f"strategy must be one of {STRATEGIES} or a tf.distribute.Strategy. "
            f"Received: strategy={strategy!r}"
        )
    gpus = tf.config.list_logical_devices("GPU")
    if strategy == "one-device":
        return tf.distribute.OneDeviceStrategy(gpus[0].name if gpus else "/cpu:0")
    if strategy == "mirrored":
        if gpus:
            return tf.distribute.MirroredStrategy()
        return tf.distribute.MirroredStrategy(
            [d.name for d in tf.config.list_logical_devices("CPU")]
        )
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def split_cpu(num_devices):
    """Splits the CPU into `num_devices` logical devices (before TensorFlow runs).

    With them, `MirroredStrategy` runs several replicas on one machine, which is
    how multi-replica training is tested without GPUs.
    """
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * num_devices
    )


def gather_replicas(x):
    """Concatenates `x` over the replicas, in replica context, keeping gradients.

    `all_gather`'s gradient sums every replica's gradient of this replica's slice,
    so with each replica's loss divided by the replica count the summed update
    equals one device's. The result is reshaped to its static global shape, which
    also turns the sparse gradients of later gathers into dense ones, as
    `all_gather`'s gradient needs.

    Args:
        x: this replica's tensor, batch first, float (collectives need one memory
            placement; integer tensors live on the host).

    Returns:
        The global tensor, replica 0's part first.
    """
    context = tf.distribute.get_replica_context()
    replicas = context.num_replicas_in_sync
    if replicas == 1:
        return x
    batch = -1 if x.shape[0] is None else x.shape[0] * replicas
    return tf.reshape(context.all_gather(x, axis=0), [batch, *x.shape[1:]])
