"""`@access(level:, scope:)`: the level a field or mutation needs, printed in the SDL and
enforced at run time by the same declaration.

Fields of an object reached through a number compare the viewer's level, resolved once
per number per request and carried on the object (`source.level`), synchronously: no query
and no extra await per field. Mutations locate their number from their arguments first.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.schema_directive import Location

from permissions.levels import Level, allows
from permissions.viewer import Viewer
from resolvers.context import RequestContext
from resolvers.errors import NotFound, Unauthenticated, refusal
from schema.types.access_level import AccessLevel

NumberLocator = Callable[
    [strawberry.Info[RequestContext, None], dict[str, Any]], Awaitable[int | None]
]


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    description="The access level the viewer needs on the number (and, for a partner app, "
    "the token scope). Below it a field is null with a FORBIDDEN error; a number the viewer "
    "has NONE on is NOT_FOUND.",
)
class Access:
    level: AccessLevel
    # UNSET rather than None keeps `scope: null` out of the printed SDL.
    scope: str | None = strawberry.UNSET


class EnforceAccess(FieldExtension):
    """For fields of objects that carry the viewer's `level` on the number."""

    def __init__(self, directive: Access) -> None:
        self.required = directive.level.to_level()
        self.scope = directive.scope or None

    def allows(self, viewer: Viewer, level: Level) -> bool:
        return allows(viewer, level, self.required, self.scope)

    def _check(self, source: Any, info: strawberry.Info[RequestContext, None]) -> None:
        viewer = info.context.viewer
        if not self.allows(viewer, source.level):
            raise refusal(viewer, source.level, self.required, self.scope)

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self._check(source, info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self._check(source, info)
        result = next_(source, info, **kwargs)
        return await result if inspect.isawaitable(result) else result


class EnforceAccessOnArgument(FieldExtension):
    """For mutations: finds the number the arguments name, then checks the level."""

    def __init__(
        self, directive: Access, locate: NumberLocator, hidden_as: str | None = None
    ) -> None:
        self.required = directive.level.to_level()
        self.scope = directive.scope or None
        self.locate = locate
        # Set when the argument is itself something only the required level may know of
        # (an access request id): below it, the id answers like one that does not exist.
        self.hidden_as = hidden_as

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        if info.context.viewer.is_anonymous:
            raise Unauthenticated("Sign in first.")
        number_id = await self.locate(info, kwargs)
        reach = await info.context.loaders.reach()
        level = reach.level(number_id) if number_id is not None else Level.NONE
        viewer = info.context.viewer
        if self.hidden_as is not None and not allows(viewer, level, self.required, self.scope):
            raise NotFound(self.hidden_as)
        if level is Level.NONE:
            raise NotFound("No such number.")
        if not allows(viewer, level, self.required, self.scope):
            raise refusal(viewer, level, self.required, self.scope)
        return await next_(source, info, **kwargs)


def _directive(level: AccessLevel, scope: str | None) -> Access:
    return Access(level=level, scope=scope) if scope else Access(level=level)


def access_field(level: AccessLevel, scope: str | None = None, **field_kwargs: Any) -> Any:
    directive = _directive(level, scope)
    return strawberry.field(
        directives=[directive], extensions=[EnforceAccess(directive)], **field_kwargs
    )


def access_mutation(
    level: AccessLevel,
    locate: NumberLocator,
    scope: str | None = None,
    hidden_as: str | None = None,
    **field_kwargs: Any,
) -> Any:
    directive = _directive(level, scope)
    return strawberry.mutation(
        directives=[directive],
        extensions=[EnforceAccessOnArgument(directive, locate, hidden_as)],
        **field_kwargs,
    )
