"""What the commands share: argument types (``bounded`` and the common ones), ``--workers``, progress on a
terminal, wording."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

MAX_SEED = 2**31 - 1
MAX_WORKERS = 256  # local worker processes at most
PROGRESS_EVERY = 6  # months between two updates of the progress line


def bounded(kind: type, lo: float, hi: float | None = None):
    """An argparse type: a number of ``kind`` within [lo, hi], with a clear message otherwise."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            expected = "a whole number" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if value < lo or (hi is not None and value > hi):
            allowed = f"at least {lo}" if hi is None else f"between {lo} and {hi}"
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {value}")
        return value

    return parse


positive = bounded(int, 1)
seed = bounded(int, 0, MAX_SEED)
scale = bounded(float, 1)


def workers_option(p: argparse.ArgumentParser, what: str = "local worker processes") -> None:
    """``--workers``, the same in every command that takes it: one per core by default."""
    from sim.studies.experiments.executors import default_workers

    p.add_argument("--workers", type=bounded(int, 1, MAX_WORKERS), default=default_workers(),
                   help=f"{what} (default: one per core; 1: in this process)")  # fmt: skip


class Progress:
    """A one-line progress display on a terminal (stderr); silent otherwise."""

    def __init__(self, label: str):
        self.label = label
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self.tty and (done == total or done % PROGRESS_EVERY == 0):
            sys.stderr.write(f"\r{self.label}: month {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def plural(n: int, word: str) -> str:
    """``1 replication``, ``2 replications``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def compile_notice() -> None:
    """Say on stderr that the first run compiles the model's passes (numba caches them for later runs)."""
    cache = Path(os.environ.get("NUMBA_CACHE_DIR") or Path(__file__).parents[1])
    if not any(cache.rglob("*.nbi")):
        print("compiling the model's passes (first run only, 10 to 40 s)...", file=sys.stderr, flush=True)
