"""Strawberry's schema-extension runner, with each extension class's hooks looked up once.

Why: for every request strawberry makes four context managers (operation, parsing,
validation, execution); each asks every extension whether it has that phase's hook and of
what kind (`inspect`), and wraps each hook found in a new `contextlib` manager (a
`functools.wraps` each time). With Kabinet's five extensions that is twenty look-ups and six
wrappers per request, about a tenth of a `{ __typename }`. The answers depend only on the
extension's class, so they are kept per class here. Entering and leaving the hooks, in
order and with exceptions passed through, is strawberry's own code
(ExtensionContextManagerBase), unchanged.
"""

from __future__ import annotations

import contextlib
import inspect
from functools import cache, partial
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner

# A hook that is a plain function or coroutine function: strawberry wraps it per request.
_STRAWBERRY_WRAPS = object()


@cache
def _hook_of(extension_class: type[SchemaExtension], hook_name: str) -> Any:
    """(a context manager factory taking the extension, whether it is async), None when the
    class has no such hook, or _STRAWBERRY_WRAPS."""
    hook = getattr(extension_class, hook_name)
    if hook is getattr(SchemaExtension, hook_name):
        return None
    if inspect.isgeneratorfunction(hook):
        return contextlib.contextmanager(hook), False
    if inspect.isasyncgenfunction(hook):
        return contextlib.asynccontextmanager(hook), True
    return _STRAWBERRY_WRAPS


class _HooksOnce:
    HOOK_NAME: str

    def get_hook(self, extension: SchemaExtension) -> WrappedHook | None:
        found = _hook_of(type(extension), self.HOOK_NAME)
        if found is None:
            return None
        if found is _STRAWBERRY_WRAPS:
            return super().get_hook(extension)  # type: ignore[misc, no-any-return]
        factory, is_async = found
        return WrappedHook(extension=extension, hook=partial(factory, extension), is_async=is_async)


class _Operation(_HooksOnce, OperationContextManager):
    pass


class _Parsing(_HooksOnce, ParsingContextManager):
    pass


class _Validation(_HooksOnce, ValidationContextManager):
    pass


class _Executing(_HooksOnce, ExecutingContextManager):
    pass


class ExtensionsRunner(SchemaExtensionsRunner):
    """SchemaExtensionsRunner whose phases look hooks up per extension class, once."""

    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions)

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions)


__all__ = ["ExtensionsRunner"]
