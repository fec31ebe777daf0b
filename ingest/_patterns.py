"""Pattern tables shared by ingest.clean and ingest.structure.

Kept as data (tuples of compiled regexes, frozensets) so that a new kind of web chrome or a new
heading wording is one line here, not a new branch in the code.
"""
from __future__ import annotations

import re

_I = re.IGNORECASE

# Whole lines that are web chrome or mail footers: the line is dropped.
NOISE_LINES: tuple[re.Pattern[str], ...] = (
    # "site in test mode" banner (Uzbek Latin, Uzbek Cyrillic, English, Russian; the source misspells one).
    re.compile(r"test rejimida ishlamoqda|тест реж\w*да ишламо|running in test mode|работает в тестовом режиме", _I),
    # A row of social-network links glued together ("TelegramTwitterphoneInstagramYouTubeFacebook").
    re.compile(r"^(?:\s*(?:telegram|twitter|phone|instagram|youtube|facebook|whatsapp|linkedin|vk|ok|email|x)){3,}"
               r"\s*$", _I),
    re.compile(r"^\s*call[ -]?cent(?:er|re)\s*:?\s*\d+\s*$", _I),
    re.compile(r"^\s*(?:read more|подробнее|batafsil)\s*(?:»|>|\.\.\.|…)?\s*$", _I),
    re.compile(r"^\s*©\s*copyright\b", _I),
    re.compile(r"^\s*you received this (?:e-?mail|message)\b", _I),
    re.compile(r"\bunsubscribe\s*\.?\s*$", _I),
    re.compile(r"^\s*отправлено через\b", _I),
    re.compile(r"^\s*(?:share with friends|do['‘’ʻ`]stlaringiz bilan baham|поделиться)\s*:?\s*$", _I),
    # A web-to-text scraper's record of the page ("[[source:https://...]]"): metadata, read by ingest.metadata.
    re.compile(r"^\s*\[\[[\w -]+:.*\]\]\s*$"),
    # A line that is only a link ("[Original article published here](https://...)"): navigation.
    re.compile(r"^\s*\[[^\]]+\]\([^)\s]+\)\s*$"),
)

# Lines that open a trailing block of bare numbers (category counters): the line and the numbers go.
NOISE_BLOCK_STARTS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^\s*(?:news categories|категории новостей|yangiliklar toifalari)\s*$", _I),
)

# Pieces of a line that are chrome; the rest of the line is kept (it may carry the site title).
INLINE_NOISE: tuple[re.Pattern[str], ...] = (
    re.compile(r"please ensure javascript is enabled for purposes of website accessibility\s*", _I),
    # "share with friends" glued to the end of the last sentence.
    re.compile(r"\s*(?:do['‘’ʻ`]stlaringiz bilan baham|share with friends|поделиться с друзьями)\s*:?\s*$", _I),
)

# View counters: "22-05-2020 368 dəfə oxunub" keeps only its date, on its own line, for ingest.metadata.
VIEW_COUNTER = re.compile(
    r"^\s*(\d{1,2}[-./]\d{1,2}[-./]\d{4})(?:\s*[,|]?\s*\d{1,2}:\d{2})?\s+\d[\d\s]*\s*"
    r"(?:dəfə oxunub|marta o['‘’ʻ]qilgan|marta o['‘’ʻ]qildi|views?|просмотр\w*)\s*$",
    _I,
)

# Running headers/footers and title-page boilerplate of UN documents (PDF only in practice).
PDF_RUNNING_LINES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^\s*A/(?:HRC|RES|C\.\d|\d{2})/[\w./-]+\s*$"),  # document symbol alone
    re.compile(r"^\s*(?:\d{1,3}\s+)?GE\.\d{2}-\d{4,6}(?:\s+\(E\))?[\s\d]*$"),  # job number, maybe with page no.
    re.compile(r"^\s*United Nations\s+A/[\w./-]+\s*$"),
    re.compile(r"^\s*General Assembly\s+Distr\.:.*$"),
    re.compile(r"^\s*Distr\.:\s*\w+\s*$"),
    re.compile(r"^\s*Original:\s*\w+\s*$"),
)

# A page-number line: "51", or letter-spaced "5 1"; never "246." (paragraph numbers have a dot).
PAGE_NUMBER = re.compile(r"^\s*(?:\d(?: \d){0,3}|\d{1,4}|page \d{1,4}(?: of \d{1,4})?|- ?\d{1,4} ?-)\s*$", _I)

# Footnote/endnote block at a PDF page bottom: a whitespace-only separator, then " 12 Text" lines.
FOOTNOTE_SEPARATOR = re.compile(r"^[ \t\u00a0]+$")
FOOTNOTE_START = re.compile(r"^[ \t\u00a0]+(?:\d{1,3}|\*{1,3})[ \t\u00a0]+\S")

# Prefixes whose hyphen is part of the word: "quasi-" + "governmental" stays "quasi-governmental".
COMPOUND_PREFIXES = frozenset(
    "quasi non self co anti multi cross well long short so semi pre post inter intra ex vice counter "
    "socio sub super ultra over under half mid pan pro neo cis trans extra low high full part".split()
)

# Words that letter-spaced headings are rebuilt from, on top of the document's own words.
COMMON_WORDS = frozenset(
    """a an and are as at be by for from in into is it its of on or the to with without within under
    chapter section part annex appendix introduction conclusion conclusions summary recommendation
    recommendations finding findings area areas improvement improvements standard standards principle
    principles paris human rights right national institution institutions ombudsman office commissioner
    stakeholder stakeholders engagement partnership partnerships cooperation civil society organisation
    organisations organization organizations government public mandate independence accountability
    complaint complaints handling promotion protection education awareness report reporting annual
    assessment methodology background context overview legal framework structure resources budget staff
    international regional local community communities women children persons disabilities access justice
    monitoring review key general state states united nations council work working group""".split()
)

# Heading wordings mapped to the section kind of the paragraphs under them; first match wins,
# headings are tried innermost first.
HEADING_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    # A State's answers to recommendations are responses, not recommendations (UPR "views" addenda).
    (re.compile(r"(accepted|supported|noted|rejected) recommendations|views on (the )?(conclusions|recommendations)"
                r"|replies presented by the state|views expressed by the state under review", _I), "response"),
    # A section of recommendations is named for them ("II. Conclusions and/or recommendations", "Recommendations
    # for covering childcare gaps", "RECOMMENDATIONS"); a heading that cites some ("Rule of law (recommendations
    # 30-31)") or reports on them ("Implementation of adopted recommendations") is not one. Parentheses are
    # dropped before matching (see _layout.heading_kind).
    (re.compile(r"^(?:\W*[\dIVXA-Z]{1,4}\.?\s+)?(?:conclusions and/or |key |main |our )?recommendations?\b"
                r"|\brecommendations?\W*$", _I), "recommendation"),
    (re.compile(r"areas? (?:for|of) improvement|challenges|gaps|shortcomings|concerns", _I), "area_for_improvement"),
    (re.compile(r"^(?:the )?paris principles$|^principles relating to|^(?:international )?standards?$"
                r"|^benchmarks?$", _I), "standard"),
    (re.compile(r"summary of the proceedings|presentation by the state|interactive dialogue"
                r"|composition of the delegation|\bbackground$|methodology", _I), "other"),
    (re.compile(r"^(?:notes|annex(?:es)?|abbreviations|acronyms|references|bibliography)\b", _I), "other"),
    (re.compile(r"findings?|observations|good practices?|achievements|assessment", _I), "finding"),
)

# Lines that mark a newsletter masthead (front matter, not an article).
NEWSLETTER_MARK = re.compile(r"\bnewsletter\b", _I)
FRONT_MATTER: tuple[re.Pattern[str], ...] = (
    NEWSLETTER_MARK,
    re.compile(r"prepared with the support of|sole responsibility of the authors|do not necessarily reflect", _I),
)

# A line that is only a date (kept by clean_text for the metadata module): not a paragraph.
DATE_ONLY = re.compile(r"^\s*(?:\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{4}-\d{2}-\d{2})\s*$")

BULLET = re.compile(r"^\s*[•●▪◦‣∙·*–-](?:\s+|$)")
