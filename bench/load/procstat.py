"""CPU seconds and resident memory per process of the system under test, read from /proc (each
component's pid and all its descendants), sampled in a background thread."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tendik.ops.services import descendants

logger = logging.getLogger(__name__)
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_rss(pid: int) -> tuple[float, int] | None:
    """(user + system CPU seconds, RSS bytes) of one process; None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        statm = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "(comm)": field 3 is fields[0]
    return (int(fields[11]) + int(fields[12])) / TICKS, int(statm[1]) * PAGE


class ProcSampler:
    """Samples ``components()`` (name -> root pids) every ``every`` seconds. CPU seconds per process
    are accumulated per pid (a restarted process adds its own), RSS is the sum over a component's
    processes: last and peak."""

    def __init__(self, components: Callable[[], dict[str, list[int]]], every: float = 2.0,
                 without_children: frozenset[str] = frozenset()) -> None:
        self.components = components
        self.without_children = without_children  # components measured alone (e.g. the harness, whose children are the target)
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.cpu: dict[str, dict[int, tuple[float, float]]] = {}  # name -> pid -> (first, last) CPU s
        self.rss_peak: dict[str, int] = {}
        self.rss_last: dict[str, int] = {}
        self.procs: dict[str, int] = {}
        self.series: list[dict] = []  # per sample: t, name -> (cpu s total, rss)
        self.started = self.ended = 0.0

    def sample(self) -> None:
        now = time.monotonic()
        row: dict = {"t": now}
        for name, roots in self.components().items():
            pids = {p for r in roots for p in ([r] if name in self.without_children else [r, *descendants(r)])}
            rss = 0
            per = self.cpu.setdefault(name, {})
            for pid in pids:
                got = cpu_rss(pid)
                if got is None:
                    continue
                cpu, mem = got
                rss += mem
                first = per.get(pid, (cpu, cpu))[0]
                per[pid] = (first, cpu)
            self.rss_last[name] = rss
            self.rss_peak[name] = max(self.rss_peak.get(name, 0), rss)
            self.procs[name] = max(self.procs.get(name, 0), len(pids))
            row[name] = (sum(last for _, last in per.values()), rss)
        self.series.append(row)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.sample()
            except Exception:  # noqa: BLE001 (a measurement must not stop the run)
                logger.exception("sampling /proc failed")

    def start(self) -> None:
        self.started = time.monotonic()
        self.sample()
        self._thread = threading.Thread(target=self._run, name="procstat", daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, dict]:
        self._stop.set()
        if self._thread:
            self._thread.join(10)
        self.sample()
        self.ended = time.monotonic()
        wall = max(self.ended - self.started, 1e-9)
        out = {}
        for name, per in self.cpu.items():
            cpu = sum(last - first for first, last in per.values())
            out[name] = {
                "cpu_s": round(cpu, 1), "cpu_pct": round(100 * cpu / wall, 1),
                "rss_mib_last": round(self.rss_last.get(name, 0) / 2**20, 1), "rss_mib_peak": round(self.rss_peak.get(name, 0) / 2**20, 1),
                "processes": self.procs.get(name, 0),
            }
        return out
