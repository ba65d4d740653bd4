"""The package as a whole: every module imports, and every third-party module it imports is declared in pyproject.toml."""
from __future__ import annotations

import ast
import importlib
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "newslens"
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
MODULES = sorted(p.stem for p in SRC.glob("*.py") if p.stem != "__main__")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    specs = list(project["dependencies"]) + [s for extra in project.get("optional-dependencies", {}).values() for s in extra]
    return {_normal(re.split(r"[<>=!~;\[ ]", s, maxsplit=1)[0]) for s in specs}


def _third_party(path: Path) -> set[str]:
    """Top-level names of the modules *path* imports (at the top or inside a function), other than the standard library's."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "newslens"}


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports(module):
    assert importlib.import_module(f"newslens.{module}").__name__ == f"newslens.{module}"


def test_every_third_party_import_is_declared_with_a_lower_bound():
    distributions = md.packages_distributions()
    declared = _declared()
    missing = {}
    for path in sorted(SRC.glob("*.py")):
        for name in _third_party(path):
            dists = {_normal(d) for d in distributions.get(name, [name])}
            if not dists & declared:
                missing.setdefault(name, []).append(path.name)
    assert missing == {}, "add these to pyproject.toml [project] dependencies, with a lower bound"


def test_every_declared_dependency_has_a_lower_bound():
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    specs = list(project["dependencies"]) + [s for extra in project.get("optional-dependencies", {}).values() for s in extra]
    assert [s for s in specs if ">=" not in s] == []


def test_an_undeclared_import_is_found(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\nimport yaml.constructor\n\ndef f():\n    from somelib.sub import x\n")
    assert _third_party(module) == {"yaml", "somelib"}
