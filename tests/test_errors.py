"""newslens.errors: one base, two kinds, and the one column check."""
from __future__ import annotations

import pandas as pd
import pytest

from newslens.corpus import CorpusError
from newslens.errors import InputError, NewslensError, TableError, require_columns
from newslens.reuse import ReuseError
from newslens.terms import TermsError


def test_every_kind_is_the_base_and_a_value_error():
    for kind in (InputError, TableError, CorpusError, ReuseError, TermsError):
        assert issubclass(kind, NewslensError) and issubclass(kind, ValueError)
    assert issubclass(CorpusError, InputError) and issubclass(ReuseError, TableError)
    assert issubclass(TableError, TypeError) and not issubclass(InputError, TypeError)


def test_require_columns_names_the_function_the_table_and_its_maker():
    table = pd.DataFrame({"article": ["a"]})
    require_columns(table, ("article",), func="f")  # present: no error
    with pytest.raises(TableError, match=r"^f: the fact table lacks column\(s\) fact, present; make it with fact_matrix$"):
        require_columns(table, ("article", "fact", "present"), func="f", what="the fact table", made_by="fact_matrix")
    with pytest.raises(TableError, match=r"^f needs a DataFrame as the table, got list$"):
        require_columns([1, 2], ("article",), func="f")
    with pytest.raises(ReuseError, match="lacks column"):
        require_columns(table, ("line",), func="find_reuse", error=ReuseError)
