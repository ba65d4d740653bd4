"""Book-level check: the books built on other data folders (``make stories``) name nothing of the seed story.

``make stories`` executes every chapter on each folder of :data:`STORIES` with ``make execute DATA=... OUT=...``
and builds it with ``-W``; these tests then read the HTML a reader would get.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_no_story_in_code import story_names

ROOT = Path(__file__).resolve().parents[1]

#: The books ``make stories`` builds, under _stories/.
STORIES = ("synthetic", "large")

pytestmark = pytest.mark.stories


class _Text(HTMLParser):
    """The text a reader sees (scripts and styles left out)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("alt", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _pages(story: str) -> list[Path]:
    html = ROOT / "_stories" / story / "_build" / "html"
    assert (html / "index.html").is_file(), f"{html} has no book: run `make stories`"
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts and p.name not in ("search.html", "genindex.html"))


@pytest.mark.parametrize("story", STORIES)
def test_every_chapter_was_built(story):
    names = {p.stem for p in _pages(story)}
    chapters = {p.stem for p in (ROOT / "chapters").glob("*.ipynb")}
    assert chapters <= names, sorted(chapters - names)


@pytest.mark.parametrize("story", STORIES)
def test_no_seed_name_in_the_book(story):
    names = sorted(story_names())
    found = {}
    for page in _pages(story):
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8"))
        text = " ".join(parser.parts)
        hits = [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]
        if hits:
            found[str(page.relative_to(ROOT))] = hits
    assert not found, f"seed names in a book built on another story: {found}"


@pytest.mark.parametrize("story", STORIES)
def test_no_error_output_in_the_book(story):
    for page in _pages(story):
        text = page.read_text(encoding="utf-8")
        assert "Traceback" not in text and "output error" not in text, page
