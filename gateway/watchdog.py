"""A worker's watchdog: ends the process when its event loop stops turning, so that the
supervisor replaces it.

A CPU-bound request blocks the event loop: the worker answers nothing (not even /healthz)
and never gets to act on SIGTERM. uvicorn's supervisor does not notice, because its health
"ping" is answered by a thread of the worker, not by the loop. So the loop touches a
heartbeat about once a second (a loop callback) and a daemon thread checks it: a loop that
has not run for `stuck_timeout` seconds, or that has not run within `term_grace` seconds of
a SIGTERM, ends the process at once (os._exit, no clean-up: clean-up would need the very
loop that is stuck)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

log = logging.getLogger("kabinet.watchdog")

# Distinct exit codes, so a supervisor's "child died" line can be told apart from a crash
# (uvicorn's own STARTUP_FAILURE is 3, which would stop the supervisor: not these).
STUCK_EXIT_CODE = 70
TERM_IGNORED_EXIT_CODE = 71
# A loop busy with ordinary work still runs a callback several times a second; a SIGTERM
# it has not reached in this long is not going to be reached.
DEFAULT_TERM_GRACE = 5.0


class Watchdog:
    def __init__(
        self,
        stuck_timeout: float,
        *,
        term_grace: float = DEFAULT_TERM_GRACE,
        exit: Callable[[int], object] = os._exit,
    ) -> None:
        self.stuck_timeout = stuck_timeout
        self.term_grace = term_grace
        # Beat several times within the limit, so a healthy loop is never near it.
        self.beat_interval = min(1.0, stuck_timeout / 4, term_grace / 4)
        self._exit = exit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._last_beat = time.monotonic()
        self._term_at: float | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Call from the loop's thread (the main thread, for the SIGTERM hook)."""
        self._loop = loop
        self._last_beat = time.monotonic()
        loop.call_soon(self._beat)
        if threading.current_thread() is threading.main_thread():
            self._hook_sigterm()
        threading.Thread(target=self._watch, name="kabinet-watchdog", daemon=True).start()
        log.info(
            "worker %d: watchdog on (event loop blocked %.0f s, or SIGTERM unheeded %.0f s: exit)",
            os.getpid(),
            self.stuck_timeout,
            self.term_grace,
        )

    def _beat(self) -> None:
        self._last_beat = time.monotonic()
        assert self._loop is not None
        self._loop.call_later(self.beat_interval, self._beat)

    def _hook_sigterm(self) -> None:
        # Python runs a signal handler between bytecodes even while a callback hogs the
        # loop, so the time of the SIGTERM is known here although the loop never sees it.
        previous = signal.getsignal(signal.SIGTERM)

        def on_sigterm(sig: int, frame: FrameType | None) -> None:
            if self._term_at is None:
                self._term_at = time.monotonic()
            if callable(previous):
                previous(sig, frame)
            elif previous == signal.SIG_DFL:
                # No one else handles it: keep the default meaning (end the process).
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.raise_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, on_sigterm)

    def _watch(self) -> None:
        assert self._loop is not None
        while True:
            time.sleep(self.beat_interval / 2)
            if not self._loop.is_running():
                return  # the server has finished: nothing left to watch
            now = time.monotonic()
            # How long past its due time the next beat is: the time the loop has not run.
            late = now - self._last_beat - self.beat_interval
            if late > self.stuck_timeout:
                self._end(
                    STUCK_EXIT_CODE,
                    "worker %d: event loop blocked for %.1f s (limit %.1f s), exiting "
                    "so that the supervisor replaces it",
                    os.getpid(),
                    late,
                    self.stuck_timeout,
                )
                return
            term_at = self._term_at
            if (
                term_at is not None
                and self._last_beat < term_at
                and now - term_at > self.term_grace
            ):
                self._end(
                    TERM_IGNORED_EXIT_CODE,
                    "worker %d: SIGTERM not acted upon for %.1f s (event loop blocked), exiting",
                    os.getpid(),
                    now - term_at,
                )
                return

    def _end(self, code: int, message: str, *args: object) -> None:
        log.error(message, *args)
        for handler in logging.getLogger().handlers + log.handlers:
            handler.flush()
        self._exit(code)
