"""Builds the process-wide Services from settings: Redis or database counters, rate limits
in Redis or in memory, SMS and e-mail adapters."""

from __future__ import annotations

from ipaddress import ip_network

from gateway.config import Settings
from gateway.counters import DatabaseCounterStore, RedisCounterStore
from gateway.email import build_email_sender
from gateway.events import build_event_bus
from gateway.payments import SandboxPaymentProvider
from gateway.rate_limits import WindowRateLimiter
from gateway.sms import build_sms_sender
from resolvers.money.amounts import to_minor_units
from resolvers.services import CounterStore, MoneyLimits, Services


def build_services(settings: Settings) -> Services:
    counters: CounterStore
    if settings.redis_url:
        redis_counters = RedisCounterStore.from_url(settings.redis_url)
        counters = redis_counters
        rate_limiter = WindowRateLimiter.on_redis(
            settings.redis_url,
            redis_counters.redis.connection_pool,
            settings.rate_limit_viewer,
            settings.rate_limit_ip,
        )
    else:
        counters = DatabaseCounterStore()
        rate_limiter = WindowRateLimiter.in_memory(
            settings.rate_limit_viewer, settings.rate_limit_ip
        )
    return Services(
        payments=SandboxPaymentProvider(),
        limits=MoneyLimits(
            topup_min=to_minor_units(settings.topup_min, "RUB"),
            topup_max=to_minor_units(settings.topup_max, "RUB"),
            daily_per_payer=to_minor_units(settings.topup_daily_limit, "RUB"),
        ),
        free_sms_daily_limit=settings.free_sms_daily_limit,
        secret_key=settings.secret_key,
        counters=counters,
        shared_networks=tuple(ip_network(n) for n in settings.rate_limit_shared_networks),
        sms=build_sms_sender(
            settings.sms_backend,
            settings.sms_outbox_path,
            settings.sms_http_url,
            settings.sms_http_timeout,
        ),
        email=build_email_sender(
            settings.email_backend, settings.email_outbox_dir, settings.smtp, settings.email_from
        ),
        events=build_event_bus(settings),
        rate_limiter=rate_limiter,
    )


async def close_services(services: Services) -> None:
    await services.background.drain()
    for resource in (services.counters, services.sms, services.events):
        close = getattr(resource, "close", None)
        if close is not None:
            await close()
