"""How `kabinet serve` runs uvicorn: time limits on reading a request, a connection cap,
proxy headers only from trusted proxies, and worker processes under a supervisor that
replaces a worker whose event loop is stuck (gateway/watchdog.py).

uvicorn bounds only the idle time between requests (timeout_keep_alive); a client that
trickles its headers or its body a byte at a time holds a connection (and a file) for as
long as it likes. `TimedHttpToolsProtocol` adds the two missing deadlines."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import resource
from typing import Any, Literal

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from gateway.config import Settings
from gateway.metrics_dir import MetricsMultiprocess, metrics_directory
from gateway.watchdog import Watchdog

log = logging.getLogger("kabinet.transport")

_TIMEOUT_BODY = json.dumps(
    {
        "errors": [
            {
                "message": "The request was not received in time.",
                "extensions": {"code": "REQUEST_TIMEOUT"},
            }
        ]
    },
    separators=(",", ":"),
).encode()


class GatewayConfig(Config):
    """uvicorn's Config plus Kabinet's own transport settings. uvicorn pickles the config
    into every worker it spawns (the first ones and each replacement), so whatever a worker
    needs travels here; `load()` runs once in each worker, on its event loop, and starts
    that worker's watchdog."""

    def __init__(
        self,
        *args: Any,
        header_timeout: float,
        body_timeout: float,
        worker_stuck_timeout: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.worker_stuck_timeout = worker_stuck_timeout

    def load(self) -> None:
        from gateway.logs import configure_logging

        super().load()
        configure_logging()  # now, not at the app's start-up: the watchdog may speak first
        Watchdog(self.worker_stuck_timeout).start(asyncio.get_running_loop())
        tune_garbage_collector()


# A request allocates tens of thousands of objects (a document, validation, a result), so
# the default first-generation threshold (700) runs the cyclic collector dozens of times
# per request, each time walking everything young. Fewer, larger collections; and what
# exists once the worker has started (modules, the schema, the executor's plans) lives
# for the whole process: frozen, it is never walked again.
GC_THRESHOLDS = (10_000, 20, 20)


def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class TimedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for a request's headers (from the
    connection's first byte or a request's first byte) and one for its body (from the end
    of its headers to the end of the message). On expiry the client gets 408 if no response
    is on the wire yet, and the connection is closed either way."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout: float = getattr(config, "header_timeout", 10.0)
        self.body_timeout: float = getattr(config, "body_timeout", 30.0)
        self._phase: Literal["idle", "headers", "body"] = "idle"
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # A connection that never sends a byte is a request whose headers are late.
        self._arm("headers")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # Bytes between requests that do not begin one (stray CRLFs) still start the clock:
        # otherwise they would cancel the keep-alive timer and leave no deadline at all.
        if self._phase == "idle":
            self._arm("headers")
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._phase != "headers":
            self._arm("headers")

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        if self.parser.should_upgrade() and self._should_upgrade():
            self._disarm()  # a WebSocket: its own protocol takes over the connection
        else:
            self._arm("body")

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._disarm()

    def handle_websocket_upgrade(self) -> None:
        self._disarm()
        super().handle_websocket_upgrade()

    def _arm(self, phase: Literal["headers", "body"]) -> None:
        self._disarm()
        self._phase = phase
        timeout = self.header_timeout if phase == "headers" else self.body_timeout
        self._deadline = self.loop.call_later(timeout, self._expired, phase)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._phase = "idle"

    def _expired(self, phase: str) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if phase == "headers":
            # A pipelined request's headers may be late while the previous response is
            # still being written: a 408 cannot be put in the middle of it.
            answerable = cycle is None or cycle.response_complete
        else:
            answerable = cycle is not None and not cycle.response_started
        log.debug("%s: request %s not received in time, connection closed", self.client, phase)
        if cycle is not None and not cycle.response_complete:
            # The application, if it is reading this body, sees a disconnect and its late
            # answer is dropped instead of being written after the 408.
            cycle.disconnected = True
            cycle.message_event.set()
        if answerable:
            self.transport.write(self._timeout_response())
        self.transport.close()

    def _timeout_response(self) -> bytes:
        content = [STATUS_LINE[408]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: application/json; charset=utf-8\r\n",
                b"content-length: " + str(len(_TIMEOUT_BODY)).encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
                _TIMEOUT_BODY,
            ]
        )
        return b"".join(content)


def raise_open_files_limit() -> tuple[int, int]:
    """Soft RLIMIT_NOFILE up to the hard limit (workers inherit it): every open connection
    is a file, and the usual soft limit (1024) is reached long before the connection cap of
    a few workers. Returns the (soft, hard) limits now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError) as exc:  # e.g. an unlimited hard limit the kernel caps
            log.warning("could not raise the open-files limit from %d to %d: %s", soft, hard, exc)
    before = soft
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    log.info("open-files limit: soft %d (was %d), hard %d", soft, before, hard)
    return soft, hard


def uvicorn_config(settings: Settings, *, host: str, port: int, workers: int) -> GatewayConfig:
    from gateway.limits import MAX_WS_MESSAGE_BYTES

    proxies = list(settings.trusted_proxies)
    return GatewayConfig(
        "gateway.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http=TimedHttpToolsProtocol,
        access_log=False,
        # X-Forwarded-For is believed only from a proxy we were told about: from anyone
        # else it is whatever the client chose to write (uvicorn's default trusts
        # 127.0.0.1, i.e. any local process or a same-host proxy's other clients).
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        ws_max_size=MAX_WS_MESSAGE_BYTES,
        timeout_keep_alive=settings.keepalive_timeout,  # type: ignore[arg-type]  # a float works
        # uvicorn counts the connection asking among the open ones (>= limit gives 503), so
        # max_connections served means a limit one above it.
        limit_concurrency=settings.max_connections + 1,
        # A graceful shutdown waits for running requests, but not for ever.
        timeout_graceful_shutdown=int(settings.request_timeout) + 5,
        header_timeout=settings.header_timeout,
        body_timeout=settings.body_timeout,
        worker_stuck_timeout=settings.worker_stuck_timeout,
    )


def serve(settings: Settings, *, host: str, port: int, workers: int) -> int:
    """Runs the gateway until SIGTERM/SIGINT; the workers under uvicorn's supervisor even
    when there is one, so that a worker that dies (or is ended by its watchdog) is
    replaced. Returns the exit code."""
    from gateway.logs import configure_logging

    config = uvicorn_config(settings, host=host, port=port, workers=workers)
    configure_logging()  # after uvicorn's own logging set-up, for kabinet.* lines here
    raise_open_files_limit()
    log.info(
        "time limits: headers %.0f s, body %.0f s, keep-alive %.0f s, event loop %.0f s; "
        "%d connections per worker; proxy headers from %s",
        settings.header_timeout,
        settings.body_timeout,
        settings.keepalive_timeout,
        settings.worker_stuck_timeout,
        settings.max_connections,
        ", ".join(settings.trusted_proxies) or "nobody",
    )
    with metrics_directory():
        supervisor = MetricsMultiprocess(config, sockets=[config.bind_socket()])
        supervisor.run()
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        return STARTUP_FAILURE
    return 0
