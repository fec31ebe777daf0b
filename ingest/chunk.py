"""Turn paragraphs into passages: the unit that is embedded, retrieved and cited.

A passage is one paragraph, or one part of a paragraph too long to embed well. Paragraphs are never
merged, so every passage cites exactly one paragraph number.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.ids import passage_id
from ingest.types import DocumentMeta, Paragraph, Passage

# Section kinds worth naming in a citation; findings and news are the default reading and stay unlabelled.
_KIND_LABELS = {
    "recommendation": "Recommendation",
    "area_for_improvement": "Area for improvement",
    "standard": "Standard",
    "response": "Response",
}
# A sentence ends at . ! ? … (maybe followed by closing quotes or brackets) before a space and a capital,
# digit, opening quote or bracket.
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-ZА-ЯЁ0-9])")
# Words whose final period is not a sentence end.
_ABBREVIATIONS = frozenset(
    "e.g i.e etc no nos art arts para paras mr ms mrs dr st vs cf inc ltd co jr sr prof gen fig p pp ch vol "
    "sect approx dept govt u.s u.n".split()
)


def make_passages(meta: DocumentMeta, paragraphs: Sequence[Paragraph], max_chars: int = 1200) -> tuple[Passage, ...]:
    """Build the passages of one document, in reading order.

    Args:
        meta: the document's metadata; short_title, doc_id and content_hash are used.
        paragraphs: the document's paragraphs from ingest.structure.split_paragraphs.
        max_chars: longest passage text; a longer paragraph is split at sentence boundaries into parts
            (part=1..n, n_parts=n). A single sentence longer than this is split between words.

    Returns:
        One passage per paragraph or paragraph part, ordinals 0..n-1; blank paragraphs are skipped.

    Raises:
        ValueError: max_chars is less than 1.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    passages: list[Passage] = []
    own_numbers = any(p.numbered and not p.number.startswith("(") for p in paragraphs)
    for paragraph in paragraphs:
        parts = split_text(paragraph.text, max_chars)
        n_parts = len(parts) if len(parts) > 1 else 0
        for index, text in enumerate(parts, start=1):
            part = index if n_parts else 0
            label = citation_label(meta, paragraph, part, unnumbered_in_numbered=own_numbers)
            passages.append(_passage(meta, paragraph, text, len(passages), part, n_parts, label))
    return tuple(passages)


def citation_label(meta: DocumentMeta, paragraph: Paragraph, part: int = 0,
                   unnumbered_in_numbered: bool = False) -> str:
    """The human citation of a paragraph (or part of one).

    Args:
        meta: the document's metadata; its short_title starts the label.
        paragraph: the cited paragraph.
        part: 1-based part number when the paragraph was split, else 0.
        unnumbered_in_numbered: the document numbers its own paragraphs; a positional number must then
            not look like one of them, so it is cited as 'unnumbered para. N' under its section heading.

    Returns:
        E.g. 'Ombudsman assessment, ch. 7, ¶251 (Recommendation)',
        'Yuksalish newsletter #25 — "Nearly 40,000 Protection Orders Issued in 2021", ¶2',
        'UPR Working Group report A/HRC/59/15, ¶140.18 (Recommendation), p. 3', '…, ¶12, part 2'.
    """
    name = meta.short_title
    if paragraph.article_title:
        name += f' — "{paragraph.article_title}"'
    bits = [name]
    if _shows_chapter(paragraph):
        bits.append(f"ch. {paragraph.chapter}")
    cited = f"¶{paragraph.number}" if paragraph.number else ""
    if unnumbered_in_numbered and not paragraph.numbered and paragraph.number:
        section = paragraph.heading_path[-1] if paragraph.heading_path else ""
        bits.append(f'"{section}"' if section and not _shows_chapter_heading(section) else "")
        cited = f"unnumbered para. {paragraph.number}"
    if part:
        cited += f", part {part}"
    kind = _KIND_LABELS.get(paragraph.section_kind)
    if kind:
        cited += f" ({kind})"
    bits.append(cited.strip(", "))
    if paragraph.page is not None:
        bits.append(f"p. {paragraph.page}")
    return ", ".join(bit for bit in bits if bit)


def split_text(text: str, max_chars: int) -> list[str]:
    """Split text into parts of at most max_chars, at sentence boundaries where possible.

    Args:
        text: one paragraph's text.
        max_chars: the longest part allowed (at least 1).

    Returns:
        [text.strip()] when it fits (or [] for blank text); else the parts, each stripped, in order.
    """
    text = text.strip()
    if not text:
        return []
    if len(text) <= max_chars:
        return [text]
    pieces = [p for s in sentences(text) for p in (_wrap(s, max_chars) if len(s) > max_chars else [s])]
    parts: list[str] = []
    for piece in pieces:
        if parts and len(parts[-1]) + 1 + len(piece) <= max_chars:
            parts[-1] += " " + piece
        else:
            parts.append(piece)
    return parts


def _passage(meta: DocumentMeta, p: Paragraph, text: str, ordinal: int, part: int, n_parts: int,
             label: str) -> Passage:
    """One Passage, copying the paragraph's citation fields."""
    return Passage(
        id=passage_id(meta.doc_id, meta.content_hash, ordinal),
        doc_id=meta.doc_id,
        ordinal=ordinal,
        text=text,
        paragraph=p.number,
        label=label,
        numbered=p.numbered,
        part=part,
        n_parts=n_parts,
        section_kind=p.section_kind,
        heading=" > ".join(p.heading_path),
        chapter=p.chapter,
        page=p.page,
        article_title=p.article_title,
        article_index=p.article_index,
        actor=p.actor,
        doc_title=meta.title,
    )


def _shows_chapter(paragraph: Paragraph) -> bool:
    """"ch." abbreviates a document's own "Chapter N"; a UN report's "II." section is not a chapter."""
    if not paragraph.chapter:
        return False
    top = paragraph.heading_path[0].lower() if paragraph.heading_path else ""
    return top.startswith("chapter") or paragraph.chapter.isdigit()


def _shows_chapter_heading(heading: str) -> bool:
    return heading.lower().startswith("chapter")


def sentences(text: str) -> list[str]:
    """Sentences of text, each stripped; abbreviations such as "e.g." and initials do not end one."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].split()
        word = before[-1].lstrip("([\"“‘").lower() if before else ""
        if text[match.start()] == "." and (word in _ABBREVIATIONS or len(word) == 1):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def _wrap(sentence: str, max_chars: int) -> list[str]:
    """Split an over-long sentence between words; a word longer than max_chars is cut."""
    lines: list[str] = []
    for word in sentence.split():
        while len(word) > max_chars:
            lines.append(word[:max_chars])
            word = word[max_chars:]
        if not word:
            continue
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
