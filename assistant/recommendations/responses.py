"""A State's responses to UPR recommendations, parsed from its "views on recommendations" addendum.

The addendum (e.g. A/HRC/59/15/Add.1) states each recommendation's status in list paragraphs ("3. The Government
accepts the following recommendations: 140.7, 140.8, ...", "5. The Government takes note of recommendations ...")
and gives reasons in blocks headed by the numbers they cover ("140.82-85, 87", "140.120, 209", "140.118-119").
parse_responses is pure; responses_text rebuilds that text from indexed passages, whose heading path keeps the
block headers.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from ingest.types import Passage

log = logging.getLogger(__name__)

SUPPORTED, NOTED = "supported", "noted"

_REF = r"\d+\.\d+(?:\s*[-–]\s*(?:\d+\.)?\d+)?"  # "140.82" or "140.82-85"
_SPEC_LINE = re.compile(rf"^\s*{_REF}(?:\s*[,;.]\s*(?:{_REF}|\d+(?:\s*[-–]\s*\d+)?))*\s*[,.;:]?\s*$")
_SECTION = re.compile(r"^\s*[IVX]{1,4}\.\s+\S")
_NUMBERED = re.compile(r"^\s*(\d{1,3})\.\s+[A-Z]")
_FURNITURE = re.compile(r"^\s*(\d{1,3}|[A-Z]+/[A-Z0-9.]+(?:/[A-Za-z0-9.]+)+)\s*$")  # page numbers, document symbols
_TRIGGER = re.compile(r"\b(accepts?|supports?|takes? note of|notes)\b[^:\d]{0,60}?recommendations?\s*:?", re.I)
_LIST_RUN = re.compile(r"(?:\d+\.\d+(?:\s*[-–]\s*(?:\d+\.)?\d+)?|\d+(?:\s*[-–]\s*\d+)?|[\s,.;]+|and\b)+")
_FIRST_NUMBER = re.compile(r"\d+\.\d+")
_MAX_LIST_LEAD = 160  # "... and provides some additional information about the implementation:" before the numbers
_TOKEN = re.compile(r"(?:(\d+)\.)?(\d+)(?:\s*[-–]\s*(?:\d+\.)?(\d+))?")
_VIEWS = re.compile(r"views on (the )?(conclusions|(UPR )?recommendations)", re.I)
_SYMBOL = re.compile(r"\b[A-Z]{1,2}/HRC/(?:[A-Z0-9.]+/)*[A-Z0-9.]+\d(?:/Add\.\d+)?", re.I)


@dataclass(frozen=True)
class Response:
    """What the State under review said about one recommendation.

    Attributes:
        status: SUPPORTED or NOTED.
        reason: the explanation given for it, whitespace-normalised; "" when none was given.
        source_paragraph: the number of the paragraph stating the status ("3"), or the reason block's header.
        reason_ref: the header of the reason block as written ("140.82-85, 87"), "" without a reason.
    """

    status: str
    reason: str = ""
    source_paragraph: str = ""
    reason_ref: str = ""


def parse_responses(text: str) -> dict[str, Response]:
    """Recommendation number ("140.47") -> Response, from the text of a views-on-recommendations document.

    Handles comma lists with stray full stops ("140.35. 140.36"), ranges ("140.82-85", "140.118-119") and
    shortened continuations ("140.82-85, 87", "140.120, 209"). A number listed under both statuses keeps the
    first and is logged. Page numbers and document-symbol lines (PDF page furniture) are ignored.
    """
    statuses: dict[str, tuple[str, str]] = {}
    reasons: dict[str, tuple[str, str, str]] = {}
    for kind, head, body, section_status in _segments(text):
        if kind == "paragraph":
            _read_list(head, body, statuses)
        else:
            reason = " ".join(body.split())
            for number in expand_numbers(head):
                reasons.setdefault(number, (reason, head.strip().rstrip(".;:"), section_status))
    out = {}
    for number in sorted(set(statuses) | set(reasons), key=_sort_key):
        status, paragraph = statuses.get(number, ("", ""))
        reason, ref, section_status = reasons.get(number, ("", "", ""))
        status = status or section_status
        if not status:
            log.warning("recommendation %s has a reason but no stated status; skipped", number)
            continue
        out[number] = Response(status, reason, paragraph or ref, ref)
    return out


def expand_numbers(spec: str) -> list[str]:
    """"140.82-85, 87" -> ["140.82", "140.83", "140.84", "140.85", "140.87"]; bare numbers reuse the last prefix."""
    out, prefix = [], None
    for major, minor, end in _TOKEN.findall(spec):
        prefix = major or prefix
        if prefix is None:
            continue
        last = int(end) if end else int(minor)
        out.extend(f"{prefix}.{n}" for n in range(int(minor), max(last, int(minor)) + 1))
    return out


def _segments(text: str) -> Iterable[tuple[str, str, str, str]]:
    """(kind, head, body, section status) for each numbered paragraph and each reason block, in order."""
    lines = [line for line in text.splitlines() if line.strip() and not _FURNITURE.match(line)]
    kind, head, body, section_status = "", "", [], ""
    for i, line in enumerate(lines):
        boundary = None
        if _SECTION.match(line) and not _SPEC_LINE.match(line):
            boundary = ("section", line)
        elif _NUMBERED.match(line):
            boundary = ("paragraph", line)
        elif _SPEC_LINE.match(line) and _starts_reason(lines[i + 1] if i + 1 < len(lines) else ""):
            boundary = ("reason", line)
        if boundary is None:
            body.append(line)
            continue
        if kind in ("paragraph", "reason"):
            yield kind, head, "\n".join(body), section_status
        kind, head, body = boundary[0], boundary[1], []
        if kind == "paragraph":
            body = [line]
        elif kind == "section":
            section_status = NOTED if re.search(r"\bnoted\b", line, re.I) else (
                SUPPORTED if re.search(r"\b(accepted|supported)\b", line, re.I) else "")
    if kind in ("paragraph", "reason"):
        yield kind, head, "\n".join(body), section_status


def _starts_reason(line: str) -> bool:
    """A reason block's first line is prose starting with a capital: not a heading or numbered paragraph."""
    stripped = line.strip()
    return bool(stripped) and (stripped[0].isupper() or stripped[0] in "\"“'‘") and not (
        _SECTION.match(line) or _NUMBERED.match(line))


def _read_list(head: str, body: str, statuses: dict[str, tuple[str, str]]) -> None:
    """Record the statuses a list paragraph states ("... accepts the following recommendations: 140.7, ...")."""
    match = _TRIGGER.search(body)
    if not match:
        return
    status = NOTED if "note" in match.group(1).lower() else SUPPORTED
    first = _FIRST_NUMBER.search(body, match.end(), match.end() + _MAX_LIST_LEAD)
    run = _LIST_RUN.match(body, first.start()) if first else None
    paragraph = _NUMBERED.match(head).group(1)
    for number in expand_numbers(run.group(0) if run else ""):
        if number in statuses and statuses[number][0] != status:
            log.warning("recommendation %s is listed as %s and %s; keeping %s", number, statuses[number][0],
                        status, statuses[number][0])
        statuses.setdefault(number, (status, paragraph))


def _sort_key(number: str) -> tuple[int, ...]:
    return tuple(int(n) for n in number.split("."))


def is_views_document(*texts: str) -> bool:
    """Whether a title or text declares itself the State's views on (UPR) recommendations."""
    return any(_VIEWS.search(t or "") for t in texts)


def document_symbol(*texts: str) -> str:
    """The first UN document symbol in the texts ("A/HRC/59/15/Add.1"), or ""."""
    for text in texts:
        match = _SYMBOL.search(text or "")
        if match:
            return match.group(0)
    return ""


def family_of(symbol: str) -> str:
    """The symbol of the document an addendum belongs to: "A/HRC/59/15/Add.1" -> "A/HRC/59/15"."""
    return re.sub(r"/Add\.\d+$", "", symbol, flags=re.I)


def responses_text(passages: Sequence[Passage]) -> str:
    """Rebuild a views document's text from its passages (reading order) for parse_responses.

    The parser keeps reason-block headers ("140.82-85, 87") as headings, so each new heading is written back on its
    own line, own paragraph numbers as "3. ", and parts of a split paragraph are joined on one line.
    """
    lines: list[str] = []
    previous: list[str] = []
    for p in passages:
        path = [h for h in p.heading.split(" > ") if h] if p.heading else []
        shared = 0
        while shared < min(len(path), len(previous)) and path[shared] == previous[shared]:
            shared += 1
        lines.extend(path[shared:])
        previous = path
        if p.part > 1 and lines:
            lines[-1] += " " + p.text
        elif p.numbered and _SPEC_LINE.match(p.paragraph):  # a reason block: its label, then the reasons
            lines.extend([p.paragraph, p.text])
        else:
            lines.append(f"{p.paragraph}. {p.text}" if p.numbered else p.text)
    return "\n".join(lines)
