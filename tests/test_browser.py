"""The published pages in a real browser: Chromium from Debian, driven by Playwright, served on 127.0.0.1.

Run after the book is built (``make test`` does both). Every page in the table of contents must load,
show every image (each with alt text), log no console error, make no request to any host but 127.0.0.1 and
link only to pages and anchors that exist; every chapter's figures are captioned; the front page links each
finding to its evidence; the search page finds words from the chapters.
"""
from __future__ import annotations

import functools
import http.server
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"
# Flags for a root, offline, headless machine: no sandbox (root), and no background calls home.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
# Console messages the theme itself causes, by exact text, each with the reason. None: sphinx-thebe, whose
# config script was written twice on every page, is left out of the extensions in _config.yml.
ALLOWED_CONSOLE: set[str] = set()


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                pages.append(e["file"])
            walk(e.get("sections"))
            for part in e.get("parts", []) if isinstance(e, dict) else []:
                walk(part.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return [p.removesuffix(".md").removesuffix(".ipynb") + ".html" for p in pages]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").is_file():
        pytest.fail("_build/html is missing: run `make book` first")
    handler = functools.partial(_Quiet, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def test_toc_lists_pages_that_were_built():
    pages = toc_pages()
    assert "index.html" in pages and "chapters/01_corpus.html" in pages
    missing = [p for p in pages if not (HTML / p).is_file()]
    assert missing == []


@pytest.mark.parametrize("page", toc_pages())
def test_page_loads_offline_with_images_and_no_errors(server, browser, page):
    ctx = browser.new_context()
    pg = ctx.new_page()
    errors, outside, failed = [], [], []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" and m.text not in ALLOWED_CONSOLE else None)
    pg.on("pageerror", lambda e: errors.append(str(e)) if str(e) not in ALLOWED_CONSOLE else None)
    pg.on("requestfailed", lambda r: failed.append(r.url) if urlparse(r.url).hostname == "127.0.0.1" else None)

    def guard(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith("data:") or host == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    pg.route("**/*", guard)
    resp = pg.goto(f"{server}/{page}", wait_until="load")
    assert resp is not None and resp.status == 200
    pg.wait_for_load_state("networkidle")
    images = pg.eval_on_selector_all("img", "els => els.map(e => [e.getAttribute('src'), e.complete && e.naturalWidth > 0])")
    assert [src for src, ok in images if not ok] == [], "images that did not load"
    assert outside == [], "requests to hosts other than 127.0.0.1"
    assert failed == [], "local requests that failed"
    assert errors == [], "console errors"
    assert pg.title()
    ctx.close()


def chapter_pages() -> list[str]:
    return [p for p in toc_pages() if p.startswith("chapters/")]


@pytest.mark.parametrize("page", chapter_pages())
def test_chapter_figures_have_captions_and_alt_text(server, browser, page):
    """Every chapter shows at least one figure, and every figure is numbered, captioned and described."""
    pg = browser.new_page()
    pg.goto(f"{server}/{page}")
    figures = pg.eval_on_selector_all(
        "figure", "els => els.map(f => [f.id, f.querySelector('img')?.getAttribute('alt') || '', f.querySelector('figcaption')?.innerText || ''])"
    )
    pg.close()
    assert figures, f"{page} has no figure"
    for fid, alt, caption in figures:
        assert fid.startswith("fig-"), (page, fid)
        assert len(alt) > 20, (page, fid, "alt text missing or too short")
        assert caption.startswith("Fig.") and len(caption) > 30, (page, fid, caption)


@pytest.mark.parametrize("page", toc_pages())
def test_every_image_has_alt_text(server, browser, page):
    pg = browser.new_page()
    pg.goto(f"{server}/{page}")
    images = pg.eval_on_selector_all("img", "els => els.map(e => [e.getAttribute('src'), (e.getAttribute('alt') || '').trim()])")
    pg.close()
    assert [src for src, alt in images if not alt] == [], f"images without alt text on {page}"


def test_front_page_links_every_finding_to_its_evidence(server, browser):
    """Each key finding carries a glued number and links to a figure (or a section) of a chapter that shows it."""
    pg = browser.new_page()
    pg.goto(f"{server}/index.html")
    findings = pg.eval_on_selector_all(
        "section#what-the-book-found > ol > li",
        """els => els.map(li => [li.innerText,
                                 Array.from(li.querySelectorAll('.pasted-text')).map(s => s.innerText),
                                 Array.from(li.querySelectorAll('a[href*="chapters/"]')).map(a => a.href)])""",
    )
    assert 5 <= len(findings) <= 7, len(findings)
    for text, numbers, links in findings:
        assert numbers and all(n.strip() for n in numbers), text
        assert any(ch.isdigit() for n in numbers for ch in n), text
        assert links, f"no link to the evidence: {text}"
        for url in links:
            target, _, anchor = url.partition("#")
            assert anchor, url
            pg.goto(target)
            kind = pg.evaluate("id => { const e = document.getElementById(id); return e ? e.tagName : null; }", anchor)
            assert kind in ("FIGURE", "SECTION"), (url, kind)
    pg.close()


def test_internal_links_resolve(server, browser):
    """Every link from every toc page to a page of the book answers 200 (anchors must exist too)."""
    pg = browser.new_page()
    broken = []
    checked: dict[str, int] = {}
    for page in toc_pages():
        pg.goto(f"{server}/{page}")
        links = pg.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        for url in links:
            parsed = urlparse(url)
            if parsed.hostname != "127.0.0.1" or parsed.scheme not in ("http", "https"):
                continue
            target = url.split("#")[0]
            if target not in checked:
                checked[target] = pg.request.get(target).status
            if checked[target] != 200:
                broken.append((page, url, checked[target]))
            elif parsed.fragment and target.endswith(".html"):
                html = pg.request.get(target).text()
                if f'id="{parsed.fragment}"' not in html:
                    broken.append((page, url, "missing anchor"))
    pg.close()
    assert len(checked) > 5
    assert broken == []


def test_screenshots_of_front_page_and_a_figure_page(server, browser):
    """Keep screenshots as test artefacts under _build/ (not committed) for a person to look at."""
    out = ROOT / "_build" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    for page, name in [("index.html", "front_page.png"), ("chapters/01_corpus.html", "figure_page.png")]:
        pg.goto(f"{server}/{page}", wait_until="networkidle")
        if name == "figure_page.png":
            pg.locator("figure").first.scroll_into_view_if_needed()
            pg.locator("figure").first.screenshot(path=str(out / name))
        else:
            pg.screenshot(path=str(out / name), full_page=False)
        assert (out / name).stat().st_size > 10_000
    pg.close()


@pytest.mark.parametrize("word, page", [("furniture", "01_corpus"), ("molestation", "02_coverage"), ("shingles", "02c_reuse")])
def test_search_page_finds_a_word_from_a_chapter(server, browser, word, page):
    pg = browser.new_page()
    pg.goto(f"{server}/search.html?q={word}", wait_until="networkidle")
    pg.wait_for_selector("#search-results li", timeout=15_000)
    hits = pg.eval_on_selector_all("#search-results li a", "els => els.map(a => a.getAttribute('href'))")
    pg.close()
    assert any(page in h for h in hits), hits


# --------------------------------------------------------------------------- accessibility and phone width

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Every built page a reader can reach: the table of contents, the capture pages its glob adds, Sphinx's index and search.
ALL_PAGES = [
    *toc_pages(),
    *sorted(f"sources/{p.stem}.html" for p in (ROOT / "sources").glob("*.md") if p.stem != "index"),
    "genindex.html",
    "search.html",
]


def test_no_page_loads_thebe():
    """The live-code machinery is gone: no page carries Thebe's script or config (the source of a console error)."""
    assert [p for p in ALL_PAGES if "thebe" in (HTML / p).read_text(encoding="utf-8").lower()] == []


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("page", ALL_PAGES)
def test_axe_finds_no_serious_or_critical_violation(server, browser, page, width):
    """axe-core (the version pinned in package-lock.json, installed by `make browser`) on the page as built, on a
    desktop and a phone screen: no critical or serious violation. The message names the page, the rule and the
    first offending node."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci --no-audit --no-fund` (make browser does)")
    pg = browser.new_page(viewport={"width": width, "height": 900})
    pg.goto(f"{server}/{page}", wait_until="load")
    pg.add_script_tag(path=str(AXE))
    found = pg.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
             .filter(v => v.impact === "critical" || v.impact === "serious")
             .map(v => `${v.impact} ${v.id}: ${v.nodes.length} node(s), first ${v.nodes[0].target.join(" ")}`)"""
    )
    pg.close()
    assert found == [], f"{page} at {width} px: " + "; ".join(found)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_phone_width_no_sideways_page_and_figure_text_at_least_9px(server, browser, page):
    """At 390 px wide the page body never scrolls sideways (a wide figure or table scrolls inside its own box),
    and no figure text is drawn smaller than about 9 px.

    The rule for figure text: every figure is drawn by newslens.plots, whose unit tests check that no text in
    any figure is smaller than MIN_FONT_PT (9 pt, 12.5 px at the figures' 100 dpi). A figure shown at
    rendered width / natural width = s therefore has no text smaller than s * 12.5 px; s * 12.5 >= 9 must hold
    for every figure image (s >= 0.72). Wider figures keep that scale and scroll inside their box.
    """
    from newslens.plots import DPI, MIN_FONT_PT

    smallest_px = MIN_FONT_PT * DPI / 72
    pg = browser.new_page(viewport={"width": 390, "height": 844})
    pg.goto(f"{server}/{page}", wait_until="load")
    pg.wait_for_load_state("networkidle")
    sideways = pg.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    images = pg.eval_on_selector_all(
        ".cell_output img, figure img",
        "els => els.map(e => [e.getAttribute('src'), e.getBoundingClientRect().width, e.naturalWidth])",
    )
    pg.close()
    assert sideways[0] <= sideways[1], f"{page}: the page is {sideways[0]} px wide in a {sideways[1]} px window"
    small = [(src, round(w / n * smallest_px, 1)) for src, w, n in images if n and w / n * smallest_px < 9]
    assert small == [], f"{page}: figures whose smallest text is under 9 px (image, px)"


# ----------------------------------------------------------------- pages made for reading; the sources open to inspection

#: The tallest a chapter page may be at 1400 px wide with every toggle closed (issue 15: long tables are collapsed).
MAX_PAGE_HEIGHT = 12_000


def source_pages() -> list[str]:
    """The capture pages the book was built with (``sources/*.md`` beside ``_toc.yml``), index first."""
    names = sorted(p.stem for p in (ROOT / "sources").glob("*.md") if p.stem != "index")
    return ["sources/index.html", *(f"sources/{n}.html" for n in names)]


@pytest.mark.parametrize("page", chapter_pages())
def test_chapter_page_is_at_most_12000_px_tall_at_1400_px(server, browser, page):
    pg = browser.new_page(viewport={"width": 1400, "height": 900})
    pg.goto(f"{server}/{page}", wait_until="load")
    closed = pg.evaluate("Array.from(document.querySelectorAll('main details')).every(d => !d.open)")
    height = pg.evaluate("document.documentElement.scrollHeight")
    empty_headers = pg.evaluate("Array.from(document.querySelectorAll('main th')).filter(t => !t.textContent.trim()).length")
    summaries = pg.eval_on_selector_all("main details > summary", "els => els.map(s => s.textContent.trim())")
    pg.close()
    assert closed, f"{page}: a toggle is open when the page loads"
    assert height <= MAX_PAGE_HEIGHT, f"{page} is {height} px tall at 1400 px (at most {MAX_PAGE_HEIGHT})"
    assert empty_headers == 0, f"{page}: {empty_headers} empty table header cells"
    assert all(summaries), f"{page}: a toggle without a summary text"


def test_every_evidence_row_links_to_a_line_that_exists(server, browser):
    """Every link from a chapter into the sources names a capture page and a line anchor that the page has."""
    pg = browser.new_page()
    anchors: dict[str, set[str]] = {}
    links, broken = 0, []
    for page in chapter_pages():
        pg.goto(f"{server}/{page}")
        hrefs = pg.eval_on_selector_all("main a[href^='../sources/'][href*='#L']", "els => els.map(a => a.href)")
        for url in hrefs:
            target, _, anchor = url.partition("#")
            if target not in anchors:
                html = pg.request.get(target)
                anchors[target] = set() if html.status != 200 else set(re.findall(r'id="(L\d+)"', html.text()))
            links += bool(anchor)
            if not anchors[target] or (anchor and anchor not in anchors[target]):
                broken.append((page, url))
    pg.close()
    assert links > 50, f"only {links} line links in the chapters"
    assert broken == []


def test_sources_index_lists_every_article_of_the_manifest(server, browser):
    import csv

    with (ROOT / "data" / "articles.csv").open(encoding="utf-8-sig", newline="") as fh:
        manifest = list(csv.DictReader(fh))
    pg = browser.new_page()
    pg.goto(f"{server}/sources/index.html")
    rows = pg.eval_on_selector_all("main table tbody tr", "els => els.map(r => r.innerText)")
    pages = pg.eval_on_selector_all("main table tbody a[href]", "els => els.map(a => a.getAttribute('href'))")
    text = pg.inner_text("main")
    pg.close()
    assert len(rows) == len(manifest)
    for art in manifest:  # the page sets apostrophes as typographic ones
        assert any(art["headline"].replace("'", "’") in r.replace("'", "’") for r in rows), art["id"]
        assert f"{art['id']}.html" in pages, art["id"]
        if art["url"]:
            assert art["url"] in pages, art["id"]
    assert "rights" in text and "publishers" in text


@pytest.mark.parametrize("page", source_pages()[1:])
def test_capture_page_numbers_every_line_with_an_anchor(server, browser, page):
    pg = browser.new_page()
    pg.goto(f"{server}/{page}")
    ids = pg.eval_on_selector_all("main table tr[id^='L']", "els => els.map(r => r.id)")
    legend = pg.inner_text("main")
    pg.close()
    assert ids == [f"L{n}" for n in range(1, len(ids) + 1)] and len(ids) > 10
    assert "Highlighted" in legend and "underlined" in legend and "furniture" in legend


def test_front_page_has_the_articles_a_figure_and_how_to_cite(server, browser):
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    pg = browser.new_page()
    pg.goto(f"{server}/index.html")
    text = pg.inner_text("main")
    capture_links = pg.eval_on_selector_all("main table a[href^='sources/']", "els => els.map(a => a.getAttribute('href'))")
    images = pg.eval_on_selector_all("main img", "els => els.map(i => i.getAttribute('alt') || '')")
    pg.close()
    assert len(capture_links) >= 2
    assert images and all(len(a) > 20 for a in images)
    assert "How to cite" in text and f"Version {version}" in text and "built" in text
    assert "rights in the articles remain with their" in text
