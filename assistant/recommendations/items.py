"""What a recommendation item is, where it comes from, who made it, and what in its text needs a warning.

An item is one of:
- a whole paragraph the parser classed as a recommendation (an assessment's "Recommendation" paragraphs, a UPR
  report's "140.18 ... (Algeria)"); id f"{doc_id}:{paragraph}", parts of a split paragraph merged;
- one explicit recommendation sentence in a news or newsletter passage ("The head of the colony was recommended to
  ..."); id f"{doc_id}:{paragraph}:s{n}", n = the sentence's 1-based position in the paragraph.
Ids use the paragraph number, never the passage id's content-hash version, so an item keeps its id when its file is
edited elsewhere and re-ingested. Own numbers ("251", "140.18") are stable; positional ones (newsletter paragraphs)
shift when paragraphs are inserted above, which changes those ids.

Item text is quoted verbatim, whatever it says: text that reads like instructions to a model, markup, links or a
spreadsheet formula is kept as written and flagged in `warnings`, so that every view shows it as data, with the
warning beside it (issue 15: such text is never presented as a recommendation without a visible warning).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.answer.features import split_sentences
from assistant.recommendations.responses import is_views_document
from assistant.recommendations.tagging import Tag
from ingest.countries import country_named
from ingest.types import Passage
from vectorstore.store import DocRecord

SENTENCE_DOC_TYPES = ("news", "newsletter")  # reports' "X recommended that ..." is reported speech, not an item
# An explicit recommendation sentence. recommendation_items() below is the one definition of "a recommendation":
# the explorer lists its items and the chat lists them.
RECOMMEND_SENTENCE = re.compile(r"\b(is|was|were|are) recommended\b|\brecommend(s|ed)? (that|to)\b", re.I)
# The chapeau and the disclaimer around a UPR recommendations list are classed "recommendation" by the parser.
_BOILERPLATE = re.compile(r"^\s*(the following recommendations|all conclusions and/or recommendations)", re.I)
# A recommending State closes its clause: "... (Egypt); continue ... (Peru);" or the item: "... (Spain, Chile);",
# "... (Algeria) (Cabo Verde) (Togo);" (4th cycle: one parenthesis per State).
_PAREN = re.compile(r"\(((?:[^()]|\([^()]*\))+)\)")
_CLAUSE_END = re.compile(r"\s*(?:;|\.?\s*$)")
_WARNINGS = (
    ("reads like an instruction to an AI model",
     re.compile(r"\b(?:ignore|disregard|forget|override)\b[^.]{0,40}\b(?:previous|prior|above|earlier|all|any)\b"
                r"[^.]{0,30}\b(?:instructions?|prompts?|rules|messages?|directions)\b"
                r"|(?:^|[\s\[<(])(?:system|assistant|developer)\s*(?:prompt)?\s*[:>\]]"
                r"|\byou are (?:now )?(?:an?|the) [^.]{0,30}\b(?:assistant|model|AI|chatbot|bot)\b"
                r"|\b(?:pretend|act|role-?play) as\b|\[/?INST\]|<<\s*/?SYS\s*>>|\bjailbreak", re.I)),
    ("contains markup", re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|!\[[^\]]*\]\(|\[[^\]]+\]\([^)]+\)")),
    ("contains a link", re.compile(r"\b(?:https?|ftp|file|javascript|data):|\bwww\.\S+", re.I)),
    ("starts like a spreadsheet formula", re.compile(r"^\s*(?:[=@\t\r]|[+-](?=\S))")),
)


@dataclass(frozen=True)
class RecommendationItem:
    """One recommendation, quoted exactly, with where it is, who made it, what it is about and the response.

    Attributes:
        paragraph: its number as cited ("140.10", "251"); `number` is the same.
        actor: the recommending State(s), ", "-joined ("Spain, Tunisia, Portugal"); `states` splits them.
        page: the PDF page it starts on, None when the format has no pages.
        response_status: "supported", "noted", "partially" or "" (no response known).
        response_reason: the State's explanation, "" when none was given.
        response_passage_id / response_label: the views paragraph stating the status (a status list or the answer).
        reason_passage_id / reason_label: the views paragraph giving the reason ("" without one).
        warnings: why the text must be shown as data only (instruction-like text, markup, links, formulas).
    """

    id: str
    doc_id: str
    file_name: str
    doc_title: str
    paragraph: str
    label: str
    passage_id: str
    text: str
    actor: str = ""
    states: tuple[str, ...] = ()
    page: int | None = None
    doc_date: str = ""
    themes: tuple[Tag, ...] = ()
    groups: tuple[Tag, ...] = ()
    response_status: str = ""
    response_reason: str = ""
    response_passage_id: str = ""
    response_label: str = ""
    reason_passage_id: str = ""
    reason_label: str = ""
    article_title: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def number(self) -> str:
        """The recommendation's number as text ("140.10")."""
        return self.paragraph


def own_text(text: str) -> str:
    """The recommendation's own words: OHCHR's thematic list appends its labels to each row ("... (Croatia); /
    Source of position: ... | Noted | A12 ... / Affected persons: / - migrants"), which are no words of the item."""
    return text.split(" / Source of position:", 1)[0]


def recommendation_items(passage: Passage, doc_record: DocRecord | None,
                         response_doc: bool | None = None) -> list[RecommendationItem]:
    """The recommendation items in one passage (untagged, without responses); [] when it holds none.

    Args:
        passage: any indexed passage.
        doc_record: its document's manifest record (None: the document type is unknown, so sentence items are
            taken only from passages whose section kind is "news").
        response_doc: whether the document is a State's views on recommendations, whose "140.47" blocks are
            responses, not recommendations; None decides from the document's metadata and title.
    """
    meta = doc_record.meta if doc_record else None
    if response_doc is None:
        response_doc = bool(meta) and is_views(meta)
    if response_doc:
        return []
    base = dict(doc_id=passage.doc_id, file_name=meta.file_name if meta else "",
                doc_title=meta.short_title or meta.title if meta else "", paragraph=passage.paragraph,
                label=passage.label, passage_id=passage.id, page=passage.page, doc_date=meta.date if meta else "",
                article_title=passage.article_title)
    if passage.section_kind == "recommendation":
        if _BOILERPLATE.match(passage.text) or not re.search(r"[^\W\d_]{3}", passage.text):
            return []
        return [_item(f"{passage.doc_id}:{passage.paragraph}", passage.text, passage.actor, base)]
    if not (meta.doc_type in SENTENCE_DOC_TYPES if meta else passage.section_kind == "news"):
        return []
    part = f":p{passage.part}" if passage.part > 1 else ""  # split paragraphs number sentences per part
    return [_item(f"{passage.doc_id}:{passage.paragraph}{part}:s{n}", sentence.strip(), "", base)
            for n, sentence in enumerate(split_sentences(passage.text), 1) if RECOMMEND_SENTENCE.search(sentence)]


_UN_NUMBER = re.compile(r"^\d+\.\d+$")


def _item(item_id: str, text: str, actor: str, base: dict) -> RecommendationItem:
    states = states_of(text, actor, un_numbered=bool(_UN_NUMBER.match(base["paragraph"] or "")))
    return RecommendationItem(id=item_id, text=text, actor=", ".join(states) or actor, states=states,
                              warnings=text_warnings(text), **base)


def is_views(meta) -> bool:
    """Whether a document is a State's views on UPR recommendations (its blocks are responses, not items)."""
    return getattr(meta, "un_kind", "") == "upr_views" or is_views_document(meta.title, meta.short_title)


def merge_parts(items: list[RecommendationItem]) -> list[RecommendationItem]:
    """One item per paragraph: consecutive parts of a split paragraph share an id and are joined."""
    out: list[RecommendationItem] = []
    for item in items:
        if out and out[-1].id == item.id:
            text = f"{out[-1].text} {item.text}"
            states = states_of(text, out[-1].actor, un_numbered=bool(_UN_NUMBER.match(item.paragraph or "")))
            out[-1] = replace(out[-1], text=text, states=states, actor=", ".join(states) or out[-1].actor,
                              warnings=text_warnings(text))
        else:
            out.append(item)
    return out


def states_of(text: str, actor: str = "", un_numbered: bool = True) -> tuple[str, ...]:
    """The recommending States of a UPR recommendation, in order: every "(State)", or run of them, closing one of
    its clauses ("... (Egypt); continue ... (Peru);", "(Algeria) (Togo);") whose names are countries, and, for a
    UN-numbered item ("140.10"), its last parenthesis whatever its names; the parser's actor when the text has
    none. An assessment's or a news item's closing parenthesis is a State only when it names countries. A name the
    document writes in lower case ("(netherlands)") is given as ingest.countries spells it."""
    runs: list[list[re.Match]] = []
    for match in _PAREN.finditer(text):
        if runs and not text[runs[-1][-1].end():match.start()].strip():
            runs[-1].append(match)
        else:
            runs.append([match])
    found: list[str] = []
    for run in runs:
        if not _CLAUSE_END.match(text, run[-1].end()):
            continue
        final = not text[run[-1].end():].strip(" ;.")
        for n, match in enumerate(run):  # the item's very last parenthesis is a State whatever its name
            names = [name.strip() for name in re.split(r"[,;]", match.group(1)) if name.strip()]
            last = un_numbered and final and n == len(run) - 1
            if names and (last or all(country_named(_plain(name)) for name in names)):
                found.extend(s for s in (_spelled(name) for name in names) if s not in found)
    if not found and actor:
        found = [name.strip() for name in re.split(r"[;,]", actor) if name.strip()]
    return tuple(found)


def _spelled(name: str) -> str:
    return (country_named(_plain(name)) or name) if name.islower() else name


def canonical_state(name: str) -> str:
    """A State's name as ingest.countries knows it ("Iran (Islamic Republic of)" -> "Iran", "UK" ->
    "United Kingdom"); the name itself, lower-cased, when it knows none."""
    return country_named(_plain(name)) or country_named(name) or " ".join(_plain(name).lower().split())


def _plain(name: str) -> str:
    """"Iran (Islamic Republic of)" -> "Islamic Republic of Iran"; "the former ..." keeps its words."""
    match = re.match(r"^(.*?)\s*\(([^()]*\bof)\)\s*$", name.strip())
    return f"{match.group(2)} {match.group(1)}" if match else name.strip()


def text_warnings(text: str) -> tuple[str, ...]:
    """Why a text must be shown as data only: ("reads like an instruction to an AI model", ...); () for none."""
    return tuple(why for why, pattern in _WARNINGS if pattern.search(text))


def number_key(number: str) -> tuple:
    """Sort key of a recommendation number: "140.9" before "140.10"; sentence items after their paragraph."""
    parts = re.findall(r"\d+", number or "")
    return (0, *map(int, parts)) if parts else (1, number or "")
