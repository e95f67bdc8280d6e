"""Reads and verifies the IDX files that MNIST and Fashion-MNIST are published as."""

import gzip
import hashlib
import os
import zlib

import numpy as np

from scgan_tf.data.errors import DataIntegrityError

# IDX magic numbers: unsigned bytes with 3 dimensions (images) or 1 (labels).
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801


def find_idx_file(directory, idx_file):
    """Returns the path of `idx_file` in `directory` (`.gz` or not), or None."""
    for candidate in (idx_file.name + ".gz", idx_file.name):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    return None


def read_verified(path, idx_file):
    """Reads an IDX file and checks it against its published digests.

    A `.gz` file is accepted when its own SHA-256 is the published one or when
    its decompressed payload has the recorded SHA-256; an uncompressed file when
    its bytes have the payload digest.

    Args:
        path: path of the file, `.gz` or uncompressed.
        idx_file: the `IdxFile` entry it should match.

    Returns:
        A uint8 array: `(num, rows, cols)` for images, `(num,)` for labels.

    Raises:
        DataIntegrityError: the file is truncated, corrupted, or not the
            expected file.
    """
    with open(path, "rb") as f:
        raw = f.read()
    if path.endswith(".gz"):
        try:
            payload = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as e:
            raise DataIntegrityError(
                f"IDX file {path} is not a valid gzip file (truncated or corrupted: "
                f"{e}). Delete it and install or download it again."
            ) from e
        digest_ok = hashlib.sha256(raw).hexdigest() == idx_file.gzip_sha256
    else:
        payload = raw
        digest_ok = False
    if not digest_ok and hashlib.sha256(payload).hexdigest() != idx_file.payload_sha256:
        raise DataIntegrityError(
            f"IDX file {path} does not match the published SHA-256 of "
            f"{idx_file.name} (truncated, corrupted or a different file). "
            "Delete it and install or download it again."
        )
    return parse_idx(payload, path)


def parse_idx(payload, path="<bytes>"):
    """Parses the bytes of an IDX file of unsigned bytes into a numpy array."""
    if len(payload) < 8:
        raise DataIntegrityError(f"IDX file {path} is too short to hold a header.")
    magic = int.from_bytes(payload[:4], "big")
    if magic not in (IMAGES_MAGIC, LABELS_MAGIC):
        raise DataIntegrityError(
            f"IDX file {path} has an unknown magic number {magic:#x}."
        )
    ndim = magic & 0xFF
    header_size = 4 + 4 * ndim
    shape = tuple(
        int.from_bytes(payload[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    )
    data = np.frombuffer(payload, dtype=np.uint8, offset=header_size)
    if data.size != int(np.prod(shape)):
        raise DataIntegrityError(
            f"IDX file {path} declares shape {shape} but holds {data.size} values."
        )
    return data.reshape(shape)


def idx_payload_sha256(array, magic):
    """SHA-256 of the IDX bytes that would hold `array` (uint8), for checks."""
    header = magic.to_bytes(4, "big") + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    h = hashlib.sha256(header)
    h.update(np.ascontiguousarray(array, dtype=np.uint8).tobytes())
    return h.hexdigest()
