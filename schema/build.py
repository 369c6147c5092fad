from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.arguments import convert_arguments
from strawberry.types.graphql import OperationType

from resolvers.errors import ClientError
from schema.contract_sessions import ContractSessionGate
from schema.document_checks import DocumentChecks
from schema.execution import executor_for
from schema.extension_hooks import ExtensionsRunner
from schema.ids import not_found_for_undecodable_id
from schema.mutation import Mutation
from schema.observe import ObserveExtension
from schema.query import Query
from schema.rate_limit import RateLimitExtension
from schema.subscription import Subscription
from schema.text import unfit_text_error, unfit_text_in
from schema.types.scalars import SCALAR_OVERRIDES

log = logging.getLogger("kabinet.errors")

MASKED_MESSAGE = "Internal server error."
# Strawberry's own refusals of an operation (e.g. a query sent over the WebSocket, which
# serves subscriptions only) are answers to the client, like our ClientErrors.
_CLIENT_FAULTS = (ClientError, InvalidOperationTypeError, CannotGetOperationTypeError)
_ONE_SHOT = {OperationType.QUERY, OperationType.MUTATION}


def _should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if not_found_for_undecodable_id(error) is not None:
        return True  # replaced (not logged) by MaskInternalErrors.anonymise_error
    if original is None or isinstance(original, _CLIENT_FAULTS):
        return False  # syntax/validation errors and errors we raise on purpose are for the client
    if isinstance(original, GraphQLError):
        return False  # graphql-core's own refusal of an input (e.g. a variable's enum value)
    log.error("internal error at %s", error.path, exc_info=original)
    return True


class MaskInternalErrors(MaskErrors):
    """Internal errors reach the client as one message with a code and the request id;
    the log line written in `_should_mask` carries the same id with the traceback. An id
    strawberry could not decode (in its argument conversion, before any resolver) gets
    its answer instead: NOT_FOUND, like an id that names nothing."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        answered = not_found_for_undecodable_id(error)
        if answered is not None:
            return answered
        masked = super().anonymise_error(error)
        request_id = getattr(self.execution_context.context, "request_id", "") or "-"
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return masked

    def _process_result(self, result: object) -> None:
        # Strawberry first asks whether the result fits a runtime-checked Protocol, which
        # costs more than the rest of the hook; most results have no errors to mask.
        if getattr(result, "errors", None):
            super()._process_result(result)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            # Before execution, what is left uncoded is the refusal of a variable's value.
            if error.path is None and not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}
        return processed


class KabinetSchema(strawberry.Schema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plain reads skip graphql-core's per-field machinery (schema/execution.py).
        self.execution_context_class = executor_for(
            self._schema,
            self.config.info_class,
            self.config.default_resolver,
            partial(
                convert_arguments,
                scalar_registry=self.schema_converter.scalar_registry,
                config=self.config,
            ),
        )

    def create_extensions_runner(
        self, execution_context: Any, extensions: list[Any]
    ) -> ExtensionsRunner:
        # The extensions' hooks looked up once per class, not per request.
        return ExtensionsRunner(execution_context=execution_context, extensions=extensions)

    async def execute(  # type: ignore[override]
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        *args: Any,
        allowed_operation_types: Iterable[OperationType] | None = None,
        **kwargs: Any,
    ) -> ExecutionResult:
        if unfit_text_in(variable_values):  # literals: TextInLiterals, in validation
            return ExecutionResult(data=None, errors=[unfit_text_error()])
        # Subscriptions are served over the WebSocket (graphql-transport-ws, schema.subscribe).
        # Executed once over HTTP, a subscription would answer `null` as if that were data:
        # refused instead (strawberry's view answers 400 "subscriptions are not allowed").
        allowed = set(allowed_operation_types or _ONE_SHOT) - {OperationType.SUBSCRIPTION}
        return await super().execute(
            query, variable_values, *args, allowed_operation_types=allowed, **kwargs
        )

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # Errors a client caused are answers, not incidents; internal ones are logged (with
        # their traceback and request id) where they are masked, in _should_mask.
        for error in errors:
            log.debug("client error at %s: %s", error.path, error.message)


def build_schema() -> strawberry.Schema:
    return KabinetSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # Strict Decimal (money) and DateTime under their usual names (types/scalars.py).
        scalar_overrides=SCALAR_OVERRIDES,
        extensions=[
            # Factories, not instances: strawberry builds them per request; the caches
            # live at module level, shared by every request. The document limits of the
            # request's policy are checked before validation, validation before execution.
            ObserveExtension,  # first in, last out: sees the answer after masking
            DocumentChecks,
            RateLimitExtension,  # root fields per viewer and per address, before any work
            ContractSessionGate,  # a contract's session: its contract's mutations only
            lambda: MaskInternalErrors(
                should_mask_error=_should_mask, error_message=MASKED_MESSAGE
            ),
        ],
    )
