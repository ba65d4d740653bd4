"""newslens: compare how news outlets covered one story (corpus, coverage, terms, framing)."""

__version__ = "0.1.0"
