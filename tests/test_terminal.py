from assistant.terminal import printable, printable_lines


def test_printable_escapes_escape_sequences_newlines_and_bidi_overrides():
    assert printable("a\x1b[31mred\x1b[0m\nb\x9b2J\u202eevil\ttab") == (
        "a\\x1b[31mred\\x1b[0m\\nb\\x9b2J\\u202eevil\\ttab")


def test_printable_leaves_ordinary_unicode_alone():
    assert printable("Омбудсман — Səbinə Əliyeva, ¶251 (Recommendation) 👩‍⚖️") == (
        "Омбудсман — Səbinə Əliyeva, ¶251 (Recommendation) 👩‍⚖️")


def test_printable_lines_keeps_line_breaks_between_escaped_lines():
    assert printable_lines("one\x1b]0;x\x07\ntwo") == "one\\x1b]0;x\\x07\ntwo"
