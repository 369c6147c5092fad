from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
)
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers.errors import ClientError
from schema.execution import executor_for
from schema.ids import not_found_for_undecodable_id
from schema.mutation import Mutation
from schema.query import Query
from schema.subscription import Subscription
from schema.text import TextInLiterals, unfit_text_error, unfit_text_in
from schema.types.scalars import SCALAR_OVERRIDES
from schema.validation_cache import DocumentValidationCache

log = logging.getLogger("kabinet.errors")

MAX_QUERY_DEPTH = 15
MAX_QUERY_TOKENS = 5000
MASKED_MESSAGE = "Internal server error."
# Built once: QueryDepthLimiter makes a new rule class per instance, and the validation
# cache is keyed by the rule classes, so a per-request limiter would miss the cache always.
_DEPTH_RULES = QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH).validation_rules
# Strawberry's own refusals of an operation (e.g. a query sent over the WebSocket, which
# serves subscriptions only) are answers to the client, like our ClientErrors.
_CLIENT_FAULTS = (ClientError, InvalidOperationTypeError, CannotGetOperationTypeError)
_ONE_SHOT = {OperationType.QUERY, OperationType.MUTATION}


def _should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if not_found_for_undecodable_id(error) is not None:
        return True  # replaced (not logged) by _ClientErrorsAnswered.anonymise_error
    if original is None or isinstance(original, _CLIENT_FAULTS):
        return False  # syntax/validation errors and errors we raise on purpose are for the client
    if isinstance(original, GraphQLError) and error.path is None:
        # A variable's value refused by its type: graphql-core wraps the type's own
        # refusal ("Variable '$x' has invalid value: ..."), before anything executed.
        return False
    log.error("internal error at %s", error.path, exc_info=original)
    return True


class _ClientErrorsAnswered(MaskErrors):
    """MaskErrors, except that an error a client caused in strawberry's own argument
    conversion (an id that does not decode) gets its answer instead of the mask."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return not_found_for_undecodable_id(error) or super().anonymise_error(error)


class KabinetSchema(strawberry.Schema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plain reads skip graphql-core's per-field machinery (schema/execution.py).
        self.execution_context_class = executor_for(
            self._schema, self.config.info_class, self.config.default_resolver
        )

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
            # Factories, not instances: strawberry builds them per request; the parser and
            # validation caches still live at module level, shared by every request.
            # Bound what one document may ask for before any work is done.
            lambda: MaxTokensLimiter(max_token_count=MAX_QUERY_TOKENS),
            lambda: AddValidationRules(_DEPTH_RULES),
            lambda: AddValidationRules([TextInLiterals]),
            lambda: ParserCache(maxsize=256),
            lambda: DocumentValidationCache(maxsize=256),
            lambda: _ClientErrorsAnswered(
                should_mask_error=_should_mask, error_message=MASKED_MESSAGE
            ),
        ],
    )
