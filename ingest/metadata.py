"""Infer what a document says about itself: title, citation name, type, date, countries.

Pure: text in, DocumentMeta out. Document types are recognised by a small rule table (_RULES): each
rule names the signals that identify a type (a file-name word, a text pattern, a required fact) and the
templates that name such a document. A new kind of document is one row, not a new branch.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ingest.errors import ConfigError
from ingest.ids import doc_id_for
from ingest.types import DOC_TYPES, DocumentMeta

OVERRIDE_KEYS = ("title", "short_title", "doc_type", "date", "countries")
_MAX_SHORT_TITLE = 60
_HEAD_CHARS = 2500  # a document states its own date near the top; later dates are events it reports
_DATE_LINE = re.compile(r"^\s*\d{1,2}[-./]\d{1,2}[-./]\d{4}(?:\s|$)", re.M)  # a news page's dateline


@dataclass(frozen=True)
class _Rule:
    """One way to recognise a document type, and how to name documents of that type."""

    doc_type: str
    file_word: str = ""  # a word of the file name that signals the type
    text: re.Pattern[str] | None = None  # a signal searched in the title line followed by the text
    needs: str = ""  # a fact that must have been found ("symbol")
    label: str = "{stem}"
    title: str = "{heading}"


_RULES = (
    # UN documents print their own symbol in the running header; see _own_symbol.
    _Rule("report", needs="symbol", label="{un_kind} {symbol}", title="{un_title}"),
    _Rule(
        "newsletter",
        file_word="newsletter",
        text=re.compile(r"\bnewsletter\s*(?:#|no\.)\s*\d+", re.I),
        label="{prefix} newsletter #{issue}",
        title="{heading} — Newsletter #{issue}",
    ),
    _Rule("assessment", file_word="assessment", label="{prefix} assessment"),
    # Only a document whose own title starts with "Roadmap" is one. A news item about signing a roadmap
    # (uz-ru-ombudsman-roadmap-2025-2026.txt) is "news": a "roadmap" filter should find roadmap texts.
    _Rule("roadmap", text=re.compile(r"\A\s*road\s?-?map\b", re.I)),
    # A press-service signature line and a bare date line (a view counter reduced by ingest.clean) mark news.
    _Rule("news", file_word="news", text=re.compile(rf"^\s*press service\b|{_DATE_LINE.pattern}", re.I | re.M)),
    _Rule("report", file_word="report"),
    _Rule("other"),  # the fallback: keep it last
)

# (signal in the text, citation name, title) for the UN document kinds the corpus holds; first match wins.
_UN_KINDS = (
    (r"Views on conclusions\s+and/or\s+recommendations", "Views on UPR recommendations",
     "Views on conclusions and/or recommendations"),
    (r"Report of the Working Group on the\s+Universal\s+Periodic\s+Review", "UPR Working Group report",
     "Report of the Working Group on the Universal Periodic Review"),
    (r"Compilation of information prepared by the Office", "UN compilation", "Compilation of UN information"),
    (r"Summary of stakeholders.\s*submissions", "Stakeholder summary", "Summary of stakeholders’ submissions"),
)
_UN_SYMBOL = r"(?:A|E|S|CCPR|CEDAW|CRC|CAT|CERD|CRPD|CMW|CED)/(?:[\w.]+/)*[\w.]*\w"
# Own symbol: alone on a line (running header) or after "United Nations" (cover page); cited ones are inline.
_OWN_SYMBOL = re.compile(rf"^\s*(?:United Nations\s+)?({_UN_SYMBOL})\s*$", re.M)

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())} | {"sept": 9})
_MONTH = r"(?P<month>[A-Z][a-z]{2,8})\.?"
# A date that ends a range ("20–31 January 2025") is a session, not the document date: hence (?<![–-]).
_DATE_PATTERNS = (
    re.compile(rf"(?<![\d–-])(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}})\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b"),
    re.compile(r"(?<![\d–-])(?P<day>\d{1,2})[-./](?P<num_month>\d{1,2})[-./](?P<year>\d{4})\b"),
    re.compile(r"\b(?P<year>\d{4})-(?P<num_month>\d{2})-(?P<day>\d{2})\b"),
)
_UN_DATE = re.compile(rf"Distr\.:\s*\w+\s+(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}})")
_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")

_TITLE_LINES = 12  # a title is among the first non-blank lines
_CONNECTOR_END = re.compile(r"\b(?:and|or|of|the|in|on|to|for|with|by|a|an)$", re.I)  # a wrapped line
# Web chrome ingest.clean removes; tolerated here so metadata also works on uncleaned text.
_CHROME = re.compile(r"javascript|running in test mode|test rejimida|^call cent(?:er|re)\b|"
                     r"^(?:telegram|twitter|phone|instagram|youtube|facebook)+$", re.I)

_ACRONYMS = {"ngo", "un", "upr", "undp", "ohchr", "nhri", "cso", "us", "uk", "eu", "hrc", "usa", "cis"}  # +"s" too


def infer_meta(
    file_name: str,
    text: str,
    content_hash: str,
    source_format: str,
    overrides: Mapping[str, str] | None = None,
    *,
    raw_text: str = "",
) -> DocumentMeta:
    """Infer a document's metadata from its file name and cleaned text.

    Args:
        file_name: base name of the source file.
        text: the document text after ingest.clean.clean_text.
        content_hash: sha256 hex of the file bytes.
        source_format: "txt", "md", "pdf", "html" or "docx".
        overrides: caller-set values for any of OVERRIDE_KEYS; "countries" is comma-separated.
        raw_text: the text before cleaning, if available. Cleaning removes title-page boilerplate (a UN
            document's symbol and its "Distr.: General <date>"), which is where a document states them.

    Returns:
        The document's DocumentMeta.

    Raises:
        ConfigError: an override key is unknown, or its doc_type or date value is invalid.
    """
    overrides = _checked_overrides(overrides or {})
    facts_text = f"{raw_text}\n{text}" if raw_text else text
    countries = _countries(text)
    facts = _facts(file_name, text, facts_text, countries)
    rule = _pick_rule(file_name, facts, f"{facts.get('heading', '')}\n{facts_text}")
    facts["prefix"] = _prefix(file_name, rule.file_word)
    title = _fill(rule.title, facts) or facts.get("heading") or facts["stem"]
    return DocumentMeta(
        doc_id=doc_id_for(file_name),
        file_name=file_name,
        title=overrides.get("title", title),
        short_title=overrides.get("short_title", _shorten(_fill(rule.label, facts) or facts["stem"])),
        doc_type=overrides.get("doc_type", rule.doc_type),
        date=overrides.get("date", _find_date(raw_text or text)),
        countries=_split_countries(overrides["countries"]) if "countries" in overrides else countries,
        content_hash=content_hash,
        source_format=source_format,
    )


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


def _facts(file_name: str, text: str, facts_text: str, countries: tuple[str, ...]) -> dict[str, str]:
    """Values the label and title templates may use; a fact that was not found is absent."""
    # A name with no letters ("-.txt") still needs a readable stem for titles and labels.
    facts = {"stem": _humanize(_stem_words(file_name)) or file_name.strip() or "Untitled", "heading": _heading(text)}
    issue = re.search(r"\bnewsletter\s*(?:#|no\.)\s*(\d+)", facts_text, re.I)
    issue = issue or re.search(r"newsletter[-_ ]+(\d+)", file_name, re.I)
    facts["issue"] = issue.group(1) if issue else ""
    facts["symbol"] = _own_symbol(facts_text)
    if facts["symbol"]:
        kind = next((k for k in _UN_KINDS if re.search(k[0], facts_text, re.I)), None)
        facts["un_kind"], title = (kind[1], kind[2]) if kind else ("UN document", facts["heading"])
        facts["un_title"] = f"{title}: {countries[0]}" if countries and title else title
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


def _heading(text: str) -> str:
    """The document's title line: a headline repeated near the top (web pages print it twice), else the
    first heading-like line among the first few; "" when there is none."""
    lines = [line.strip() for line in text.split("\n")[:200]]
    top = [(i, line) for i, line in enumerate(lines) if line][:_TITLE_LINES]
    candidates = [line for i, line in top if _is_heading(line, lines[i + 1] if i + 1 < len(lines) else "")]
    counts = Counter(line for _, line in top)
    repeated = [line for line in candidates if counts[line] > 1]
    return (repeated or candidates or [""])[0]


def _is_heading(line: str, next_line: str) -> bool:
    """A short line of words that reads like neither a sentence, a wrapped line, chrome nor a date line."""
    words = line.split()
    if not 2 <= len(words) <= 25 or len(line) > 160 or line[-1] in ".,;:" or _CONNECTOR_END.search(line):
        return False
    if not line[0].isupper() or next_line[:1].islower() or sum(map(len, words)) < 2 * len(words):
        return False  # lower-case start: a wrapped line; one-letter words: letter-spaced "C h a p t e r"
    # A masthead ("Newsletter - may 2022") names the series, not the issue: the newsletter title adds it.
    return "newsletter" not in line.lower() and not _CHROME.search(line) and not _DATE_LINE.search(line)


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
            out.append(_COUNTRY_BY_LOWER.get(word, word))
    text = " ".join(out)
    return text[:1].upper() + text[1:]


def _find_date(text: str) -> str:
    """The ISO date the document states near its top: a UN "Distr." date first, else the earliest date."""
    head = text[:_HEAD_CHARS]
    found = [m for m in [_UN_DATE.search(text[: 2 * _HEAD_CHARS])] if m]
    if not found:
        found = sorted((m for p in _DATE_PATTERNS for m in p.finditer(head)), key=lambda m: m.start())
    for match in found:
        iso = _iso(match)
        if iso:
            return iso
    return ""


def _iso(match: re.Match[str]) -> str:
    """YYYY-MM-DD from a date match, or "" when it is not a real calendar date."""
    parts = match.groupdict()
    month = int(parts.get("num_month") or _MONTHS.get((parts.get("month") or "").lower(), 0))
    try:
        return date(int(parts["year"]), month, int(parts["day"])).isoformat()
    except ValueError:
        return ""


def _countries(text: str) -> tuple[str, ...]:
    """Countries named in the text (names and demonyms), most frequent first, ties by first mention."""
    counts = Counter(_COUNTRY_BY_ALIAS[m] for m in _COUNTRY_RE.findall(text))
    return tuple(name for name, _ in counts.most_common())


def country_named(word: str) -> str:
    """The country a word names ("uzbek", "Azerbaijani", "Russia"), canonical, or "" when it names none."""
    return _COUNTRY_BY_ANY_CASE.get(word.strip().lower(), "")


def _split_countries(value: str) -> tuple[str, ...]:
    """The "countries" override: comma-separated names, in the caller's order."""
    return tuple(name.strip() for name in value.split(",") if name.strip())


# Country names as "Canonical: alias, alias" entries. Aliases are matched case-sensitively as whole words,
# longest first ("South Sudan" before "Sudan"). Demonyms that are mostly languages here ("Russian") are kept:
# in this corpus they nearly always refer to the state. "American" is left out ("Latin American").
_COUNTRY_DATA = """
Afghanistan: Afghan | Albania: Albanian | Algeria: Algerian | Andorra | Angola: Angolan | Argentina: Argentinian |
Armenia: Armenian | Australia: Australian | Austria: Austrian | Azerbaijan: Azerbaijani, Azərbaycan | Bahamas |
Bahrain: Bahraini | Bangladesh: Bangladeshi | Barbados | Belarus: Belarusian | Belgium: Belgian | Belize | Benin |
Bhutan | Bolivia: Bolivarian Republic of Bolivia, Plurinational State of Bolivia | Bosnia and Herzegovina |
Botswana | Brazil: Brazilian | Brunei: Brunei Darussalam | Bulgaria: Bulgarian | Burkina Faso | Burundi |
Cabo Verde: Cape Verde | Cambodia: Cambodian | Cameroon | Canada: Canadian | Central African Republic | Chad |
Chile: Chilean | China: Chinese | Colombia: Colombian | Comoros | Congo | Costa Rica |
Côte d'Ivoire: Côte d’Ivoire | Croatia: Croatian | Cuba: Cuban | Cyprus | Czechia: Czech Republic |
North Korea: Democratic People's Republic of Korea, Democratic People’s Republic of Korea |
DR Congo: Democratic Republic of the Congo | Denmark: Danish | Djibouti | Dominica | Dominican Republic | Ecuador |
Egypt: Egyptian | El Salvador | Equatorial Guinea | Eritrea | Estonia: Estonian | Eswatini | Ethiopia: Ethiopian |
Fiji | Finland: Finnish | France: French | Gabon | Gambia | Georgia: Georgian | Germany: German | Ghana: Ghanaian |
Greece: Greek | Grenada | Guatemala | Guinea | Guinea-Bissau | Guyana | Haiti | Honduras | Hungary: Hungarian |
Iceland | India: Indian | Indonesia: Indonesian | Iran: Islamic Republic of Iran, Iranian | Iraq: Iraqi |
Ireland: Irish | Israel: Israeli | Italy: Italian | Jamaica | Japan: Japanese | Jordan |
Kazakhstan: Kazakh, Kazakhstani | Kenya: Kenyan | Kiribati | Kuwait | Kyrgyzstan: Kyrgyz |
Laos: Lao People's Democratic Republic, Lao People’s Democratic Republic | Latvia | Lebanon | Lesotho | Liberia |
Libya | Liechtenstein | Lithuania | Luxembourg | Madagascar | Malawi | Malaysia | Maldives | Mali | Malta |
Marshall Islands | Mauritania | Mauritius | Mexico: Mexican | Micronesia | Moldova: Republic of Moldova, Moldovan |
Monaco | Mongolia: Mongolian | Montenegro | Morocco: Moroccan | Mozambique | Myanmar | Namibia | Nauru | Nepal |
Netherlands: Dutch, Kingdom of the Netherlands | New Zealand | Nicaragua | Niger | Nigeria: Nigerian |
North Macedonia | Norway: Norwegian | Oman | Pakistan: Pakistani | Palau |
Palestine: State of Palestine, Palestinian | Panama | Papua New Guinea | Paraguay | Peru | Philippines: Filipino |
Poland: Polish | Portugal: Portuguese | Qatar | South Korea: Republic of Korea, Korea, Korean | Romania: Romanian |
Russia: Russian Federation, Russian | Rwanda | Saint Kitts and Nevis | Saint Lucia |
Saint Vincent and the Grenadines | Samoa | San Marino | Sao Tome and Principe | Saudi Arabia: Saudi | Senegal |
Serbia: Serbian | Seychelles | Sierra Leone | Singapore | Slovakia: Slovak | Slovenia: Slovenian, Slovene |
Solomon Islands | Somalia | South Africa | South Sudan | Spain: Spanish | Sri Lanka | Sudan | Suriname |
Sweden: Swedish | Switzerland: Swiss | Syria: Syrian Arab Republic, Syrian | Tajikistan: Tajik |
Tanzania: United Republic of Tanzania | Thailand: Thai | Timor-Leste | Togo | Tonga | Trinidad and Tobago |
Tunisia | Türkiye: Turkey, Turkish | Turkmenistan: Turkmen | Tuvalu | Uganda | Ukraine: Ukrainian |
United Arab Emirates | United Kingdom: United Kingdom of Great Britain and Northern Ireland, British, UK |
United States: United States of America, USA, US, U.S. | Uruguay | Uzbekistan: Uzbek, Uzbekistani | Vanuatu |
Venezuela: Bolivarian Republic of Venezuela | Viet Nam: Vietnam, Vietnamese | Yemen | Zambia | Zimbabwe
"""


def _parse_countries(data: str) -> dict[str, str]:
    """alias -> canonical name, from _COUNTRY_DATA."""
    by_alias = {}
    for entry in data.replace("\n", " ").split("|"):
        name, _, aliases = entry.partition(":")
        for alias in [name, *aliases.split(",")]:
            if alias.strip():
                by_alias[alias.strip()] = name.strip()
    return by_alias


_COUNTRY_BY_ALIAS = _parse_countries(_COUNTRY_DATA)
_COUNTRY_BY_LOWER = {name.lower(): name for name in _COUNTRY_BY_ALIAS.values() if " " not in name}
_COUNTRY_BY_ANY_CASE = {alias.lower(): name for alias, name in _COUNTRY_BY_ALIAS.items()}
_COUNTRY_RE = re.compile(
    r"(?<![\w.])(" + "|".join(map(re.escape, sorted(_COUNTRY_BY_ALIAS, key=len, reverse=True))) + r")(?!\w)"
)
# Two-letter codes expanded at the start of a file name ("uz-ru-..."). Only this region's codes: many ISO
# codes are English words ("in", "it", "no", "to") and would turn file names into nonsense.
_FILE_CODES = {"az": "Azerbaijan", "uz": "Uzbekistan", "ru": "Russia", "kz": "Kazakhstan", "kg": "Kyrgyzstan",
               "tj": "Tajikistan", "tm": "Turkmenistan", "si": "Slovenia", "ua": "Ukraine", "ge": "Georgia"}
