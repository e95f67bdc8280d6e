"""Errors raised by the data loaders."""


class DataNotFoundError(FileNotFoundError):
    """No source on this machine has the requested dataset."""


class DataIntegrityError(ValueError):
    """A data file or source does not hold what it should (wrong digest or counts)."""
