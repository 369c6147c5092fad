"""Production hides "Did you mean ...?" from execution's errors too (variable coercion),
as validation does: strawberry does not pass graphql-core's `hide_suggestions` through,
so the executor takes it from the request's policy."""

from __future__ import annotations

from typing import Any


class SuggestionsByPolicy:
    """Mixed in before graphql-core's executor class."""

    @classmethod
    def build(
        cls,
        schema: Any,
        document: Any,
        root_value: Any = None,
        context_value: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        policy = getattr(context_value, "policy", None)
        if policy is not None and policy.hide_suggestions:
            kwargs["hide_suggestions"] = True
        return super().build(schema, document, root_value, context_value, *args, **kwargs)  # type: ignore[misc]
