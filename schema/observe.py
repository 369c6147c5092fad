"""Tells the request's record (gateway/observe.py) which operation ran, for whom, and
which error codes its answer carries: the metrics and the access log read them."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from gateway.observe import current_record, viewer_kind


class ObserveExtension(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        record = current_record()
        if record is None:
            return  # a WebSocket operation: counted by the subscription gauge
        execution = self.execution_context
        record.viewer_kind = viewer_kind(getattr(execution.context, "viewer", None))
        try:
            record.operation = execution.operation_name or ""
            record.operation_type = execution.operation_type.value
        except Exception:  # no document (it did not parse), or no such operation in it
            record.operation_type = "unknown"
        # Assigned, not added to: an operation answered twice in one request (the test
        # suite's twin executor does that) is still one answer.
        errors = getattr(execution.result, "errors", None) or ()
        record.error_codes = [_code(error.extensions) for error in errors]


def _code(extensions: dict[str, object] | None) -> str:
    code = (extensions or {}).get("code")
    return code if isinstance(code, str) else "UNKNOWN"
