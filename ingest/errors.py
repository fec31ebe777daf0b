"""The project's error hierarchy. Messages name the file or input at fault and what to do."""
from __future__ import annotations


class HrqaError(Exception):
    """Base of every error hrqa raises on purpose."""


class IngestError(HrqaError):
    """A file could not be read or parsed; other files are unaffected."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class StoreError(HrqaError):
    """The index could not be opened, read or written."""


class ConfigError(HrqaError):
    """A setting has a value hrqa cannot use."""
