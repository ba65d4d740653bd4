"""Saved web pages as captures: the five site shapes in tests/fixtures/html, and every kind of bad page.

The fixtures are hand-made (SYNTHETIC, see tests/fixtures/html/README.md): each imitates a kind of site, with
its furniture around the article, and EXPECTED says which text and metadata a reader of the page sees.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from newslens.corpus import CorpusError, read_capture
from newslens.pages import (
    MAX_PAGE_BYTES,
    decode_page,
    extractor_name,
    is_html_name,
    page_paragraphs,
    page_text,
    read_page,
)

HTML = Path(__file__).parent / "fixtures" / "html"

#: file -> what the page shows: its metadata, its first and last paragraph, and furniture that must not be text.
EXPECTED = {
    "wire_tv.html": dict(
        title="Regulator opens inquiry into Northwind warehouse injuries", author="", site_name="KMLB 7 News",
        url="https://www.kmlb7.example/news/national/regulator-opens-inquiry-into-northwind-warehouse-injuries",
        date="2024-03-19", url_date="", encoding="utf-8",
        first="MILLBROOK (AP) — The state workplace safety regulator said Tuesday",
        last="The regulator can fine the company up to $2 million if it finds violations, a spokesperson said.",
        absent=["Storms roll through the valley overnight", "City council approves new bus routes", "Privacy Policy", "64°F"],
    ),
    "gazette.html": dict(
        title="Northwind workers say safety complaints went unanswered for months", author="Sam Okafor",
        site_name="The Millbrook Gazette", url="https://millbrook-gazette.example/business/2024/03/12/northwind-safety-complaints/",
        date="2024-03-12", url_date="2024-03-12", encoding="utf-8",
        first="Dana Reyes had reported the broken conveyor three times",
        last="Sam Okafor is a business reporter for The Millbrook Gazette.",
        absent=["You have read 2 of 3 free articles this month.", "Subscribe for $1 a week", "Most Read",
                "Why the bus depot plan stalled again this winter", "School board race draws five candidates"],
    ),
    "digest.html": dict(
        title="Northwind Injury Case Puts Warehouse Safety In Spotlight", author="", site_name="Labor Digest",
        url="https://labor-digest.example/2024/03/northwind-injury-case-puts-warehouse-safety-in-spotlight/",
        date="2024-03-20", url_date="", encoding="utf-8",
        first="A worker's account of ignored safety complaints at Northwind Logistics",
        last=("Advocates say the case is not unusual in an industry built on speed. "
              "Critics have long argued that delivery targets leave little room for safety reports."),
        absent=["Donate today", "Port workers vote to extend strike", "Recent Posts", "Tagged"],
    ),
    "blog.html": dict(
        title="What the Northwind case says about conveyor maintenance", author="Ruth Alvarez",
        site_name="Shop Floor Notes", url="https://shopfloornotes.example/posts/northwind-conveyor-maintenance/",
        date="2024-03-21", url_date="", encoding="utf-8",
        first="I spent eleven years maintaining conveyors in distribution centers",
        last="If the regulator's inquiry looks only at one broken conveyor, it will miss the point.",
        absent=["tape over the warning lights", "Leave a reply", "3 comments", "Powered by"],
    ),
    "state_media.html": dict(
        title="Labor regulator pledges stricter warehouse checks after Northwind injuries", author="", site_name="",
        url="http://english.cns.example/2024-03/22/c_8f3a2c.htm", date="", url_date="2024-03-22", encoding="gbk",
        first="MILLBROOK, March 22 — The national labor regulator on Friday pledged",
        last="Northwind said it welcomed the inspections and would cooperate fully.",
        absent=["Editor: Chen Wei", "Share to", "Font size", "[Print]", "Related News", "Spring trade fair"],
    ),
}


# Nothing is fetched, ever: every test here fails if newslens opens a network connection (conftest.no_network).
pytestmark = pytest.mark.usefixtures("no_network")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_site_shape_gives_its_article_and_metadata(name):
    want = EXPECTED[name]
    page = read_page((HTML / name).read_bytes(), where=name)
    for key in ("title", "author", "site_name", "url", "date", "url_date", "encoding"):
        assert getattr(page, key) == want[key], (name, key)
    lines = page.text.rstrip("\n").split("\n")
    assert lines[0] == want["title"]  # the headline first, once
    assert lines.count(want["title"]) == 1
    assert lines[1].startswith(want["first"])
    assert lines[-1] == want["last"]
    for furniture in want["absent"]:
        assert furniture not in page.text, (name, furniture)
    assert all(line == " ".join(line.split()) and line for line in lines)  # one paragraph per line


def test_block_quotes_keep_their_markers_on_their_own_lines():
    text = page_text((HTML / "digest.html").read_bytes(), where="digest")
    lines = text.split("\n")
    assert lines[1].endswith("At The Associated Press, staff reported on the regulator's response:")
    assert lines[3] == "[…] The regulator can fine the company up to $2 million if it finds violations, a spokesperson said. [Source]"


def test_a_declared_charset_is_read_as_browsers_read_it():
    raw = (HTML / "state_media.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text, encoding = decode_page(raw, where="sm")
    assert encoding == "gbk"  # declared gb2312: the WHATWG label maps it to GBK
    assert "“Every enterprise must put the safety of workers first,”" in text


def test_derivation_is_deterministic_and_leaves_the_file_alone(tmp_path):
    path = tmp_path / "gazette.html"
    path.write_bytes((HTML / "gazette.html").read_bytes())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    first = read_capture(path)
    from newslens import pages

    pages._PAGES.clear()  # a fresh derivation, not the cached one
    assert read_capture(path) == first
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gazette.html"]  # no derived file beside it


def test_page_paragraphs_sees_the_whole_page():
    paragraphs = page_paragraphs((HTML / "blog.html").read_bytes(), where="blog")
    assert "3 comments" in paragraphs and "Leave a reply" in paragraphs
    assert "Why stopping the line is so hard" in paragraphs


def test_names_decide_the_kind_and_the_extractor_is_named():
    assert is_html_name("a.HTML") and is_html_name("b.htm") and not is_html_name("c.txt")
    assert extractor_name().startswith("trafilatura 2.")


# --------------------------------------------------------------------------- bad pages


def _page(body: str, *, head: str = '<meta charset="utf-8"><title>A headline long enough to read</title>') -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


_PARAGRAPH = "<p>The council met on Tuesday and voted to keep the library open for another year, members said.</p>"


def _bad(raw: bytes, match: str) -> str:
    with pytest.raises(CorpusError, match=match) as err:
        read_page(raw, where="saved/page.html")
    message = str(err.value)
    assert message.startswith("saved/page.html: ") and "\n" not in message
    return message


def test_a_good_page_passes():
    assert read_page(_page(_PARAGRAPH * 6).encode(), where="x").text.startswith("A headline long enough to read\n")


def test_no_article_text():
    # a page saved before its script had filled it in
    _bad(_page("<div id='app'></div><script>window.render('app');</script>").encode(), r"no article text found in the page; save")


def test_too_little_text():
    _bad(_page(_PARAGRAPH).encode(), r"only \d+ words of article text \(fewer than 60\)")


def test_an_index_page():
    items = "".join(f"<li><a href='/s{k}'>Story number {k} about the town council budget plan</a></li>" for k in range(30))
    _bad(_page(f"<h1>Latest news</h1><ul>{items}</ul><p>All the news from the town.</p>").encode(), r"an index page, not an article")


def test_a_paywall_notice():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": false}</script>'
    body = _PARAGRAPH * 2 + "<div class='paywall'><p>Subscribe to keep reading. Already a subscriber? Log in.</p></div>"
    _bad(_page(body, head='<meta charset="utf-8"><title>A headline long enough</title>' + ld).encode(), r"a paywall notice, not the article")


def test_a_paywalled_article_saved_whole_passes():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": "False"}</script>'
    raw = _page(_PARAGRAPH * 12, head='<meta charset="utf-8"><title>A headline long enough</title>' + ld).encode()
    assert read_page(raw, where="x").text.count("The council met") == 12


def test_a_truncated_page():
    raw = _page(_PARAGRAPH * 6).encode()
    _bad(raw[: len(raw) // 2], r"truncated \(it opens <html> but never closes it\); save the page again")


def test_a_page_over_the_size_limit(tmp_path):
    _bad(b"<html>" + b" " * (MAX_PAGE_BYTES + 1) + b"</html>", r"over the 10,000,000-byte limit")
    path = tmp_path / "big.html"
    path.write_bytes(b" " * (MAX_PAGE_BYTES + 1))
    with pytest.raises(CorpusError, match="over the 10,000,000-byte limit for one saved page"):
        read_capture(path)


def test_a_binary_file():
    _bad(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", r"not an HTML page or text \(a binary file\)")


def test_an_undeclared_encoding_that_is_not_utf8():
    raw = _page(_PARAGRAPH.replace("library", "bibliothèque") * 6, head="<title>A headline long enough</title>").encode("latin-1")
    _bad(raw, r"declares no charset and is not UTF-8 \(bad byte at offset \d+\); add <meta charset")


def test_a_declared_latin1_page_is_decoded():
    raw = _page(_PARAGRAPH.replace("library", "bibliothèque") * 6,
                head='<meta charset="iso-8859-1"><title>A headline long enough</title>').encode("latin-1")
    page = read_page(raw, where="x")
    assert page.encoding == "windows-1252" and "bibliothèque" in page.text


def test_an_unknown_charset():
    _bad(_page(_PARAGRAPH * 6, head='<meta charset="klingon-8"><title>T</title>').encode(), r"declares charset 'klingon-8', which no browser knows")


def test_bytes_invalid_in_the_declared_charset():
    raw = _page(_PARAGRAPH * 6, head='<meta charset="utf-8"><title>A headline long enough</title>').encode() + b""
    raw = raw.replace(b"library", b"libr\xffry")
    _bad(raw, r"declares charset 'utf-8' but byte \d+ is not valid in it")


def test_html_in_a_txt_capture_is_still_refused(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes((HTML / "blog.html").read_bytes())
    with pytest.raises(CorpusError, match=r"looks like HTML \(.+\); rename it to \.html"):
        read_capture(path)
