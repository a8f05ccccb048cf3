"""What one input may cost: each limit is a flag of `gongkai extract` with a default, and a
reader that hits one raises a ReadError saying which limit and how to raise it.

`Limits` is what the readers check (the input's bytes, text, pages, unpacked size, HTML
nodes and depth); time and memory are the batch's to enforce from outside the worker that
reads the file (`gongkai.inference.apps.batch.Isolation`), and their defaults are here too."""
from __future__ import annotations

from dataclasses import dataclass

MB = 1_000_000

DEFAULT_TIMEOUT = 300.0          # seconds one file may take in a worker (--timeout)
# Address space of one worker (--max-memory). A worker with the shipped model loaded peaks at
# 1.4 GB of address space (0.53 GB resident) on the seeds and a PDF with 2 torch threads
# (docs/results-robustness.md); address space, not resident memory, is what RLIMIT_AS caps,
# and torch's libraries and per-thread arenas map more than they use, so the default leaves
# room for more threads and large reports, and still bounds what one bad file can take.
DEFAULT_MAX_MEMORY = 4_000 * MB


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * MB          # the input as given (file on disk, standard input, bytes)
    max_chars: int = 5_000_000        # the decoded or extracted text (what the record carries)
    max_pages: int = 500              # pages of a PDF
    max_unpacked: int = 200 * MB      # uncompressed size of a DOCX (a zip bomb compresses 2 GB into MB)
    max_html_nodes: int = 1_000_000   # elements of an HTML page
    max_html_depth: int = 5_000       # nesting of an HTML page


def too_large(what: str, size: float, limit: float, flag: str, unit: str = "MB") -> str:
    """The one wording of every limit message, in the unit the flag's help uses."""
    if unit == "MB":
        amount = f"{size / MB:,.1f} MB > {limit / MB:,.0f} MB"
    else:  # pages, characters, nodes: whole numbers
        amount = f"{size:,.0f} {unit} > {limit:,.0f} {unit}"
    return f"{what} too large ({amount} limit; raise it with {flag})"
