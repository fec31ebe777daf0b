"""From a file (or its raw text) to a ParsedDocument: clean, split, describe, chunk.

parse() is pure; load() adds the one read from disk.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from ingest.chunk import make_passages
from ingest.clean import clean_text
from ingest.errors import IngestError
from ingest.metadata import infer_meta
from ingest.readers import content_hash as hash_file
from ingest.readers import read_file
from ingest.structure import split_paragraphs
from ingest.types import DocumentMeta, Page, Paragraph, ParsedDocument, RawDocument

logger = logging.getLogger(__name__)

# Bump when cleaning, structure, metadata or chunking output changes: the indexer folds it into the
# document version, so every file is re-parsed once instead of keeping passages from the old parser.
PARSER_VERSION = "3"
# Readers of these formats mark every heading themselves (PDF by font, Markdown and HTML by markup).
_EXPLICIT = frozenset({"pdf", "md", "html"})
# The section kind of unclassified paragraphs by kind of UN document: records of proceedings report who said
# what, not findings; a State's views on recommendations are its responses.
_DEFAULT_KINDS = {"upr_working_group_report": "other", "hrc_session_report": "other", "upr_views": "response"}
# ...and by document type: a report's paragraphs are what it finds, a news item's are news.
_TYPE_KINDS = {"report": "finding", "assessment": "finding", "news": "news", "newsletter": "news", "other": "other"}


def parse(
    raw: RawDocument,
    content_hash: str,
    overrides: Mapping[str, str] | None = None,
    max_chars: int = 1200,
) -> ParsedDocument:
    """Turn a document's raw text into metadata and passages.

    Args:
        raw: the document as read by ingest.readers.read_file.
        content_hash: sha256 hex of the file bytes; versions the passage ids.
        overrides: metadata overrides, see ingest.metadata.OVERRIDE_KEYS.
        max_chars: longest passage text; longer paragraphs are split into parts.

    Returns:
        The document's metadata and its passages in reading order.

    Raises:
        IngestError: no text paragraph survived cleaning.
        ConfigError: an override is invalid.
    """
    meta, paragraphs = describe(raw, content_hash, overrides)
    passages = make_passages(meta, paragraphs, max_chars)
    if not passages:
        raise IngestError(raw.path, "no text paragraphs found")
    logger.info("parsed %s: %d paragraphs, %d passages", raw.path, len(paragraphs), len(passages))
    return ParsedDocument(meta=meta, passages=passages)


def describe(raw: RawDocument, content_hash: str = "", overrides: Mapping[str, str] | None = None
             ) -> tuple[DocumentMeta, list[Paragraph]]:
    """A document's metadata and paragraphs (clean, describe, split): parse() before chunking.

    Raises:
        ConfigError: an override is invalid.
    """
    raw_text = _joined(raw.pages)
    # Cleaning page by page keeps page numbers; the whole text gives it the vocabulary to mend words
    # that are letter-spaced or hyphenated on one page only.
    context = raw_text if len(raw.pages) > 1 else ""
    # A page text opening with a blank line says that the page starts a paragraph (ingest.pdflayout); cleaning
    # trims blank edges, so the mark is put back.
    pages = tuple(Page(("\n" if page.text.startswith("\n") else "") + clean_text(page.text, context=context),
                       page.number) for page in raw.pages)
    meta = infer_meta(raw.file_name, _joined(pages), content_hash, raw.source_format, overrides, raw_text=raw_text,
                      hints=raw.hints)
    default = _DEFAULT_KINDS.get(meta.un_kind) or _TYPE_KINDS.get(meta.doc_type, "")
    paragraphs = split_paragraphs(pages, explicit_headings=raw.source_format in _EXPLICIT, default_kind=default,
                                  title=meta.title)
    return meta, paragraphs


def load(path: str | Path, overrides: Mapping[str, str] | None = None, max_chars: int = 1200) -> ParsedDocument:
    """Read and parse one file.

    Args:
        path: a file with one of ingest.readers.SUPPORTED_EXTENSIONS.
        overrides: metadata overrides, see ingest.metadata.OVERRIDE_KEYS.
        max_chars: longest passage text.

    Returns:
        The parsed document.

    Raises:
        IngestError: the file cannot be read or holds no text paragraphs.
        ConfigError: an override is invalid.
    """
    return parse(read_file(path), hash_file(path), overrides, max_chars)


def _joined(pages: Iterable[Page]) -> str:
    """All pages as one text, a blank line between pages."""
    return "\n\n".join(page.text for page in pages)
