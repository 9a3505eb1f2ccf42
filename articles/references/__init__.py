"""The reference library: references with append-only versions, identifiers and citations.

Models live in ``articles.references.models`` and are re-exported by ``articles.models``;
writes are in ``services``, reads in ``selectors``, the citation markers in ``citations`` and
the AMA/NLM formatting in ``formatting`` (citeproc-js, run by ``csl_engine``).
"""
