"""The background worker: settles interrupted payments, runs autopay rules and switches
tariff changes scheduled for the next period, every interval; delivers the notification
outbox every few seconds. Several workers may run at
once (each rule's payment and each scheduled change is claimed, and idempotent)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

from prometheus_client import start_http_server

from gateway.config import Settings
from gateway.db import close_database, open_database
from gateway.logs import configure_logging
from gateway.metrics import JOB_FAILURES, JOB_RUNS
from gateway.services import build_services, close_services
from resolvers.money.autopay import run_due
from resolvers.money.payments import reconcile_pending
from resolvers.notifications.delivery import deliver_due
from resolvers.operations.scheduled import switch_due_tariffs
from resolvers.services import Services

log = logging.getLogger("kabinet.worker")

# Seconds between two looks at the notification outbox: a top-up's SMS should not wait for
# the minute-long pass of the money jobs (KABINET_NOTIFY_INTERVAL).
DELIVERY_INTERVAL = Settings.notify_interval


def worker_in_process(asked: bool, workers: int) -> bool:
    """Whether a gateway process runs the worker loop itself: only when asked and when it
    is the host's only gateway process (with --workers N each would run one; the jobs stay
    exactly-once even then, but N loops on one host are N times the polling for nothing)."""
    return asked and workers == 1


@contextlib.asynccontextmanager
async def counted(job: str) -> AsyncIterator[None]:
    """One pass of a job: a run, or a failure (counted, then re-raised)."""
    try:
        yield
    except Exception:
        JOB_FAILURES.labels(job).inc()
        raise
    JOB_RUNS.labels(f"{job}_pass", "done").inc()


async def run_pass(services: Services) -> None:
    async with counted("reconcile"):
        settled = await reconcile_pending(services)
    if settled:
        log.info("settled %s interrupted payment(s)", settled)
    async with counted("autopay"):
        runs = await run_due(services, services.clock())
    for run in runs:
        JOB_RUNS.labels("autopay", str(run.outcome)).inc()
        log.info("autopay rule %s: %s %s", run.rule_id, run.outcome, run.detail)
    async with counted("tariff_switch"):
        switched_changes = await switch_due_tariffs(services.clock())
    for switched in switched_changes:
        JOB_RUNS.labels("tariff_switch", str(getattr(switched.status, "value", ""))).inc()
        log.info(
            "tariff change %s: %s %s", switched.operation_id, switched.status, switched.reason or ""
        )


async def deliver_notifications(services: Services) -> None:
    async with counted("notifications"):
        outcomes = await deliver_due(services)
    for outcome, how_many in outcomes.items():
        JOB_RUNS.labels("notification", outcome).inc(how_many)


async def deliver_every(
    services: Services, interval_seconds: float, stop: asyncio.Event, once: bool = False
) -> None:
    """The outbox, delivered every interval until `stop` (a failed pass is logged)."""
    while not stop.is_set():
        try:
            await deliver_notifications(services)
        except Exception:
            log.exception("notification delivery failed; retrying at the next interval")
        if once:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)


async def run_passes(
    services: Services,
    interval_seconds: float,
    stop: asyncio.Event,
    once: bool = False,
    delivery_interval: float = DELIVERY_INTERVAL,
) -> None:
    """A pass every interval until `stop`; a pass that fails is logged and the next one
    runs (inside a gateway, the worker must not take the process down with it). The
    notification outbox has its own, shorter, interval."""
    if once:
        await _money_passes(services, interval_seconds, _already_set())
        await deliver_every(services, delivery_interval, asyncio.Event(), once=True)
        return
    deliveries = asyncio.create_task(
        deliver_every(services, delivery_interval, stop), name="notifications"
    )
    try:
        await _money_passes(services, interval_seconds, stop)
    finally:
        stop.set()
        await deliveries  # a delivery in flight finishes: its row is marked


def _already_set() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event


async def _money_passes(services: Services, interval_seconds: float, stop: asyncio.Event) -> None:
    while True:
        try:
            await run_pass(services)
        except Exception:
            log.exception("worker pass failed; retrying at the next interval")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
        if stop.is_set():
            return


async def run_worker(
    settings: Settings, interval_seconds: float, once: bool, metrics_port: int | None = None
) -> int:
    configure_logging()
    if metrics_port:
        # The worker is a process of its own, outside the gateway's metrics directory:
        # its counters are scraped from it, on the loopback interface only.
        start_http_server(metrics_port, addr="127.0.0.1")
        log.info("metrics on http://127.0.0.1:%d/metrics", metrics_port)
    await open_database(settings.database_url)
    services = build_services(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await run_passes(
            services, interval_seconds, stop, once, delivery_interval=settings.notify_interval
        )
    finally:
        await close_services(services)
        await close_database()
    return 0
