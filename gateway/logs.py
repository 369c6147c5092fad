"""Logging set-up (structlog over the standard library) and the access log line.

Every `logging` call in Kabinet, uvicorn and the libraries goes through one handler whose
formatter is structlog's: in prod one JSON object a line (time, level, logger, request
id, event and whatever fields the call gave), in dev the same fields as readable text.
LOG_FORMAT=json|text overrides the choice the environment (KABINET_ENV) makes.

What never reaches a line: tokens, sign-in codes, passwords and card data. No Kabinet log
call passes them; `_drop_secrets` removes fields with such names should one ever do, and
the SQL log (which carries parameter values) stays off above DEBUG."""

from __future__ import annotations

import logging
import os
import sys
from typing import IO, Any

import structlog
from structlog.typing import EventDict, WrappedLogger

from gateway.observe import RequestRecord
from gateway.request_id import current_request_id

access_log = logging.getLogger("kabinet.access")

_SECRET_KEYS = frozenset(
    {
        "password",
        "code",
        "token",
        "access_token",
        "refresh_token",
        "authorization",
        "card",
        "card_number",
        "card_token",
        "pan",
        "cvv",
        "secret",
        "client_secret",
    }
)


def _add_request_id(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    event.setdefault("request_id", current_request_id())
    return event


def _drop_secrets(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    for key in _SECRET_KEYS.intersection(event):
        event[key] = "[redacted]"
    event.pop("color_message", None)  # uvicorn's terminal colours of the same message
    return event


def wants_json(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    chosen = environ.get("LOG_FORMAT", "").strip().lower()
    if chosen in ("json", "text"):
        return chosen == "json"
    return environ.get("KABINET_ENV", "dev").strip() == "prod"


def configure_logging(
    level: int = logging.INFO, *, json: bool | None = None, stream: IO[str] | None = None
) -> None:
    as_json = wants_json() if json is None else json
    shared: list[Any] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),  # `extra={...}` of a logging call: its fields
        _add_request_id,
        _drop_secrets,
        # "timestamp" is the key the text renderer puts first; JSON lines say "time".
        structlog.processors.TimeStamper(
            fmt="iso", utc=True, key="time" if as_json else "timestamp"
        ),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if as_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if as_json else _keep,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn gives its loggers handlers of their own (its text format): through ours.
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # The access line is ours (log_access: with the operation, viewer kind, duration).
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers[:] = []
    uvicorn_access.propagate = False
    # The SQL log carries parameter values (hashes, phone numbers): never above DEBUG.
    logging.getLogger("tortoise.db_client").setLevel(logging.WARNING)
    # Neither renderer shows where a call was made, its thread or its process: logging's
    # documented switches ("Optimization" in its HOWTO) stop it from collecting them for
    # every record, a fifth of the access line's cost.
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def _keep(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    return event  # text: ConsoleRenderer prints the traceback itself


def log_access(record: RequestRecord) -> None:
    """One line per HTTP request, once its response is sent."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    fields: dict[str, Any] = {
        "method": record.method,
        "path": record.path,
        "status": record.status,
        "duration_ms": round(record.duration * 1000, 2),
        "viewer_kind": record.viewer_kind,
        "sql_statements": record.sql_statements,
    }
    if record.operation_type:
        fields["operation"] = record.operation or None
        fields["operation_type"] = record.operation_type
        fields["outcome"] = record.outcome
    if record.error_codes:
        fields["error_codes"] = sorted(set(record.error_codes))
    access_log.info("request", extra=fields)
