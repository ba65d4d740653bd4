"""CITATION.cff: the book can be cited, with the package's version."""
from __future__ import annotations

import tomllib

import yaml

from .conftest import ROOT


def test_citation_file_names_the_package_version_and_the_required_fields():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == version, "CITATION.cff's version must be pyproject.toml's"
    assert cff["message"] and cff["title"] and cff["authors"]
    assert all(a.get("name") or a.get("family-names") for a in cff["authors"])
    assert "rights" in cff["abstract"]
