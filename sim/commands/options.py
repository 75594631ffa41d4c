"""What the commands share: the parser, argument types (``bounded`` and the common ones), ``--workers`` and the checks made
before any work, progress on a terminal, wording.

Every problem with the options is one ``--option: message`` line on stderr and exit status 2, whether
argparse finds it (``Parser``) or a check does (a ``ScenarioError``).
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import socket
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


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, worded as the commands' other option errors
    (``--reps: must be at least 1, got 0``), with no usage block; exit status 2. Its sub-commands'
    parsers are of the same class."""

    def error(self, message: str):
        option = re.match(r"argument ([^\s/:]+)(?:/\S+)?: (.*)", message, re.DOTALL)
        if option:
            self.exit(2, f"{option[1]}: {option[2]}\n")
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def scheduler(text: str) -> str:
    """An argparse type: the address of a Dask scheduler that answers (``tcp://HOST:PORT``); an address of
    another form is refused at once, one that does not answer within a few seconds after them."""
    from sim.studies.experiments.errors import ExperimentError
    from sim.studies.experiments.executors import check_scheduler

    try:
        return check_scheduler(text)
    except ExperimentError as e:
        raise argparse.ArgumentTypeError(e.problems[0].removeprefix("--scheduler: ")) from None


def check_listen(host: str, port: int) -> None:
    """Raise ``ScenarioError`` (``--host: ...`` or ``--port: ...``) unless a server can listen at ``host``
    and ``port``: the host resolves to an address of this machine and the port is free."""
    from sim.scenario import ScenarioError

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as e:
        raise ScenarioError([f"--host: cannot resolve {host} ({getattr(e, 'strerror', None) or e})"]) from None
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            s.bind(address)
        except OSError as e:
            option = "--port" if e.errno in (errno.EADDRINUSE, errno.EACCES) else "--host"
            raise ScenarioError([f"{option}: cannot listen on {host} port {port} ({e.strerror or e})"]) from None


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

    def say(self, text: str) -> None:
        """One line of what is being done now (``label: text``), on a terminal."""
        if self.tty:
            print(f"{self.label}: {text}", file=sys.stderr, flush=True)


def plural(n: int, word: str) -> str:
    """``1 replication``, ``2 replications``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def compile_notice() -> None:
    """Say on stderr that the first run compiles the model's passes (numba caches them for later runs)."""
    cache = Path(os.environ.get("NUMBA_CACHE_DIR") or Path(__file__).parents[1])
    if not any(cache.rglob("*.nbi")):
        print("compiling the model's passes (first run only, 10 to 40 s)...", file=sys.stderr, flush=True)
