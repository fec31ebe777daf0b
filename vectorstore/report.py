"""What an ingest did, per file and in sum (rendered by assistant/render.py, returned as JSON by the CLI)."""
from __future__ import annotations

from dataclasses import dataclass, field

# added, updated, unchanged: the file's document is indexed. failed: the file was not read or not parsed.
# skipped: not a supported type inside a folder, or the same content as a document already indexed.
# not done: the run stopped (a write failed) before this file. removed: pruned, its file is gone.
STATUSES = ("added", "updated", "unchanged", "failed", "skipped", "not done", "removed")
INDEXED = frozenset({"added", "updated", "unchanged"})


@dataclass
class FileResult:
    """What happened to one file; status is one of STATUSES."""

    path: str
    status: str
    doc_id: str = ""
    passages: int = 0
    reason: str = ""
    seconds: float = 0.0


@dataclass
class IngestReport:
    """Every file's result; stopped is the one-line reason when the run ended early."""

    files: list[FileResult] = field(default_factory=list)
    orphans_removed: int = 0
    seconds: float = 0.0
    embedded: int = 0
    stopped: str = ""

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0 and not self.stopped

    def summary(self) -> dict:
        return {
            "documents": sum(self.count(s) for s in INDEXED),
            "added": self.count("added"), "updated": self.count("updated"),
            "unchanged": self.count("unchanged"), "failed": self.count("failed"),
            "skipped": self.count("skipped"), "removed": self.count("removed"), "not_done": self.count("not done"),
            "passages": sum(f.passages for f in self.files if f.status in INDEXED),
            "embedded": self.embedded, "orphans_removed": self.orphans_removed,
            "seconds": round(self.seconds, 3), "stopped": self.stopped,
        }
