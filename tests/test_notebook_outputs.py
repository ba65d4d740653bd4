"""Book-level check: no committed notebook output or glue record holds a float at full precision."""
import json
from pathlib import Path

import pytest

from tests.notebook_floats import significant_digits, unrounded_floats

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _notebook(tmp_path, outputs):
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "x", "outputs": outputs}
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# t"}, cell], "metadata": {},
          "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "t.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_the_book_has_notebooks():
    assert len(NOTEBOOKS) >= 6


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_unrounded_float_in_outputs(path):
    found = unrounded_floats(path)
    assert not found, "; ".join(f"{path.name} cell {i} ({kind}): {n}" for i, kind, n in found[:5])


@pytest.mark.parametrize("number,digits", [("0.17543738036119136", 17), ("0.0012345", 5), ("12.50", 4),
                                           ("-3.14", 3), ("98.94736842105263", 16), ("1.5e-07", 2)])
def test_significant_digits(number, digits):
    assert significant_digits(number) == digits


def test_a_glue_record_at_full_precision_is_found(tmp_path):
    glue = {"output_type": "display_data", "metadata": {"scrapbook": {"name": "x"}},
            "data": {"application/papermill.record/text/plain": "0.17543738036119136"}}
    assert unrounded_floats(_notebook(tmp_path, [glue])) == [(1, "application/papermill.record/text/plain", "0.17543738036119136")]


def test_a_table_and_printed_text_at_full_precision_are_found(tmp_path):
    table = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
             "data": {"text/html": "<td>0.9241398022392799</td>", "text/plain": "stability  0.924140"}}
    printed = {"output_type": "stream", "name": "stdout", "text": ["kappa 0.97494064890530\n"]}
    found = unrounded_floats(_notebook(tmp_path, [table, printed]))
    assert [n for _i, _k, n in found] == ["0.9241398022392799", "0.97494064890530"]


def test_rounded_outputs_and_images_pass(tmp_path):
    ok = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
          "data": {"text/plain": "0.92 98.9 2021.08.13 version 1.0.4", "image/png": "iVBORw0.123456789"}}
    assert unrounded_floats(_notebook(tmp_path, [ok])) == []
