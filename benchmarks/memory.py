"""Peak memory of a process and all its descendants (Dask's worker processes), sampled in a thread."""
from __future__ import annotations

import os
import threading

import psutil


class TreeMemory:
    """The peak, over time, of the summed resident memory of process *pid* (default: this one) and its descendants.

    ``ru_maxrss`` counts one process; with worker processes the figure that matters is their sum at the
    same moment, so it is sampled every *every* seconds (a peak shorter than that can be missed).
    """

    def __init__(self, pid: int | None = None, every: float = 0.2):
        self.root = psutil.Process(pid or os.getpid())
        self.every, self.peak, self.peak_procs = every, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def sample(self) -> None:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        if total > self.peak:
            self.peak, self.peak_procs = total, len(procs)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def stop(self) -> float:
        """Stop sampling; return the peak in MB."""
        self._stop.set()
        self._thread.join()
        self.sample()
        return self.peak / 2 ** 20
