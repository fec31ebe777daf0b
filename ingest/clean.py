"""Remove web chrome and PDF artefacts from extracted text, keeping one logical line per line.

Wrapped lines are not re-joined here (ingest.structure does that); blank lines are kept because
they separate paragraphs in web pages and newsletters. Leading indentation is kept too: in pypdf
output of UN documents it tells a sub-section heading (" 1. Right to life") from a paragraph
number ("1. The Working Group").
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from ingest import _patterns as P

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u3000]")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_HYPHEN_END = re.compile(r"(?:^|(?<=[\s(“\"'‘/-]))([^\W\d_]+)-$")
_NEXT_WORD = re.compile(r"^(\s*)([a-z][^\W\d_]*)(.*)$")
_TOKENS = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")
_UNKNOWN_COST = 4.0  # an unknown letter run costs as much as four known words: known words win
_MAX_WORD = 30


def clean_text(text: str, *, context: str = "") -> str:
    """Remove web chrome and PDF artefacts, keeping line structure.

    Steps, in order: PDF footnote blocks; invisible characters and odd spaces; inline chrome (the
    "Javascript" notice, a "share with friends" trailer glued to the last line); view counters
    (reduced to their date, on their own line, so ingest.metadata can read it); noise lines and
    "News Categories" blocks; UN running headers; page-number lines opening or closing the text;
    letter-spaced lines ("C h a p t e r 7 : ..."); words hyphenated across lines (see
    `_join_hyphenated`); runs of spaces; runs of more than two blank lines.

    Args:
        text: raw extracted text of one page or one whole document; any string.
        context: optional extra text (e.g. the whole document when cleaning page by page) whose
            words join the vocabulary used to rebuild letter-spaced words and hyphenated words.

    Returns:
        The cleaned text, lines right-stripped, no leading or trailing blank lines, no trailing
        newline. Never raises on a str input; clean_text(clean_text(x)) == clean_text(x).
    """
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [_normalise_line(line) for line in _drop_footnotes(raw_lines)]
    lines = [_strip_inline_noise(line) for line in lines]
    lines = _drop_noise_lines(lines)
    lines = _drop_page_numbers(lines)
    vocabulary = _vocabulary(text) | _context_vocabulary(context, False)
    lines = [_fix_letter_spacing(line, vocabulary) for line in lines]
    if any(_SPLIT_CAPITAL.search(line) for line in lines):
        # The words a split leaves ("tateless") must not count as words of their own.
        unsplit = _vocabulary(_SPLIT_CAPITAL.sub(" ", text)) | _context_vocabulary(context, True)
        lines = [_join_split_capital(line, unsplit) for line in lines]
    lines = _join_hyphenated(lines, vocabulary)
    return _tidy_blank_lines(lines)


def _normalise_line(line: str) -> str:
    """Drop invisible characters, turn odd spaces into plain ones, collapse inner space runs."""
    line = _SPACES.sub(" ", line.translate(_INVISIBLE)).rstrip()
    indent = len(line) - len(line.lstrip(" "))
    return line[:indent] + re.sub(r" {2,}", " ", line[indent:])


def _drop_footnotes(lines: list[str]) -> list[str]:
    """Cut a PDF footnote block: a whitespace-only line followed by " 12 Note text" lines.

    pypdf renders the footnote rule as a line of spaces and indents each note; body lines are
    never whitespace-only, so the pair is a reliable marker. Everything below it is notes.
    """
    for i, line in enumerate(lines):
        if not P.FOOTNOTE_SEPARATOR.match(line):
            continue
        following = [later for later in lines[i + 1 :] if later.strip()]
        if following and P.FOOTNOTE_START.match(following[0]):
            return lines[:i]
    return lines


def _strip_inline_noise(line: str) -> str:
    """Remove chrome inside a line and reduce a view counter to its date."""
    counter = P.VIEW_COUNTER.match(line)
    if counter:
        return counter.group(1)
    for pattern in P.INLINE_NOISE:
        line = pattern.sub("", line)
    return line.rstrip()


def _drop_noise_lines(lines: list[str]) -> list[str]:
    """Drop whole noise lines, and category blocks together with their bare numbers."""
    kept: list[str] = []
    in_block = False
    for line in lines:
        if any(p.search(line) for p in P.NOISE_BLOCK_STARTS):
            in_block = True
            continue
        if in_block and (not line.strip() or line.strip().isdigit()):
            continue
        in_block = False
        if any(p.search(line) for p in P.NOISE_LINES) or any(p.match(line) for p in P.PDF_RUNNING_LINES):
            continue
        kept.append(line)
    return kept


def _drop_page_numbers(lines: list[str]) -> list[str]:
    """Drop the page-number lines (and blanks) that open or close the text.

    Only the edges: a bare number inside the text may be a table cell. Running headers were
    dropped before, so the page number is the first or last line left.
    """
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or P.PAGE_NUMBER.match(lines[start])):
        start += 1
    while end > start and (not lines[end - 1].strip() or P.PAGE_NUMBER.match(lines[end - 1])):
        end -= 1
    return lines[start:end]


@functools.lru_cache(maxsize=2)
def _context_vocabulary(context: str, unsplit: bool) -> frozenset[str]:
    """The context's vocabulary, computed once for all the pages cleaned with it (a 180-page report's whole text
    was read again for every page). Words never span a line break, so the vocabulary of page + "\\n" + context is
    the union of the two, and so is that of their split-capital-free forms."""
    return _vocabulary(_SPLIT_CAPITAL.sub(" ", context) if unsplit else context)


def _vocabulary(text: str) -> frozenset[str]:
    """The document's own lower-cased words (hyphenated forms included) plus the common words."""
    words: set[str] = set()
    for match in _WORD.finditer(text.lower()):
        words.add(match.group())
        words.update(match.group().split("-"))
    return frozenset(words) | P.COMMON_WORDS


def _fix_letter_spacing(line: str, vocabulary: frozenset[str]) -> str:
    """Rebuild a letter-spaced line ("C h a p t e r 7 :") into words; other lines unchanged."""
    body = line.strip()
    tokens = body.split(" ")
    singles = sum(1 for token in tokens if len(token) == 1)
    if len(tokens) < 5 or singles < 0.8 * len(tokens):
        return line
    out: list[str] = []
    for token in _TOKENS.findall(body.replace(" ", "")):
        if token[0].isalpha():
            out.extend(_segment(token, vocabulary))
        elif token in ",.:;!?)" and out:
            out[-1] += token
        else:
            out.append(token)
    return line[: len(line) - len(line.lstrip())] + " ".join(out).replace("( ", "(")


_SPLIT_CAPITAL = re.compile(r"\b([A-Z]) ([a-z]{3,})\b")


def _join_split_capital(line: str, vocabulary: frozenset[str]) -> str:
    """Mend a capital split from its word ("g. S tateless Persons"): joined when the whole is one of the
    document's words and the rest alone is not."""
    def mend(match: re.Match[str]) -> str:
        whole = (match.group(1) + match.group(2)).lower()
        if whole in vocabulary and not _known(match.group(2), vocabulary) and match.group(1) not in "AI":
            return match.group(1) + match.group(2)
        return match.group(0)

    return _SPLIT_CAPITAL.sub(mend, line)


def _known(word: str, vocabulary: frozenset[str]) -> bool:
    """Whether a lower-cased letter run is a word (plural -s of a known word counts)."""
    if len(word) == 1:
        return word in ("a", "i")
    return word in vocabulary or (word.endswith("s") and word[:-1] in vocabulary)


def _segment(run: str, vocabulary: frozenset[str]) -> list[str]:
    """Split a letter run into the fewest known words (dynamic programming), keeping its case."""
    lower = run.lower()
    best: list[tuple[float, int]] = [(0.0, 0)] + [(float("inf"), 0)] * len(lower)
    for end in range(1, len(lower) + 1):
        for start in range(max(0, end - _MAX_WORD), end):
            cost = 1.0 if _known(lower[start:end], vocabulary) else _UNKNOWN_COST
            if best[start][0] + cost < best[end][0]:
                best[end] = (best[start][0] + cost, start)
    if best[-1][0] == float("inf"):
        return [run]
    words, end = [], len(lower)
    while end > 0:
        start = best[end][1]
        words.append(run[start:end])
        end = start
    return _merge_unknown(reversed(words), vocabulary)


def _merge_unknown(words: Iterable[str], vocabulary: frozenset[str]) -> list[str]:
    """Glue neighbouring unknown pieces back together: an unknown word stays one word."""
    merged: list[str] = []
    for word in words:
        if merged and not _known(word.lower(), vocabulary) and not _known(merged[-1].lower(), vocabulary):
            merged[-1] += word
        else:
            merged.append(word)
    return merged


def _join_hyphenated(lines: list[str], vocabulary: frozenset[str]) -> list[str]:
    """Repair words hyphenated across a line break by moving the second half up.

    Rule for "left-" at a line end followed by "right..." (lower case) on the next line:
    1. "left-right" occurs hyphenated elsewhere in the vocabulary -> keep the hyphen;
    2. else "leftright" is a known word -> join without hyphen ("govern-" "ment" -> "government");
    3. else left is a compound prefix (quasi, non, self, co, ...) -> keep the hyphen
       ("quasi-" "governmental" -> "quasi-governmental");
    4. else join without hyphen (a plain word split by the typesetter).
    A line emptied by the move is dropped, so no blank line (a paragraph break) appears.
    """
    out = list(lines)
    i = 0
    while i < len(out) - 1:
        ending = _HYPHEN_END.search(out[i])
        following = _NEXT_WORD.match(out[i + 1]) if ending else None
        if ending and following:
            left = ending.group(1)
            right = following.group(2)
            out[i] = out[i][:-1] + _hyphen_join(left, right, vocabulary)[len(left) :]
            rest = following.group(3).lstrip()
            if rest:
                out[i + 1] = following.group(1) + rest
            else:
                del out[i + 1]
                continue
        i += 1
    return out


def _hyphen_join(left: str, right: str, vocabulary: frozenset[str]) -> str:
    """Join two halves of a word split at a line-end hyphen (rule in `_join_hyphenated`)."""
    lower_left, lower_right = left.lower(), right.lower()
    if f"{lower_left}-{lower_right}" in vocabulary:
        return f"{left}-{right}"
    if lower_left + lower_right in vocabulary:
        return left + right
    if lower_left in P.COMPOUND_PREFIXES:
        return f"{left}-{right}"
    return left + right


def _tidy_blank_lines(lines: list[str]) -> str:
    """Blank lines become empty, at most two in a row, none at the start or end."""
    text = "\n".join(line if line.strip() else "" for line in lines)
    return re.sub(r"\n{4,}", "\n\n\n", text).strip("\n")
