"""Text bound for a terminal: file names, titles and labels printed so that they cannot drive it.

A file name may hold an escape sequence (ESC [ ... or the one-byte C1 CSI) that recolours, moves or clears the
terminal, a newline that splits a table row, or a bidirectional override that shows the text reversed. Each
such character is printed as its escape (\\x1b, \\n, \\u202e) instead: visible, and the name stays one line.
"""
from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the invisible bidirectional controls (marks, embeddings, overrides, isolates).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: object) -> str:
    """text with every control and bidirectional-control character replaced by its visible escape."""
    return _UNSAFE.sub(_escape, str(text))


def printable_lines(text: object) -> str:
    """Like printable, but line breaks stay line breaks (for multi-line output built from escaped fields)."""
    return "\n".join(printable(line) for line in str(text).split("\n"))


def _escape(match: re.Match) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
