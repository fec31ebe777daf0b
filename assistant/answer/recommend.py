"""Questions about recommendations, answered from the explorer's index: complete lists, grouped by document.

"Which recommendations concern Roma?", "What did Turkey recommend to Slovenia, and did Slovenia accept it?",
"Which recommendations on defamation did Slovenia only note in its latest review?" ask for items of the
recommendations index (assistant.recommendations), not for the few best passages: the answer lists every matching
item, grouped by document (newest first) and sorted by number, and the count it states is the number of items
that match. Each item is cited to its own paragraph; the State's response and reason are shown where known.

What a question asks for is read from its analysis (assistant.answer.question) and the vocabulary of themes and
groups (the same keyword rules the tagger uses, so the chat and the explorer agree):
- documents: references by description ("the fourth cycle", "A/HRC/59/15"), resolved by assistant.answer.documents;
- themes and groups the question's words name (the vocabulary's keywords);
- recommending States: countries named, other than the State under review;
- a response ("which ... did Slovenia support / only note"): a filter; "did Slovenia accept ...": shown per item;
- topic words: the rest of the question's content words that recommendations use at all (a word no item has, like
  "justification" or "thematic", is about the question, not the topic); an item holds them when it covers at
  least TOPIC_COVERAGE of their weight (IDF over the items). Topic words, when there are any, decide what an item
  is about; otherwise the tags the question names do (a theme or group question: "... concern Roma?").
The path is taken when the question asks for recommendations and names at least one of these; when nothing
matches, the passage path answers instead (it may find a treaty body's recommendation in a compilation).
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from assistant.answer.compose import Draft
from assistant.answer.question import Question
from assistant.recommendations.items import number_key, own_text
from assistant.types import Citation
from ingest.countries import country_named
from vectorstore.terms import stem, stem_set

TOPIC_COVERAGE = 0.5  # least IDF-weighted share of the topic words an item must hold
SHOWN = 12  # items written into a chat answer; the rest are counted and one click away

# Words of a recommendation question that say what is asked, not what the recommendations are about.
_FRAME = frozenset(stem(w) for w in """recommendation recommend recommended recommending state states country
    countries delegation delegations government slovenia review reviews cycle cycles upr universal periodic working
    group report accept accepted support supported note noted reject rejected take took position respond response
    responded reply replied fourth third second first latest last recent previous earlier call calls called urge
    urged ask asked made make receive received concern concerns concerning relate related relating regarding about
    address addressed issue issues matter matters propose proposed suggest suggested only just actually still also
    all any person persons people individuals""".split())
_NUMBER = re.compile(r"(?<![\d./])\d{2,3}\.\d{1,3}(?![\d./])")  # "115.158", "140.10": a UN recommendation number
_PROPER_NAME = re.compile(r"[A-Z][\w’'-]*(\s+(of|the|on|for|and|[A-Z][\w’'-]*))*\s+[A-Z][\w’'-]*")
# Who recommends, when it is not a State: "what did the Ombudsman recommend", "the Committee against Torture
# recommended", "CAT's recommendations", "recommendations by/of/from the Ombudsman". A bare "Ombudsman
# recommendations" stays a topic in English ("ombudsman recommendations in the 2025 review": States' ones about it).
_BODY = (r"(?:ombuds\w*|committee|rapporteur|commissioner|agency|agencies|institution|NGOs?|treaty bod(?:y|ies)|"
         r"special procedures?|Council of Europe|CAT|CERD|CEDAW|CRC|CRPD|CESCR|CED|CMW|SPT|CPT|UNHCR|UNICEF|UNESCO|"
         r"OHCHR|ILO|UNDP|OSCE|ODIHR|ECRI|GRECO|GREVIO|GRETA)")
_RECOMMENDER = re.compile(rf"\b(?:did|does|do|has|have|had)\s+(.{{2,80}}?)\s+recommend"
                          rf"|\b((?:[\w-]+\s+){{0,5}}?{_BODY})(?:\s+(?:had\s+|has\s+)?recommend(?:ed|s)\b|(?:’s|'s)\s+"
                          rf"recommendations?\b)"
                          rf"|\brecommendations?\s+(?:(?:made|issued)\s+)?(?:of|by|from)\s+"
                          rf"((?:[\w-]+\s+){{0,5}}?{_BODY})\b", re.I)
# A question in another language reaches here as a bag of English words ("что рекомендовал омбудсмен ..." ->
# "what recommendations Ombudsman gender marker"): its verb is lost, so a body named in it, not as the topic
# ("concern Ombudsman"), and no State named, is who recommends.
_BODY_NAMED = re.compile(rf"\b{_BODY}\b", re.I)
_AS_TOPIC = re.compile(rf"\b(?:concern\w*|about|on|regarding|relat\w+ to)\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?{_BODY}\b",
                       re.I)
_NAMES_RECOMMENDATIONS = re.compile(r"\brecommendations?\b", re.I)
_FILTER_START = re.compile(r"^\s*((with|in|for|from|to|by|of|on)\s+)?(which|what|list|name|show|give|how many)\b", re.I)
_SUPPORTED = re.compile(r"\b(accept(ed|s)?|support(ed|s)?|agree(d)?)\b", re.I)
_NOTED = re.compile(r"\b(not(ed|e)|took note|take note|reject(ed|s)?|not (accept|support)(ed)?|declin(ed|e)"
                    r"|refus(e|ed|es|ing)|(could|can|did|would) ?n[o']t (accept|support))\b", re.I)


@dataclass(frozen=True)
class Criteria:
    """What a recommendation question asks for (see the module docstring)."""

    doc_ids: frozenset[str] = frozenset()
    themes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    status: str = ""  # "supported" / "noted": a filter
    topic: tuple[str, ...] = ()  # stems the items must cover
    show_response: bool = False  # "did Slovenia accept ...": each item's response is part of the answer
    numbers: tuple[str, ...] = ()  # recommendations named by number ("rec 115.158")
    count: bool = False  # "how many ...": the answer is a number
    alternates: tuple[str, ...] = ()  # themes named by a group's words: an item tagged with one matches too
    other_recommender: bool = False  # "what did the Ombudsman recommend": not the States' recommendations
    recipients: tuple[str, ...] = ()  # States the question says received the recommendations ("did X receive")
    joint: tuple[str, ...] = ()  # groups named together ("Roma children", "women with disabilities"): all must hold
    lead: tuple[str, ...] = ()  # the topic stems of the question's first clause ("which ... concern X", up to "and")

    @property
    def whole_documents(self) -> bool:
        """A count over whole documents ("how many did Slovenia support"), which the views documents state."""
        return not (self.themes or self.groups or self.actors or self.topic or self.numbers)

    @property
    def names_something(self) -> bool:
        return bool(self.themes or self.groups or self.actors or self.topic or self.status or self.numbers)


def mentioned(vocabulary, text: str) -> tuple[tuple[str, ...], ...]:
    """(theme ids, group ids, the words that named them, alternate theme ids, joint group ids): the explorer's own
    reading of the question (Vocabulary.mentioned, the tagger's keyword rule), adjusted for asking rather than
    tagging:
    - words that frame the question ("the fourth UPR review") name a review, not the theme of the UPR;
    - a theme named only by a proper name ("the Istanbul Convention") is asked about by that name: its words stay
      topic words (the items must hold them) rather than every item of the broad theme;
    - a theme named by the same words as a group ("enforced disappearance") is an alternate: an item tagged with
      either matches;
    - an entry is asked about when the question's word is one its label holds too ("trafficking" names the
      "Victims of trafficking", not the "Women" whose keywords include it; "migrants" names "Migrants, refugees
      ..."); a word that is only one of an entry's keywords ("defamation", a keyword of "Freedom of opinion and
      expression") asks about that word: it stays a topic word, and the items must hold it;
    - the other words of a named entry's label that the question uses name it too ("living" in "persons living in
      poverty", the group "Persons living in poverty" named by its keyword "poverty");
    - groups named side by side ("Roma children", "women with disabilities") are joint: the items must concern
      both; groups named apart ("women and children") are either.
    The words that named the rest are no topic words."""
    themes, groups = vocabulary.mentioned(text)
    found = {e.id: [m for pattern in e.keywords for m in pattern.finditer(text)]
             for e in (*vocabulary.themes, *vocabulary.groups)}
    phrases = {m.group(0).lower() for g in groups for m in found[g] if len(m.group(0).split()) > 1}
    alternates = tuple(e.id for e in vocabulary.themes if e.id not in themes
                       and any(m.group(0).lower() in phrases for m in found[e.id]))
    named = (*themes, *groups)
    framed = {i for i in named if found[i] and stem_set(" ".join(m.group(0) for m in found[i])) <= _FRAME}
    proper = {i for i in themes if found[i] and all(_PROPER_NAME.fullmatch(m.group(0)) for m in found[i])}
    labels = {e.id: e.label for e in (*vocabulary.themes, *vocabulary.groups)}
    unnamed = {i for i in named if found[i] and not any(m.re.search(labels[i]) for m in found[i])}
    dropped = framed | proper | unnamed
    words = tuple(_whole_words(text, m) for i in named if i not in dropped for m in found[i]
                  if not _PROPER_NAME.fullmatch(m.group(0)))
    label_stems = stem_set(" ".join(labels[i] for i in named if i not in dropped))
    said = {w.lower() for phrase in words for w in phrase.split()}
    words += tuple(dict.fromkeys(w for w in re.findall(r"[^\W\d_]+", text) if stem_set(w) & label_stems
                                 and w.lower() not in said))
    kept = [g for g in groups if g not in dropped]
    joint = {x for g in kept for h in kept if g != h and any(_JOINED.fullmatch(text[a.end():b.start()])
                                                             for a in found[g] for b in found[h]) for x in (g, h)}
    return (tuple(t for t in themes if t not in dropped), tuple(kept), words, alternates,
            tuple(g for g in kept if g in joint))


_JOINED = re.compile(r"[\s-]+(?:with\s+)?", re.I)  # what lies between groups named together ("Roma children")


def _whole_words(text: str, match: re.Match) -> str:
    """The words a keyword match lies in ("LGBT" in "LGBTI persons" -> "LGBTI")."""
    start, end = match.span()
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:end]


_WHICH_TOO = re.compile(r"\b(which|what) (were|are) (they|those|these|them)\b|\b(list|name) (them|those)\b|"
                        r"\bwhich ones\b", re.I)


def asks_which(text: str) -> bool:
    """Whether a count question also asks for the items ("..., and which were they?"): the list answers both."""
    return bool(_WHICH_TOO.search(text))


def names_recommendations(text: str) -> bool:
    """Whether a question asks about recommendations ("how many recommendations did ...")."""
    return bool(_NAMES_RECOMMENDATIONS.search(text))


def criteria(q: Question, named: tuple[Sequence[str], ...], doc_ids: Iterable[str],
             reviewed: Iterable[str]) -> Criteria:
    """The criteria of a recommendation question.

    Args:
        q: the analysed question.
        named: mentioned()'s (theme ids, group ids, words that named them, alternate theme ids, joint group ids)
            for the question; the last two may be left out.
        doc_ids: the documents it names by description (empty: every document).
        reviewed: the countries under review in the corpus (not recommending States).
    """
    doc_ids = frozenset(doc_ids)
    themes, groups = tuple(named[0]), tuple(named[1])
    alternates = tuple(named[3]) if len(named) > 3 else ()
    joint = tuple(named[4]) if len(named) > 4 else ()
    tag_stems = stem_set(" ".join(named[2]))
    under_review = {c.lower() for c in reviewed}
    recipients = tuple(c for c in q.countries if c.lower() in under_review or _receives(c, q.text))
    actors = tuple(c for c in q.countries if c not in recipients)
    first = re.split(r"[,;?]|\band\b", q.search, maxsplit=1)[0]
    status = ""
    if _FILTER_START.match(first) and q.lang == "en":  # "which ... did Slovenia only note?", "how many ... support"
        status = "noted" if _NOTED.search(first) else "supported" if _SUPPORTED.search(first) else ""
    country_stems = stem_set(" ".join(q.countries)) | {s for s, w in q.entities.items() if country_named(w)}
    # the words that named a document ("in the UNDP care system report") are not what the items are about
    title_stems = stem_set(" ".join(w for r in q.doc_refs for w in r.words)) if doc_ids else set()
    topic = tuple(s for s in q.stems if s not in _FRAME and s not in country_stems and s not in tag_stems
                  and s not in title_stems and not any(ch.isdigit() for ch in s))  # "2nd", "hrc28": documents
    numbers = tuple(dict.fromkeys(_NUMBER.findall(q.search)))
    subject = recommender(q.search, q.lang, bool(actors))
    other = bool(subject) and not any(a.lower() in subject.lower() for a in actors) \
        and bool(stem_set(subject) - _FRAME - country_stems)
    lead = tuple(s for s in stem_set(first) if s in topic)
    return Criteria(frozenset(doc_ids), themes, groups, actors, status, topic, numbers=numbers,
                    alternates=alternates, other_recommender=other, lead=lead, recipients=recipients, joint=joint,
                    show_response=bool(q.response or _SUPPORTED.search(q.search) or _NOTED.search(q.search))
                    and not status, count=q.numeric)


def recommender(text: str, lang: str = "en", state_named: bool = False) -> str:
    """Who the question says recommends, as its words ("the Ombudsman"); "" when it says none. lang: the
    question's language (text is then its English word bag); state_named: the question names a recommending State."""
    found = _RECOMMENDER.search(text)
    if found:
        return next(g for g in found.groups() if g)
    if lang != "en" and not state_named and not _AS_TOPIC.search(text):
        body = _BODY_NAMED.search(text)
        return body.group(0) if body else ""
    return ""


def _receives(country: str, text: str) -> bool:
    """Whether the question makes country the State that received the recommendations: "did Uzbekistan receive",
    "recommendations (were made) to Uzbekistan", "Uzbekistan's review" (else a State named is one that
    recommended)."""
    name = re.escape(country)
    patterns = (rf"\b(did|does|do|has|have|had|was|were)\s+{name}\s+(receive|get|been given|accept|support|note"
                rf"|reject|respond)",
                rf"\brecommend\w*\s+((were|was|are|is|been|have been)\s+)?((made|addressed|given|issued)\s+)?"
                rf"to\s+{name}\b",
                rf"\b{name}[’']s\s+(\w+\s+){{0,3}}(review|upr|cycle|periodic)", rf"\breceived by\s+{name}\b")
    return any(re.search(p, text, re.I) for p in patterns)


@dataclass(frozen=True)
class ItemWords:
    """The stems of every item's text and how many items hold each (the topic words' weights)."""

    stems: Mapping[str, frozenset[str]]  # item id -> stems
    freq: Mapping[str, int]

    @classmethod
    def of(cls, items: Sequence) -> "ItemWords":
        stems = {i.id: stem_set(own_text(i.text)) for i in items}
        freq: dict[str, int] = defaultdict(int)
        for found in stems.values():
            for s in found:
                freq[s] += 1
        return cls(stems, dict(freq))

    def weight(self, stem_: str) -> float:
        return math.log(1.0 + (len(self.stems) + 1) / (self.freq.get(stem_, 0) + 1))


def matching(items: Sequence, c: Criteria, words: ItemWords) -> list:
    """The items meeting every criterion (see the module docstring), in the given order. The topic words of the
    question's first clause count even when no recommendation uses them, so an item holding only a minor one is
    no match ("abolish the death penalty" where an item says only "deaths"); words of later clauses that no item
    uses are about the answer ("..., and what justification was given?"), not the topic."""
    topic = [s for s in c.topic if words.freq.get(s, 0) or (s in c.lead and any(words.freq.get(t) for t in c.topic))]
    weights = {s: words.weight(s) for s in topic}
    out = []
    for item in items:
        if c.doc_ids and item.doc_id not in c.doc_ids:
            continue
        if c.numbers:  # named by number: nothing else decides
            if item.paragraph in c.numbers:
                out.append(item)
            continue
        if c.actors and not any(_actor_matches(a, item) for a in c.actors):
            continue
        if c.status and item.response_status != c.status:
            continue
        if topic:
            if _coverage(topic, words.stems.get(item.id) or stem_set(own_text(item.text)), weights) < TOPIC_COVERAGE:
                continue
        else:
            if c.themes and not {t.id for t in item.themes} & set(c.themes):
                continue
            tagged = {t.id for t in item.groups}
            if c.groups and not (tagged & set(c.groups) or {t.id for t in item.themes} & set(c.alternates)):
                continue
            if c.joint and not set(c.joint) <= tagged:
                continue
        out.append(item)
    return out


def _actor_matches(country: str, item) -> bool:
    """Whether country is one of the item's recommending States (as the countries list spells them)."""
    names = item.states or [part.strip() for part in re.split(r",|\band\b|;", item.actor)]
    return any((country_named(n) or n).lower() == country.lower() for n in names if n)


def _coverage(topic: Sequence[str], present: frozenset[str], weights: Mapping[str, float]) -> float:
    total = sum(weights.get(s, 1.0) for s in topic)
    return sum(weights.get(s, 1.0) for s in topic if s in present) / total if total else 0.0


@dataclass(frozen=True)
class Listing:
    """A list answer: the text, its citations, and how many items matched and were shown (the "N of M")."""

    draft: Draft
    total: int
    shown: int
    by_document: Mapping[str, int]
    filter: Mapping[str, object] = field(default_factory=dict)  # the Recommendations tab's filter for the same list


def tab_filter(c: Criteria, doc_ids: Iterable[str], items: Sequence = ()) -> dict[str, object]:
    """The Recommendations tab's filter (assistant.web.recommendations.filter_request's arguments) for a list
    answer: the items' ids, so that the tab lists exactly the answer's M items, and the dropdown values closest to
    the question's criteria (its documents, first theme and group, recommending State, status and topic words),
    which cannot say "Roma and children both" or "women or children"."""
    return {"doc_ids": sorted(doc_ids), "theme": c.themes[0] if c.themes else None,
            "group": c.groups[0] if c.groups else None, "actor": c.actors[0] if c.actors else None,
            "status": c.status or None, "query": " ".join(c.topic) or None, "ids": [i.id for i in items] or None}


def _item_citation(marker: int, item) -> Citation:
    return Citation(marker=marker, passage_id=item.passage_id, label=item.label, file_name=item.file_name,
                    paragraph=item.paragraph, page=getattr(item, "page", None), section_kind="recommendation",
                    quote=own_text(item.text))


def _tally(items: Sequence) -> str:
    """" (12 supported, 3 noted)": the responses of a document's matching items, none when no response is known."""
    counts = [(sum(1 for i in items if i.response_status == status), status)
              for status in ("supported", "partially", "noted")]
    named = [f"{n} {'partially supported' if status == 'partially' else status}" for n, status in counts if n]
    return f" ({', '.join(named)})" if named else ""


def shows_reason(c: Criteria, item) -> bool:
    """Whether a listed item's response reason is written out: when the question asks about responses, and for
    every noted recommendation (why it was not supported is what a reader of the list needs next)."""
    return bool(item.response_status and item.response_reason and (c.show_response or item.response_status == "noted"))


def compose_list(c: Criteria, items: Sequence, titles: Mapping[str, str], order: Sequence[str],
                 shown: int = SHOWN, responses: Mapping[str, Citation] | None = None,
                 twins: Mapping[str, object] | None = None) -> Listing:
    """Every matching item counted, grouped by document in `order` (newest first), the first `shown` written out
    with their State, response and reason, each cited to its paragraph; when the question asks about the response,
    the views paragraph stating it is cited too (`responses`: response passage id -> its citation, marker 0), and
    an item's row in OHCHR's thematic list beside the report's paragraph (`twins`: item id -> the list's item)."""
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        groups[item.doc_id].append(item)
    for doc_items in groups.values():
        doc_items.sort(key=lambda i: number_key(i.paragraph))
    lines: list[str] = []
    citations: list[Citation] = []
    written = 0

    def cite(passage_id: str) -> str:
        """" [n]" for a views paragraph, cited once however many items it answers for ("" when not looked up)."""
        source = (responses or {}).get(passage_id)
        if source is None:
            return ""
        cited = next((x for x in citations if x.passage_id == source.passage_id), None)
        if cited is None:
            cited = replace(source, marker=len(citations) + 1)
            citations.append(cited)
        return f" [{cited.marker}]"

    docs = [d for d in order if d in groups] + [d for d in groups if d not in order]
    for doc_id in docs:
        doc_items = groups[doc_id]
        tally = _tally(doc_items)
        lines.append(f"{titles.get(doc_id, doc_id)}: {len(doc_items)} recommendation"
                     f"{'s' if len(doc_items) != 1 else ''}{tally}")
        for item in doc_items:
            if written >= shown:
                break
            written += 1
            marker = len(citations) + 1
            citations.append(_item_citation(marker, item))
            twin = (twins or {}).get(item.id)
            if twin is not None:
                citations.append(_item_citation(len(citations) + 1, twin))
                marker_text = f"[{marker}] [{marker + 1}]"
            else:
                marker_text = f"[{marker}]"
            state = f" ({item.actor})" if item.actor and f"({item.actor})" not in item.text else ""
            response = ""
            if item.response_status:
                response = f" — {item.response_status}"
                reason = shows_reason(c, item)
                if c.show_response and not (reason and item.reason_passage_id == item.response_passage_id):
                    response += cite(item.response_passage_id)
                if reason:  # a reason quoted is cited to the paragraph that gives it, never to the status list's
                    response += f": {item.response_reason}" + cite(item.reason_passage_id)
            lines.append(f"- {item.paragraph}{state}: {item.text}{response} {marker_text}")
    total = len(items)
    head = f"{total} recommendation{'s' if total != 1 else ''} match"
    if total == 1:
        head += "es"
    if written < total:
        head += f"; {written} of {total} shown"
    text = head + ".\n" + "\n".join(lines)
    if written < total:
        text += f"\n… {total - written} more: see the Recommendations tab (or `hrqa recommendations`) with this filter."
    return Listing(Draft(text, citations), total, written, {d: len(groups[d]) for d in docs},
                   tab_filter(c, docs, [i for d in docs for i in groups[d]]))


def compose_count(c: Criteria, counts: Mapping[str, Mapping[str, int]], sources: Mapping[str, Sequence],
                  titles: Mapping[str, str], order: Sequence[str]) -> Draft | None:
    """"How many recommendations did Slovenia support / receive?" over whole documents: each document's count from
    its items, cited to the views paragraph that states it (or the status lists that add up to it). A count no
    paragraph states is given as counted by hrqa, without a citation; None when no document's count is stated."""
    lines: list[str] = []
    citations: list[Citation] = []

    def cite(source) -> str:
        found = next((x for x in citations if x.passage_id == source.passage_id), None)
        if found is None:
            found = Citation(marker=len(citations) + 1, passage_id=source.passage_id, label=source.label,
                             file_name="", paragraph="", page=None, section_kind="response", quote="")
            citations.append(found)
        return f"[{found.marker}]"

    for doc_id in [d for d in order if d in counts and counts[d]["total"] > counts[d].get("none", 0)]:
        row, title = counts[doc_id], titles.get(doc_id, doc_id)  # documents with the State's responses
        own = {x.passage_id for x in sources.get(doc_id, ())}
        if own & {x.passage_id for x in citations}:
            continue  # the same views document again (OHCHR's list of the report's recommendations)
        statuses = [c.status] if c.status else [s for s in ("supported", "partially", "noted") if row.get(s)]
        parts = []
        for status in statuses:
            n = row.get(status, 0)
            of_status = [x for x in sources.get(doc_id, ()) if x.status == status]
            stated = [x for x in of_status if x.stated and x.count == n]
            listed = [x for x in of_status if not x.stated]
            chosen = stated[:1] or (listed if sum(x.count for x in listed) == n else [])
            what = "partially supported" if status == "partially" else status
            markers = " ".join(cite(x) for x in chosen) if chosen else "(counted by hrqa from the State's answers)"
            parts.append(f"{n} {what} {markers}")
        if c.status:
            lines.append(f"{title}: {parts[0].split(' ', 1)[0]} of {row['total']} recommendations "
                         f"{parts[0].split(' ', 1)[1]}")
        else:
            lines.append(f"{title}: {row['total']} recommendations — " + ", ".join(parts))
    if not citations:
        return None
    return Draft("\n".join(lines), citations)
