"""Structural check of a Chroma HNSW segment's files, before Chroma opens them.

hnswlib trusts its files: a truncated data_level0.bin or a neighbour id past the end makes it read out of bounds
and crash the whole process (a segmentation fault, not an exception), so a damaged index could not even be
detected from inside Chroma. This reads the header and checks that every file has the size it announces and
that every neighbour link points at an element that exists. Chroma 1.5's layout (hnswlib's, split in files):
header.bin (100 bytes: version, then hnswlib's header fields), data_level0.bin (per element: link count and
maxM0 neighbour ids, the vector, the label), length.bin (per element: its vector's norm, a float32),
link_lists.bin (per element: the byte size of its upper-level links, then per level a count and maxM ids).
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

_HEADER = struct.Struct("<i6QiI3QdQ")  # version; offsetLevel0 max_elements count size label_offset offset_data;
#                                        maxlevel enterpoint; maxM maxM0 M; mult; ef_construction
_LINK_COUNT_MASK = 0xFFFF  # the first 2 bytes of a link list header are the count (the next one a deleted flag)


def problem(folder: Path, dim: int | None = None) -> str:
    """What is wrong with the HNSW files in folder ("" when they are consistent, or not written yet)."""
    header_file = folder / "header.bin"
    if not header_file.exists():
        return ""  # nothing persisted yet (or the folder is gone: Chroma's own reads report that safely)
    raw = header_file.read_bytes()
    if len(raw) != _HEADER.size:
        return f"header.bin has {len(raw)} bytes, not {_HEADER.size}"
    (version, _, max_elements, count, size, label_offset, offset_data, _, enterpoint, max_m, max_m0, _, _,
     _) = _HEADER.unpack(raw)
    if version != 1 or not 0 <= count <= max_elements or offset_data != 4 + 4 * max_m0 or \
            size != label_offset + 8 or label_offset <= offset_data or (dim and label_offset - offset_data != 4 * dim):
        return "header.bin does not describe a valid index"
    if count and enterpoint >= count:
        return "header.bin names an entry point past the last element"
    sizes = {name: (folder / name).stat().st_size if (folder / name).exists() else -1
             for name in ("data_level0.bin", "length.bin", "link_lists.bin")}
    if sizes["data_level0.bin"] not in (count * size, max_elements * size):
        return f"data_level0.bin has {sizes['data_level0.bin']} bytes, not {count * size} (cut short?)"
    if sizes["length.bin"] not in (count * 4, max_elements * 4):
        return f"length.bin has {sizes['length.bin']} bytes, not {count * 4}"
    return _links_problem(folder, count, size, offset_data, max_m, max_m0, sizes["link_lists.bin"])


def _links_problem(folder: Path, count: int, size: int, offset_data: int, max_m: int, max_m0: int,
                   links_size: int) -> str:
    """Every neighbour link, at level 0 and above, within 0 .. count-1 (vectorised: ~0.1 s per 100k elements)."""
    if not count:
        return ""
    data = np.memmap(folder / "data_level0.bin", dtype=np.uint8, mode="r", shape=(count, size))
    level0 = np.ascontiguousarray(data[:, :offset_data]).view("<u4")
    if not _links_ok(level0, count, max_m0):
        return "data_level0.bin links to elements that do not exist"
    words = np.fromfile(folder / "link_lists.bin", dtype="<u4") if links_size else np.zeros(count, "<u4")
    if links_size % 4:
        return f"link_lists.bin has {links_size} bytes, not whole link lists"
    upper, at, level_words = [], 0, 1 + max_m
    for _ in range(count):  # each element: its links' byte size, then that many bytes
        if at >= len(words) or words[at] % (4 * level_words):
            return "link_lists.bin is cut short or garbled"
        end = at + 1 + int(words[at]) // 4
        if end > len(words):
            return "link_lists.bin is cut short"
        if end > at + 1:
            upper.append(words[at + 1 : end])
        at = end
    if at != len(words):
        return "link_lists.bin holds more than its elements' links"
    if upper and not _links_ok(np.concatenate(upper).reshape(-1, level_words), count, max_m):
        return "link_lists.bin links to elements that do not exist"
    return ""


def _links_ok(lists: np.ndarray, count: int, max_links: int) -> bool:
    """lists: one row per link list (count word, then max_links ids); the used ids must be < count."""
    counts = lists[:, 0] & _LINK_COUNT_MASK
    if np.any(counts > max_links):
        return False
    used = np.arange(max_links)[None, :] < counts[:, None]
    return not np.any(lists[:, 1 : 1 + max_links][used] >= count)
