"""Benchmark psdcli's import and start-up against raw baselines in one run.

    python bench/import_bench.py [--reports 10000] [--large 100000] [--runs 3]

Every figure is a whole-process measurement: wall-clock time around a child
process, and that child's peak resident memory from ``wait4``. The import is
compared with bench/baseline.py on the same bundle (Go ``age -d``, zipfile,
json.loads and sqlite3 executemany), once inserting the rows psdcli stores
and once one row per report into a single table; ``psdcli --help`` is compared with
``sqlite-utils --help`` when sqlite-utils is installed. Results are printed
as JSON; docs/benchmarks.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SAMPLE_KEY = REPO / "sample_data" / "sample-identity.txt"
OUT = REPO / "bench" / "out"
BIN = Path(sys.executable).parent


def run_measured(
    argv: list[str], env: dict[str, str] | None = None
) -> tuple[float, int]:
    """Run ``argv`` and return (seconds, peak RSS in MiB) of it and its children.

    The peak is the larger of the process's own peak from ``wait4`` and the
    highest sum of the RSS of the process and its descendants, read from
    /proc every 20 ms, so that a second process counts.
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    sampler = TreeMemory(process.pid)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}): {stderr}")
    return elapsed, max(usage.ru_maxrss, sampler.peak_kib) // 1024


class TreeMemory(threading.Thread):
    """Sampler of the summed RSS of a process and its descendants, from /proc."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.02):
            total = sum(_rss_kib(pid) for pid in [self.pid, *_descendants(self.pid)])
            self.peak_kib = max(self.peak_kib, total)

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self._done.set()
        self.join()


def _rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The fields after the command name start with state and ppid.
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: list[int] = []
    generation = {pid}
    while generation:
        children = [child for child, parent in parents.items() if parent in generation]
        found.extend(children)
        generation = set(children)
    return found


def make_bundle(reports: int) -> Path:
    """Generate (once) a bundle of ``reports`` reports for the sample key."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"bundle-{reports}.age"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                str(REPO / "sample_data" / "generator.py"),
                "large",
                "--reports",
                str(reports),
                "--output",
                str(path),
            ],
            check=True,
        )
    return path


def import_once(bundle: Path, folder: Path) -> tuple[float, int]:
    """Import ``bundle`` into a fresh database in ``folder``."""
    env = {**os.environ, "PSDCLI_DATA_DIR": str(folder), "PSDCLI_ANALYST": "bench"}
    database = folder / "bench.db"
    return run_measured(
        [
            str(BIN / "psdcli"),
            "--db",
            str(database),
            "import",
            "-i",
            str(SAMPLE_KEY),
            str(bundle),
        ],
        env,
    )


def empty_database(folder: Path) -> Path:
    """Create an empty psdcli database, whose schema the baseline copies."""
    database = folder / "schema.db"
    env = {**os.environ, "PSDCLI_DATA_DIR": str(folder), "PSDCLI_ANALYST": "bench"}
    subprocess.run(
        [str(BIN / "psdcli"), "--db", str(database), "init"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return database


def baseline_once(bundle: Path, folder: Path, schema: Path | None) -> tuple[float, int]:
    """Run the raw baseline on ``bundle``: psdcli's rows, or one table."""
    argv = [
        sys.executable,
        str(REPO / "bench" / "baseline.py"),
        str(bundle),
        str(SAMPLE_KEY),
        "--database",
        str(folder / "baseline.db"),
    ]
    if schema is not None:
        argv += ["--same-rows", str(schema)]
    return run_measured(argv)


def median_pair(samples: list[tuple[float, int]]) -> dict[str, float]:
    """Return the median time and the highest peak memory of some runs."""
    return {
        "seconds_median": round(statistics.median(s for s, _ in samples), 3),
        "seconds_min": round(min(s for s, _ in samples), 3),
        "peak_rss_mib_max": max(m for _, m in samples),
    }


def compare_import(reports: int, runs: int) -> dict[str, Any]:
    """Time psdcli import and both baselines, alternating, on one bundle."""
    bundle = make_bundle(reports)
    ours: list[tuple[float, int]] = []
    same: list[tuple[float, int]] = []
    single: list[tuple[float, int]] = []
    with tempfile.TemporaryDirectory() as schema_folder:
        os.chmod(schema_folder, 0o700)
        schema = empty_database(Path(schema_folder))
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                same.append(baseline_once(bundle, Path(folder), schema))
            with tempfile.TemporaryDirectory() as folder:
                single.append(baseline_once(bundle, Path(folder), None))
            with tempfile.TemporaryDirectory() as folder:
                ours.append(import_once(bundle, Path(folder)))
    psdcli = median_pair(ours)
    result: dict[str, Any] = {
        "reports": reports,
        "bundle_mib": round(bundle.stat().st_size / 2**20, 1),
        "psdcli": psdcli,
        "psdcli_reports_per_second": round(reports / psdcli["seconds_median"]),
    }
    for name, samples in (("baseline", same), ("single_table_baseline", single)):
        baseline = median_pair(samples)
        result[name] = baseline
        result[f"{name}_reports_per_second"] = round(
            reports / baseline["seconds_median"]
        )
        result[f"{name}_time_ratio"] = round(
            psdcli["seconds_median"] / baseline["seconds_median"], 2
        )
    return result


def large_memory(reports: int) -> dict[str, Any]:
    """Import one large bundle and report its time and peak memory."""
    bundle = make_bundle(reports)
    with tempfile.TemporaryDirectory() as folder:
        seconds, peak = import_once(bundle, Path(folder))
    return {"reports": reports, "seconds": round(seconds, 2), "peak_rss_mib": peak}


def compare_help(runs: int) -> dict[str, Any]:
    """Time ``psdcli --help`` against ``sqlite-utils --help``."""
    peer = shutil.which("sqlite-utils", path=str(BIN)) or shutil.which("sqlite-utils")
    ours = [run_measured([str(BIN / "psdcli"), "--help"]) for _ in range(runs)]
    result: dict[str, Any] = {"psdcli": median_pair(ours)}
    if peer is None:
        result["sqlite_utils"] = "not installed (pip install sqlite-utils)"
        return result
    theirs = [run_measured([peer, "--help"]) for _ in range(runs)]
    result["sqlite_utils"] = median_pair(theirs)
    result["time_ratio"] = round(
        result["psdcli"]["seconds_median"] / result["sqlite_utils"]["seconds_median"], 2
    )
    return result


def machine() -> dict[str, Any]:
    """Describe the machine the figures come from."""
    return {
        "cpu": _proc_value("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "system": platform.platform(),
    }


def _proc_value(path: str, key: str) -> str:
    """Return the value of the first ``key: value`` line of a /proc file."""
    file = Path(path)
    if not file.exists():
        return "unknown"
    for line in file.read_text().splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _ram_gib() -> float | None:
    total = _proc_value("/proc/meminfo", "MemTotal")  # such as "24684316 kB"
    if not total.endswith(" kB"):
        return None
    return round(int(total.removesuffix(" kB")) / 2**20, 1)


def load_average() -> list[float]:
    """Return the 1, 5 and 15 minute load averages, to show a busy machine."""
    return [round(load, 2) for load in os.getloadavg()]


def main() -> None:
    """Run every measurement and print the results as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument(
        "--large",
        type=int,
        default=100_000,
        help="reports in the peak-memory bundle; 0 skips it",
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine()}
    results["load_average_before"] = load_average()
    results["import"] = compare_import(args.reports, args.runs)
    if args.large:
        results["large_import"] = large_memory(args.large)
    results["help"] = compare_help(max(args.runs, 10))
    results["load_average_after"] = load_average()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
