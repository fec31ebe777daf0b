"""The recommendations subsystem: every recommendation as an item, tagged, linked to the State's response.

The API the chat's recommendation path and the Recommendations tab call:

    explorer = RecommendationExplorer(index)
    explorer.items()                      # every item: by document (newest first), then number (140.9 < 140.10)
    explorer.filter(theme=None, group=None, doc=None, query=None, status=None, actor=None, doc_ids=None)
        # theme / group / status / actor: one value or a list (any of them); actor = recommending State,
        # case-insensitive, "United Kingdom" = "UK" = "United Kingdom of Great Britain and Northern Ireland";
        # doc_ids: a set of document ids (a resolver's "the fourth cycle", "A/HRC/59/15"); same order as items()
    explorer.vocabulary.mentioned(text)   # -> (theme ids, group ids) a question's words name, by the tagger's
                                          #    own keyword rule ("Roma children" -> (), ("roma", "children"))
    explorer.counts(doc_ids=None)         # -> {doc_id: {"supported", "noted", "partially", "none", "total"}}
    explorer.count_sources(doc_ids=None)  # -> {doc_id: [CountSource]}: the views paragraphs stating the counts

Each RecommendationItem has number ("140.10", text), text (verbatim), actor / states (recommending States), page,
label and passage_id (its own paragraph), response_status ("supported" / "noted" / "partially" / ""),
response_reason, response_passage_id / response_label (the views paragraph stating the status), reason_passage_id /
reason_label (the one giving the reason), themes and groups (Tags with the reason each was given) and warnings
(instruction-like text, markup, links, formulas: shown as data, never acted on).

Modules: items (what an item is), responses and statuses (a State's views on UPR recommendations, every cycle's
layout), tagging (themes and groups from assistant/data/vocabulary.yaml), un (the UN Universal Human Rights Index
labels, assistant/data/un_categories.yaml), explorer (the index's items, filters, counts), export (CSV, XLSX, JSON,
terminal table, file names).
"""
from assistant.recommendations.explorer import FILTER_STATUSES, CountSource, RecommendationExplorer
from assistant.recommendations.export import COLUMNS, export_name, items_text, to_csv, to_json, write_xlsx
from assistant.recommendations.items import RECOMMEND_SENTENCE, RecommendationItem, recommendation_items
from assistant.recommendations.statuses import NOTED, PARTIAL, STATUSES, SUPPORTED
from assistant.recommendations.tagging import Tag, Tagger, Vocabulary, load_vocabulary

__all__ = ["COLUMNS", "CountSource", "FILTER_STATUSES", "NOTED", "PARTIAL", "RECOMMEND_SENTENCE",
           "RecommendationExplorer", "RecommendationItem", "STATUSES", "SUPPORTED", "Tag", "Tagger", "Vocabulary",
           "export_name", "items_text", "load_vocabulary", "recommendation_items", "to_csv", "to_json", "write_xlsx"]
