"""Where runs execute: in this process, a local process pool or a Dask distributed cluster.

All three take a pure function and its inputs and yield the results as they finish; the caller (never
the workers) writes them down, so the results cannot depend on the executor or the number of workers.
The local pool talks to its workers over pipes and listens on no network address. Its workers ignore
Ctrl-C (the parent cancels what is left) and exit on their own when the parent dies, even by SIGKILL.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import re
import signal
import socket
import threading
import time
from typing import Any, Callable, Iterable, Iterator, Protocol

from sim.studies.experiments.errors import ExperimentError, RunsFailed

RESUME = "finished runs are kept: run the same command again to resume"
CONNECT_SECONDS = 5  # how long a Dask scheduler has to accept a connection before it counts as unreachable
ADDRESS = re.compile(r"(?:tcp://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(?P<port>[0-9]+)")


class Executor(Protocol):
    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc) -> None: ...


def default_workers() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class InProcess:
    """Runs one after another in this process (``--workers 1``): no start-up cost, easy to debug."""

    def map_unordered(self, fn, items):
        return map(fn, items)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def _watch_parent(parent: int, threads: int | None = None) -> None:
    """Worker initialiser: ignore Ctrl-C, exit as soon as the parent process is gone, and run the compiled
    passes on ``threads`` threads (the pool's share of the cores: workers, not threads, fill them)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if threads is not None:
        import numba

        numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class LocalPool:
    """A pool of ``workers`` fresh Python processes on this machine."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: cf.ProcessPoolExecutor | None = None

    def map_unordered(self, fn, items):
        items = list(items)
        if not items:
            return
        self.pool = cf.ProcessPoolExecutor(
            max_workers=min(self.workers, len(items)),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_watch_parent,
            initargs=(os.getpid(), max(1, (os.cpu_count() or 1) // min(self.workers, len(items)))),
        )
        futures = [self.pool.submit(fn, item) for item in items]
        try:
            for fut in cf.as_completed(futures):
                yield fut.result()
        except cf.process.BrokenProcessPool as e:
            raise RunsFailed(f"a worker process died ({e}); {RESUME}") from None
        finally:
            self.pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=exc[0] is None, cancel_futures=True)


def scheduler_address(text: str) -> tuple[str, int]:
    """The host and port of a Dask scheduler's address ``tcp://HOST:PORT`` (or ``HOST:PORT``); raise
    ``ExperimentError`` (``--scheduler: ...``) for any other form."""
    m = ADDRESS.fullmatch(text.strip())
    port = int(m["port"]) if m else 0
    if m is None or not 1 <= port <= 65535:
        raise ExperimentError([f"--scheduler: expected an address tcp://HOST:PORT (port 1 to 65535), got {text!r}"])
    return m["host"].strip("[]"), port


def check_scheduler(address: str, timeout: float | None = None) -> str:
    """``tcp://HOST:PORT`` of a Dask scheduler that completes Dask's handshake within ``timeout`` seconds
    (default ``CONNECT_SECONDS``); raise ``ExperimentError`` (``--scheduler: ...``, one line) for an address
    of another form, one that refuses or does not answer, or one where something else answers."""
    import asyncio

    from distributed.comm import connect as dask_connect

    host, port = scheduler_address(address)
    timeout = CONNECT_SECONDS if timeout is None else timeout
    url = f"tcp://{host if ':' not in host else f'[{host}]'}:{port}"

    async def handshake() -> None:
        comm = await asyncio.wait_for(dask_connect(url, timeout=timeout), timeout)
        await comm.close()

    try:
        with socket.create_connection((host, port), timeout=timeout):  # refused at once, not retried
            pass
        asyncio.run(handshake())
    except TimeoutError:
        why = f"no answer within {timeout:g} s"
    except OSError as e:
        why = e.strerror or str(e)
    except Exception:  # noqa: BLE001 (whatever answered does not speak Dask's protocol)
        why = "something answers there, but not a Dask scheduler"
    else:
        return url
    raise ExperimentError([f"--scheduler: cannot reach a Dask scheduler at {address} ({why})"])


def connect(address: str):
    """A ``distributed.Client`` of the scheduler at ``address``; raise ``ExperimentError`` (``--scheduler: ...``,
    one line) within seconds if the address is malformed, does not answer, or answers but not as a scheduler."""
    from distributed import Client

    address = check_scheduler(address)  # a bad or silent address is refused within seconds
    client = Client.__new__(Client)
    try:
        client.__init__(address, timeout=CONNECT_SECONDS, set_as_default=False)  # bounds the connection only
    except Exception as e:  # noqa: BLE001 (whatever answered is not a Dask scheduler)
        client.status = "closed"  # it never connected: nothing to close when it is collected
        why = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ExperimentError([f"--scheduler: cannot reach a Dask scheduler at {address} ({why})"]) from None
    return client


class DaskCluster:
    """A Dask distributed cluster at ``address`` (``tcp://HOST:PORT``): a client only, it listens nowhere."""

    def __init__(self, address: str):
        self.address = address
        self.client = None

    def map_unordered(self, fn, items):
        from distributed import as_completed

        items = list(items)
        if not items:
            return
        # no list of futures is kept here: each result is released on the cluster once yielded
        futures = as_completed(self.client.map(fn, items, pure=False), loop=self.client.loop, with_results=True)
        for _, result in futures:
            if isinstance(result, BaseException):  # a lost or cancelled task, not a failed run
                raise RunsFailed(f"the Dask cluster at {self.address} lost a run ({result!r}); {RESUME}")
            yield result

    def __enter__(self):
        self.client = connect(self.address)
        return self

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            self.client.close()


def make_executor(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The Dask cluster at ``scheduler`` if given, else a local pool (``workers`` 1: this process)."""
    if scheduler:
        return DaskCluster(scheduler)
    workers = workers or default_workers()
    return InProcess() if workers == 1 else LocalPool(workers)
