"""The words with which a views document states a State's position on recommendations.

SUPPORTED: "accepts", "supports", "agrees". NOTED: "takes note of", "notes recommendations ...", and in the 1st
cycle's answers "cannot accept", "does not accept", "cannot ... make a definitive statement": since the 2nd cycle
the UPR records every recommendation a State does not support as noted, so a rejection of 2010 is noted here too.
PARTIAL ("partially"): one answer accepting one part of a recommendation and not another (A/HRC/14/15/Add.1 ¶3
"accepts ... Convention No. 174 ... cannot make a definitive statement regarding ... No. 118", ¶32, ¶58). It is
counted on its own: never as supported, never as noted.
"""
from __future__ import annotations

import re

SUPPORTED, NOTED, PARTIAL = "supported", "noted", "partially"
STATUSES = (SUPPORTED, NOTED, PARTIAL)

_REF = r"\d{1,3}(?:\.\d{1,3})?(?:\s*[-–]\s*(?:\d{1,3}\.)?\d{1,3})?"
# "accepts the following recommendations: 140.7, ...", "takes note of recommendations 140.1, 140.2", "accepts the
# recommendations 1–5, 14– 16", "... and provides some additional information about the implementation: 140.11".
_LIST = re.compile(rf"\b(?P<verb>accepts?|supports?|takes? note of|notes)\b[^:\d.]{{0,60}}?\brecommendations?\b"
                   rf"(?:[^:\d]{{0,160}}:)?\s*(?P<run>{_REF}(?:\s*(?:[,;]|\.(?=\s*\d)|\band\b)\s*{_REF})*)", re.I)
_NEGATED = re.compile(r"\b(?:not|cannot|can ?not)\b[^.;]{0,30}$", re.I)  # the words before a verb
_POSITIVE = re.compile(r"\b(?:accepts?|accepted|supports?|supported|agrees?)\b", re.I)
_NEGATIVE = re.compile(r"\b(?:cannot|can ?not|does not|do not|will not)\s+(?:accept|support)|\brejects?\b"
                       r"|\btakes? note of\b|\bnotes (?:the |these |this )?recommendations?\b"
                       r"|\bcannot\b[^.]{0,40}\bmake a definitive statement|\bno definitive statement", re.I)
_BARE = re.compile(r"^[^.;]*\b(?:accepts?|supports?)\s+(?:the|this|these)\s+recommendations?\s*\.?\s*$", re.I)
_STATED = (re.compile(r"\b(?P<verb>accepts|supports|notes|takes note of)\s+(?P<n>\d{1,4})\s+recommendations\b", re.I),
           re.compile(r"\b(?P<n>\d{1,4})\s+(?:are\s+|were\s+|have been\s+)?(?P<verb>supported|accepted|noted)\b",
                      re.I))


def list_statuses(text: str) -> list[tuple[str, str]]:
    """(status, numbers as written) for each status list in a paragraph; [] when it lists none."""
    out = []
    for match in _LIST.finditer(text):
        status = NOTED if "note" in match.group("verb").lower() else SUPPORTED
        if _NEGATED.search(text[max(0, match.start() - 40):match.start()]):
            status = NOTED
        out.append((status, match.group("run")))
    return out


def answer_status(text: str) -> str:
    """The status an answer to one recommendation states in its own words; "" when it states none."""
    positive = any(not _NEGATED.search(text[max(0, m.start() - 40):m.start()]) for m in _POSITIVE.finditer(text))
    negative = bool(_NEGATIVE.search(text))
    if positive and negative:
        return PARTIAL
    return SUPPORTED if positive else NOTED if negative else ""


def bare_status_sentence(text: str) -> bool:
    """Whether an answer says nothing but its status ("Slovenia accepts the recommendation.")."""
    return bool(_BARE.match(" ".join(text.split())))


def section_status(heading: str) -> str:
    """The status a section heading gives its blocks ("III. Noted recommendations"), "" for none."""
    last = heading.split(" > ")[-1] if heading else ""
    if re.search(r"\bnoted\b", last, re.I):
        return NOTED
    return SUPPORTED if re.search(r"\b(?:accepted|supported)\b", last, re.I) else ""


def stated_counts(text: str) -> dict[str, int]:
    """The counts a paragraph states ("accepts 142 recommendations", "of which 217 are supported and 37
    noted") by status; {} when it states none."""
    out: dict[str, int] = {}
    for pattern in _STATED:
        for match in pattern.finditer(text):
            status = NOTED if "not" in match.group("verb").lower() else SUPPORTED
            out.setdefault(status, int(match.group("n")))
    return out
