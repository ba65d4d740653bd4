"""The bad-input battery: every malformed input, output folder and interruption the export was tried with.

Each case breaks a copy of the synthetic story (or names a bad output folder) and runs the command
line. Refused cases must exit 2 with one line on stderr naming the file and the row or entry and
saying how to fix it, and leave the data folder and the previous output folder byte for byte as
they were. Accepted cases (inputs that look odd but are fine) must export. The command runs in
process (``main``) for speed; the cases that could hang or need a signal run in a subprocess.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from newslens.__main__ import main
from newslens.export import PROVENANCE

from .conftest import sha

# the first synthetic story (its captures and codebooks are what each case breaks)
STORY = Path(__file__).parent / "fixtures" / "html" / "northwind"
FIRST_CAPTURE = "wire_tv.txt"  # manifest row 2
BODY = ("Dana Reyes had reported the broken conveyor three times before it crushed her hand, she said.\n\n"
        "More than four hundred workers signed a letter to the company asking for an inspection of the line.\n")


# --------------------------------------------------------------------------- helpers


def snapshot(folder: Path) -> dict:
    """Every entry under *folder*: bytes of files, targets of links, the kind of anything else (a FIFO is never opened)."""
    if not folder.exists() and not folder.is_symlink():
        return {}
    found = {}
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            path = Path(root) / name
            mode = path.lstat().st_mode
            rel = str(path.relative_to(folder))
            if stat.S_ISLNK(mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(mode):
                found[rel] = ("file", path.read_bytes())
            elif stat.S_ISDIR(mode):
                found[rel] = ("dir",)
            else:
                found[rel] = ("other", stat.S_IFMT(mode))
    return found


def rows(data: Path) -> list[dict]:
    with (data / "articles.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(data: Path, records: list[dict], *, prefix: bytes = b"", newline: str = "\n") -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(records[0]), lineterminator=newline)
    w.writeheader()
    w.writerows(records)
    (data / "articles.csv").write_bytes(prefix + buf.getvalue().encode("utf-8"))


def set_cell(data: Path, row: int, column: str, value: str) -> None:
    """Set a manifest cell; *row* counts as a spreadsheet does (the header is row 1)."""
    records = rows(data)
    records[row - 2][column] = value
    write_rows(data, records)


def replace_capture(data: Path, content: bytes, name: str = FIRST_CAPTURE) -> None:
    """Give the first row a new capture *content*, with a matching checksum (the content is the problem)."""
    (data / "raw" / name).write_bytes(content)
    set_cell(data, 2, "sha256", sha(content))


def edit_yaml(data: Path, book: str, change) -> None:
    path = data / "codebook" / f"{book}.yml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def edit_text(data: Path, book: str, old: str, new: str) -> None:
    path = data / "codebook" / f"{book}.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text, (book, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def previous_output(folder: Path, data: Path | None = None) -> None:
    """A previous complete output: a table and a provenance file (of *data* when given)."""
    from newslens.export import provenance

    folder.mkdir(parents=True)
    (folder / "articles.csv").write_text("article\nold\n", encoding="utf-8")
    record = provenance(data, ["articles"]) if data is not None else {"tables": ["articles"]}
    (folder / PROVENANCE).write_text(json.dumps(record), encoding="utf-8")


def make_fifo(path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    os.mkfifo(path)


# --------------------------------------------------------------------------- the cases
# name -> (break the copy: f(data, tmp) -> extra argv or None, substrings the one line must hold)
# Every expected message names the file (or --out) and the row or entry, and the fix.

CASES = {
    # ---- the output folder
    "out is the data folder": (lambda d, t: ["--out", str(d)], ["--out", "that is the data folder", "for example --out export"]),
    "out inside the data folder": (lambda d, t: ["--out", str(d / "raw" / "out")], ["inside the data folder", "write the tables elsewhere"]),
    "out is empty": (lambda d, t: ["--out", ""], ["--out is empty", "for example --out export"]),
    "out is the current folder": (lambda d, t: ((t / "work").mkdir(), os.chdir(t / "work"), ["--out", "."])[2], ["--out .: that is the current folder", "name a subfolder"]),
    "out is . inside the data folder": (lambda d, t: (os.chdir(d), ["--out", "."])[1], ["--out .: that is the data folder"]),
    "out holds the data folder": (lambda d, t: ["--out", str(t)], ["holds the data folder", "name a new folder"]),
    "out is a file": (lambda d, t: ((t / "file.txt").write_text("x"), ["--out", str(t / "file.txt")])[1], ["a file of that name exists", "name a folder"]),
    "out holds other files": (lambda d, t: ((t / "mine").mkdir(), (t / "mine" / "notes.txt").write_text("x"), ["--out", str(t / "mine")])[2],
                              ["files newslens did not write (notes.txt)", "choose an empty or new folder"]),
    "table into another corpus's folder": (lambda d, t: ["--table", "articles"], ["its tables come from another manifest", "without --table"]),
    "table into a folder of other codebooks": (
        lambda d, t: (previous_output(t / "other", d), edit_text(d, "terms", "keep:", "# changed\nkeep:"),
                      ["--out", str(t / "other"), "--table", "articles"])[2],
        ["another codebooks", "choose another folder"]),
    "table into a folder without provenance": (
        lambda d, t: ((t / "bare").mkdir(), (t / "bare" / "articles.csv").write_text("a\n"), ["--out", str(t / "bare"), "--table", "lines"])[2],
        ["have no newslens-provenance.json", "export every table once"]),
    "a second export into the same folder": (
        lambda d, t: ((t / ".prev.newslens-lock").write_text(f"{os.getpid()}\n"), None)[1],
        [f"another newslens export (process {os.getpid()})", "wait for it to finish"]),
    # ---- the data folder and the manifest
    "no data folder": (lambda d, t: shutil.rmtree(d), ["data folder does not exist"]),
    "no manifest": (lambda d, t: (d / "articles.csv").unlink(), ["articles.csv: manifest not found", "create it"]),
    "manifest without a column": (lambda d, t: write_rows(d, [{k: v for k, v in r.items() if k != "outlet"} for r in rows(d)]),
                                  ["articles.csv: missing required column(s) outlet", "the header must have"]),
    "manifest bad date": (lambda d, t: set_cell(d, 3, "date", "2024-13-01"), ["articles.csv row 3: date '2024-13-01' is not a date (YYYY-MM-DD)"]),
    "manifest ISO week date": (lambda d, t: set_cell(d, 3, "date", "2021-W37-2"), ["articles.csv row 3: date '2021-W37-2' is not a date (YYYY-MM-DD)"]),
    "manifest compact date": (lambda d, t: set_cell(d, 2, "date", "20240319"), ["row 2: date '20240319' is not a date (YYYY-MM-DD)"]),
    "manifest date with a time": (lambda d, t: set_cell(d, 2, "date", "2024-03-19T10:00"), ["row 2: date '2024-03-19T10:00' is not a date"]),
    "manifest date in the future": (lambda d, t: set_cell(d, 4, "date", "2999-01-01"), ["row 4: date 2999-01-01 is in the future", "check the year"]),
    "manifest duplicate id": (lambda d, t: set_cell(d, 3, "id", "wire"), ["row 3: duplicate id 'wire' (first used in row 2)", "must be unique"]),
    "manifest id not a slug": (lambda d, t: set_cell(d, 3, "id", "The Gazette"), ["row 3: id 'The Gazette' is not a slug", "use lower-case"]),
    "manifest empty headline": (lambda d, t: set_cell(d, 4, "headline", ""), ["row 4: empty 'headline'", "every row needs"]),
    "manifest bad sha256": (lambda d, t: set_cell(d, 2, "sha256", "abc"), ["row 2: sha256 'abc' is not 64 hex digits", "sha256sum"]),
    "manifest file with a folder": (lambda d, t: set_cell(d, 2, "file", "../articles.csv"), ["row 2: file '../articles.csv' must be a bare file name"]),
    "manifest two rows, one file": (lambda d, t: set_cell(d, 4, "file", "gazette.txt"),
                                    ["row 4: file 'gazette.txt' is already the capture of row 3", "remove the duplicate row"]),
    "manifest NUL byte": (lambda d, t: (d / "articles.csv").write_bytes((d / "articles.csv").read_bytes().replace(b"Gazette,", b"Gaz\x00ette,", 1)),
                          ["articles.csv line 3: a NUL byte", "save it as UTF-8 CSV"]),
    "manifest not UTF-8": (lambda d, t: (d / "articles.csv").write_bytes((d / "articles.csv").read_bytes().replace(b"Gazette", b"Gaz\xe9tte", 1)),
                           ["articles.csv: not UTF-8 text", "save the manifest as UTF-8"]),
    "manifest UTF-16": (lambda d, t: (d / "articles.csv").write_bytes((d / "articles.csv").read_text(encoding="utf-8").encode("utf-16")),
                        ["articles.csv: not UTF-8 text"]),
    "manifest extra cells": (lambda d, t: (d / "articles.csv").write_text((d / "articles.csv").read_text(encoding="utf-8").rstrip("\n") + ",extra\n",
                                                                        encoding="utf-8"),
                             ["row 4: more cells than columns", "quote values that contain commas"]),
    "manifest header only": (lambda d, t: (d / "articles.csv").write_text((d / "articles.csv").read_text(encoding="utf-8").splitlines()[0] + "\n"),
                             ["articles.csv: the manifest has a header but no rows", "add one row per capture"]),
    # ---- the captures
    "capture missing": (lambda d, t: (d / "raw" / "gazette.txt").unlink(), ["row 3: capture", "gazette.txt not found", "copy it into data/raw/"]),
    "capture changed": (lambda d, t: (d / "raw" / "gazette.txt").write_text("Edited.\n"), ["row 3: capture", "has sha256", "restore it"]),
    "capture with a NUL byte": (lambda d, t: replace_capture(d, b"Headline here\n\n" + BODY.encode() + b"\x00\n"),
                                ["row 2: capture", "has a NUL byte", "save it as UTF-8 plain text"]),
    "capture UTF-16": (lambda d, t: replace_capture(d, ("Headline\n\n" + BODY).encode("utf-16")), ["row 2: capture", "NUL byte"]),
    "capture not UTF-8": (lambda d, t: replace_capture(d, ("Headline\n\n" + BODY).encode("utf-8").replace(b"crushed", b"cr\xfcshed")),
                          ["row 2: capture", "is not UTF-8", "convert it to UTF-8"]),
    "capture CR-only line endings": (lambda d, t: replace_capture(d, ("Headline of the story\n\n" + BODY).replace("\n", "\r").encode()),
                                     ["row 2: capture", "line 1: a carriage return without a line feed", "convert the file to LF"]),
    "capture mixed line endings": (lambda d, t: replace_capture(d, ("Headline of the story\n\n" + BODY + "One more line\rand more.\n").encode()),
                                   ["row 2: capture", "line 6: a carriage return", "LF line endings"]),
    "capture is an HTML page": (lambda d, t: replace_capture(d, b"<!DOCTYPE html>\n<html><body>\n<p>" + BODY.encode() + b"</p>\n</body></html>\n"),
                                ["row 2: capture", "looks like HTML (it starts with an HTML doctype)", "save the page as plain text"]),
    "capture is an HTML body": (lambda d, t: replace_capture(d, b"<body>\n" + BODY.encode() + b"</body>\n"), ["looks like HTML (it has <body> and </body>)"]),
    "capture is HTML without a frame": (lambda d, t: replace_capture(d, "".join(f'<div class="c"><p>{s}</p></div>\n' for s in BODY.split("\n") * 3).encode()),
                                        ["row 2: capture", "looks like HTML (it has", "tags in"]),
    "capture is a folder": (lambda d, t: ((d / "raw" / FIRST_CAPTURE).unlink(), (d / "raw" / FIRST_CAPTURE).mkdir()),
                            ["row 2: capture", "is a folder, not a file", "names one text file"]),
    "capture is a FIFO": (lambda d, t: ((d / "raw" / FIRST_CAPTURE).unlink(), make_fifo(d / "raw" / FIRST_CAPTURE)),
                          ["row 2: capture", "is a named pipe (FIFO)", "save the capture as a plain text file"]),
    "capture links outside the data folder": (
        lambda d, t: ((t / "elsewhere.txt").write_bytes((d / "raw" / FIRST_CAPTURE).read_bytes()), (d / "raw" / FIRST_CAPTURE).unlink(),
                      (d / "raw" / FIRST_CAPTURE).symlink_to(t / "elsewhere.txt")),
        ["row 2: capture", "is a link to", "outside the data folder", "copy the file into raw/"]),
    "capture empty": (lambda d, t: replace_capture(d, b"  \n\n"), ["row 2: capture", "is empty or whitespace only"]),
    "capture too large": (lambda d, t: replace_capture(d, b"word " * 500_000), ["row 2: capture", "over the 2,000,000-byte limit"]),
    "capture with no body text": (lambda d, t: replace_capture(d, b"Menu\nSections\nA short line\nAnother short line\n"),
                                  ["row 2: capture", "has no body text", "furniture.yml"]),
    "one outlet only (terms)": (lambda d, t: write_rows(d, [{**r, "outlet": "Same"} for r in rows(d)]),
                                ["articles.csv: every row names the outlet 'Same'", "add captures of a second outlet"]),
    # ---- the codebooks
    "furniture.yml missing": (lambda d, t: (d / "codebook" / "furniture.yml").unlink(), ["furniture.yml: codebook not found"]),
    "furniture.yml unknown key": (lambda d, t: edit_text(d, "furniture", "boilerplate:", "boilerplates:"),
                                  ["furniture.yml: unknown key 'boilerplates'; did you mean 'boilerplate'?"]),
    "furniture.yml nested repetition": (lambda d, t: edit_yaml(d, "furniture", lambda b: b["boilerplate"].insert(0, "(a+)+$")),
                                        ["furniture.yml: boilerplate: entry 1: '(a+)+$' repeats a repetition ((a+)+)", "make the group atomic"]),
    "furniture.yml block quote without outlet group": (
        lambda d, t: edit_yaml(d, "furniture", lambda b: b["block_quotes"].__setitem__("intro", ["At (.*):"])),
        ["furniture.yml: block_quotes: intro 1", "needs a named group (?P<outlet>...)"]),
    "events.yml not YAML": (lambda d, t: (d / "codebook" / "events.yml").write_text("events: [\n"), ["events.yml", "not valid YAML"]),
    "events.yml impossible date": (lambda d, t: edit_text(d, "events", "date: 2024-03-", "date: 2024-02-30\n    end: 2024-03-"),
                                   ["events.yml", "dates are YYYY-MM-DD"]),
    "events.yml ISO week date": (lambda d, t: edit_yaml(d, "events", lambda b: b["events"][0].__setitem__("date", "2021-W37-2")),
                                 ["events.yml: events #1", "date: expected a date (YYYY-MM-DD), got the text '2021-W37-2'"]),
    "events.yml date with a time": (lambda d, t: edit_text(d, "events", "date: 2024-03-11", "date: 2024-03-11 10:00:00"),
                                    ["events.yml: events #2 (id 'letter'): date: expected a date (YYYY-MM-DD), got a date with a time (2024-03-11 10:00:00)"]),
    "events.yml duplicate id": (lambda d, t: edit_yaml(d, "events", lambda b: b["events"][1].__setitem__("id", b["events"][0]["id"])),
                                ["events.yml: events #2", "duplicate id", "(first at events #1); each must be unique"]),
    "events.yml duplicate key": (lambda d, t: edit_text(d, "events", "  - id: ", "  - label: twice\n    label: "),
                                 ["events.yml line", "duplicate key 'label' (first at line", "keep one of them"]),
    "facts.yml bad regex": (lambda d, t: edit_yaml(d, "facts", lambda b: b["facts"][1].__setitem__("patterns", ["(unclosed"])),
                            ["facts.yml: facts #2", "pattern 1: '(unclosed' is not a valid regular expression"]),
    "facts.yml nested repetition": (lambda d, t: edit_yaml(d, "facts", lambda b: b["facts"][0]["patterns"].insert(0, "(a+)+$")),
                                    ["facts.yml: facts #1", "pattern 1: '(a+)+$' repeats a repetition", "drop the outer repetition"]),
    "facts.yml nested repetition in any": (lambda d, t: edit_yaml(d, "facts", lambda b: b["facts"][0]["patterns"].insert(0, {"any": [r"x(\w+\s?)*y"]})),
                                           ["facts.yml: facts #1", "pattern 1: any: entry 1", r"repeats a repetition ((\w+\s?)*)"]),
    "facts.yml alternatives that start alike": (lambda d, t: edit_yaml(d, "facts", lambda b: b["facts"][0].__setitem__("exclude", [r"x(?:\w|\d)+y"])),
                                                ["facts.yml: facts #1", "exclude: entry 1", r"repeats alternatives that can start with the same character ((?:\w|\d)+)"]),
    "facts.yml unknown key": (lambda d, t: edit_yaml(d, "facts", lambda b: b["facts"][0].__setitem__("exlcude", ["x"])),
                              ["facts.yml: facts #1", "unknown key 'exlcude'; did you mean 'exclude'?"]),
    "facts.yml unknown pattern key": (lambda d, t: edit_yaml(d, "facts", lambda b: b["facts"][0]["patterns"].insert(0, {"any": ["x"], "withuot": ["y"]})),
                                      ["facts.yml: facts #1", "pattern 1: unknown key 'withuot'; did you mean 'without'?"]),
    "facts.yml duplicate id": (lambda d, t: edit_yaml(d, "facts", lambda b: b["facts"][1].__setitem__("id", b["facts"][0]["id"])),
                               ["facts.yml: facts #2", "duplicate id", "first at facts #1"]),
    "facts.yml unknown event": (lambda d, t: edit_yaml(d, "facts", lambda b: b["facts"][0].__setitem__("event", "nope")),
                                ["facts.yml: facts #1", "'nope' is not an event of events.yml"]),
    "actors.yml aliases not a list": (lambda d, t: edit_yaml(d, "actors", lambda b: b["actors"][0].__setitem__("aliases", "Dana")),
                                      ["actors.yml: actors #1", "aliases: expected a list"]),
    "actors.yml duplicate id": (lambda d, t: edit_yaml(d, "actors", lambda b: b["actors"][1].__setitem__("id", b["actors"][0]["id"])),
                                ["actors.yml: actors #2", "duplicate id"]),
    "actors.yml unknown top-level key": (lambda d, t: edit_yaml(d, "actors", lambda b: b.__setitem__("ignroe", ["x"])),
                                         ["actors.yml: unknown key 'ignroe'; did you mean 'ignore'?"]),
    "speakers.yml unknown type": (lambda d, t: edit_yaml(d, "speakers", lambda b: b["actors"][0].__setitem__("type", "hero")),
                                  ["speakers.yml: actors #1", "'hero' is not one of speaker_types"]),
    "speakers.yml without speech verbs": (lambda d, t: edit_yaml(d, "speakers", lambda b: b.pop("speech_verbs")), ["speakers.yml: speech_verbs"]),
    "speakers.yml duplicate name": (lambda d, t: edit_yaml(d, "speakers", lambda b: b["actors"][1].__setitem__("name", b["actors"][0]["name"])),
                                    ["speakers.yml: actors #2", "duplicate name"]),
    "wording.yml term without patterns": (lambda d, t: edit_yaml(d, "wording", lambda b: b["groups"][0]["terms"][0].pop("patterns")),
                                          ["wording.yml: groups #1", "patterns: expected a non-empty list"]),
    "wording.yml duplicate term id": (lambda d, t: edit_yaml(d, "wording", lambda b: b["groups"][0]["terms"][1].__setitem__("id", b["groups"][0]["terms"][0]["id"])),
                                      ["wording.yml: groups #1", "terms #2", "duplicate id"]),
    "terms.yml keep not a list": (lambda d, t: edit_yaml(d, "terms", lambda b: b.__setitem__("keep", "fire")), ["terms.yml: keep: expected a list"]),
    "terms.yml not UTF-8": (lambda d, t: (d / "codebook" / "terms.yml").write_bytes("keep: [caf\xe9]\n".encode("latin-1")),
                            ["terms.yml: not UTF-8 text", "save the codebook as UTF-8"]),
    "frames.yml unknown lexicon": (lambda d, t: edit_yaml(d, "frames", lambda b: b["items"]["R1"]["cues"][0].__setitem__("all", ["{nolex}"])),
                                   ["frames.yml", "item R1", "unknown lexicon"]),
    "frames.yml nested repetition in a lexicon": (lambda d, t: edit_yaml(d, "frames", lambda b: next(iter(b["lexicons"].values())).insert(0, "(a+)+")),
                                                  ["frames.yml", "repeats a repetition ((a+)+)"]),
    "frames.yml unknown key": (lambda d, t: edit_yaml(d, "frames", lambda b: b["entman"].__setitem__("min_scor", 2)),
                               ["frames.yml: entman: unknown key 'min_scor'; did you mean 'min_score'?"]),
    "frames.yml nmf not a mapping": (lambda d, t: edit_yaml(d, "frames", lambda b: b.__setitem__("nmf", [2, 3])), ["frames.yml: nmf: expected a mapping"]),
}


@pytest.fixture
def story(tmp_path):
    data = tmp_path / "story"
    shutil.copytree(STORY, data)
    return data


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exits_2_with_one_line_and_changes_nothing(case, story, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    prev = tmp_path / "prev"
    previous_output(prev)
    break_it, expected = CASES[case]
    extra = break_it(story, tmp_path)
    extra = extra if isinstance(extra, list) else []  # the lambdas return what their last step returned
    argv = ["export", "--data", str(story), *([] if "--out" in extra else ["--out", str(prev)]), *extra]
    data_before, prev_before = snapshot(story), snapshot(prev)
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newslens: error: "), err
    for part in expected:
        assert part in lines[0], (part, lines[0])
    assert snapshot(story) == data_before
    assert snapshot(prev) == prev_before
    leftovers = [p.name for p in tmp_path.iterdir() if ".newslens-" in p.name and p.name != ".prev.newslens-lock"]
    assert leftovers == []


# --------------------------------------------------------------------------- accepted on purpose

PROSE_WITH_TAGS = (
    "How a web page is built, explained for readers\n\n"
    "A web page loads a `<script>` tag first, and the engineers said a second `<script>` tag loaded the tracker.\n\n"
    "The guide says that a <p> tag starts a paragraph and that an <a> tag makes a link to another page.\n\n"
    "In the model, p < a and b > c held for every firm, and the authors said p < a and b > c again in the appendix.\n"
)

def _anchored_terms(d: Path) -> None:
    """terms.yml with a top-level key that only holds a YAML anchor, reused below with an alias."""
    book = yaml.safe_load((d / "codebook" / "terms.yml").read_text(encoding="utf-8"))
    text = "common: &common\n  - warehouse\nkeep: *common\n" + yaml.safe_dump({"stop_words": book.get("stop_words", [])})
    (d / "codebook" / "terms.yml").write_text(text, encoding="utf-8")


# name -> (change the copy, the tables to export)
ACCEPTED = {
    "manifest with a byte-order mark": (lambda d: write_rows(d, rows(d), prefix="\ufeff".encode()), ["articles", "lines"]),
    "manifest with CRLF line endings": (lambda d: write_rows(d, rows(d), newline="\r\n"), ["articles", "lines"]),
    "capture with CRLF line endings": (lambda d: replace_capture(d, ("Headline of the story\n\n" + BODY).replace("\n", "\r\n").encode()),
                                       ["articles", "lines"]),
    "capture whose prose mentions tags": (lambda d: replace_capture(d, PROSE_WITH_TAGS.encode()), ["articles", "lines"]),
    "capture linked inside the data folder": (lambda d: (
        (d / "kept").mkdir(), shutil.move(d / "raw" / FIRST_CAPTURE, d / "kept" / FIRST_CAPTURE),
        (d / "raw" / FIRST_CAPTURE).symlink_to(Path("..") / "kept" / FIRST_CAPTURE)), ["articles", "lines"]),
    "codebook with a YAML anchor held at the top": (_anchored_terms, ["articles", "terms"]),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_accepted_inputs_export(case, story, tmp_path, capsys):
    change, tables = ACCEPTED[case]
    change(story)
    out = tmp_path / "o"
    code = main(["export", "--data", str(story), "--out", str(out), *[a for t in tables for a in ("--table", t)]])
    err = capsys.readouterr().err
    assert code == 0, err
    articles = pd.read_csv(out / "articles.csv")
    assert articles["article"].tolist() == ["wire", "gazette", "digest"]
    if case == "capture with CRLF line endings":
        lines = pd.read_csv(out / "lines.csv", keep_default_na=False)
        wire = lines[lines["article"] == "wire"]
        # CRLF is read as LF: the line numbers are those cat -n shows
        assert wire["line"].tolist() == list(range(1, ("Headline of the story\n\n" + BODY).count("\n") + 2))
        assert (wire["label"] == "body").sum() == 2


def test_prose_that_mentions_tags_is_not_html_but_a_page_is():
    from newslens.corpus import looks_like_html

    assert looks_like_html(PROSE_WITH_TAGS) is None
    assert looks_like_html("p < a and b > c\n" * 40) is None
    assert looks_like_html("<html>\n<body>\n<p>Text.</p>\n</body>\n</html>\n") == "it has <html> and </html>"
    assert "tags in" in looks_like_html("<div><span>a</span></div>\n" * 5)


# --------------------------------------------------------------------------- no pattern can hang a run


def _cli(*args, cwd=None, **kw):
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "newslens", *args], capture_output=True, text=True, cwd=cwd, env=env, **kw)


@pytest.mark.parametrize("book", ["facts", "furniture"])
def test_nested_repetition_fails_fast_on_a_long_line(book, story, tmp_path):
    """(a+)+$ once ran for ever on a line of 40 letters; now it is refused when the codebook is read."""
    replace_capture(story, ("A headline of the story\n\n" + BODY + "a" * 10_000 + "\n").encode())
    if book == "facts":
        edit_yaml(story, "facts", lambda b: b["facts"][0]["patterns"].insert(0, "(a+)+$"))
    else:
        edit_yaml(story, "furniture", lambda b: b["boilerplate"].insert(0, "(a+)+$"))
    started = time.monotonic()
    res = _cli("export", "--data", str(story), "--out", str(tmp_path / "o"), timeout=60)
    assert time.monotonic() - started < 60
    assert res.returncode == 2, res.stderr
    assert res.stderr.strip().splitlines() == [res.stderr.strip()] and f"{book}.yml" in res.stderr
    assert "repeats a repetition ((a+)+)" in res.stderr and "Traceback" not in res.stderr


def test_backtracking_traps_are_found_and_safe_patterns_pass():
    from newslens.corpus import backtracking_trap, nested_repetition

    nested = ["(a+)+$", "(a*)*", "(?:x|b+)*c", r"(\w+\s?)+$", "((a+))+", "(a{1,3})+", "(?P<n>a+)*", "((a+)?)+", r"(?:\s+|,)+"]
    alternatives = ["(a|a)+$", r"(?:\w|\d)+", "(?:[a-z]|[A-Z])*", r"(.|\s)*"]
    safe = ["(?>a+)+", "(a++)+", "(a+){2,5}", "a+b+", "(ab)+", "[(a+)]+", r"\(a+\)+", r"\d+:\d\d( \d+:\d\d)*",
            r"(?:\s+\w+){0,3}", r"\bfire(?:d|s)?\b", r"(?<!Viola )\bZhou\b(?!\s+X)", "(x|y)+", r"(?:\bfoo|bar)+", "((a+)b)+"]
    assert [p for p in nested if nested_repetition(p) is None] == []
    assert [p for p in alternatives if backtracking_trap(p) is None or backtracking_trap(p)[1] != "alternatives"] == []
    assert [p for p in safe if backtracking_trap(p) is not None] == []


@pytest.mark.parametrize("story_dir", ["data", "tests/fixtures/synthetic_story"])
def test_the_stories_codebooks_have_no_trap(story_dir):
    from newslens.codebooks import CODEBOOKS, check_codebooks

    # every codebook is read and checked (a trap raises); none is skipped
    assert check_codebooks(data_dir=Path(__file__).resolve().parents[1] / story_dir) == list(CODEBOOKS)


# --------------------------------------------------------------------------- interrupted, concurrent and partial exports


def _ctrl_c_as_in_a_terminal() -> None:
    # A process started in the background by a non-interactive shell inherits SIGINT ignored (POSIX), and so does a
    # test run launched that way; these tests are about Ctrl-C at a terminal, so the child gets the default back.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def ctrl_c_as_in_a_terminal():
    """Ctrl-C raises KeyboardInterrupt in this process during the test, whatever the disposition it started with."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def test_an_interrupted_export_leaves_the_previous_output_intact(story, tmp_path):
    out = tmp_path / "out"
    first = _cli("export", "--data", str(story), "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    # the next run is interrupted while it writes the tables (its progress line says so)
    proc = subprocess.Popen([sys.executable, "-m", "newslens", "export", "--data", str(story), "--out", str(out),
                             "--progress-seconds", "0.2"], stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONHASHSEED": "0"}, preexec_fn=_ctrl_c_as_in_a_terminal)
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if line.startswith("newslens: tables "):
            proc.send_signal(signal.SIGINT)
            break
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, "".join(seen) + rest
    assert "Traceback" not in rest
    assert rest.strip().splitlines()[-1] == f"newslens: interrupted; {out} is as it was before this run"
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "story"]  # no temporary folder, no lock


def test_a_failing_table_leaves_the_previous_output_and_says_so(story, tmp_path, capsys, monkeypatch):
    from newslens import export

    out = tmp_path / "out"
    previous_output(out, story)
    before = snapshot(out)

    def broken(corpus):
        raise export.OutputError("terms.csv: something went wrong late")

    monkeypatch.setitem(export.TABLES, "terms", (broken, "doc"))
    assert main(["export", "--data", str(story), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"newslens: error: terms.csv: something went wrong late (nothing written: {out} is as it was)"]
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "story"]


def test_table_updates_one_table_and_keeps_the_others(story, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", "--data", str(story), "--out", str(out), "--table", "articles", "--table", "labels"]) == 0
    labels = (out / "labels.csv").read_bytes()
    assert main(["export", "--data", str(story), "--out", str(out), "--table", "articles"]) == 0
    assert (out / "labels.csv").read_bytes() == labels
    record = json.loads((out / PROVENANCE).read_text(encoding="utf-8"))
    assert record["tables"] == ["articles", "labels"] and record["manifest_sha256"] == sha((story / "articles.csv").read_bytes())
    assert set(record) >= {"version", "codebooks_sha256", "codebooks"}
    # a full export replaces the set whole: no table of an earlier run is left behind
    assert main(["export", "--data", str(story), "--out", str(out), "--table", "lines"]) == 0
    other = tmp_path / "other"
    shutil.copytree(story, other)
    set_cell(other, 2, "headline", "Another headline")
    capsys.readouterr()
    assert main(["export", "--data", str(other), "--out", str(out), "--table", "lines"]) == 2
    assert "another manifest" in capsys.readouterr().err


def test_a_stale_lock_of_a_dead_process_is_taken_over(story, tmp_path, capsys):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock = tmp_path / ".out.newslens-lock"
    lock.write_text(dead.stdout)
    assert main(["export", "--data", str(story), "--out", str(tmp_path / "out"), "--table", "articles"]) == 0, capsys.readouterr().err
    assert not lock.exists()


def test_progress_lines_when_stderr_is_not_a_terminal(story, tmp_path):
    res = _cli("export", "--data", str(story), "--out", str(tmp_path / "o"), "--progress-seconds", "0.2")
    assert res.returncode == 0, res.stderr
    import re

    progress = [line for line in res.stderr.splitlines() if not line.startswith("newslens: wrote ")]
    assert progress and all(re.fullmatch(r"newslens: (check captures|label lines|tables) \d+/\d+ \(\d+ s\)", p) for p in progress), progress


def test_an_outlet_with_only_quoted_text_is_refused_before_the_terms_table(tmp_path):
    from newslens.corpus import Corpus, CorpusError
    from newslens.export import check_tables

    articles = pd.DataFrame({"outlet": ["A", "B", "B"]}, index=pd.Index(["a", "b1", "b2"], name="article"))
    lines = pd.DataFrame({"article": ["a", "b1", "b2"], "label": "body", "voice": ["own", "quoted", "quoted"]})
    corpus = Corpus(articles=articles, lines=lines, data_dir=tmp_path)
    check_tables(corpus, ["articles"])  # only terms needs it
    with pytest.raises(CorpusError, match=r"articles.csv rows 3, 4: outlet 'B' has no body text of its own"):
        check_tables(corpus, ["terms"])
    check_tables(Corpus(articles=articles, lines=lines.assign(voice="own"), data_dir=tmp_path), ["terms"])


def test_a_run_killed_between_its_renames_is_recovered_by_the_next(story, tmp_path, capsys):
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout)
    previous_output(tmp_path / f".out.newslens-old-{dead}", story)  # the previous set (articles), renamed away; no out/
    (tmp_path / f".out.newslens-tmp-{dead}").mkdir()  # and the killed run's half-written folder
    assert main(["export", "--data", str(story), "--out", str(tmp_path / "out"), "--table", "labels"]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "story"]
    # the recovered set's table is kept beside the new one
    assert (tmp_path / "out" / "articles.csv").read_text(encoding="utf-8") == "article\nold\n"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["articles.csv", "labels.csv", PROVENANCE]


def test_a_second_export_into_a_folder_being_written_is_refused(story, tmp_path, capsys):
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "newslens", "export", "--data", str(story), "--out", str(out),
                              "--progress-seconds", "0.2"], stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONHASHSEED": "0"})
    for line in first.stderr:
        if line.startswith("newslens: tables "):  # the first holds the lock and writes
            break
    assert main(["export", "--data", str(story), "--out", str(out), "--table", "articles"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"another newslens export (process {first.pid}) is writing into this folder" in err[0]
    first.stderr.read()
    assert first.wait(timeout=120) == 0
    assert (out / PROVENANCE).is_file() and not (tmp_path / ".out.newslens-lock").exists()


def test_ctrl_c_during_the_swap_comes_too_late_and_the_new_set_is_whole(tmp_path, monkeypatch, ctrl_c_as_in_a_terminal):
    from newslens import export

    (tmp_path / "tmp").mkdir()
    (tmp_path / "tmp" / "a.csv").write_text("new")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.csv").write_text("old")
    rename = os.rename

    def interrupted_rename(src, dst):
        if Path(dst).name == "out":  # between the two renames: no folder at out/
            os.kill(os.getpid(), signal.SIGINT)
        return rename(src, dst)

    monkeypatch.setattr(export.os, "rename", interrupted_rename)
    export._swap_in(tmp_path / "tmp", tmp_path / "out")
    assert (tmp_path / "out" / "a.csv").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C works again afterwards
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
