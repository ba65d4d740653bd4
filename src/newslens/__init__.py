"""newslens: compare how news outlets covered one story (corpus, coverage, terms, framing)."""

import pandas as _pd

__version__ = "0.1.0"

# Global: pandas 3 infers pyarrow strings wherever a table is built, not only at readers; without it 29 of 30 snapshot tables change dtype.
_pd.set_option("mode.string_storage", "python")
