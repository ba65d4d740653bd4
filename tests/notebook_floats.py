"""Find floats shown at full precision in a notebook's outputs: they differ in the last bits on another CPU."""
from __future__ import annotations

import json
import re
from pathlib import Path

#: More significant digits than this in an output means a float was not rounded for display.
MAX_SIGNIFICANT = 6

_NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?(?![\w.])")


def significant_digits(number: str) -> int:
    """Significant digits of a decimal literal such as ``'0.0012345'`` (5) or ``'12.50'`` (4)."""
    mantissa = number.lstrip("-").split("e")[0].split("E")[0]
    return len(mantissa.replace(".", "").lstrip("0"))


def _texts(output: dict):
    for mime, value in (output.get("data") or {}).items():
        if not mime.startswith("image/"):
            yield mime, "".join(value) if isinstance(value, list) else json.dumps(value)
    if "text" in output:
        yield output.get("name", "stream"), "".join(output["text"])


def unrounded_floats(path: str | Path) -> list[tuple[int, str, str]]:
    """``(cell index, output kind, number)`` for every number in *path*'s outputs with too many digits."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    found = []
    for i, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            for kind, text in _texts(output):
                found += [(i, kind, n) for n in _NUMBER.findall(text) if significant_digits(n) > MAX_SIGNIFICANT]
    return found
