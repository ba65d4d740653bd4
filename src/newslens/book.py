"""Execute the book's chapters against a data folder, stamp what they were run on, and refuse stale outputs.

``python -m newslens.book execute`` runs every chapter, reports every failing cell at once and, when all succeed,
writes a stamp (the content hashes of the data folder, the package and the chapters' code). ``check`` refuses a
build whose stamp does not match. ``story --data DIR --out DIR`` assembles a separate book for another data folder,
executes it and leaves the committed book untouched.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from newslens.corpus import CorpusError, find_data_dir
from newslens.sources import FOLDER as SOURCES
from newslens.study import fingerprint

#: The file, in the chapters' folder, that records what the committed outputs were computed from.
STAMP = ".executed.json"

#: The file that marks a folder as a book assembled by :func:`assemble` (only such a folder is ever replaced).
MARKER = ".newslens-story"

#: The pages of the book that do not depend on the story (copied into a book assembled for another story).
GENERIC_PAGES = ("guide.md", "glossary.md", "bibliography.md", "references.bib")

#: Pages that only include the story's commentary file of the same name (``commentary/<name>``): a book assembled
#: for another story has them when that story brings the file, and goes without them otherwise.
STORY_PAGES = ("methods.md",)

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class CellError:
    """A cell that raised while a chapter was executed."""

    notebook: str
    cell: int
    error: str

    def __str__(self) -> str:
        return f"{self.notebook} cell {self.cell}: {self.error}"


def _hash_files(paths) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _code_hash(notebooks: list[Path]) -> str:
    import nbformat

    h = hashlib.sha256()
    for path in sorted(notebooks):
        nb = nbformat.read(path, as_version=4)
        h.update(path.name.encode() + b"\0")
        for cell in nb.cells:
            h.update(cell.cell_type.encode() + b"\0" + cell.source.encode() + b"\0")
    return h.hexdigest()


def stamp_of(chapters: Path, data_dir: Path) -> dict[str, str]:
    """What the chapters' outputs depend on: ``data`` (:func:`newslens.study.fingerprint`), ``package`` (the
    package's source files) and ``chapters`` (the notebooks' cells, outputs aside); and ``sources``, the capture
    pages written beside the chapters (:func:`newslens.sources.write_pages`), so a page edited or lost is stale too."""
    return {
        "data": fingerprint(data_dir),
        "package": _hash_files(_PACKAGE.glob("*.py")),
        "chapters": _code_hash(sorted(chapters.glob("*.ipynb"))),
        "sources": _hash_files((chapters.parent / SOURCES).glob("*.md")),
    }


def execute(chapters: Path, *, timeout: int = 900) -> list[CellError]:
    """Execute every notebook in *chapters* in place, going on past errors; return every failing cell.

    The notebooks are run in their own folder (so they find the data folder above it) with a fixed hash seed, and
    written back with their outputs, errors included, so an analyst can read a failure in place.
    """
    import nbformat
    from nbclient import NotebookClient

    os.environ["PYTHONHASHSEED"] = "0"  # the kernel inherits it: set ordering does not change between runs
    errors: list[CellError] = []
    for path in sorted(chapters.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                record_timing=False, resources={"metadata": {"path": str(chapters)}})
        client.execute()
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    errors.append(CellError(path.name, i, f"{out.get('ename')}: {out.get('evalue')}".strip()))
        nbformat.write(nb, path)
    return errors


def write_stamp(chapters: Path, data_dir: Path) -> Path:
    """Record :func:`stamp_of` next to the chapters (after a successful :func:`execute`)."""
    path = chapters / STAMP
    path.write_text(json.dumps(stamp_of(chapters, data_dir), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def stale(chapters: Path, data_dir: Path) -> list[str]:
    """What changed since the chapters were last executed successfully (empty when the outputs are current)."""
    path = chapters / STAMP
    if not path.is_file():
        return ["no successful execution is recorded"]
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return [f"{path} is not a valid stamp"]
    now = stamp_of(chapters, data_dir)
    what = {"data": f"the data folder {data_dir}", "package": "the newslens package", "chapters": "the chapters' code",
            "sources": f"the capture pages in {chapters.parent / SOURCES}"}
    return [what[k] for k in now if recorded.get(k) != now[k]]


def _book_title(data_dir: Path) -> str:
    try:
        story = yaml.safe_load((data_dir / "codebook" / "events.yml").read_text(encoding="utf-8")).get("story")
    except (OSError, AttributeError, yaml.YAMLError):
        story = None
    return f"newslens: {story}" if story else "newslens: how the outlets covered one story"


_GENERIC_INDEX = """# {title}

This book compares how {outlets} covered one story, in {articles}: **who covered what** (coverage), **in which
words** (terms) and **how** (framing). Every number in the chapters is computed from the captures in `data/`, and
every table can be traced to the sentences it came from.

{sources} shows every capture line by line. The captures are quoted for research and commentary; the rights in the
articles remain with their publishers.

The story brings no commentary of its own (`data/commentary/index.md`), so this page lists the chapters only:

```{{tableofcontents}}
```
"""


def assemble(root: Path, data_dir: Path, out: Path) -> Path:
    """Lay out a book for *data_dir* in *out*: the chapters (outputs cleared), the generic pages and a copy of the data.

    The front page is the story's ``commentary/index.md`` when it has one, otherwise a plain page that names no
    story. *out* must not be the project itself or inside the data folder.
    """
    import nbformat

    out, root, data_dir = out.resolve(), root.resolve(), data_dir.resolve()
    if out in (root, data_dir) or out in root.parents or out in data_dir.parents:
        raise CorpusError(f"{out}: the book must go into a folder of its own, not the project or the data folder (e.g. _stories/NAME)")
    if data_dir in out.parents or (root in out.parents and out.relative_to(root).parts[0] in ("chapters", "data", "src")):
        raise CorpusError(f"{out}: the book cannot be written inside the data folder, the chapters or the package")
    if out.exists():
        if not (out / MARKER).is_file():
            raise CorpusError(f"{out}: the folder exists and is not a book made by this command; choose a new folder")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("made by python -m newslens.book story; replaced by the next run\n", encoding="utf-8")
    (out / "chapters").mkdir(parents=True)
    for path in sorted((root / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, out / "chapters" / path.name)
    for name in GENERIC_PAGES:
        shutil.copy2(root / name, out / name)
    story_pages = [name for name in STORY_PAGES if (data_dir / "commentary" / name).is_file()]
    for name in story_pages:
        shutil.copy2(root / name, out / name)
    shutil.copytree(data_dir, out / "data", symlinks=False)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = _book_title(data_dir)
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    keep = {Path(p).stem for p in (*GENERIC_PAGES, *story_pages)} | {f"{SOURCES}/index"}
    toc["chapters"] = [c for c in toc["chapters"] if c["file"].startswith("chapters/") or c["file"] in keep]
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    if (data_dir / "commentary" / "index.md").is_file():
        shutil.copy2(root / "index.md", out / "index.md")  # it includes data/commentary/index.md
    else:
        from newslens.corpus import load_manifest
        from newslens.display import plural

        manifest = load_manifest(data_dir, check_files=False)
        (out / "index.md").write_text(_GENERIC_INDEX.format(
            title=config["title"], outlets=plural(manifest["outlet"].nunique(), "outlet"),
            articles=plural(len(manifest), "captured article"), sources=f"{{doc}}`The sources <{SOURCES}/index>`"),
            encoding="utf-8")
    return out


def write_sources(book: Path, data_dir: Path) -> list[Path]:
    """Write the capture pages of *data_dir*'s study into ``<book>/sources/`` (:func:`newslens.sources.write_pages`)."""
    from newslens.sources import write_pages
    from newslens.study import Study

    return write_pages(Study.open(data_dir), book)


def _report(errors: list[CellError]) -> int:
    print(f"newslens: {len(errors)} cell(s) failed; the notebooks were written with the errors in place:", file=sys.stderr)
    for e in errors:
        print(f"  {e}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m newslens.book", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("execute", help="execute every chapter in place; stamp the outputs when all cells succeed")
    ex.add_argument("--book", default=".", help="the book's folder (default: here)")
    ck = sub.add_parser("check", help="exit 1 with one line when the chapters' outputs are stale")
    ck.add_argument("--book", default=".", help="the book's folder (default: here)")
    st = sub.add_parser("story", help="assemble and execute a separate book for another data folder")
    st.add_argument("--data", required=True, help="the story's data folder (articles.csv, raw/, codebook/ ...)")
    st.add_argument("--out", required=True, help="the folder to write the book into (replaced)")
    args = p.parse_args(argv)
    try:
        if args.command == "story":
            book = assemble(Path.cwd(), Path(args.data), Path(args.out))
        else:
            book = Path(args.book).resolve()
        chapters = book / "chapters"
        data_dir = find_data_dir(chapters)
        if args.command == "check":
            changed = stale(chapters, data_dir)
            if changed:
                print(f"newslens: the chapters' outputs in {chapters} are stale ({'; '.join(changed)} changed since "
                      "the last successful execution): run `make execute` first", file=sys.stderr)
                return 1
            return 0
        (chapters / STAMP).unlink(missing_ok=True)
        write_sources(book, data_dir)
        errors = execute(chapters)
        if errors:
            return _report(errors)
        write_stamp(chapters, data_dir)
        print(f"newslens: executed every chapter in {chapters} against {data_dir}", file=sys.stderr)
        return 0
    except CorpusError as exc:
        print("newslens: error: " + " ".join(str(exc).split()), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
