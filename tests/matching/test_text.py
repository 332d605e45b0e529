from silkbridge.matching.text import chunks, tokenize


def test_latin_words_are_folded_stemmed_and_stopwords_dropped() -> None:
    assert tokenize("The Université de Montréal studies soils") == ["universit", "montreal", "studi", "soil"]


def test_chinese_is_indexed_as_characters_and_bigrams() -> None:
    assert tokenize("农业大学") == ["农", "业", "大", "学", "农业", "业大", "大学"]


def test_mixed_scripts_in_one_word_are_split() -> None:
    assert tokenize("CAU中国") == ["中", "国", "中国", "cau"]


def test_russian_is_stemmed_with_the_russian_stemmer() -> None:
    assert tokenize("университета университеты") == ["университет", "университет"]


def test_arabic_article_and_diacritics_are_removed() -> None:
    assert tokenize("الجَامِعَة") == tokenize("جامعة") == ["جامع"]


def test_arabic_indic_digits_read_as_the_digits_records_use() -> None:
    assert tokenize("عام ١٩٩٠ ۲۰۱۹") == tokenize("عام 1990 2019") == ["عام", "1990", "2019"]


def test_chunks_keep_whole_sentences_within_the_limit() -> None:
    text = "One two three. Four five six. Seven eight nine ten eleven."
    assert chunks(text, 6) == ["One two three. Four five six.", "Seven eight nine ten eleven."]
    assert chunks("", 6) == []


def test_chunks_split_at_sentence_ends_only() -> None:
    text = "Yield rose by 6.5 t/ha (p < 0.05). Trials ran in 2019 (Invented demo record.) Next one."
    assert chunks(text, 9) == [
        "Yield rose by 6.5 t/ha (p < 0.05).", "Trials ran in 2019 (Invented demo record.) Next one."
    ]  # fmt: skip
    assert chunks("稻米产量提高。品种耐旱！", 3) == ["稻米产量提高。", "品种耐旱！"]
    assert chunks("هل ينجح الري؟ نعم ينجح.", 3) == ["هل ينجح الري؟", "نعم ينجح."]


def test_the_cjk_pattern_and_test_agree_on_every_character() -> None:
    from silkbridge.matching.text import _CJK_CHAR, is_cjk

    assert all((_CJK_CHAR.match(chr(c)) is not None) == is_cjk(chr(c)) for c in range(0x2F00, 0x10000))
