"""Resumable sweep results: one file per finished run, the tables rebuilt from those files.

    OUT/manifest.json        the experiment as resolved, its fingerprint, versions, commit (+ counts at the end)
    OUT/runs/000042.parquet  monthly table of run 42 (status ok)
    OUT/runs/000042.error    one-line error of run 42 (status failed; the run is retried on resume)
    OUT/runs.csv             one row per run, sorted by run_id (rebuilt when all runs are done)
    OUT/timeseries.parquet   the monthly rows of every ok run, keyed by run_id

Every file is written to a temporary name and moved in place with ``os.replace``, so a sweep killed at
any moment (even by SIGKILL) leaves each file complete or absent: finished means the run file exists.
Rebuilding from the run files gives the same bytes whatever the order the runs finished in. A folder
holding another experiment's fingerprint is refused; a lock refuses two sweeps writing at once.
"""

from __future__ import annotations

import fcntl
import importlib.metadata
import json
import os
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.core.outputs import summarise
from sim.core.provenance import git_commit, package_versions
from sim.studies.experiments.design import Experiment
from sim.studies.experiments.errors import ExperimentError
from sim.studies.experiments.runs import RunOutcome, RunSpec

TMP = ".tmp-"


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Write ``path`` through ``write(tmp)`` and ``os.replace``: the file is complete or untouched."""
    tmp = path.with_name(f"{TMP}{path.name}")
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_text(path: Path, text: str) -> Path:
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def versions() -> dict[str, str]:
    """Versions of the model's packages and of those the experiments use."""
    out = package_versions()
    for name in ("SALib", "dask", "distributed", "pyarrow"):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _differences(stored: dict, current: dict) -> str:
    """What makes two experiments' runs differ, for a message: ``replications = 5 (now 1), ...``."""
    out = []
    for k in ("design", "samples", "morris_levels", "replications", "months", "seed", "fixed", "parameters"):
        if stored.get(k) != current.get(k):
            out.append(f"{k} = {json.dumps(stored.get(k))} (now {json.dumps(current.get(k))})")
    without_months = lambda d: {k: v for k, v in (d or {}).items() if k != "months"}  # noqa: E731 (months: above)
    if without_months(stored.get("base")) != without_months(current.get("base")):
        out.append("another base scenario")
    return ", ".join(out) or "another fingerprint"


def _written_by(manifest) -> str | None:
    """The command whose output folder holds ``manifest`` (the keys each one writes), or None."""
    if not isinstance(manifest, dict):
        return None
    if "alternatives" in manifest:
        return "sim compare or sim report"
    if "calibration" in manifest:
        return "sim calibrate"
    if "posterior" in manifest and "scenario" in manifest:
        return "sim run --posterior"
    if "scenario" in manifest and "seed" in manifest:
        return "sim run"
    return None


def csv_value(v: Any) -> Any:
    """A parameter value for a CSV cell: numbers and strings as they are, tables and lists as JSON."""
    return json.dumps(v) if isinstance(v, list | dict) else v


class SweepFolder:
    """The output folder of one experiment's sweep; ``open`` it, ``save`` outcomes, ``collect`` tables."""

    def __init__(self, out: Path, experiment: Experiment, lock):
        self.out = out
        self.runs_dir = out / "runs"
        self.experiment = experiment
        self._lock = lock

    @classmethod
    def open(cls, out: str | Path, experiment: Experiment) -> SweepFolder:
        """Create ``out`` or reopen it for the same experiment; raise ``ExperimentError`` otherwise."""
        from sim.engine.runner import check_output_folder

        out = check_output_folder(out)
        manifest = out / "manifest.json"
        if manifest.exists():
            try:
                found = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
                problem = f"{manifest}: cannot read the file ({e}); choose another --out folder"
                raise ExperimentError([problem]) from None
            if not isinstance(found, dict) or "experiment" not in found:
                which = _written_by(found)
                which = f" ({which})" if which else ""
                problem = f"{out}: holds the output of another command{which}, not a sweep; choose another --out folder"
                raise ExperimentError([problem])
            if found.get("fingerprint") != experiment.fingerprint:
                stored = found.get("experiment", {})
                raise ExperimentError([
                    f"{out}: holds the runs of {stored.get('file')} with {_differences(stored, experiment.to_dict())}; "
                    "choose another --out folder or remove this one"
                ])
        elif out.exists() and any(not p.name.startswith(".") for p in out.iterdir()):
            raise ExperimentError([f"{out}: is not empty and holds no sweep (no manifest.json); choose another --out folder"])
        (out / "runs").mkdir(parents=True, exist_ok=True)
        lock = open(out / ".lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise ExperimentError([f"{out}: another sweep is writing into this folder"]) from None
        for stale in [*out.glob(f"{TMP}*"), *(out / "runs").glob(f"{TMP}*")]:
            stale.unlink(missing_ok=True)  # left by a killed sweep; the lock says no one else writes
        folder = cls(out, experiment, lock)
        if not manifest.exists():
            write_text(manifest, json.dumps(folder.manifest(), indent=2) + "\n")
        return folder

    def close(self) -> None:
        self._lock.close()

    def __enter__(self) -> SweepFolder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def manifest(self, **counts: int) -> dict:
        return {
            "experiment": self.experiment.to_dict(),
            "fingerprint": self.experiment.fingerprint,
            "runs": len(self.experiment.runs()),
            **counts,
            "versions": versions(),
            "commit": git_commit(),
        }

    def _file(self, run_id: int, suffix: str) -> Path:
        return self.runs_dir / f"{run_id:06d}{suffix}"

    def finished(self) -> set[int]:
        """Run ids with a stored monthly table (failed runs are not finished: they are retried)."""
        return {int(p.stem) for p in self.runs_dir.glob("[0-9]*.parquet")}

    def save(self, outcome: RunOutcome) -> None:
        """Store one outcome in its own file (atomically)."""
        if outcome.status == "ok":
            table = pa.Table.from_pandas(outcome.timeseries, preserve_index=False).replace_schema_metadata(None)
            atomic_write(self._file(outcome.run_id, ".parquet"), lambda p: pq.write_table(table, p))
            self._file(outcome.run_id, ".error").unlink(missing_ok=True)
        else:
            write_text(self._file(outcome.run_id, ".error"), outcome.error + "\n")

    def collect(self, specs: list[RunSpec]) -> pd.DataFrame:
        """Rebuild ``runs.csv``, ``timeseries.parquet`` and the manifest from the run files; return the runs."""
        exp = self.experiment
        rows, tables = [], []
        for spec in sorted(specs, key=lambda s: s.run_id):
            row = {"run_id": spec.run_id, "point": spec.point}
            row.update({k: csv_value(v) for k, v in spec.overrides.items()})
            row.update(replication=spec.replication, seed=spec.seed)
            ok = self._file(spec.run_id, ".parquet")
            if ok.exists():
                table = pq.read_table(ok)
                summary = summarise(table.to_pandas())
                row.update(status="ok", error="", **{m: summary[m] for m in exp.metrics})
                tables.append(table.add_column(0, "run_id", pa.array([spec.run_id] * table.num_rows, pa.int64())))
            else:
                error = self._file(spec.run_id, ".error")
                row.update(status="failed", error=error.read_text(encoding="utf-8").strip() if error.exists() else "not run")
                row.update({m: float("nan") for m in exp.metrics})
            rows.append(row)
        runs = pd.DataFrame(rows)
        atomic_write(self.out / "runs.csv", lambda p: runs.to_csv(p, index=False))
        ts = pa.concat_tables(tables) if tables else pa.table({"run_id": pa.array([], pa.int64())})
        atomic_write(self.out / "timeseries.parquet", lambda p: pq.write_table(ts, p))
        ok = int((runs["status"] == "ok").sum())
        write_text(self.out / "manifest.json", json.dumps(self.manifest(ok=ok, failed=len(runs) - ok), indent=2) + "\n")
        return runs


def read_runs(out: str | Path) -> pd.DataFrame:
    """``runs.csv`` of a sweep folder."""
    runs = pd.read_csv(Path(out) / "runs.csv", dtype={"status": "str", "error": "str"})
    runs["error"] = runs["error"].fillna("")
    return runs


def read_timeseries(out: str | Path) -> pd.DataFrame:
    """``timeseries.parquet`` of a sweep folder: the monthly rows of every ok run, keyed by ``run_id``."""
    return pd.read_parquet(Path(out) / "timeseries.parquet")
