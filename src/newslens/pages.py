"""Saved web pages (HTML) as captures: check a page, decode it and derive its article text and metadata.

The page stays in ``raw/`` byte for byte; :func:`page_text` derives the plain text (headline, then one
paragraph per line) in memory with trafilatura, the same text from the same bytes every time. Only the
bytes given are parsed: nothing is ever fetched. :mod:`newslens.corpus` calls this for captures whose
file name ends in ``.html`` or ``.htm``; ``newslens add`` calls it to fill a manifest row.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import re
from dataclasses import dataclass
from importlib.metadata import version

from newslens.corpus import CorpusError
from newslens.words import word_count

__all__ = [
    "HTML_SUFFIXES",
    "MAX_PAGE_BYTES",
    "MIN_ARTICLE_WORDS",
    "MIN_PAYWALLED_WORDS",
    "INDEX_LINK_SHARE",
    "Page",
    "extractor_name",
    "is_html_name",
    "looks_like_html",
    "is_binary",
    "decode_page",
    "read_page",
    "page_text",
    "page_paragraphs",
    "url_date",
]

#: File name endings that mark a capture as a saved web page (decided by the name, as a browser does).
HTML_SUFFIXES = (".html", ".htm")
#: A saved page carries its scripts and styles inline: a news page is often 1-5 MB, rarely more;
#: 10 MB stops a whole-site dump or a mislabelled video from being parsed as one article.
MAX_PAGE_BYTES = 10_000_000
#: Fewer words of article text than this is not an article: an index page, a notice or a bad save.
MIN_ARTICLE_WORDS = 60
#: A page that declares itself paywalled (schema.org ``isAccessibleForFree: false``) and holds
#: fewer words than this is taken for the teaser and the notice, not the article.
MIN_PAYWALLED_WORDS = 150
#: Share of the page's words that sit inside links above which a short page is an index of links.
INDEX_LINK_SHARE = 0.5

_HTML_SNIFF = re.compile(rb"<\s*(!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_TAG_RE = re.compile(r"<\s*(html|head|body|div|p|span|script|style|a|br|meta|!doctype)\b[^>]*>", re.IGNORECASE)
_OPEN_HTML = re.compile(rb"<\s*html\b", re.IGNORECASE)
_CLOSE_HTML = re.compile(rb"<\s*/\s*html\s*>", re.IGNORECASE)
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"OggS", b"RIFF", b"\x00\x00\x00")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Page:
    """What a saved page says about itself, as ``newslens add`` fills the manifest from it.

    Attributes: ``text`` (the derived article text, see :func:`page_text`), ``title``, ``author``,
    ``url`` (canonical link or ``og:url``), ``site_name`` (``og:site_name`` or the publisher; '' when
    the page names none), ``hostname``, ``date`` (YYYY-MM-DD stated in the page's markup, '' if none),
    ``url_date`` (YYYY-MM-DD read from the URL, '' if none) and ``encoding`` (how the bytes were decoded).
    """

    text: str
    title: str
    author: str
    url: str
    site_name: str
    hostname: str
    date: str
    url_date: str
    encoding: str


_PAGES: dict[str, Page] = {}  # sha256 -> Page; a derived value of immutable bytes, so safe to keep


def extractor_name() -> str:
    """The extractor that derives HTML captures' text, as the manifest's ``extractor`` column records it."""
    return f"trafilatura {version('trafilatura')}"


def is_html_name(name: str) -> bool:
    """Whether a capture's file name marks it as a saved web page (``.html``/``.htm``, any case)."""
    return name.lower().endswith(HTML_SUFFIXES)


def looks_like_html(text: str) -> bool:
    """Whether decoded text holds HTML markup (two or more common tags)."""
    return "<" in text and len(_TAG_RE.findall(text)) >= 2


def is_binary(raw: bytes) -> bool:
    """Whether the bytes are a binary file (a PDF, an image, an archive) rather than text or HTML."""
    if raw.startswith(tuple(b for b, _ in _BOMS)):
        return False
    return raw.startswith(_BINARY_MAGIC) or b"\x00" in raw[:65536]


def _declared_charset(raw: bytes) -> str | None:
    # bs4's prescan reads <meta charset> and <meta http-equiv content="...; charset=...">
    from bs4.dammit import EncodingDetector

    return EncodingDetector.find_declared_encoding(raw, is_html=True, search_entire_document=False)


def decode_page(raw: bytes, *, where: str) -> tuple[str, str]:
    """Decode a saved page the way a browser does: a byte-order mark, else the declared charset, else UTF-8.

    A declared label is mapped to its codec by the WHATWG Encoding Standard (``webencodings``), so
    ``gb2312`` reads as GBK and ``iso-8859-1`` as windows-1252, as browsers read them.

    Returns
    -------
    (text, encoding name). Raises :class:`~newslens.corpus.CorpusError` naming *where* and the fix when
    the charset is unknown, the bytes are not valid in it, or no charset is declared and the page is not UTF-8.
    """
    import webencodings

    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw.decode(codec), codec.replace("-sig", "")
    label = _declared_charset(raw)
    if label:
        enc = webencodings.lookup(label)
        if enc is None:
            raise CorpusError(f"{where}: the page declares charset {label!r}, which no browser knows; "
                              "fix the <meta charset> or save the page again as UTF-8")
        codec = enc.codec_info.name
        try:
            return raw.decode(codec), enc.name
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{where}: the page declares charset {label!r} but byte {exc.start} is not valid in it; "
                              "save the page again as UTF-8 (or fix the <meta charset>)") from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{where}: the page declares no charset and is not UTF-8 (bad byte at offset {exc.start}); "
                          "add <meta charset=\"...\"> naming its encoding or save the page again as UTF-8") from None


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _tree(html: str):
    # parse a string only (lxml never fetches); "<?xml encoding=...?>" makes lxml refuse a str, so drop it
    import lxml.html

    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1)
    return lxml.html.document_fromstring(html)


def _paywalled(tree) -> bool:
    """Whether the page declares (schema.org JSON-LD) that its article is not free to read."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if str(item.get("isAccessibleForFree", "")).strip().lower() == "false":
                    return True
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return False


def _link_share(tree) -> float:
    """Share of the words of the page's body that are the text of links."""
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    body = tree.find("body")
    body = tree if body is None else body
    total = word_count(body.text_content())
    linked = sum(word_count(a.text_content()) for a in body.iter("a"))
    return linked / total if total else 0.0


def _linked_words(tree, paragraphs: list[str]) -> int:
    """Words of the extracted paragraphs that are, whole, the text of a link (a list of headlines)."""
    links = {_norm(a.text_content()) for a in tree.iter("a")}
    return sum(word_count(p) for p in paragraphs if _norm(p.removeprefix("- ")) in links)


def _date_in_markup(tree) -> str:
    """The publication date the page's markup states (meta tags, JSON-LD, <time>), by htmldate.

    htmldate's extensive search is off: it reads dates out of free text and link URLs, and on a
    page with a list of related stories it returns one of theirs. The page's own URL (canonical link,
    ``og:url``) is hidden from it, since htmldate reads that first: a date there is "from the URL".
    """
    from htmldate import find_date

    for own_url in tree.xpath('//link[@rel="canonical"]|//meta[@property="og:url"]'):
        own_url.drop_tree()
    return find_date(tree, extensive_search=False, original_date=True) or ""


def url_date(url: str) -> str:
    """The date a URL carries (``/2024/03/12/``, ``2024-03/12``, ...), by htmldate; '' if none."""
    if not url:
        return ""
    import lxml.html
    from htmldate import find_date

    # an empty page: the only place left to find a date is the URL
    empty = lxml.html.document_fromstring("<html><body><p></p></body></html>")
    return find_date(empty, url=url, extensive_search=False, original_date=True) or ""


def _check_shape(raw: bytes, *, where: str) -> None:
    if len(raw) > MAX_PAGE_BYTES:
        raise CorpusError(f"{where}: the page is {len(raw):,} bytes, over the {MAX_PAGE_BYTES:,}-byte limit for one article; "
                          "save the article page alone (\"Web page, HTML only\")")
    if is_binary(raw):
        raise CorpusError(f"{where}: not an HTML page or text (a binary file); save the article as HTML or plain text")
    if _OPEN_HTML.search(raw) and not _CLOSE_HTML.search(raw):
        raise CorpusError(f"{where}: the page is truncated (it opens <html> but never closes it); save the page again")


def _extract(raw: bytes, where: str) -> Page:
    import trafilatura

    _check_shape(raw, where=where)
    html, encoding = decode_page(raw, where=where)
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
        include_links=False, include_formatting=False, deduplicate=False, favor_precision=False, favor_recall=False,
    )
    body = [" ".join(p.split()) for p in ((doc.text or "") if doc is not None else "").split("\n")]
    body = [p for p in body if p]
    title = " ".join((doc.title or "").split()) if doc is not None else ""
    tree = _tree(html)
    words = sum(map(word_count, body))
    if not body:
        raise CorpusError(f"{where}: no article text found in the page; save the article's own page "
                          "(after it has loaded) or paste its text into a .txt capture")
    if words < MIN_PAYWALLED_WORDS and _paywalled(tree):
        raise CorpusError(f"{where}: a paywall notice, not the article ({words} words of text and the page says it is "
                          "not free to read); save the page while logged in so it holds the whole article")
    linked = _linked_words(tree, body)
    if linked >= INDEX_LINK_SHARE * words:
        raise CorpusError(f"{where}: an index page, not an article ({linked} of its {words} words of text are "
                          "links to other pages); save the article's own page")
    if words < MIN_ARTICLE_WORDS:
        share = _link_share(_tree(html))
        if share >= INDEX_LINK_SHARE:
            raise CorpusError(f"{where}: an index page, not an article ({share:.0%} of its words are links and only "
                              f"{words} words are article text); save the article's own page")
        raise CorpusError(f"{where}: only {words} words of article text (fewer than {MIN_ARTICLE_WORDS}); "
                          "save the whole article page, or paste its text into a .txt capture")
    if title and _norm(body[0]) != _norm(title):
        body.insert(0, title)  # the labeller finds the article's start by its headline
    meta_url = (doc.url or "") if doc is not None else ""
    hostname = (doc.hostname or "") if doc is not None else ""
    site = (doc.sitename or "") if doc is not None else ""
    if site.lower().removeprefix("www.") == hostname.lower().removeprefix("www."):
        site = ""  # trafilatura falls back to the host name: the page did not name its site
    return Page(
        text="\n".join(body) + "\n",
        title=title,
        author=" ".join((doc.author or "").split()) if doc is not None else "",
        url=meta_url,
        site_name=site,
        hostname=hostname,
        date=_date_in_markup(_tree(html)),
        url_date=url_date(meta_url),
        encoding=encoding,
    )


def read_page(raw: bytes, *, where: str) -> Page:
    """Check a saved page and derive its text and metadata.

    Checks, each failing with one :class:`~newslens.corpus.CorpusError` line naming *where* and the
    fix: size (:data:`MAX_PAGE_BYTES`), not binary, decodable (:func:`decode_page`), not truncated
    (an ``<html>`` never closed), and an article: at least :data:`MIN_ARTICLE_WORDS` words of
    article text (:data:`MIN_PAYWALLED_WORDS` on a page that declares a paywall), else a paywall
    notice, an index page (:data:`INDEX_LINK_SHARE` of its words in links) or an empty page.
    """
    digest = hashlib.sha256(raw).hexdigest()
    # keyed by the checksum: a page read twice (loading, then the disagreement table) is parsed once
    page = _PAGES.get(digest)
    if page is None:
        page = _extract(raw, where)
        if len(_PAGES) >= 64:
            _PAGES.pop(next(iter(_PAGES)))
        _PAGES[digest] = page
    return page


def page_text(raw: bytes, *, where: str) -> str:
    """The article text of a saved page: the headline, then one paragraph per line, newline-terminated.

    Derived by trafilatura (main text only: no comments, images or links) from the bytes given,
    deterministically; the headline is the page's title as trafilatura reads it from the metadata,
    put first unless the text already starts with it.
    """
    return read_page(raw, where=where).text


def page_paragraphs(raw: bytes, *, where: str) -> list[str]:
    """Every paragraph of the page's visible text (article or not), in page order, whitespace collapsed.

    jusText's segmenter splits the page at block elements (it is trafilatura's fallback, so the two see
    the same blocks); its own boilerplate guess is not used (an empty stop list), only the segments.
    """
    import justext

    _check_shape(raw, where=where)
    html, _enc = decode_page(raw, where=where)
    paragraphs = (" ".join(p.text.split()) for p in justext.justext(html, frozenset()))
    return [p for p in paragraphs if p]
