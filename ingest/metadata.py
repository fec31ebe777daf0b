"""Infer what a document says about itself: title, citation name, type, UN symbol and kind, date and what it
means, UPR cycle, countries.

Pure: text (and the reader's hints) in, DocumentMeta out. The title comes from the document's own title block:
a PDF cover's title (ingest.pdflayout), an HTML page's title, DOCX properties or page header, else the first
title-like block of the text. Document types are recognised by a small rule table (_RULES): each rule names the
signals that identify a type (a file-name word, a text pattern, a required fact) and the template that names such
a document in citations. A new kind of document is one row, not a new branch.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from ingest.countries import COUNTRY_BY_LOWER, countries_in, split_countries
from ingest.dates import DATE_LINE, document_date
from ingest.errors import ConfigError
from ingest.ids import doc_id_for
from ingest.titles import document_title
from ingest.types import DOC_TYPES, DocumentMeta

OVERRIDE_KEYS = ("title", "short_title", "doc_type", "date", "countries")
_MAX_SHORT_TITLE = 60
_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


@dataclass(frozen=True)
class _Rule:
    """One way to recognise a document type, and how to name documents of that type in citations."""

    doc_type: str
    file_word: str = ""  # a word of the file name that signals the type
    text: re.Pattern[str] | None = None  # a signal searched in the title line followed by the text
    needs: str = ""  # a fact that must have been found ("symbol")
    label: str = "{stem}"


_RULES = (
    # UN documents print their own symbol in the running header and on the cover; see _own_symbol.
    _Rule("report", needs="symbol", label="{un_label} {symbol}"),
    _Rule("newsletter", file_word="newsletter", text=re.compile(r"\bnewsletter\s*(?:#|no\.)\s*\d+", re.I),
          label="{prefix} newsletter #{issue}"),
    _Rule("assessment", file_word="assessment", label="{prefix} assessment"),
    # Only a document whose own title starts with "Roadmap" is one. A news item about signing a roadmap
    # (uz-ru-ombudsman-roadmap-2025-2026.txt) is "news": a "roadmap" filter should find roadmap texts.
    _Rule("roadmap", text=re.compile(r"\A\s*road\s?-?map\b", re.I)),
    # A press-service signature line and a bare date line (a view counter reduced by ingest.clean) mark news.
    _Rule("news", file_word="news", text=re.compile(rf"^\s*press service\b|{DATE_LINE.pattern}", re.I | re.M)),
    _Rule("report", file_word="report"),
    _Rule("other"),  # the fallback: keep it last
)

# (UN kind, signal in the title, citation name); first match wins (an addendum's views before its report).
UN_KINDS = (
    ("upr_views", r"views on conclusions|replies presented by the state", "Views on UPR recommendations"),
    ("hrc_session_report", r"report of the human rights council on its", "HRC session report"),
    ("upr_working_group_report", r"report of the working group on the universal periodic review",
     "UPR Working Group report"),
    ("upr_compilation", r"^compilation", "UN compilation"),
    ("upr_stakeholder_summary", r"summary of stakeholders|^summary prepared by the office", "Stakeholder summary"),
    ("upr_national_report", r"^national report", "National report"),
    ("upr_thematic_list", r"thematic list of recommendations", "OHCHR thematic list of recommendations"),
)
_UN_SYMBOL = r"(?:A|E|S|CCPR|CEDAW|CRC|CAT|CERD|CRPD|CMW|CED)/(?:[\w.]+/)*[\w.]*\w"
# Own symbol: alone on a line (running header) or after "United Nations" (cover page); cited ones are inline.
_OWN_SYMBOL = re.compile(rf"^\s*(?:United Nations\s+)?({_UN_SYMBOL})\s*$", re.M)
# UPR cycles by the year of their documents (Human Rights Council: 1st 2008-2011, 2nd 2012-2016, 3rd 2017-2022,
# 4th from November 2022).
_CYCLE_STARTS = ((2008, 1), (2012, 2), (2017, 3), (2023, 4))
_CYCLE_WORDS = re.compile(r"\b(\d)(?:st|nd|rd|th)\s+cycle\b|\bcycle\s+(\d)\b", re.I)


_ACRONYMS = {"ngo", "un", "upr", "undp", "ohchr", "nhri", "cso", "us", "uk", "eu", "hrc", "usa", "cis"}  # +"s" too


def infer_meta(
    file_name: str,
    text: str,
    content_hash: str,
    source_format: str,
    overrides: Mapping[str, str] | None = None,
    *,
    raw_text: str = "",
    hints: Mapping[str, str] | None = None,
) -> DocumentMeta:
    """Infer a document's metadata from its file name, cleaned text and the reader's hints.

    Args:
        file_name: base name of the source file.
        text: the document text after ingest.clean.clean_text.
        content_hash: sha256 hex of the file bytes.
        source_format: "txt", "md", "pdf", "html" or "docx".
        overrides: caller-set values for any of OVERRIDE_KEYS; "countries" is comma-separated.
        raw_text: the text before cleaning, if available (cleaning removes a UN cover's symbol and "Distr." date,
            which is where a document states them).
        hints: what the reader found outside the text (RawDocument.hints: title, date, cover text).

    Returns:
        The document's DocumentMeta.

    Raises:
        ConfigError: an override key is unknown, or its doc_type or date value is invalid.
    """
    overrides = _checked_overrides(overrides or {})
    hints = hints or {}
    cover = hints.get("cover", "")
    facts_text = "\n".join(t for t in (cover, raw_text, text) if t)
    countries = countries_in(text)
    title = document_title(text, hints, countries)
    facts = _facts(file_name, title, facts_text, cover)
    rule = _pick_rule(file_name, facts, f"{title}\n{facts_text}")
    facts["prefix"] = _prefix(file_name, rule.file_word)
    doc_type = overrides.get("doc_type", rule.doc_type)
    stated = (hints.get("date", ""), hints.get("date_kind", ""))
    found_date, date_kind = document_date(doc_type, title, raw_text or text, cover, stated)
    if "date" in overrides:
        found_date, date_kind = overrides["date"], "stated by the user"
    year = int(found_date[:4]) if found_date[:4].isdigit() else 0
    return DocumentMeta(
        doc_id=doc_id_for(file_name),
        file_name=file_name,
        title=overrides.get("title", title or facts["stem"]),
        short_title=overrides.get("short_title", _shorten(_fill(rule.label, facts) or facts["stem"])),
        doc_type=doc_type,
        date=found_date,
        countries=split_countries(overrides["countries"]) if "countries" in overrides else countries,
        content_hash=content_hash,
        source_format=source_format,
        symbol=facts.get("symbol", ""),
        un_kind=facts.get("un_kind", ""),
        date_kind=date_kind if found_date else "",
        cycle=_cycle(title, facts.get("un_kind", ""), year),
        country=_main_country(title, countries),
    )


def _cycle(title: str, un_kind: str, year: int) -> int:
    """The UPR cycle a document belongs to: stated ("2nd Cycle"), else from its year; 0 when not a UPR document."""
    stated = _CYCLE_WORDS.search(title)
    if stated:
        return int(stated.group(1) or stated.group(2))
    if not un_kind.startswith("upr") or not year:
        return 0
    return max((cycle for start, cycle in _CYCLE_STARTS if year >= start), default=0)


def _main_country(title: str, countries: tuple[str, ...]) -> str:
    """The country a document is about: the one its title names, else the one it names far more than any other."""
    named = countries_in(title)
    if named:
        return named[0]
    return countries[0] if countries else ""


def _checked_overrides(overrides: Mapping[str, str]) -> dict[str, str]:
    """Reject unknown keys and values the index could not filter on."""
    unknown = sorted(set(overrides) - set(OVERRIDE_KEYS))
    if unknown:
        raise ConfigError(f"unknown metadata override {unknown[0]!r}; allowed: {', '.join(OVERRIDE_KEYS)}")
    doc_type = overrides.get("doc_type")
    if doc_type is not None and doc_type not in DOC_TYPES:
        raise ConfigError(f"doc_type override {doc_type!r} is not one of: {', '.join(DOC_TYPES)}")
    stated = overrides.get("date")
    if stated and not _ISO_DATE.fullmatch(stated):
        raise ConfigError(f"date override {stated!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
    return dict(overrides)


def _facts(file_name: str, title: str, facts_text: str, cover: str = "") -> dict[str, str]:
    """Values the label templates may use; a fact that was not found is absent."""
    # A name with no letters ("-.txt") still needs a readable stem for titles and labels.
    facts = {"stem": _humanize(_stem_words(file_name)) or file_name.strip() or "Untitled", "heading": title}
    issue = re.search(r"\bnewsletter\s*(?:#|no\.)\s*(\d+)", facts_text, re.I)
    issue = issue or re.search(r"newsletter[-_ ]+(\d+)", file_name, re.I)
    facts["issue"] = issue.group(1) if issue else ""
    facts["symbol"] = _own_symbol(cover) or _own_symbol(facts_text)  # the cover names the document itself
    kind = next((k for k in UN_KINDS if re.search(k[1], title, re.I)), None)
    if kind:
        facts["un_kind"], facts["un_label"] = kind[0], kind[2]
    elif facts["symbol"]:
        facts["un_label"] = "UN document"
    return {k: v for k, v in facts.items() if v}


def _pick_rule(file_name: str, facts: Mapping[str, str], probe: str) -> _Rule:
    """The first rule whose required fact is known, else whose word is in the file name (the person who
    named the file knew what it was), else whose text signal matches, else "other".

    probe is the title line followed by the text, so a pattern anchored at its start tests the title.
    """
    words = _stem_words(file_name)
    checks = (
        lambda r: bool(r.needs) and r.needs in facts,
        lambda r: bool(r.file_word) and r.file_word in words,
        lambda r: r.text is not None and r.text.search(probe) is not None,
    )
    for check in checks:
        for rule in _RULES:
            if check(rule):
                return rule
    return _RULES[-1]


def _own_symbol(text: str) -> str:
    """The document's own UN symbol: the most frequent one standing alone on a line."""
    counts = Counter(match.rstrip(".") for match in _OWN_SYMBOL.findall(text))
    return counts.most_common(1)[0][0] if counts else ""


def _fill(template: str, facts: Mapping[str, str]) -> str:
    """Fill a template; "" when it needs a fact that was not found, so the caller falls back."""
    try:
        filled = template.format_map(facts)
    except KeyError:
        return ""
    filled = re.sub(r"\s+", " ", filled).strip()
    return filled[:1].upper() + filled[1:]


def _shorten(label: str) -> str:
    """Keep citation names short: cut at a word boundary and mark the cut."""
    if len(label) <= _MAX_SHORT_TITLE:
        return label
    cut = label[: _MAX_SHORT_TITLE - 1]
    if label[len(cut)] != " ":  # the cut fell inside a word: drop the partial word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:–—- ") + "…"


def _stem_words(file_name: str) -> list[str]:
    """The file name without extension, split into lowercase words."""
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return [w for w in re.split(r"[-_\s.]+", stem.lower()) if w]


def _prefix(file_name: str, file_word: str) -> str:
    """The file-name words before the rule's word: "yuksalish" in "yuksalish-newsletter-25"."""
    words = _stem_words(file_name)
    if not file_word or file_word not in words:
        return ""
    return _humanize(words[: words.index(file_word)])


def _humanize(words: list[str]) -> str:
    """Readable words: leading region codes as country names, acronyms upper-case, year ranges with a dash."""
    codes = []
    while words and words[0] in _FILE_CODES:
        codes.append(_FILE_CODES[words[0]])
        words = words[1:]
    out = ["–".join(codes)] if codes else []
    for word in words:
        if word.isdigit() and out and out[-1][-4:].isdigit() and len(word) == 4 == len(out[-1][-4:]):
            out[-1] += f"–{word}"  # "2025-2026" is a period
        elif word in _ACRONYMS:
            out.append(word.upper())
        elif word.removesuffix("s") in _ACRONYMS:  # "ngos" -> "NGOs"
            out.append(word[:-1].upper() + "s")
        else:
            out.append(COUNTRY_BY_LOWER.get(word, word))
    text = " ".join(out)
    return text[:1].upper() + text[1:]


# Two-letter codes expanded at the start of a file name ("uz-ru-..."). Only this region's codes: many ISO
# codes are English words ("in", "it", "no", "to") and would turn file names into nonsense.
_FILE_CODES = {"az": "Azerbaijan", "uz": "Uzbekistan", "ru": "Russia", "kz": "Kazakhstan", "kg": "Kyrgyzstan",
               "tj": "Tajikistan", "tm": "Turkmenistan", "si": "Slovenia", "ua": "Ukraine", "ge": "Georgia"}
