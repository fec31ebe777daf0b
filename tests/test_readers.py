"""Tests for ingest.readers: every supported format, every encoding, every kind of bad input."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from ingest.errors import IngestError
from ingest.readers import SUPPORTED_EXTENSIONS, content_hash, decode_text, read_file
from ingest.types import Page, RawDocument

FIXTURE_PDF = Path(__file__).parent / "fixtures" / "slovenia_wg_report_excerpt.pdf"


def _pdf_with_text(*texts: str) -> bytes:
    """A PDF with one Helvetica text line per page, so extraction results are known exactly."""
    writer = PdfWriter()
    for text in texts:
        page = writer.add_blank_page(612, 792)
        font = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        })
        fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _encrypted(pdf: bytes, user_password: str, owner_password: str | None = None) -> bytes:
    """The same PDF encrypted with pypdf's default (RC4, no extra dependency)."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt(user_password, owner_password=owner_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _reason(path: Path) -> str:
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.path == str(path)
    return info.value.reason


# --- plain text and encodings -------------------------------------------------------------------------


def test_read_file_utf8_txt_returns_single_unnumbered_page(tmp_path):
    path = _write(tmp_path, "note.txt", "Ombudsman – report\nline two\n".encode("utf-8"))
    assert read_file(path) == RawDocument(
        path=str(path), file_name="note.txt", source_format="txt", pages=(Page("Ombudsman – report\nline two\n"),)
    )


def test_read_file_utf8_bom_strips_bom(tmp_path):
    path = _write(tmp_path, "bom.txt", b"\xef\xbb\xbfHello")
    assert read_file(path).pages == (Page("Hello"),)


def test_read_file_utf16_with_bom_decodes(tmp_path):
    path = _write(tmp_path, "wide.txt", "Права человека\r\nline".encode("utf-16"))
    assert read_file(path).pages == (Page("Права человека\nline"),)


def test_read_file_utf16_big_endian_bom_decodes(tmp_path):
    path = _write(tmp_path, "wide_be.txt", b"\xfe\xff" + "Ombudsman".encode("utf-16-be"))
    assert read_file(path).pages == (Page("Ombudsman"),)


def test_read_file_cp1251_russian_decodes_as_cyrillic(tmp_path):
    text = "Уполномоченный по правам человека в Республике Узбекистан"
    path = _write(tmp_path, "ru.txt", text.encode("cp1251"))
    assert read_file(path).pages == (Page(text),)


def test_read_file_latin1_accents_decode_as_latin(tmp_path):
    path = _write(tmp_path, "fr.txt", "Le médiateur a présenté son rapport à Genève".encode("latin-1"))
    assert read_file(path).pages == (Page("Le médiateur a présenté son rapport à Genève"),)


def test_read_file_cp1252_smart_quotes_decode(tmp_path):
    path = _write(tmp_path, "quotes.txt", "“Quoted” – dash".encode("cp1252"))
    assert read_file(path).pages == (Page("“Quoted” – dash"),)


def test_decode_text_crlf_and_cr_newlines_normalised():
    assert decode_text(b"a\r\nb\rc\n") == "a\nb\nc\n"


def test_read_file_markdown_headings_lists_and_wrapped_lines_become_light_markdown(tmp_path):
    path = _write(tmp_path, "notes.md", b"# Title\n\nA paragraph\nwrapped.\n\n* item one\n* item two\n\n"
                                        b"## Recommendations\n\n1. First [link](http://x) text\n")
    raw = read_file(path)
    assert (raw.source_format, raw.pages) == ("md", (Page(
        "# Title\n\nA paragraph wrapped.\n\n• item one\n\n• item two\n\n## Recommendations\n\n1. First link text"),))


def test_read_file_markdown_scraper_lines_and_link_only_lines_are_metadata_not_text(tmp_path):
    path = _write(tmp_path, "page.md", b"# Report\n\n[[date:FEBRUARY 22, 2024]]\n\n[[source:https://x.org/r]]\n\n"
                                       b"[Original article published here](https://x.org/r)\n\nBody text.\n")
    raw = read_file(path)
    assert raw.pages == (Page("# Report\n\nBody text."),)
    assert raw.hints == {"scraped_date": "FEBRUARY 22, 2024", "scraped_source": "https://x.org/r"}


# --- bad input ----------------------------------------------------------------------------------------


def test_read_file_unknown_extension_raises_with_supported_list(tmp_path):
    path = _write(tmp_path, "data.xyz", b"hello")
    assert _reason(path) == "unsupported file type '.xyz'; supported: .txt, .md, .pdf, .html, .htm, .docx"


def test_supported_extensions_lists_every_format():
    assert SUPPORTED_EXTENSIONS == (".txt", ".md", ".pdf", ".html", ".htm", ".docx")


def test_read_file_uppercase_extension_is_supported(tmp_path):
    path = _write(tmp_path, "LOUD.TXT", b"hello")
    assert read_file(path).source_format == "txt"


def test_read_file_zero_bytes_raises_empty_file(tmp_path):
    assert _reason(_write(tmp_path, "empty.txt", b"")) == "empty file"


def test_read_file_whitespace_only_raises_no_text_content(tmp_path):
    assert _reason(_write(tmp_path, "blank.txt", b"  \n\n \t\n")) == "no text content"


def test_read_file_nul_bytes_in_txt_raises_binary(tmp_path):
    assert _reason(_write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")) == "binary content, not text"


def test_read_file_control_chars_in_txt_raises_binary(tmp_path):
    data = bytes(range(1, 9)) * 20 + b"some words"
    assert _reason(_write(tmp_path, "blob.txt", data)) == "binary content, not text"


def test_read_file_missing_path_raises_not_found(tmp_path):
    assert _reason(tmp_path / "nope.txt") == "file not found; check the path"


def test_read_file_directory_raises_not_a_file(tmp_path):
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert _reason(folder) == "is a directory, not a file"


def test_read_file_permission_denied_raises_with_hint(tmp_path, monkeypatch):
    path = _write(tmp_path, "locked.txt", b"secret")

    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # chmod cannot deny root, so the OS error is simulated where the reader opens the file.
    monkeypatch.setattr("ingest.files.os.open", deny)
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.reason == "permission denied; check the file's read permissions"
    assert isinstance(info.value.__cause__, PermissionError)


# --- PDF ----------------------------------------------------------------------------------------------


def test_read_file_pdf_returns_one_numbered_page_per_pdf_page(tmp_path):
    path = _write(tmp_path, "two.pdf", _pdf_with_text("Hello page one", "Second page"))
    raw = read_file(path)
    assert (raw.source_format, raw.pages) == ("pdf", (Page("Hello page one", 1), Page("Second page", 2)))


def test_read_file_pdf_blank_page_kept_with_its_number(tmp_path):
    writer = PdfWriter(clone_from=io.BytesIO(_pdf_with_text("First")))
    writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    assert read_file(_write(tmp_path, "gap.pdf", out.getvalue())).pages == (Page("First", 1), Page("", 2))


def test_read_file_corrupt_bytes_named_pdf_raises_not_readable(tmp_path):
    reason = _reason(_write(tmp_path, "fake.pdf", b"this is not a pdf at all\n" * 10))
    assert reason.startswith("not a readable PDF: ")


def test_read_file_truncated_pdf_raises_not_readable(tmp_path):
    data = FIXTURE_PDF.read_bytes()
    path = _write(tmp_path, "cut.pdf", data[: len(data) // 2])
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.reason.startswith("not a readable PDF: ")
    assert info.value.__cause__ is not None


def test_read_file_pdf_character_without_a_box_raises_not_readable_naming_the_file(tmp_path, monkeypatch):
    import pypdfium2.raw as pdfium_c

    monkeypatch.setattr(pdfium_c, "FPDFText_GetLooseCharBox", lambda *args: 0)
    reason = _reason(_write(tmp_path, "boxless.pdf", _pdf_with_text("Hello page one")))
    assert reason == "not a readable PDF: no box for character 0 on page 1"


def test_read_file_encrypted_pdf_raises_decrypt_first(tmp_path):
    path = _write(tmp_path, "locked.pdf", _encrypted(_pdf_with_text("Secret text"), "secret"))
    assert _reason(path) == "encrypted PDF; decrypt it first"


def test_read_file_encrypted_pdf_with_empty_user_password_opens(tmp_path):
    path = _write(tmp_path, "owner_only.pdf", _encrypted(_pdf_with_text("Open text"), "", owner_password="owner"))
    assert read_file(path).pages == (Page("Open text", 1),)


def test_read_file_aes_pdf_without_cryptography_raises_decrypt_first(tmp_path, monkeypatch):
    path = _write(tmp_path, "aes.pdf", _encrypted(_pdf_with_text("AES text"), "secret"))

    def needs_cryptography(self, password):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PdfReader, "decrypt", needs_cryptography)  # PDFium decrypts without pypdf's helpers
    assert _reason(path) == "encrypted PDF; decrypt it first"


def test_read_file_blank_page_pdf_raises_no_extractable_text(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    assert _reason(_write(tmp_path, "scan.pdf", out.getvalue())) == (
        "no text layer: this looks like a scanned PDF; run OCR on it first")


def test_read_file_real_un_excerpt_keeps_page_numbers_and_recommendations():
    raw = read_file(FIXTURE_PDF)
    assert [page.number for page in raw.pages] == [1, 2, 3]
    # The cover is the document's title block, not text: it comes as hints.
    assert raw.hints["title"] == "Report of the Working Group on the Universal Periodic Review: Slovenia"
    assert "United Nations A/HRC/59/15" in raw.hints["cover"] and "24 March 2025" in raw.hints["cover"]
    assert "A/HRC/59/15" not in raw.pages[1].text  # the running head is gone
    assert "140.1 Ratify the International Convention" in raw.pages[1].text
    assert "140.18 Adopt the necessary measures to ensure the independence" in raw.pages[2].text


# --- HTML ---------------------------------------------------------------------------------------------

_PAGE = b"""<!doctype html><html><head><title>Site</title><style>p {color: red}</style>
<script>var tracking = 1;</script></head>
<body><header>Logo Menu</header><nav><a href="/">Home</a></nav>
<h1>Ombudsman   met
 NGOs</h1>
<p>First <b>paragraph</b> text<br>second line.</p>
<script>alert(1)</script>
<p>Second paragraph.</p>
<ul><li>one</li><li>two</li></ul>
<!-- a comment -->
<footer>Copyright 2020</footer></body></html>"""


def test_read_file_html_keeps_blocks_as_lines_and_drops_chrome(tmp_path):
    raw = read_file(_write(tmp_path, "page.html", _PAGE))
    assert raw.source_format == "html"
    # A page with no block structure for trafilatura is read by its visible blocks.
    assert raw.pages == (
        Page("Ombudsman met NGOs\n\nFirst paragraph text\nsecond line.\n\nSecond paragraph.\n\n• one\n• two"),
    )
    assert raw.hints == {"title": "Ombudsman met NGOs"}


def test_read_file_html_article_main_text_headings_lists_title_and_date(tmp_path):
    paragraphs = "".join(f"<p>Paragraph {i} of the article, with enough words to be real content about human "
                         f"rights and civil society in the country.</p>" for i in range(5))
    markup = (f"<html><head><title>Ombudsman met NGOs | Site</title><meta name='date' content='2020-05-22'></head>"
              f"<body><nav><a href='/'>Home</a><a href='/news'>News</a></nav><article><h1>Ombudsman met NGOs</h1>"
              f"{paragraphs}<h2>Next steps</h2><ul><li>First step</li><li>Second step</li></ul></article>"
              f"<footer>Copyright 2020. All rights reserved.</footer></body></html>").encode()
    raw = read_file(_write(tmp_path, "news.html", markup))
    text = raw.pages[0].text
    assert text.startswith("# Ombudsman met NGOs\n\nParagraph 0 of the article")
    assert text.endswith("## Next steps\n\n• First step\n\n• Second step")
    assert "Home" not in text and "Copyright" not in text
    assert (raw.hints["date"], raw.hints["date_kind"]) == ("2020-05-22", "published")


def test_read_file_html_never_keeps_script_text(tmp_path):
    text = read_file(_write(tmp_path, "page.htm", _PAGE)).pages[0].text
    assert "alert" not in text
    assert "tracking" not in text
    assert "color" not in text


def test_read_file_html_article_header_kept_site_header_dropped(tmp_path):
    markup = (
        b"<body><header>Site name</header><article><header><h1>Article title</h1></header>"
        b"<p>Body.</p><footer>By the press service</footer></article><footer>Site footer</footer></body>"
    )
    text = read_file(_write(tmp_path, "a.html", markup)).pages[0].text
    assert text == "# Article title\n\nBody."


def test_read_file_html_cp1251_decodes(tmp_path):
    markup = "<p>Права человека</p>".encode("cp1251")
    assert read_file(_write(tmp_path, "ru.html", markup)).pages == (Page("Права человека"),)


def test_read_file_html_only_script_raises_no_text_content(tmp_path):
    path = _write(tmp_path, "empty.html", b"<html><body><script>alert(1)</script></body></html>")
    assert _reason(path) == "no text content"


# --- DOCX ---------------------------------------------------------------------------------------------


def test_read_file_docx_paragraphs_and_headings_as_lines(tmp_path):
    document = docx.Document()
    document.add_heading("Chapter 7: Stakeholder engagement", level=1)
    document.add_paragraph("246. The Office works with civil society.")
    document.add_paragraph("")
    document.add_paragraph("Women's Committee", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Cell A"
    table.rows[0].cells[1].text = "Cell B"
    path = tmp_path / "report.docx"
    document.save(path)
    raw = read_file(path)
    assert raw.source_format == "docx"
    assert raw.pages == (
        Page(
            "# Chapter 7: Stakeholder engagement\n\n246. The Office works with civil society.\n\n"
            "• Women's Committee\n\n| Cell A | Cell B |"
        ),
    )


def test_read_file_corrupt_docx_raises_not_readable(tmp_path):
    reason = _reason(_write(tmp_path, "broken.docx", b"PK\x03\x04 not really a zip"))
    assert reason.startswith("not a readable DOCX: ")


# --- content_hash -------------------------------------------------------------------------------------


def test_content_hash_returns_sha256_of_bytes(tmp_path):
    path = _write(tmp_path, "a.txt", b"abc")
    assert content_hash(path) == hashlib.sha256(b"abc").hexdigest()


def test_content_hash_missing_file_raises(tmp_path):
    with pytest.raises(IngestError):
        content_hash(tmp_path / "missing.txt")


# --- properties ---------------------------------------------------------------------------------------

@given(st.binary(max_size=300))
def test_decode_text_any_bytes_returns_text_or_raises_ingest_error(data):
    try:
        text = decode_text(data)
    except IngestError as exc:
        assert exc.reason == "binary content, not text"
    else:
        assert "\r" not in text and "\x00" not in text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=200))
def test_decode_text_utf8_roundtrip_returns_same_text(text):
    assert decode_text(text.encode("utf-8")) == text.lstrip("\ufeff")
