"""The recommendations subsystem: every recommendation as an item, tagged, linked to the State's response.

Modules: explorer (items of an index, filters, exports), responses (a State's views on UPR recommendations),
tagging (themes and affected groups from the shipped vocabulary).
"""
from assistant.recommendations.explorer import (CSV_COLUMNS, RECOMMEND_SENTENCE, STATUSES, RecommendationExplorer,
                                                RecommendationItem, items_text, recommendation_items)
from assistant.recommendations.tagging import Tag, Tagger, Vocabulary, load_vocabulary

__all__ = ["CSV_COLUMNS", "RECOMMEND_SENTENCE", "STATUSES", "RecommendationExplorer", "RecommendationItem",
           "items_text", "recommendation_items", "Tag", "Tagger", "Vocabulary", "load_vocabulary"]
