"""A session opened with a home contract's login runs only the mutations that act on its
contract (permissions/contract_session.py); any other is refused before anything runs."""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from permissions.contract_session import contract_session_may, is_contract_session
from resolvers.context import RequestContext
from resolvers.errors import Forbidden
from schema.rate_limit import root_field_names

REFUSED = (
    "Signed in with a home contract: only the contract's own operations run in this "
    "session. Sign in with your phone number for {field}."
)


class ContractSessionGate(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        if (
            isinstance(context, RequestContext)
            and is_contract_session(context.viewer)
            and document is not None
            and execution.operation_type is OperationType.MUTATION
        ):
            names = root_field_names(document, execution.operation_name)
            refused = sorted(n for n in names if not contract_session_may(context.viewer, n))
            if refused:
                error = Forbidden(REFUSED.format(field=refused[0]))
                execution.result = ExecutionResult(
                    data=None, errors=[GraphQLError(error.message, original_error=error)]
                )
        yield
