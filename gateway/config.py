"""Settings read from the environment once at start, validated with messages a person can act on."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from gateway.email import SmtpSettings
from resolvers.policy import DocumentLimits, RequestPolicy

DEFAULT_DATABASE_URL = "sqlite://var/kabinet.sqlite3"
ENVIRONMENTS = ("dev", "prod")
# A dev-only key so `make run` works with no set-up; prod refuses to start without a real one.
DEV_SECRET_KEY = "kabinet-dev-secret-key-not-for-production"  # noqa: S105 (dev only, prod refuses it)
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and says what to do."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    env: str = "dev"
    secret_key: str = DEV_SECRET_KEY
    host: str = "127.0.0.1"
    port: int = 8000
    sms_backend: str = "file"
    sms_outbox_path: Path = field(default_factory=lambda: Path("var/sms-outbox.jsonl"))
    sms_http_url: str | None = None
    sms_http_timeout: float = 5.0
    # E-mail (README, "Settings"): .eml files in a folder (dev) or an SMTP server.
    email_backend: str = "file"
    email_outbox_dir: Path = field(default_factory=lambda: Path("var/mail"))
    email_from: str = "Kabinet <no-reply@kabinet.localhost>"
    smtp: SmtpSettings | None = None
    payment_provider: str = "sandbox"
    topup_min: Decimal = Decimal("10.00")
    topup_max: Decimal = Decimal("15000.00")
    topup_daily_limit: Decimal = Decimal("50000.00")
    internal_api_token: str | None = None
    free_sms_daily_limit: int = 50  # free SMS a number may send from the cabinet a day
    # The background worker inside the gateway process (a single-machine install).
    inprocess_worker: bool = False
    worker_interval: float = 60.0  # seconds between its passes
    notify_interval: float = 5.0  # seconds between two looks at the notification outbox
    # GET /metrics: with this token as Bearer; without one, open in dev and off in prod.
    metrics_token: str | None = None
    # Hardening (README, "Limits"): document limits, time limits, proxies, prod rules.
    document_limits: DocumentLimits = field(default_factory=DocumentLimits)
    max_body_bytes: int = 262_144
    header_timeout: float = 10.0  # seconds for a request's headers to arrive
    body_timeout: float = 30.0  # seconds for its body, once the headers are in
    keepalive_timeout: float = 5.0  # an idle keep-alive connection is closed after this
    max_connections: int = 1000  # concurrent connections per worker; above, 503
    request_timeout: float = 5.0  # one request's execution, then cancelled (TIMEOUT)
    worker_stuck_timeout: float = 30.0  # an event loop blocked this long: worker replaced
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-For is believed
    introspection_key: str | None = None  # prod: introspection only with this key
    trusted_documents: str = "accept"  # or "require" (first-party clients send ids only)
    rate_limit_viewer: str = "300/minute"  # root fields per signed-in viewer or partner app
    rate_limit_ip: str = "1200/minute"  # root fields per client address
    # Networks many subscribers share (the operator's own NAT pools): signed-in requests
    # from them are counted per viewer only, anonymous ones per address as everywhere.
    rate_limit_shared_networks: tuple[str, ...] = ()
    ws_max_subscriptions_per_connection: int = 10
    ws_max_subscriptions_per_viewer: int = 20
    ws_init_timeout: float = 10.0  # seconds from the WebSocket upgrade to connection_init

    @property
    def is_prod(self) -> bool:
        return self.env == "prod"

    @property
    def graphiql_enabled(self) -> bool:
        return not self.is_prod

    @property
    def request_policy(self) -> RequestPolicy:
        return RequestPolicy(
            limits=self.document_limits,
            hide_suggestions=self.is_prod,
            introspection_key=self.introspection_key,
            introspection_open=not self.is_prod,
            request_timeout=self.request_timeout,
            trusted_documents=self.trusted_documents,
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite://")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    kabinet_env = env.get("KABINET_ENV", "dev").strip() or "dev"
    if kabinet_env not in ENVIRONMENTS:
        raise ConfigError(
            f"KABINET_ENV must be one of {', '.join(ENVIRONMENTS)}, not {kabinet_env!r}"
        )

    secret_key = env.get("SECRET_KEY", "")
    if not secret_key:
        if kabinet_env == "prod":
            raise ConfigError(
                "SECRET_KEY is required when KABINET_ENV=prod (at least 32 characters)"
            )
        secret_key = DEV_SECRET_KEY
    elif kabinet_env == "prod" and secret_key == DEV_SECRET_KEY:
        raise ConfigError("SECRET_KEY must not be the development key when KABINET_ENV=prod")
    elif len(secret_key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters long")

    database_url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    _check_database_url(database_url)

    redis_url = env.get("REDIS_URL", "").strip() or None
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://")

    sms_backend = env.get("SMS_BACKEND", "file").strip() or "file"
    if sms_backend not in ("file", "http"):
        raise ConfigError(f"SMS_BACKEND must be 'file' or 'http', not {sms_backend!r}")
    sms_http_url = env.get("SMS_HTTP_URL", "").strip() or None
    if sms_backend == "http" and not sms_http_url:
        raise ConfigError("SMS_HTTP_URL is required when SMS_BACKEND=http")

    payment_provider = env.get("PAYMENT_PROVIDER", "sandbox").strip() or "sandbox"
    if payment_provider != "sandbox":
        raise ConfigError(
            "PAYMENT_PROVIDER must be 'sandbox' (the only adapter so far), "
            f"not {payment_provider!r}"
        )
    return Settings(
        **_hardening(env),
        **_email(env),
        payment_provider=payment_provider,
        topup_min=_money("TOPUP_MIN_AMOUNT", env.get("TOPUP_MIN_AMOUNT", "10.00")),
        topup_max=_money("TOPUP_MAX_AMOUNT", env.get("TOPUP_MAX_AMOUNT", "15000.00")),
        topup_daily_limit=_money("TOPUP_DAILY_LIMIT", env.get("TOPUP_DAILY_LIMIT", "50000.00")),
        internal_api_token=_internal_token(env.get("INTERNAL_API_TOKEN", "")),
        inprocess_worker=_flag("KABINET_INPROCESS_WORKER", env.get("KABINET_INPROCESS_WORKER", "")),
        worker_interval=_positive_float(
            "KABINET_WORKER_INTERVAL", env.get("KABINET_WORKER_INTERVAL", "").strip() or "60"
        ),
        metrics_token=_internal_token(env.get("METRICS_TOKEN", ""), "METRICS_TOKEN"),
        database_url=database_url,
        redis_url=redis_url,
        env=kabinet_env,
        secret_key=secret_key,
        host=env.get("HOST", "127.0.0.1"),
        port=_port(env.get("PORT", "8000")),
        sms_backend=sms_backend,
        sms_outbox_path=Path(env.get("SMS_OUTBOX_PATH", "var/sms-outbox.jsonl")),
        sms_http_url=sms_http_url,
        sms_http_timeout=_positive_float("SMS_HTTP_TIMEOUT", env.get("SMS_HTTP_TIMEOUT", "5")),
    )


def _hardening(env: Mapping[str, str]) -> dict[str, object]:
    """The limits of the README's "Limits" table; every one a positive number."""

    def whole(name: str, default: int) -> int:
        raw = env.get(name, "").strip() or str(default)
        if not raw.isdigit() or int(raw) <= 0:
            raise ConfigError(f"{name} must be a positive whole number, not {raw!r}")
        return int(raw)

    def seconds(name: str, default: float) -> float:
        return _positive_float(name, env.get(name, "").strip() or str(default))

    base = DocumentLimits()
    limits = DocumentLimits(
        max_depth=whole("GRAPHQL_MAX_DEPTH", base.max_depth),
        max_aliases=whole("GRAPHQL_MAX_ALIASES", base.max_aliases),
        max_directives=whole("GRAPHQL_MAX_DIRECTIVES", base.max_directives),
        max_tokens=whole("GRAPHQL_MAX_TOKENS", base.max_tokens),
        max_cost=whole("GRAPHQL_MAX_COST", base.max_cost),
        max_document_bytes=whole("GRAPHQL_MAX_DOCUMENT_BYTES", base.max_document_bytes),
        max_json_depth=whole("GRAPHQL_MAX_JSON_DEPTH", base.max_json_depth),
        max_field_comparisons=whole("GRAPHQL_MAX_FIELD_COMPARISONS", base.max_field_comparisons),
    )
    trusted_documents = env.get("TRUSTED_DOCUMENTS", "").strip() or "accept"
    if trusted_documents not in ("accept", "require"):
        raise ConfigError(
            f"TRUSTED_DOCUMENTS must be 'accept' or 'require', not {trusted_documents!r}"
        )
    introspection_key = env.get("INTROSPECTION_KEY", "").strip() or None
    if introspection_key and len(introspection_key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(f"INTROSPECTION_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters")
    defaults = Settings()
    return {
        "document_limits": limits,
        "max_body_bytes": whole("HTTP_MAX_BODY_BYTES", defaults.max_body_bytes),
        "header_timeout": seconds("HTTP_HEADER_TIMEOUT", defaults.header_timeout),
        "body_timeout": seconds("HTTP_BODY_TIMEOUT", defaults.body_timeout),
        "keepalive_timeout": seconds("HTTP_KEEPALIVE_TIMEOUT", defaults.keepalive_timeout),
        "max_connections": whole("HTTP_MAX_CONNECTIONS", defaults.max_connections),
        "request_timeout": seconds("REQUEST_TIMEOUT", defaults.request_timeout),
        "worker_stuck_timeout": seconds("WORKER_STUCK_TIMEOUT", defaults.worker_stuck_timeout),
        "trusted_proxies": _trusted_proxies(env.get("TRUSTED_PROXIES", "")),
        "introspection_key": introspection_key,
        "trusted_documents": trusted_documents,
        "rate_limit_viewer": _rate(env, "RATE_LIMIT_VIEWER", defaults.rate_limit_viewer),
        "rate_limit_ip": _rate(env, "RATE_LIMIT_IP", defaults.rate_limit_ip),
        "rate_limit_shared_networks": _networks(
            "RATE_LIMIT_SHARED_NETWORKS", env.get("RATE_LIMIT_SHARED_NETWORKS", "")
        ),
        "ws_max_subscriptions_per_connection": whole(
            "WS_MAX_SUBSCRIPTIONS_PER_CONNECTION", defaults.ws_max_subscriptions_per_connection
        ),
        "ws_max_subscriptions_per_viewer": whole(
            "WS_MAX_SUBSCRIPTIONS_PER_VIEWER", defaults.ws_max_subscriptions_per_viewer
        ),
        "ws_init_timeout": seconds("WS_INIT_TIMEOUT", defaults.ws_init_timeout),
        "free_sms_daily_limit": whole("FREE_SMS_DAILY_LIMIT", defaults.free_sms_daily_limit),
        "notify_interval": seconds("KABINET_NOTIFY_INTERVAL", defaults.notify_interval),
    }


def _email(env: Mapping[str, str]) -> dict[str, object]:
    backend = env.get("EMAIL_BACKEND", "").strip() or "file"
    if backend not in ("file", "smtp"):
        raise ConfigError(f"EMAIL_BACKEND must be 'file' or 'smtp', not {backend!r}")
    smtp = None
    if backend == "smtp":
        host = env.get("SMTP_HOST", "").strip()
        if not host:
            raise ConfigError("SMTP_HOST is required when EMAIL_BACKEND=smtp")
        security = env.get("SMTP_SECURITY", "").strip() or "starttls"
        if security not in ("starttls", "tls", "none"):
            raise ConfigError(
                f"SMTP_SECURITY must be 'starttls', 'tls' or 'none', not {security!r}"
            )
        raw_port = env.get("SMTP_PORT", "").strip() or ("465" if security == "tls" else "587")
        if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
            raise ConfigError(f"SMTP_PORT must be a number from 1 to 65535, not {raw_port!r}")
        smtp = SmtpSettings(
            host=host,
            port=int(raw_port),
            username=env.get("SMTP_USERNAME", "").strip() or None,
            password=env.get("SMTP_PASSWORD", "") or None,
            security=security,
        )
    sender = env.get("EMAIL_FROM", "").strip() or Settings.email_from
    if "@" not in sender:
        raise ConfigError(f"EMAIL_FROM must be an e-mail address, not {sender!r}")
    return {
        "email_backend": backend,
        "email_outbox_dir": Path(env.get("EMAIL_OUTBOX_DIR", "").strip() or "var/mail"),
        "email_from": sender,
        "smtp": smtp,
    }


def _networks(name: str, raw: str) -> tuple[str, ...]:
    import ipaddress

    networks = []
    for item in (item.strip() for item in raw.replace(" ", ",").split(",")):
        if not item:
            continue
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ConfigError(f"{name} must list IP networks (CIDR), not {item!r}") from None
    return tuple(networks)


def _trusted_proxies(raw: str) -> tuple[str, ...]:
    """Addresses or networks (CIDR) of the proxies in front; none by default, so
    X-Forwarded-For is ignored unless a proxy we know put it there. Written the way
    uvicorn's matcher reads them: it reads a network with host bits set (10.0.0.1/8) as a
    name that never matches, so networks are normalised (10.0.0.0/8)."""
    import ipaddress

    proxies = []
    for item in (item.strip() for item in raw.replace(" ", ",").split(",")):
        if not item:
            continue
        try:
            if "/" in item:
                proxies.append(str(ipaddress.ip_network(item, strict=False)))
            else:
                proxies.append(str(ipaddress.ip_address(item)))
        except ValueError:
            raise ConfigError(
                f"TRUSTED_PROXIES must list IP addresses or networks, not {item!r}"
            ) from None
    return tuple(proxies)


def _rate(env: Mapping[str, str], name: str, default: str) -> str:
    """`N/second|minute|hour|day`, as the `limits` library reads it."""
    import re

    raw = env.get(name, "").strip() or default
    if not re.fullmatch(r"[1-9][0-9]*\s*/\s*(second|minute|hour|day)", raw):
        raise ConfigError(f"{name} must look like 300/minute, not {raw!r}")
    return raw


def _port(raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"PORT must be a number from 1 to 65535, not {raw!r}")
    return int(raw)


def _positive_float(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be 1 or 0, not {raw!r}")


def _internal_token(raw: str, name: str = "INTERNAL_API_TOKEN") -> str | None:
    token = raw.strip()
    if token and len(token) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(f"{name} must be at least {MIN_SECRET_KEY_LENGTH} characters")
    return token or None


def _money(name: str, raw: str) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal(-1)
    if value <= 0 or value != value.quantize(Decimal("0.01")):
        raise ConfigError(f"{name} must be a positive amount with at most 2 decimals, not {raw!r}")
    return value


def _check_database_url(url: str) -> None:
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in ("sqlite", "postgres", "postgresql", "asyncpg"):
        raise ConfigError(
            "DATABASE_URL must be sqlite://PATH or postgres://USER@HOST:PORT/DB, "
            f"not {redact_url(url)!r}"
        )
    if scheme == "sqlite" and url == "sqlite://":
        raise ConfigError(
            "DATABASE_URL sqlite:// needs a file path, e.g. sqlite://var/kabinet.sqlite3"
        )


def redact_url(url: str) -> str:
    """The URL with its password replaced, safe to print."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
