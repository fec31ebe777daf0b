"""What the index sees of a passage besides its text: its place in the document.

Embedding "document title — heading — article title" with the paragraph lets a paragraph that never names its topic
("The beds in the bedrooms are placed too close.") be found by the topic of its section or article.
The passage text itself, which is what gets cited and quoted, is unchanged.
"""
from __future__ import annotations

from ingest.types import Passage


def context_of(passage: Passage) -> str:
    """The passage's document title, headings and article title, de-duplicated, outermost first."""
    parts: list[str] = []
    for part in [passage.doc_title, *passage.heading.split(" > "), passage.article_title]:
        part = part.strip()
        if part and part not in parts:
            parts.append(part)
    return " — ".join(parts)


def embedding_text(passage: Passage) -> str:
    """The text that is embedded: context line, then the paragraph."""
    context = context_of(passage)
    return f"{context}\n{passage.text}" if context else passage.text
