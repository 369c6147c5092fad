"""The executor class: graphql-core's execute_fields with the fast path of plans.py."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.execution.collect_fields import CollectedFields, GroupedFieldSet
from graphql.pyutils import Path, Undefined
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution.batches import BatchedLists
from schema.execution.completion import ValueCompletion, child_path
from schema.execution.plans import (
    ConvertArguments,
    FieldDetailsList,
    FieldPlan,
    Plans,
    object_classes,
    plan_fields,
)
from schema.execution.selections import CachedSelections, Collected
from schema.execution.suggestions import SuggestionsByPolicy


class KabinetExecutor(
    CachedSelections,
    ValueCompletion,
    BatchedLists,
    SuggestionsByPolicy,
    StrawberryGraphQLCoreExecutionContext,
):
    """Built per request by graphql-core; the class attributes are set per schema by
    `executor_for`."""

    plans: Plans = {}
    classes: dict[str, type] = {}  # object type name -> the strawberry class behind it
    known: frozenset[type] = frozenset()  # those classes: their objects are never awaitable
    info_class: type = object
    # strawberry's conversion of coerced argument values to the resolver's keywords.
    convert_arguments: ConvertArguments = staticmethod(lambda values, _arguments: values)  # type: ignore[assignment]
    collected_cache: dict[tuple[Any, ...], Collected] = {}
    steps_cache: dict[int, Collected] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A schema extension with a `resolve` hook must see every field: no fast path then.
        manager = self.middleware_manager
        self.fast = not (manager is not None and manager.middlewares)
        self._collected_memo: dict[tuple[int, int], tuple[FieldDetailsList, CollectedFields]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if position_context is not None or not self.fast:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        # The root selection, or one not cached, gets its steps made now.
        steps = self.steps_of(parent_type, grouped_field_set)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list, plan, cell in steps:
                if plan is None:
                    result = self.execute_field(
                        parent_type,
                        source_value,
                        field_details_list,
                        child_path(path, response_name, parent_type.name),
                        None,
                    )
                    if result is Undefined:
                        continue
                elif plan.leaf_read is not None and (
                    plan.guard is None
                    or plan.guard.allows(self.context_value.viewer, source_value.level)
                ):
                    # The common case inline: a leaf read from the object, a plain value.
                    try:
                        value = plan.leaf_read(source_value)
                    except Exception as raw_error:
                        field_path = child_path(path, response_name, parent_type.name)
                        self.handle_field_error(
                            raw_error, plan.field_def.type, field_details_list, field_path
                        )
                        results[response_name] = None
                        continue
                    if value.__class__ in plan.plain_values:
                        coerced = plan.coerce(value)  # type: ignore[misc]
                        if coerced is not None and coerced is not Undefined:
                            results[response_name] = coerced
                            continue
                    result = self._complete(
                        plan,
                        parent_type,
                        field_details_list,
                        path,
                        response_name,
                        value,
                        None,
                        cell,
                    )
                else:
                    result = self._fast_field(
                        plan,
                        parent_type,
                        source_value,
                        field_details_list,
                        path,
                        response_name,
                        cell,
                    )
                results[response_name] = result
                if is_awaitable(result):
                    awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[name] for name in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                name = awaitable_fields[0]
                results[name] = await results[name]
            else:
                awaited = await gather_with_cancel(*(results[n] for n in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def _fast_field(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path | None,
        response_name: str,
        cell: list[Any],
    ) -> Any:
        guard = plan.guard
        field_path = child_path(path, response_name, parent_type.name)
        if guard is not None and not guard.allows(self.context_value.viewer, source.level):
            # Refused: the ordinary path raises FORBIDDEN, with its path and extensions.
            return self.execute_field(parent_type, source, field_details_list, field_path, None)
        try:
            arguments = plan.arguments
            if plan.read is not None:
                value = plan.read(source, **arguments) if arguments else plan.read(source)
            else:
                # As strawberry's get_arguments passes them: the object as `self` and/or
                # as `root`/`parent`, the Info where asked for.
                kwargs = dict(arguments) if arguments else {}
                if plan.info_parameter is not None:
                    kwargs[plan.info_parameter] = self._strawberry_info(
                        plan, parent_type, field_details_list, field_path
                    )
                for name in plan.source_keywords:
                    kwargs[name] = source
                call = plan.field.base_resolver.wrapped_func  # type: ignore[union-attr]
                value = call(source, **kwargs) if plan.pass_self else call(**kwargs)
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.field_def.type, field_details_list, field_path)
            return None
        if plan.is_async:
            return self._complete_awaited(
                plan, parent_type, field_details_list, path, response_name, value, field_path, cell
            )
        return self._complete(
            plan, parent_type, field_details_list, path, response_name, value, field_path, cell
        )

    async def _complete_awaited(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path | None,
        response_name: str,
        awaitable: Awaitable[Any],
        field_path: Path,
        cell: list[Any],
    ) -> Any:
        """An async resolver's value completed as graphql-core's complete_awaitable_value
        does: a raised error is the field's error; then the ordinary completion."""
        try:
            value = await awaitable
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.field_def.type, field_details_list, field_path)
            return None
        completed = self._complete(
            plan, parent_type, field_details_list, path, response_name, value, field_path, cell
        )
        if self.is_awaitable(completed):
            return await completed
        return completed

    def _resolve_info(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        """graphql-core's info object, made only where a resolver or completion needs it."""
        nodes = [d.node for d in field_details_list]
        return self.build_resolve_info(plan.field_def, nodes, parent_type, path)

    def _strawberry_info(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        info = self._resolve_info(plan, parent_type, field_details_list, path)
        return self.info_class(_raw_info=info, _field=plan.field)


def executor_for(
    schema: GraphQLSchema,
    info_class: type,
    default_resolver: Any,
    convert_arguments: ConvertArguments,
) -> type:
    """The executor class for one schema, carrying that schema's plans and caches."""
    classes = object_classes(schema)
    return type(
        "KabinetExecutor",
        (KabinetExecutor,),
        {
            "plans": plan_fields(schema, default_resolver),
            "classes": classes,
            "known": frozenset(classes.values()),
            "info_class": info_class,
            "convert_arguments": staticmethod(convert_arguments),
            "collected_cache": {},
            "steps_cache": {},
        },
    )
