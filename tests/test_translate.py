from assistant.translate import looks_foreign, to_english_query


def test_russian_question_becomes_english_terms():
    assert to_english_query("Какие рекомендации касаются махаллей?") == "which recommendations concern mahallas"
    assert to_english_query("Сколько обращений получил омбудсмен в 2025 году?") == \
        "how many appeals received Ombudsman 2025"


def test_uzbek_and_azerbaijani_latin_questions_are_recognised():
    assert to_english_query("Qaysi tavsiyalar mahallalarga tegishli?") == "which recommendations mahallas concern"
    assert to_english_query("Məhəllələrə aid hansı tövsiyələr var?") == "mahallas which recommendations"


def test_english_question_is_unchanged():
    q = "Which recommendations concern mahallas?"
    assert not looks_foreign(q)
    assert to_english_query(q) == q


def test_foreign_question_without_glossary_words_is_unchanged():
    assert to_english_query("Привет, друзья!") == "Привет, друзья!"


def test_english_keywords_without_function_words_are_not_foreign():
    assert to_english_query("mahallas partners cooperation") == "mahallas partners cooperation"


def test_names_are_kept_as_english_texts_spell_them():
    from assistant.translate import transliterate

    assert transliterate("Səbinə") == "Sabina" and transliterate("Əliyeva") == "Aliyeva"
    assert transliterate("Эшматова") == "Eshmatova"
    assert to_english_query("Ombudsman Səbinə Əliyeva onlayn görüşdə QHT nümayəndələrini hansı bayramlar "
                            "münasibətilə təbrik etdi?") == ("Ombudsman Sabina Aliyeva online meeting NGOs "
                                                              "representative which holiday responded congratulated")


def test_russian_names_are_search_terms_not_names_to_insist_on():
    # "Букинского" is "of Buka": declined, so it must not become a name every passage has to contain
    assert to_english_query("Сколько осуждённых было в колонии Букинского района?") == \
        "how many convicts colony bukinskogo district"
    assert to_english_query("О чём говорила Феруза Эшматова на конференции в Баку?") == \
        "what speak feruza eshmatova conference Baku"
