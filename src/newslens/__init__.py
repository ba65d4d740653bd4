"""newslens: compare how news outlets covered one story (corpus, coverage, terms, framing)."""

import pandas as _pd

__version__ = "0.1.0"

# pandas keeps strings in pyarrow when pyarrow is installed (it is, for --format parquet); pyarrow's string
# methods use another regular-expression engine. Python's storage keeps every table identical either way.
_pd.set_option("mode.string_storage", "python")
