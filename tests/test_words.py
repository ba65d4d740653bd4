"""newslens.words: the one word tokenizer every count and token comes from."""
from __future__ import annotations

from newslens.words import WORD, tokenize_words, word_count


def test_tokens_keep_hashtags_numbers_and_hyphens():
    assert tokenize_words("#MeToo: 6,000 e-commerce workers, China's 996.") == ["#MeToo", "6,000", "e-commerce", "workers", "China's", "996"]


def test_words_do_not_end_in_punctuation_and_need_a_letter_or_digit_first():
    assert tokenize_words("U.S. a.m. e-mail- -- _x 'quoted' rock’n’roll") == ["U.S", "a.m", "e-mail", "x", "quoted'", "rock’n’roll"]
    assert tokenize_words("") == [] and tokenize_words("— … !") == []


def test_word_count_is_the_number_of_tokens():
    text = "#MeToo: 6,000 e-commerce workers, China's 996."
    assert word_count(text) == len(tokenize_words(text)) == 6
    assert word_count("   ") == 0
    assert WORD.fullmatch("#MeToo") and not WORD.fullmatch("#")
