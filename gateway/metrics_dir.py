"""The metrics directory of `kabinet serve`: every worker writes its samples there
(prometheus-client's multiprocess mode) and a scrape of any worker reads them all.

The supervisor owns it: it creates it before the first worker starts (the variable must
be in the environment before a worker imports prometheus_client), tells the library
when a worker has died (its live gauges, e.g. open subscriptions, stop counting; its
counters stay, as counters do) and removes it at the end."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from uvicorn.supervisors.multiprocess import Multiprocess

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
log = logging.getLogger("kabinet.metrics")


@contextlib.contextmanager
def metrics_directory() -> Iterator[Path]:
    """A directory given in PROMETHEUS_MULTIPROC_DIR is used (emptied first: files of
    an earlier run would be summed into this one's); otherwise a temporary one."""
    given = os.environ.get(VARIABLE)
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="kabinet-metrics-"))
    os.environ[VARIABLE] = str(path)
    try:
        yield path
    finally:
        os.environ.pop(VARIABLE, None)
        shutil.rmtree(path, ignore_errors=True)


def _forget(pids: set[int | None]) -> None:
    from prometheus_client import multiprocess

    for pid in pids:
        if pid is not None:
            multiprocess.mark_process_dead(pid)
            log.debug("metrics of worker %s marked dead", pid)


class MetricsMultiprocess(Multiprocess):
    """uvicorn's supervisor, telling prometheus-client about each worker it replaces."""

    def keep_subprocess_alive(self) -> None:
        before = {process.pid for process in self.processes}
        super().keep_subprocess_alive()
        _forget(before - {process.pid for process in self.processes})

    def restart_all(self) -> None:
        before = {process.pid for process in self.processes}
        super().restart_all()
        _forget(before - {process.pid for process in self.processes})

    def run(self) -> None:
        super().run()
        _forget({process.pid for process in self.processes})
