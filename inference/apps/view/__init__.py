"""`gongkai view`: extractions as self-contained HTML pages, to check them by eye.

One record → one page (the text on section bands, entities marked as in displaCy, the
metrics linked to their evidence, checks, warnings, tables); many records → a site with a
sortable, filterable overview. Pages open from disk and fetch nothing; everything a
record holds is escaped. Only the standard library is imported here: the pipeline is
loaded lazily, and only to extract a report given as a file.
"""
from .command import add_arguments, run
from .overview import write_overview
from .render import render_report

__all__ = ["add_arguments", "render_report", "run", "write_overview"]
