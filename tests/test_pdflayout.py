"""Tests for ingest.pdflayout: page text from character boxes, on synthetic pages whose geometry is known.

Each helper line is laid out character by character: x advances 5 units per character, the box is the font's
line height tall. Fonts are small ids: 0 body, 1 bold heading face, 2 italic.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pdflayout import PdfPage, layout

W, H = 600.0, 800.0
BODY, BOLD, ITALIC = 0, 1, 2


def _page(number: int, rows: list[tuple], italic: frozenset[int] = frozenset(), filler: bool = False) -> PdfPage:
    """rows: (text, x, baseline y, height, font) per visual line, top to bottom; filler adds body text below."""
    text, boxes, fonts = [], [], []
    for row in [*rows, *(FILLER if filler else [])]:
        line, x, y, h, font = row[:5]
        for ch in line:
            text.append(ch)
            boxes.append((x, y, x + 5, y + h))
            fonts.append(font)
            x += 5
        text.append("\n")
        boxes.append((x, y, x, y + h))
        fonts.append(font)
    return PdfPage(number, W, H, "".join(text), boxes, fonts, italic)


def _body(lines: list[str], top: float = 600, x: float = 100, pitch: float = 12, h: float = 10) -> list[tuple]:
    return [(line, x, top - i * pitch, h, BODY) for i, line in enumerate(lines)]





FULL = "x" * 80  # a line that runs to the right margin


# Body text lower on the page, so that the body style (the most common) is the plain font, as in real documents.
FILLER = _body(["Filler body text of the page, set in the plain body font, at its usual spacing line one.",
                "Filler body text of the page, set in the plain body font, at its usual spacing line two.",
                "Filler body text of the page, set in the plain body font, at its usual spacing line three."],
               top=300)


def _laid(rows: list[tuple], **options) -> str:
    """The text of a page 2 holding rows above the filler paragraph (which is cut off)."""
    text = layout([_page(2, rows, filler=True, **options)]).pages[0][1]
    return text.split("\n\nFiller")[0]


def test_layout_bold_short_line_followed_by_body_is_a_heading_ranked_by_size():
    rows = [("I. Background", 80, 640, 14, BOLD), ("A. Scope", 80, 620, 12, BOLD),
            *_body(["1. The Committee welcomed the report and noted the progress made by the State, saying",
                    "more."], top=600)]
    assert _laid(rows) == ("# I. Background\n\n## A. Scope\n\n1. The Committee welcomed the report and noted the "
                           "progress made by the State, saying\nmore.")


def test_layout_bold_list_in_one_style_is_body_not_headings():
    rows = [("115.1 Ratify the Convention (Spain);", 140, 600, 10, BOLD),
            ("115.2 Ratify the Protocol (Peru);", 140, 582, 10, BOLD),
            *_body(["116. The closing paragraph of the report ends here with a full stop."], top=560)]
    text = _laid(rows)
    assert "#" not in text
    assert text.split("\n\n") == ["115.1 Ratify the Convention (Spain);", "115.2 Ratify the Protocol (Peru);",
                                  "116. The closing paragraph of the report ends here with a full stop."]


def test_layout_running_heads_and_page_numbers_recurring_in_the_band_are_dropped():
    pages = [_page(n, [("A/HRC/59/15", 60, 680, 9, BODY), *_body([f"Body text of page {n} that says something."]),
                       (str(n), 300, 40, 9, BODY)]) for n in (1, 2, 3)]
    assert [text for _, text in layout(pages).pages] == [f"Body text of page {n} that says something."
                                                         for n in (1, 2, 3)]


def test_layout_a_number_label_at_a_page_foot_is_kept_but_a_page_number_is_not():
    rows = [*_body(["The answer to the previous recommendation ends here."]), ("140.46", 100, 60, 10, BODY),
            ("7", 300, 30, 10, BODY)]
    assert _laid(rows).split("\n\n") == ["The answer to the previous recommendation ends here.", "140.46"]


def test_layout_small_font_lines_below_the_body_are_footnotes_and_raised_markers_go():
    rows = [("The Committee welcomed the law.", 100, 600, 10, BODY), ("12", 255, 604, 6, BODY),
            ("12 CRC/C/SVN/CO/3-4, para. 15.", 100, 100, 8, BODY)]
    assert _laid(rows) == "The Committee welcomed the law."


def test_layout_superscript_digit_inside_a_line_is_removed():
    page = _page(2, [("The law was adopted.9 Next sentence here.", 100, 600, 10, BODY)])
    boxes = list(page.boxes)
    at = page.text.index("9")
    left, bottom, right, top = boxes[at]
    boxes[at] = (left, bottom + 4, right, bottom + 10)  # small and raised
    text = layout([PdfPage(2, W, H, page.text, boxes, page.fonts)]).pages[0][1]
    assert text == "The law was adopted. Next sentence here."


def test_layout_paragraph_gap_and_short_last_line_start_new_paragraphs():
    rows = [(FULL, 100, 600, 10, BODY), ("short end.", 100, 588, 10, BODY), (FULL, 100, 576, 10, BODY),
            (FULL, 100, 552, 10, BODY)]
    assert _laid(rows).split("\n\n") == [f"{FULL}\nshort end.", FULL, FULL]


def test_layout_page_starting_after_a_short_last_line_opens_with_a_blank_line():
    first = _page(1, [(FULL, 100, 600, 10, BODY), ("the end.", 100, 588, 10, BODY)])
    second = _page(2, [(FULL, 100, 600, 10, BODY)])
    third = _page(3, [("continued text on the next page.", 100, 600, 10, BODY)])
    texts = [text for _, text in layout([first, second, third]).pages]
    assert texts[1].startswith("\n") and not texts[2].startswith("\n")  # page 2 ended on a full line


def test_layout_label_line_opening_a_heading_run_is_its_own_level():
    rows = [("Annex", 60, 640, 14, BOLD), ("Composition of the delegation", 60, 624, 14, BOLD),
            *_body(["The delegation of Slovenia was headed by the Minister."], top=600)]
    assert _laid(rows).startswith("# Annex\n\n## Composition of the delegation")


def test_layout_italic_heading_ranks_below_an_upright_one_of_the_same_size():
    rows = [("1. Right to life", 90, 640, 10, BOLD), ("Equality and non-discrimination", 100, 622, 10, ITALIC),
            *_body(["24. APE recommended that Slovenia adopt a national strategy."], top=600)]
    text = _laid(rows, italic=frozenset({ITALIC}))
    assert text.startswith("# 1. Right to life\n\n## Equality and non-discrimination")


def test_layout_line_in_another_font_inside_a_paragraph_is_no_heading():
    rows = [("18. In May 2010, the Special Rapporteur on the human", 100, 600, 10, BODY),
            ("right to safe drinking water visited Slovenia", 100, 588, 10, BOLD),
            ("as the first mandate holder to do so.", 100, 576, 10, BODY)]
    assert "#" not in _laid(rows)


def test_layout_table_header_cells_are_no_headings():
    rows = [("Status", 100, 600, 8, ITALIC), ("Action after review", 300, 600, 8, ITALIC),
            *_body(["ICERD (1992)"], top=584, x=100)]
    assert "#" not in _laid(rows)


def test_layout_un_cover_gives_the_title_with_the_state_and_keeps_it_out_of_the_text():
    cover = [("United Nations A/HRC/59/15", 120, 780, 12, BODY),
             ("General Assembly Distr.: General", 120, 760, 18, BOLD),
             ("24 March 2025", 390, 750, 9, BODY), ("Human Rights Council", 57, 620, 11, BOLD),
             ("Report of the Working Group on the Universal Periodic", 113, 540, 13, BOLD),
             ("Review*", 113, 525, 13, BOLD), ("Slovenia", 113, 492, 13, BOLD),
             *_body(["1. The Working Group on the Universal Periodic Review held its session in Geneva."], top=450)]
    result = layout([_page(1, cover)])
    assert result.title == "Report of the Working Group on the Universal Periodic Review: Slovenia"
    assert "Distr.: General" in result.cover and "24 March 2025" in result.cover
    assert result.pages[0][1] == "1. The Working Group on the Universal Periodic Review held its session in Geneva."


def test_layout_addendum_is_titled_by_its_own_subtitle():
    cover = [("Report of the Working Group on the Universal Periodic Review", 113, 540, 13, BOLD),
             ("Slovenia", 113, 500, 13, BOLD), ("Addendum", 113, 476, 11, BOLD),
             ("Views on conclusions and/or recommendations", 113, 445, 11, BOLD),
             *_body(["1. This document contains the response of the Government to the recommendations."], top=400)]
    assert layout([_page(1, cover)]).title == "Views on conclusions and/or recommendations: Slovenia"


def test_layout_no_pages_and_empty_pages_give_empty_text():
    assert layout([]).pages == ()
    assert layout([PdfPage(1, W, H, "", [], [])]).pages == ((1, ""),)


FIXTURE = Path(__file__).parent / "fixtures" / "slovenia_wg_report_excerpt.pdf"


def test_layout_real_un_excerpt_has_headings_and_no_running_heads():
    pytest.importorskip("pypdfium2")
    from ingest.readers import read_file

    raw = read_file(FIXTURE)
    text = "\n".join(page.text for page in raw.pages)
    assert "A/HRC/59/15\n" not in text and "GE.25" not in text
    assert "\n# II. Conclusions and/or recommendations\n" in f"\n{text}\n" or "# II. Conclusions" in text
    assert "140.18 Adopt the necessary measures to ensure the independence" in text
