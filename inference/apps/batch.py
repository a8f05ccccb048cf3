"""Batches: worker processes the batch can lose, results streamed to JSON Lines in input
order, a progress bar, resume, and a summary.

No input can end, hang or exhaust a batch:
- inside a worker, the pipeline's guard turns any exception of one input into that input's
  record with an `error` (`Pipeline._safely`);
- a worker that dies on a file (a segfault in a C extension, the OOM killer, SIGKILL) or
  runs past the per-file time limit (`timeout`) yields that file's error record
  ("worker died (signal 9, SIGKILL)", "timed out after 300 s"), and a fresh worker takes its
  place; this holds for one job too, which is one worker process;
- each worker's address space is capped (`max_memory`, RLIMIT_AS where the platform has it),
  so one file cannot take the machine's memory; the file gets an "out of memory" record;
- SIGINT (Ctrl-C) and SIGTERM stop dispatching, the workers are ended, the output keeps whole
  lines only, and the summary says how to finish with `--resume`.

Output order is the input order (folders expand sorted), whatever `jobs` is, so an
interrupted run resumed with `--resume` ends with the same file as an uninterrupted one.

Workers are started from a fork server (a clean process, not a fork of this one with its
threads and its memory), and each builds its pipeline once.

Test hook: with the environment variable GONGKAI_TEST_HANG set to a substring of an input's
path, the worker that gets that input announces it on stderr and hangs (the time limit and
the kill tests use it).
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from gongkai.inference.figures.years import Figures
from gongkai.io import RecordsFileError, record_line

from gongkai.inference.read.limits import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT, MB

HANG_HOOK = "GONGKAI_TEST_HANG"
WARM_UP = "某区人民政府2023年政府信息公开工作年度报告\n一、总体情况\n本年度收到政府信息公开申请3件，结转下年度1件。"


@dataclass(frozen=True)
class Isolation:
    """What the batch allows one file in a worker: time and memory (the input limits of
    what a file may be are `Limits`, inside the pipeline)."""

    timeout: float | None = DEFAULT_TIMEOUT    # seconds; None: no limit
    max_memory: int | None = DEFAULT_MAX_MEMORY  # bytes of address space per worker; None: no limit
    threads: int | None = None                 # torch threads per worker (default: cores / jobs)


@dataclass(frozen=True)
class Task:
    """One input: a path, or bytes already read (standard input, a fuzz case)."""

    index: int
    source: str
    data: bytes | None = None


@dataclass
class Outcome:
    """What the parent needs of one finished input (the record itself goes out as a line)."""

    source: str
    line: str
    error: str | None
    warnings: int
    figures: Figures
    seconds: float = 0.0
    kind: str | None = None  # error kind: read, limit, memory, internal, timeout, crash


@dataclass
class Summary:
    done: int = 0
    skipped: int = 0
    with_warnings: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    restarts: int = 0
    interrupted: str | None = None  # the signal that stopped the batch, if one did
    left: int = 0                   # inputs not done because of the interruption

    def text(self) -> str:
        lines = [f"gongkai: {self.done} done, {self.skipped} skipped (already in the output), "
                 f"{self.with_warnings} with warnings, {len(self.errors)} errors, {self.seconds:.1f} s"
                 + (f" ({self.done / self.seconds:.1f} files/s)" if self.seconds > 0 and self.done else "")
                 + (f", {self.restarts} workers replaced" if self.restarts else "")]
        lines += [f"gongkai:   error {src}: {err}" for src, err in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append(f"gongkai:   … and {len(self.errors) - 50} more errors")
        if self.interrupted:
            lines.append(f"gongkai: interrupted ({self.interrupted}) with {self.left} inputs left; the output holds "
                         "whole records only: run the same command with --resume to finish it")
        return "\n".join(lines)


class BatchError(RuntimeError):
    """The batch cannot run at all (its workers cannot start); the message says why."""


# --- one input, inside a worker ---------------------------------------------------------------


def process_one(pipeline, source: str, options: dict, data: bytes | None = None) -> Outcome:
    """One input through the pipeline into its JSON line; never raises for a bad input."""
    started = time.perf_counter()
    _hang_hook(source)
    record = pipeline.extract_bytes(data, source) if data is not None else pipeline.extract_path(source)
    try:
        line = _line(record, options)
    except Exception as exc:  # a record that does not serialise is a bug; the file still gets a line
        from gongkai.inference.pipeline import failure_record

        record = failure_record(source, f"internal error (record not serialisable: {type(exc).__name__}: {exc})",
                                "internal", (record.meta or {}).get("sha256"))
        line = _line(record, options)
    return Outcome(source, line, record.error, len(record.warnings), Figures.of(record),
                   time.perf_counter() - started, (record.meta or {}).get("error_kind") if record.error else None)


def _line(record, options: dict) -> str:
    if options.get("pretty"):
        data = record.to_dict()
        if options.get("no_text"):
            data.pop("text", None)
        line = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        line = record_line(record, no_text=options.get("no_text", False))
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (from a str input): JSON's own \\uXXXX escape keeps it
        line = line.encode("utf-8", "backslashreplace").decode("utf-8")
    return line


def _hang_hook(source: str) -> None:
    """The test hook (module docstring): hang on an input whose path contains $GONGKAI_TEST_HANG."""
    hook = os.environ.get(HANG_HOOK)
    if hook and hook in source:
        print(f"gongkai: test hook {HANG_HOOK}: hanging on {source} (pid {os.getpid()})", file=sys.stderr, flush=True)
        while True:
            time.sleep(3600)


def _set_memory_limit(max_memory: int | None) -> bool:
    if not max_memory:
        return False
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = max_memory if hard == resource.RLIM_INFINITY else min(max_memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        return True
    except (ImportError, ValueError, OSError, AttributeError):  # no RLIMIT_AS here (Windows, some macOS)
        return False


def _vm_peak() -> int:
    """This process's peak address space in bytes (Linux /proc), 0 where unknown."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmPeak:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _worker_main(conn, make_pipeline: Callable, options: dict, isolation: Isolation) -> None:
    """A worker process: build the pipeline once, then one task at a time until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the whole process group: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    limited = _set_memory_limit(isolation.max_memory)
    try:
        pipeline = make_pipeline()
        if pipeline.model is not None and isolation.threads:  # N workers × all cores would oversubscribe them
            pipeline.model.threads = isolation.threads
        # One tiny report through every component before the first real one: a pipeline that
        # cannot work (a model that does not load within --max-memory, a broken install) is
        # one error at start, not the same error in every record.
        warm = pipeline.extract_text(WARM_UP, "<warm-up>")
        if warm.error:
            raise RuntimeError(f"the pipeline fails on a one-line report: {warm.error}")
    except BaseException as exc:  # noqa: BLE001 — the parent reports it once and stops the batch
        if limited and _vm_peak() > 0.7 * isolation.max_memory:
            # Out of address space shows as whatever failed to load (an ImportError of a C
            # library, a MemoryError): the peak says it was the limit.
            exc = MemoryError(f"{type(exc).__name__}: {exc}")
        try:
            conn.send(("failed", exc))
        except Exception:
            conn.send(("failed", RuntimeError(f"{type(exc).__name__}: {exc}")))
        return
    conn.send(("ready", limited))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        outcome = process_one(pipeline, task.source, options, task.data)
        conn.send(("done", task.index, outcome))
        if outcome.kind == "memory":
            return  # after a MemoryError the process may hold a broken state: start afresh


# --- the supervisor -----------------------------------------------------------------------------


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: object
    started: float
    ready: bool = False
    task: Task | None = None
    deadline: float | None = None
    retiring: bool = False  # it exits after its task (a MemoryError): no new task for it


class Supervisor:
    """`jobs` worker processes, one task each at a time; a worker that dies or overruns its
    deadline is replaced and its task gets an error outcome. Outcomes come out in task order."""

    def __init__(self, make_pipeline: Callable, options: dict | None = None, jobs: int = 1,
                 isolation: Isolation = Isolation(), stop: Callable[[], str | None] = lambda: None):
        self.make_pipeline = make_pipeline
        self.options = options or {}
        self.jobs = max(1, jobs)
        self.isolation = isolation
        self.stop = stop
        self.restarts = 0
        self.window = max(32, 8 * self.jobs)  # tasks drawn ahead of the next outcome due, at most
        self._ctx = _context()

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """The outcome of every task, in the order of `tasks`, which are drawn lazily (a few
        ahead of the workers: a generator of large inputs is never all in memory)."""
        source = iter(tasks)
        pending: deque[Task] = deque()  # drawn, not yet sent; renumbered 0, 1, 2 … in order
        drawn = 0
        results: dict[int, Outcome] = {}
        next_out = 0
        workers: list[_Worker] = []
        failures = 0  # workers in a row that died before they were ready
        try:
            while True:
                if self.stop():
                    return
                while source is not None and len(pending) < self.jobs + 1 and drawn < next_out + self.window:
                    task = next(source, None)
                    if task is None:
                        source = None
                        break
                    pending.append(replace(task, index=drawn))
                    drawn += 1
                if source is None and next_out == drawn:
                    return
                busy = sum(1 for w in workers if w.task is not None)
                while len(workers) < min(self.jobs, len(pending) + busy):
                    workers.append(self._start())
                for w in workers:
                    if w.ready and not w.retiring and w.task is None and pending:
                        self._assign(w, pending.popleft())
                self._wait(workers)
                for w in list(workers):
                    gone, outcome, failure = self._poll(w)
                    if outcome is not None:
                        results[outcome[0]] = outcome[1]
                    if failure is not None:
                        failures += 1
                        if isinstance(failure, BaseException) or failures >= 3:
                            raise _startup_error(failure, self.isolation)
                    if gone:
                        workers.remove(w)
                        _end(w)
                        if w.task is not None or failure is None:
                            self.restarts += 1
                    elif w.ready:
                        failures = 0
                while next_out in results:
                    yield results.pop(next_out)
                    next_out += 1
        finally:
            for w in workers:
                _end(w, kill=True)

    # --- steps ---

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, args=(child, self.make_pipeline, self.options, self.isolation),
                                    daemon=True, name="gongkai-worker")
        process.start()
        child.close()
        return _Worker(process, parent, time.monotonic())

    def _assign(self, w: _Worker, task: Task) -> None:
        w.task = task
        w.deadline = time.monotonic() + self.isolation.timeout if self.isolation.timeout else None
        try:
            w.conn.send(task)
        except (OSError, EOFError):
            pass  # the worker is gone: _poll sees it and gives the task its error

    def _wait(self, workers: list[_Worker]) -> None:
        now = time.monotonic()
        deadlines = [w.deadline for w in workers if w.deadline is not None]
        # Short waits: a stop request (a signal handler sets a flag) is seen within 0.2 s.
        timeout = max(0.0, min([0.2, *(d - now for d in deadlines)]))
        wait([x for w in workers for x in (w.conn, w.process.sentinel)], timeout)

    def _poll(self, w: _Worker) -> tuple[bool, tuple[int, Outcome] | None, object | None]:
        """(gone, finished (index, outcome) or None, startup failure or None) for one worker."""
        finished = None
        try:
            while w.conn.poll():
                message = w.conn.recv()
                if message[0] == "ready":
                    w.ready = True
                elif message[0] == "done":
                    finished = (message[1], message[2])
                    w.task, w.deadline = None, None
                    w.retiring = finished[1].kind == "memory"  # _worker_main exits after one
                elif message[0] == "failed":
                    return True, None, message[1]
        except (EOFError, OSError):
            pass  # the worker died: its sentinel says how
        if w.task is not None and w.deadline is not None and time.monotonic() >= w.deadline:
            _end(w, kill=True)
            return True, (w.task.index, _failed(w.task, f"timed out after {self.isolation.timeout:g} s "
                                                         "(raise it with --timeout)", "timeout",
                                                seconds=self.isolation.timeout)), None
        if w.process.is_alive():
            return False, finished, None
        w.process.join()
        if w.task is not None:
            return True, finished or (w.task.index, _failed(w.task, _death(w.process.exitcode), "crash")), None
        if not w.ready and not w.retiring:
            return True, finished, _death(w.process.exitcode) + " before it was ready"
        return True, finished, None


def _context():
    """A fork server where there is one: workers fork from a small clean process (its
    modules preloaded), not from this one, whose threads and memory a fork would copy."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["gongkai.inference.pipeline"])
        return ctx
    return multiprocessing.get_context("spawn")


def _end(w: _Worker, kill: bool = False) -> None:
    try:
        if kill and w.process.is_alive():
            w.process.kill()
        w.process.join(timeout=5)
    except (OSError, ValueError, AssertionError):
        pass
    try:
        w.conn.close()
    except OSError:
        pass


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "unknown signal"
        why = {"SIGKILL": "; killed, e.g. by the kernel's out-of-memory killer",
               "SIGSEGV": "; a crash in a C extension"}.get(name, "")
        return f"worker died (signal {-exitcode}, {name}{why})"
    return f"worker died (exit status {exitcode})"


_OUT_OF_MEMORY = ("MemoryError", "failed to map segment", "Cannot allocate memory", "out of memory", "std::bad_alloc")


def _startup_error(failure: object, isolation: Isolation) -> BaseException:
    if isinstance(failure, MemoryError) or any(m in str(failure) for m in _OUT_OF_MEMORY):
        limit = f"{isolation.max_memory / MB:,.0f} MB" if isolation.max_memory else "no limit"
        return BatchError(f"a worker cannot build its pipeline within --max-memory ({limit}); raise it")
    from gongkai.inference.tag.model import ModelError

    if isinstance(failure, ModelError):
        return failure  # a bad --model: the command reports it as it would without workers
    if isinstance(failure, BaseException):
        failure = f"{type(failure).__name__}: {failure}"
    return BatchError(f"workers cannot start: {failure}")


def _failed(task: Task, message: str, kind: str, seconds: float = 0.0) -> Outcome:
    """The error outcome the parent writes for a task whose worker was lost."""
    from gongkai.inference.pipeline import failure_record

    sha256 = hashlib.sha256(task.data).hexdigest() if task.data is not None else sha256_of(task.source)
    record = failure_record(task.source, message, kind, sha256)
    return Outcome(task.source, record_line(record), message, 0, Figures.of(record), seconds, kind)


# --- inputs, resume ---------------------------------------------------------------------------


def sha256_of(path: str) -> str:
    """The sha256 of a file's bytes, read in chunks (any size); "" if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def file_key(source: str) -> tuple[str, str]:
    """(path, sha256) of an input file, as records carry them; ("path", "") if unreadable."""
    return source, sha256_of(source)


def read_stdin(max_bytes: int, stream=None) -> tuple[bytes | None, str, int]:
    """(bytes or None if over max_bytes, sha256 of all of it, size): standard input is read
    within --max-bytes like a file, and the rest only hashed, never held."""
    stream = stream if stream is not None else sys.stdin.buffer
    digest, kept, size = hashlib.sha256(), [], 0
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
        if size <= max_bytes:
            kept.append(chunk)
        else:
            kept = []
    return (b"".join(kept) if size <= max_bytes else None), digest.hexdigest(), size


@dataclass
class Done:
    """What an output file already holds: the inputs it covers and every record's figures."""

    keys: set[tuple[str, str]] = field(default_factory=set)
    figures: list[Figures] = field(default_factory=list)

    def covers(self, source: str) -> bool:
        # An error record without sha256 (the file could not be read) is matched by path.
        return (source, "") in self.keys or file_key(source) in self.keys


def read_done(output: str) -> Done:
    """An output file's records for --resume; a torn last line (a killed run) is cut off.
    A file that is not gongkai's JSON Lines is refused (RecordsFileError), never appended to."""
    path = Path(output)
    done = Done()
    if not path.exists():
        return done
    size = path.stat().st_size
    with open(path, "rb") as fh:
        keep = 0
        for n, raw in enumerate(fh, 1):
            if not raw.endswith(b"\n"):
                break  # the partial record the interrupted run left
            keep += len(raw)
            if not raw.strip():
                continue
            try:
                r = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise RecordsFileError(f"{output}:{n}: not a JSON line; --resume appends to the JSON Lines that "
                                       "'gongkai extract -o' writes (one record per line), not to this file") from None
            if not isinstance(r, dict) or not r.get("source"):
                raise RecordsFileError(f"{output}:{n}: not a gongkai record (no 'source'); --resume appends only to "
                                       "the JSON Lines that 'gongkai extract -o' writes")
            meta = r.get("meta") if isinstance(r.get("meta"), dict) else {}
            done.keys.add((r["source"], meta.get("sha256") or ""))
            done.figures.append(figures_of(r))
    if keep != size:
        with open(path, "r+b") as fh:
            fh.truncate(keep)
    return done


def done_keys(output: str) -> set[tuple[str, str]]:
    """Inputs already in an output file, as (path, sha256)."""
    return read_done(output).keys


def figures_of(r: dict) -> Figures:
    """The figures of a record dict from JSON Lines (as `Figures.of` does for a Record)."""
    metrics = r.get("metrics") if isinstance(r.get("metrics"), dict) else {}
    values = {k: m["value"] for k, m in metrics.items()
              if isinstance(m, dict) and isinstance(m.get("value"), (int, float))}
    year = r.get("year") if isinstance(r.get("year"), int) else None
    return Figures(r["source"], r.get("agency"), year, values, r.get("error"))


# --- the batch ----------------------------------------------------------------------------------


class _StopFlag:
    """SIGINT and SIGTERM only set a flag (the main loop checks it), so a signal can never
    land in the middle of writing a line."""

    def __init__(self) -> None:
        self.signal: str | None = None
        self._old: dict = {}

    def __call__(self) -> str | None:
        return self.signal

    def _handle(self, signum, frame) -> None:
        self.signal = signal.Signals(signum).name

    def __enter__(self) -> "_StopFlag":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def run_batch(inputs: Iterable[str], out: TextIO, make_pipeline: Callable, jobs: int = 1,
              options: dict | None = None, skip: Done | set[tuple[str, str]] | None = None,
              progress: bool | None = None, isolation: Isolation = Isolation(),
              max_bytes: int | None = None) -> tuple[Summary, list[Figures]]:
    """Every input through worker processes into `out`, one line each, in input order.
    Returns the summary and the figures of the records written (for the year-to-year check)."""
    from tqdm import tqdm

    from gongkai.inference.read import DEFAULT_MAX_BYTES

    options = options or {}
    started = time.perf_counter()
    summary = Summary()
    if isinstance(skip, set):
        skip = Done(keys=skip)
    tasks: list[Task] = []
    early: dict[int, Outcome] = {}  # outcomes known without a worker (standard input over the limit)
    for source in inputs:
        if skip and source != "-" and skip.covers(source):
            summary.skipped += 1
            continue
        index = len(tasks)
        if source == "-":
            limit = max_bytes or DEFAULT_MAX_BYTES
            data, sha256, size = read_stdin(limit)
            if data is None:
                from gongkai.inference.read.limits import too_large

                early[index] = _failed_stdin(too_large("standard input", size, limit, "--max-bytes"), sha256)
            tasks.append(Task(index, "<stdin>", data or b""))
        else:
            tasks.append(Task(index, source))
    figures: list[Figures] = []
    threads = isolation.threads or max(1, (os.cpu_count() or 1) // max(1, jobs))
    isolation = Isolation(isolation.timeout, isolation.max_memory, threads)
    bar = tqdm(total=len(tasks), unit="file", file=sys.stderr,
               disable=(not sys.stderr.isatty()) if progress is None else not progress, dynamic_ncols=True)
    with _StopFlag() as stop:
        supervisor = Supervisor(make_pipeline, options, jobs, isolation, stop)
        try:
            for outcome in _merge(supervisor.run(t for t in tasks if t.index not in early), early, len(tasks)):
                out.write(outcome.line + "\n")
                out.flush()
                summary.done += 1
                summary.with_warnings += outcome.warnings > 0
                figures.append(outcome.figures)
                if outcome.error:
                    summary.errors.append((outcome.source, outcome.error))
                    bar.write(f"gongkai: {outcome.source}: {outcome.error}", file=sys.stderr)
                bar.update(1)
        finally:
            bar.close()
            summary.restarts = supervisor.restarts
        if stop():
            summary.interrupted = stop()
            summary.left = len(tasks) - summary.done
    summary.seconds = time.perf_counter() - started
    return summary, figures


def _merge(outcomes: Iterator[Outcome], early: dict[int, Outcome], total: int) -> Iterator[Outcome]:
    """The supervisor's outcomes with the ones known beforehand, in input order."""
    it = iter(outcomes)
    for index in range(total):
        if index in early:
            yield early[index]
            continue
        try:
            yield next(it)
        except StopIteration:
            return


def _failed_stdin(message: str, sha256: str) -> Outcome:
    from gongkai.inference.pipeline import failure_record

    record = failure_record("<stdin>", message, "limit", sha256)
    return Outcome("<stdin>", record_line(record), message, 0, Figures.of(record), kind="limit")
