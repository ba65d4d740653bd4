"""The one word tokenizer of the package: every word count and every token (labels, pages, statistics, terms, reuse) comes from here.

A module of its own, below :mod:`newslens.corpus`, so that the line labeller and the page reader count the words the
statistics report.
"""
from __future__ import annotations

import re

__all__ = ["WORD", "tokenize_words", "word_count"]

#: A word token: a letter or digit first, then letters, digits and apostrophes, with a hyphen, full stop or comma kept
#: inside a word (``e-commerce``, ``a.m``, ``6,000``) but not at its end; an optional ``#`` before (``#MeToo``).
WORD = re.compile(r"#?[^\W_](?:[\w'’]|[-.,](?=\w))*", re.UNICODE)


def tokenize_words(text: str) -> list[str]:
    """Word tokens, case kept: ``#MeToo``, ``6,000``, ``9 a.m`` parts, ``e-commerce`` and ``China's`` stay whole."""
    return WORD.findall(text)


def word_count(text: str) -> int:
    """How many word tokens :func:`tokenize_words` finds."""
    return len(WORD.findall(text))
