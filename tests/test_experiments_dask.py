"""The same sweep runs unchanged on a Dask distributed cluster (a scheduler and two workers on 127.0.0.1)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import dask
import pytest
from experiment_helpers import ROOT, results, sim_main, write_experiment

from sim.studies.experiments import sweep

pytestmark = pytest.mark.slow

BIN = ROOT / ".venv" / "bin"
LOOPBACK = ["--host", "127.0.0.1", "--no-dashboard", "--dashboard-address", "127.0.0.1:0"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """``tcp://127.0.0.1:PORT`` of a running scheduler with two single-threaded workers."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{_free_port()}"
    logs = tmp_path_factory.mktemp("dask")
    cmds = [[BIN / "dask", "scheduler", "--port", address.rsplit(":", 1)[1], *LOOPBACK]]
    cmds += [[BIN / "dask", "worker", address, "--nthreads", "1", *LOOPBACK] for _ in range(2)]
    procs = []
    try:
        for i, cmd in enumerate(cmds):
            log = open(logs / f"{i}.log", "w")
            procs.append(subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log, start_new_session=True))
            if i == 0:
                time.sleep(1)
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for p in procs:  # each process group: a worker's nanny and its worker process
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


def test_a_sweep_on_dask_gives_the_same_files_as_a_local_one(tmp_path, scheduler, capsys):
    path = write_experiment(
        tmp_path, {"police.raid_rate": {"levels": [0.01, 0.05, 0.1]}, "gangs.max_protection": {"levels": [0.2, 0.8]}},
        replications=2, months=24,
    )  # fmt: skip
    status, stdout, _ = sim_main(capsys, "sweep", path, "--out", tmp_path / "dask", "--scheduler", scheduler, "--no-plots")
    assert status == 0 and "12 ok, 0 failed" in stdout
    sweep(path, tmp_path / "local", workers=1, plots=False)
    names = ("runs.csv", "timeseries.parquet", "manifest.json")
    assert results(tmp_path / "dask", *names) == results(tmp_path / "local", *names)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    path = write_experiment(tmp_path, {"police.raid_rate": {"levels": [0.01]}})
    address = f"tcp://127.0.0.1:{_free_port()}"
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        status, _, err = sim_main(capsys, "sweep", path, "--out", tmp_path / "out", "--scheduler", address)
    assert status == 2 and f"--scheduler: cannot reach a Dask scheduler at {address}" in err
    assert not (tmp_path / "out").exists()
