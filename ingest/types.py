"""Plain data passed between reading, parsing, chunking and the index.

Everything here is immutable and scalar-friendly: a Passage's fields map one-to-one onto
Chroma metadata (scalars only), so the store never has to invent a serialisation.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Section kinds a paragraph can have; the retriever and the recommendations explorer filter on them.
SECTION_KINDS = (
    "recommendation",
    "finding",
    "area_for_improvement",
    "standard",
    "response",
    "news",
    "other",
)

# Document types; inferred by ingest.metadata, overridable by the caller.
DOC_TYPES = ("assessment", "report", "news", "newsletter", "roadmap", "other")


@dataclass(frozen=True)
class Page:
    """One page of extracted text; number is 1-based for paged formats (PDF), None otherwise."""

    text: str
    number: int | None = None


@dataclass(frozen=True)
class RawDocument:
    """A file's text as read from disk, before any cleaning.

    Attributes:
        path: the file path as given to the reader.
        file_name: the base name, used in citations and as the user-facing document key.
        source_format: "txt", "md", "pdf", "html" or "docx".
        pages: the text, one entry per page for PDFs, a single entry otherwise. Readers write it as light
            Markdown: headings they know of as "## Heading" lines, blocks separated by blank lines, list items as
            "• item", table rows as "| a | b |" (see ingest.markdown, ingest.pdflayout).
        hints: what the file says about itself outside its text: "title" (a PDF cover's title block, HTML
            <title>/og:title, DOCX core properties or page header), "date" and "date_kind", "cover" (the text of
            a PDF cover page: masthead, symbol, "Distr.: General <date>"), scraper fields ("source", "country").
    """

    path: str
    file_name: str
    source_format: str
    pages: tuple[Page, ...]
    hints: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document after cleaning and structure detection.

    Attributes:
        text: the paragraph text, wrapped lines re-joined, no leading number.
        number: the document's own number ("246", "140.18", "(g)") or a positional one ("3").
        numbered: True when number is the document's own, False when positional.
        heading_path: headings from the outermost (chapter) to the innermost (section).
        chapter: the chapter number when the heading states one ("7"), else "".
        section_kind: one of SECTION_KINDS.
        page: 1-based PDF page where the paragraph starts, None for unpaged formats.
        article_title: for newsletters, the title of the article the paragraph belongs to.
        article_index: 1-based article position within a newsletter, 0 when not an article.
        actor: for UN recommendations, the recommending State(s) in parentheses ("Algeria").
    """

    text: str
    number: str
    numbered: bool = False
    heading_path: tuple[str, ...] = ()
    chapter: str = ""
    section_kind: str = "other"
    page: int | None = None
    article_title: str = ""
    article_index: int = 0
    actor: str = ""


@dataclass(frozen=True)
class DocumentMeta:
    """What a document says about itself, inferred by ingest.metadata and overridable.

    Attributes:
        doc_id: deterministic id derived from the file name (see ingest.ids).
        file_name: base name of the source file.
        title: the document's own title, or a readable form of the file name.
        short_title: the name used in citation labels ("Ombudsman assessment").
        doc_type: one of DOC_TYPES.
        date: ISO date (YYYY-MM-DD, or YYYY-MM, or YYYY) when the text states one, else "".
        countries: countries mentioned, most frequent first.
        content_hash: sha256 of the raw file bytes; a change means re-ingest.
        source_format: as in RawDocument.
        symbol: the document's own UN symbol ("A/HRC/59/15"), "" when it has none.
        un_kind: the kind of UN document (ingest.metadata.UN_KINDS: "upr_working_group_report", "upr_views",
            "upr_compilation", ...), "" for others.
        date_kind: what date means: "issued" (a UN cover's Distr. date), "published", "event" (a news item's
            dateline), "period_covered" (the year a report covers), "stated by the user"; "" without a date.
        cycle: the UPR cycle (1-4) of a UPR document, 0 otherwise.
        country: the country the document is about, "" when it is about several or none.
    """

    doc_id: str
    file_name: str
    title: str
    short_title: str
    doc_type: str
    date: str = ""
    countries: tuple[str, ...] = ()
    content_hash: str = ""
    source_format: str = "txt"
    symbol: str = ""
    un_kind: str = ""
    date_kind: str = ""
    cycle: int = 0
    country: str = ""


@dataclass(frozen=True)
class Passage:
    """The unit that is embedded, retrieved and cited: one paragraph or one part of a long one.

    Attributes:
        id: deterministic: f"{doc_id}:{version}:{ordinal}" where version is the content hash prefix.
        doc_id: the owning document's id.
        ordinal: 0-based position of the passage in its document (for neighbours).
        text: the passage text.
        paragraph: the paragraph number as cited ("251", "140.18", "(g)", or positional "3").
        numbered: whether paragraph is the document's own number.
        part: 1-based part index when a long paragraph was split, 0 when not split.
        n_parts: how many parts the paragraph was split into (0 when not split).
        label: the human citation, e.g. "Ombudsman assessment, ch. 7, ¶251 (Recommendation)".
        section_kind: one of SECTION_KINDS.
        heading: the heading path joined with " > ".
        chapter: as in Paragraph.
        page: as in Paragraph.
        article_title: as in Paragraph.
        article_index: as in Paragraph.
        actor: as in Paragraph.
        doc_title: the document's title (what every passage of it is about; searched with the passage).
    """

    id: str
    doc_id: str
    ordinal: int
    text: str
    paragraph: str
    label: str
    numbered: bool = False
    part: int = 0
    n_parts: int = 0
    section_kind: str = "other"
    heading: str = ""
    chapter: str = ""
    page: int | None = None
    article_title: str = ""
    article_index: int = 0
    actor: str = ""
    doc_title: str = ""


@dataclass(frozen=True)
class ParsedDocument:
    """A document ready for the index: its metadata and its passages in reading order."""

    meta: DocumentMeta
    passages: tuple[Passage, ...] = field(default_factory=tuple)
