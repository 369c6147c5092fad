"""What one request did, gathered as it runs and read when it ends: by the metrics
(gateway/metrics.py) and by the access log line (gateway/logs.py).

One mutable record per HTTP request in a ContextVar: the middleware creates it, the
GraphQL layer (schema/observe.py) fills in the operation, the database wrapper adds its
statements. Tasks a request starts copy the context, so they add to the same record."""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field

# Operation names come from the client: only well-formed ones, and a bounded number per
# process, become metric labels (each distinct name is a time series kept for ever).
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATION_NAMES = 200
_seen_names: set[str] = set()


@dataclass(slots=True)
class RequestRecord:
    path: str = ""
    method: str = ""
    operation: str = ""  # the operation's name; "" for none (not GraphQL, or anonymous)
    operation_type: str = ""  # query, mutation, subscription
    viewer_kind: str = "anonymous"  # subscriber, partner, anonymous
    error_codes: list[str] = field(default_factory=list)
    status: int = 0
    duration: float = 0.0  # seconds, first byte to the end of the response
    sql_statements: int = 0
    sql_seconds: float = 0.0

    @property
    def outcome(self) -> str:
        """ok, error (the answer carries errors) or failed (5xx without GraphQL errors)."""
        if self.error_codes:
            return "error"
        return "failed" if self.status >= 500 else "ok"


_record: ContextVar[RequestRecord | None] = ContextVar("request_record", default=None)


def current_record() -> RequestRecord | None:
    return _record.get()


def begin_record(path: str, method: str = "") -> tuple[RequestRecord, object]:
    record = RequestRecord(path=path, method=method)
    return record, _record.set(record)


def end_record(token: object) -> None:
    _record.reset(token)  # type: ignore[arg-type]


def operation_label(name: str | None) -> str:
    """The name as a metric label: "anonymous" for none, "other" past the bound."""
    if not name:
        return "anonymous"
    if name in _seen_names:
        return name
    if not _NAME.match(name) or len(_seen_names) >= MAX_OPERATION_NAMES:
        return "other"
    _seen_names.add(name)
    return name


def viewer_kind(viewer: object) -> str:
    if getattr(viewer, "is_subscriber", False):
        return "subscriber"
    if getattr(viewer, "is_partner", False):
        return "partner"
    return "anonymous"
