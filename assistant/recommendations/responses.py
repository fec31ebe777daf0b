"""A State's responses to UPR recommendations, read from its "views on recommendations" addendum.

The addendum is read as the ingest parser gives it: paragraphs (Block), each with the label the document gives it.
Three layouts:
- status lists with UN numbers (A/HRC/59/15/Add.1, 4th cycle): "3. The Government accepts the following
  recommendations: 140.7, 140.8, ...", "5. The Government takes note of recommendations 140.1, ...", and reason
  blocks labelled with the numbers they answer ("140.82-85, 87", "140.120, 209");
- status lists with the report's bare numbers (A/HRC/28/15/Add.1, 2nd cycle): "3. ... accepts the recommendations
  1–5, 14–16, ...", reason blocks "Rec. 18", "Recs. 6–13" (labelled "18", "6-13"). A bare 18 is the report's
  115.18: Views.bare says so and the explorer adds the report's prefix;
- one answer per recommendation (A/HRC/14/15/Add.1, 1st cycle): "1. Slovenia cannot ... make a definitive
  statement", "5., 6., 7., 8., 9. The Slovenian Government accepts these recommendations", the status read from
  the answer's own words (assistant.recommendations.statuses).
Unnumbered paragraphs continue the answer above them. A reason that only says "See recommendation 71." gets the
reason it points to appended.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from typing import Sequence

from assistant.recommendations.statuses import (
    NOTED,
    PARTIAL,
    SUPPORTED,
    answer_status,
    bare_status_sentence,
    list_statuses,
    section_status,
    stated_counts,
)
from ingest.types import Passage

log = logging.getLogger(__name__)

__all__ = ["Block", "NOTED", "PARTIAL", "Response", "StatusList", "SUPPORTED", "Views", "blocks_from_passages",
           "document_symbol", "expand_numbers", "family_of", "is_views_document", "parse_views"]

_LABEL = re.compile(r"^\s*\d+(?:\.\d+)?(?:\s*[-–]\s*(?:\d+\.)?\d+)?(?:\s*,\s*\d+(?:\.\d+)?(?:\s*[-–]\s*\d+)?)*\s*$")
_TOKEN = re.compile(r"(?:(\d+)\.)?(\d+)(?:\s*[-–]\s*(?:\d+\.)?(\d+))?")
_SEE = re.compile(r"^\s*see (?:also |information on )?recommendations?\s+([\d\s,–-]+(?:and\s+\d+)?)", re.I)
_OPENING = 6  # blocks searched for the counts a document states ("accepts 142 recommendations")
_VIEWS = re.compile(r"views on (the )?(conclusions|(UPR )?recommendations)", re.I)
_SYMBOL = re.compile(r"\b[A-Z]{1,2}/HRC/(?:[A-Z0-9.]+/)*[A-Z0-9.]+\d(?:/Add\.\d+)?", re.I)


@dataclass(frozen=True)
class Block:
    """One paragraph of a views document.

    Attributes:
        label: the numbers it is labelled with as the parser gives them ("3", "140.82-85, 87", "6-13"); "" when
            unnumbered.
        text: the paragraph (parts of a split one joined).
        heading: its heading path ("III. Noted recommendations").
        passage_id / citation / page: where it is indexed, for citing it.
    """

    label: str
    text: str
    heading: str = ""
    passage_id: str = ""
    citation: str = ""
    page: int | None = None


@dataclass(frozen=True)
class Response:
    """What the State under review said about one recommendation.

    Attributes:
        status: SUPPORTED, NOTED or PARTIAL.
        reason: the State's explanation, whitespace-normalised; "" when none was given.
        status_block: the paragraph stating the status (a status list, or the answer itself).
        reason_block: the paragraph giving the reason, None without one.
    """

    status: str
    reason: str = ""
    status_block: Block | None = None
    reason_block: Block | None = None

    @property
    def source_paragraph(self) -> str:
        """The label of the paragraph stating the status ("3", "5-9")."""
        return self.status_block.label if self.status_block else ""

    @property
    def reason_ref(self) -> str:
        """The label of the reason block as written ("140.82-85, 87"), "" without a reason."""
        return self.reason_block.label if self.reason_block and self.reason else ""


@dataclass(frozen=True)
class StatusList:
    """A paragraph listing recommendations under one status: what a count of them is cited to."""

    status: str
    block: Block
    count: int


@dataclass(frozen=True)
class Views:
    """Everything read from one views document.

    Attributes:
        responses: recommendation number as the document writes it ("140.7", or bare "7" when bare) -> Response.
        bare: the numbers are the report's own without its prefix ("Rec. 18" for 115.18).
        lists: the status-list paragraphs, in order.
        stated: the counts the document states itself ({"supported": 142, "noted": 21}), {} when it states none.
        stated_block: the paragraph stating them.
    """

    responses: dict[str, Response] = field(default_factory=dict)
    bare: bool = False
    lists: tuple[StatusList, ...] = ()
    stated: dict[str, int] = field(default_factory=dict)
    stated_block: Block | None = None


def blocks_from_passages(passages: Sequence[Passage]) -> list[Block]:
    """A views document's passages (reading order) as blocks: parts of a split paragraph joined."""
    blocks: list[Block] = []
    for p in passages:
        if p.part > 1 and blocks:
            blocks[-1] = replace(blocks[-1], text=f"{blocks[-1].text} {p.text}")
            continue
        blocks.append(Block(p.paragraph if p.numbered else "", p.text, p.heading, p.id, p.label, p.page))
    return blocks


def parse_views(blocks: Sequence[Block]) -> Views:
    """Statuses, reasons and their sources from a views document's blocks (see the module docstring)."""
    answers = _answers(blocks)
    lists = [(b, status, spec) for b in answers for status, spec in list_statuses(b.text)]
    # the counts a document states about itself come in its opening paragraphs
    stated, stated_block = next(((c, b) for b in blocks[:_OPENING] for c in [stated_counts(b.text)] if c),
                                ({}, None))
    if lists:
        listed = {id(b) for b, *_ in lists}
        first = next(n for n, b in enumerate(answers) if id(b) in listed)
        reasons = [b for b in answers[first:] if id(b) not in listed]
        responses = _from_lists(lists, reasons)
        numbers = [n for _, _, spec in lists for n in expand_numbers(spec)]
        status_lists = tuple(StatusList(s, b, len(expand_numbers(spec))) for b, s, spec in lists)
    else:
        responses = _from_answers([b for b in answers if b.label])
        numbers, status_lists = list(responses), ()
    bare = bool(numbers) and all("." not in n for n in numbers)
    return Views(_resolve_references(responses), bare, status_lists, stated, stated_block)


def _answers(blocks: Sequence[Block]) -> list[Block]:
    """Labelled blocks with the unnumbered paragraphs that follow each joined to it; text before the first
    labelled block is left out (the document's introduction)."""
    out: list[Block] = []
    for block in blocks:
        if block.label and _LABEL.match(block.label):
            out.append(block)
        elif out and not block.label:
            out[-1] = replace(out[-1], text=f"{out[-1].text}\n{block.text}")
    return out


def _from_lists(lists: list[tuple[Block, str, str]], reasons: list[Block]) -> dict[str, Response]:
    statuses: dict[str, tuple[str, Block]] = {}
    for block, status, spec in lists:
        for number in expand_numbers(spec):
            if number in statuses and statuses[number][0] != status:
                log.warning("recommendation %s is listed as %s and %s; keeping %s", number, statuses[number][0],
                            status, statuses[number][0])
            statuses.setdefault(number, (status, block))
    explained: dict[str, Block] = {}
    for block in reasons:
        for number in expand_numbers(block.label):
            explained.setdefault(number, block)
    out: dict[str, Response] = {}
    for number in sorted(set(statuses) | set(explained), key=_sort_key):
        status, found = statuses.get(number, ("", None))
        reason_block = explained.get(number)
        if not status and reason_block is not None:
            status, found = section_status(reason_block.heading), reason_block
        if not status:
            log.warning("recommendation %s has a reason but no stated status; skipped", number)
            continue
        reason = " ".join(reason_block.text.split()) if reason_block else ""
        out[number] = Response(status, reason, found, reason_block)
    return out


def _from_answers(answers: list[Block]) -> dict[str, Response]:
    out: dict[str, Response] = {}
    for block in answers:
        status = answer_status(block.text)
        if not status:
            log.warning("answer %s states no status; its recommendations are left without one", block.label)
            continue
        reason = "" if bare_status_sentence(block.text) else " ".join(block.text.split())
        for number in expand_numbers(block.label):
            out.setdefault(number, Response(status, reason, block, block if reason else None))
    return out


def _resolve_references(responses: dict[str, Response]) -> dict[str, Response]:
    """"See recommendation 71." -> the same words followed by recommendation 71's own reason."""
    out = dict(responses)
    for number, response in responses.items():
        match = _SEE.match(response.reason)
        if not match:
            continue
        prefix = number.rsplit(".", 1)[0] + "." if "." in number else ""
        cited = []
        for ref in expand_numbers(" ".join(match.group(1).replace("and", ",").split()), prefix):
            other = responses.get(ref)
            if other and other.reason and not _SEE.match(other.reason) and other.reason not in cited:
                cited.append(other.reason)
        if cited:
            out[number] = replace(response, reason=f"{response.reason} (" + " / ".join(cited) + ")")
    return out


def expand_numbers(spec: str, prefix: str = "") -> list[str]:
    """"140.82-85, 87" -> ["140.82", "140.83", "140.84", "140.85", "140.87"]; bare numbers reuse the last
    prefix ("140."), or the one given, or stay bare ("6–8" -> ["6", "7", "8"])."""
    out: list[str] = []
    last = prefix.rstrip(".") or None
    for major, minor, end in _TOKEN.findall(spec):
        last = major or last
        first, stop = int(minor), int(end) if end else int(minor)
        head = f"{last}." if last else ""
        out.extend(f"{head}{n}" for n in range(first, max(stop, first) + 1))
    return out


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
