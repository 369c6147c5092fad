"""Lists of objects completed breadth-first: each field once for the whole list.

Why: depth-first, graphql-core completes a list of 500 numbers as 500 small executions,
each with its own coroutines, tasks and gathers for the fields that await a loader. Here
the executor asks each field of the list's selection for every object in turn, starts the
async resolvers of all objects and fields of one level together and awaits them with one
driver (driver.py, no task per coroutine), and then completes the objects those fields
returned as one list again, a level down. The loaders see the same keys in the same turn
as before, so the statements are the same.

When it applies: a list of two or more objects, all of the object type's own class, with
nothing but planned fields (plans.py) and `__typename` in its selection, at every level
below. The selection's steps are the executor's cached ones for a document that came back
(executor.collect_subfields), made for this list otherwise.

It never decides an answer the ordinary path would give differently: whenever anything is
not plain — a guard that refuses one of the objects, a resolver that raises or returns an
error, a null where the schema says non-null, a value of an unexpected class, a leaf that
does not coerce, `@defer` — the batch gives up (None) and the whole list is completed the
ordinary way, which raises, reports and nulls exactly as graphql-core does. Queries only
read, so resolvers asked twice in that case give the same values (the loaders cache them).
"""

from __future__ import annotations

from collections.abc import Coroutine
from types import CoroutineType
from typing import TYPE_CHECKING, Any

from graphql import GraphQLObjectType
from graphql.pyutils import Path, Undefined

from schema.execution.completion import GiveUp, child_path
from schema.execution.driver import Failed, drive
from schema.execution.plans import LEAF, LIST, OBJECT, FieldPlan, LeafProgram, Step

if TYPE_CHECKING:
    from schema.execution.executor import KabinetExecutor


class BatchedLists:
    """The breadth-first completion, mixed into KabinetExecutor."""

    def batchable(self: KabinetExecutor, object_type: GraphQLObjectType, items: list[Any]) -> bool:
        """Whether a list can be tried breadth-first (see the module's docstring)."""
        if len(items) < 2:
            return False
        own_class = self.classes.get(object_type.name)
        return all(item.__class__ is own_class for item in items)

    async def batched_list(
        self: KabinetExecutor,
        object_type: GraphQLObjectType,
        grouped: Any,
        items: list[Any],
        path: Path,
        ordinary: Any,
    ) -> list[Any]:
        """The list's answer breadth-first, or `ordinary()`'s when the batch gives up."""
        paths = [child_path(path, index, None) for index in range(len(items))]
        try:
            return await self._batch(object_type, self.steps_of(object_type, grouped), items, paths)
        except GiveUp:
            pass
        completed = ordinary()
        if self.is_awaitable(completed):
            return await completed  # type: ignore[no-any-return]
        return completed  # type: ignore[no-any-return]

    async def _batch(
        self: KabinetExecutor,
        object_type: GraphQLObjectType,
        steps: tuple[Step, ...],
        objects: list[Any],
        paths: list[Path],
    ) -> list[dict[str, Any]]:
        """Every object's answer to the selection, or GiveUp."""
        names = tuple(step[0] for step in steps)
        answers = [dict.fromkeys(names) for _ in objects]
        values_by_step: list[list[Any] | None] = []
        coroutines: list[Coroutine[Any, Any, Any]] = []
        # (step, its first coroutine, whether that one coroutine answers every object)
        async_steps: list[tuple[int, int, bool]] = []
        try:
            for index, (response_name, details, plan, _cell) in enumerate(steps):
                if plan is None:
                    if details[0].node.name.value != "__typename" or details[0].node.directives:
                        raise GiveUp
                    for answer in answers:
                        answer[response_name] = object_type.name
                    values_by_step.append(None)
                    continue
                values = self._values(plan, object_type, response_name, details, objects, paths)
                if plan.is_async:
                    async_steps.append((index, len(coroutines), plan.many is not None))
                    coroutines.extend(values)
                    values_by_step.append(None)
                else:
                    values_by_step.append(values)
        except BaseException:
            for coroutine in coroutines:
                coroutine.close()
            raise
        count = len(objects)
        if coroutines:
            outcomes = await drive(coroutines)
            for outcome in outcomes:
                if outcome.__class__ is Failed:
                    raise GiveUp
            for index, start, many in async_steps:
                if not many:
                    values_by_step[index] = outcomes[start : start + count]
                    continue
                values = outcomes[start]
                if values.__class__ is not list or len(values) != count:
                    raise GiveUp  # the ordinary way asks the resolver, object by object
                values_by_step[index] = values

        try:
            return await self._complete_batch(object_type, steps, values_by_step, answers, paths)
        except GiveUp:
            # A resolver that returned a coroutine instead of awaiting it: the ordinary
            # path calls it again and says what is wrong; these are never awaited.
            for values in values_by_step:
                for value in values or ():
                    if value.__class__ is CoroutineType:
                        value.close()
            raise

    async def _complete_batch(
        self: KabinetExecutor,
        object_type: GraphQLObjectType,
        steps: tuple[Step, ...],
        values_by_step: list[list[Any] | None],
        answers: list[dict[str, Any]],
        paths: list[Path],
    ) -> list[dict[str, Any]]:
        """The level's values completed: leaves coerced here, the objects they lead to
        completed as one list per field, a level down, all fields' lists together."""
        nested: list[Coroutine[Any, Any, Any]] = []
        placements: list[tuple[str, list[tuple[int, int]], bool]] = []
        for (response_name, details, plan, cell), values in zip(steps, values_by_step, strict=True):
            if plan is None or values is None:
                continue  # __typename, written above
            if plan.kind is LEAF:
                self._leaves(plan, response_name, values, answers)
                continue
            # Objects (or lists of them) for the whole level, completed as one list below.
            children, slots = self._children(plan, response_name, values, answers)
            if plan.kind is LIST and not isinstance(plan.named_type, GraphQLObjectType):
                continue  # a list of leaves, written by _children
            if not children:
                continue
            named: GraphQLObjectType = plan.named_type  # type: ignore[assignment]
            own_class = self.classes.get(named.name)
            for child in children:
                if child.__class__ is not own_class:
                    raise GiveUp
            grouped, defer_usages, program = self._selection(named, details, cell)
            if defer_usages:
                raise GiveUp
            if program is not None:
                done = self.program_columns(program, children)
                self._place(answers, response_name, slots, done, plan.kind is LIST)
                continue
            child_paths = [
                child_path(paths[i], response_name, object_type.name)
                if position < 0
                else child_path(
                    child_path(paths[i], response_name, object_type.name), position, None
                )
                for i, position in slots
            ]
            nested.append(self._batch(named, self.steps_of(named, grouped), children, child_paths))
            placements.append((response_name, slots, plan.kind is LIST))
        if nested:
            outcomes = await drive(nested)
            for outcome in outcomes:
                if outcome.__class__ is Failed:
                    if isinstance(outcome.error, GiveUp):
                        raise GiveUp
                    raise outcome.error
            for (response_name, slots, is_list), done in zip(placements, outcomes, strict=True):
                self._place(answers, response_name, slots, done, is_list)
        return answers

    def _values(
        self: KabinetExecutor,
        plan: FieldPlan,
        object_type: GraphQLObjectType,
        response_name: str,
        details: Any,
        objects: list[Any],
        paths: list[Path],
    ) -> list[Any]:
        """The field's resolver (or read) for every object: values, or coroutines for an
        async resolver, or one coroutine for them all when the resolver has a `many`
        (schema/batched.py). A refused guard or a raise gives up."""
        guard = plan.guard
        if guard is not None:
            viewer = self.context_value.viewer
            for source in objects:
                if not guard.allows(viewer, source.level):
                    raise GiveUp
        values: list[Any] = []
        try:
            if plan.leaf_read is not None:
                read = plan.leaf_read
                return [read(source) for source in objects]
            arguments = plan.arguments
            if plan.many is not None:
                many = plan.many(objects, self.context_value, **(arguments or {}))
                return [many]
            if plan.read is not None:
                read = plan.read
                if arguments:
                    return [read(source, **arguments) for source in objects]
                return [read(source) for source in objects]
            call = plan.field.base_resolver.wrapped_func  # type: ignore[union-attr]
            for source, path in zip(objects, paths, strict=True):
                kwargs = dict(arguments) if arguments else {}
                if plan.info_parameter is not None:
                    kwargs[plan.info_parameter] = self._strawberry_info(
                        plan,
                        object_type,
                        details,
                        child_path(path, response_name, object_type.name),
                    )
                for name in plan.source_keywords:
                    kwargs[name] = source
                values.append(call(source, **kwargs) if plan.pass_self else call(**kwargs))
            return values
        except Exception:
            if plan.is_async:
                for coroutine in values:
                    coroutine.close()
            raise GiveUp from None

    def _leaves(
        self: KabinetExecutor,
        plan: FieldPlan,
        response_name: str,
        values: list[Any],
        answers: list[dict[str, Any]],
    ) -> None:
        plain = plan.plain_values
        coerce = plan.coerce or plan.named_type.coerce_output_value  # type: ignore[union-attr]
        non_null = plan.non_null
        for answer, value in zip(answers, values, strict=True):
            answer[response_name] = _leaf(value, plain, coerce, non_null)

    def _children(
        self: KabinetExecutor,
        plan: FieldPlan,
        response_name: str,
        values: list[Any],
        answers: list[dict[str, Any]],
    ) -> tuple[list[Any], list[tuple[int, int]]]:
        """The objects the field returned for every answer, flattened, and where each goes:
        (answer, position in its list, or -1 for an object field). Nulls are written here;
        a list of leaves is written whole."""
        children: list[Any] = []
        slots: list[tuple[int, int]] = []
        if plan.kind is OBJECT:
            for index, value in enumerate(values):
                if value is None:
                    if plan.non_null:
                        raise GiveUp
                    continue
                children.append(value)
                slots.append((index, -1))
            return children, slots
        assert plan.kind is LIST
        leaves = not isinstance(plan.named_type, GraphQLObjectType)
        named = plan.named_type
        for index, value in enumerate(values):
            if value is None:
                if plan.non_null:
                    raise GiveUp
                continue
            if value.__class__ is not list:
                raise GiveUp  # a tuple, an iterator, an awaitable: the ordinary way
            if leaves:
                coerce = named.coerce_output_value  # type: ignore[union-attr]
                answers[index][response_name] = [
                    _leaf(item, plan.plain_values, coerce, plan.item_non_null) for item in value
                ]
                continue
            answers[index][response_name] = [None] * len(value)
            for position, item in enumerate(value):
                if item is None:
                    if plan.item_non_null:
                        raise GiveUp
                    continue
                children.append(item)
                slots.append((index, position))
        return children, slots

    def program_columns(
        self: KabinetExecutor, program: LeafProgram, objects: list[Any]
    ) -> list[dict[str, Any]]:
        """A leaf program (`Money { amount }`) run over a whole list of objects of the
        program's own class, a field at a time: each read and coercion is one loop over
        the list rather than one call per object and field. Gives up as _run_program would
        return None."""
        viewer = self.context_value.viewer
        columns: list[list[Any]] = []
        for _response_name, read, coerce, plain, nullable, guard in program:
            if guard is not None:
                for source in objects:
                    if not guard.allows(viewer, source.level):
                        raise GiveUp
            try:
                values = [read(source) for source in objects]
            except Exception:
                raise GiveUp from None
            if all(value.__class__ in plain for value in values):
                try:
                    coerced = list(map(coerce, values))
                except Exception:
                    raise GiveUp from None
                for value in coerced:
                    if value is None or value is Undefined:
                        raise GiveUp
            else:
                coerced = [_leaf(value, plain, coerce, not nullable) for value in values]
            columns.append(coerced)
        if len(columns) == 1:
            name = program[0][0]
            return [{name: value} for value in columns[0]]
        names = [step[0] for step in program]
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]

    @staticmethod
    def _place(
        answers: list[dict[str, Any]],
        response_name: str,
        slots: list[tuple[int, int]],
        done: list[Any],
        is_list: bool,
    ) -> None:
        if is_list:
            for (index, position), data in zip(slots, done, strict=True):
                answers[index][response_name][position] = data
        else:
            for (index, _position), data in zip(slots, done, strict=True):
                answers[index][response_name] = data


def _leaf(value: Any, plain: frozenset[type], coerce: Any, non_null: bool) -> Any:
    if value is None:
        if non_null:
            raise GiveUp
        return None
    if value.__class__ not in plain and isinstance(value, BaseException):
        raise GiveUp  # a returned error is the field's error: the ordinary path says so
    try:
        coerced = coerce(value)
    except Exception:
        raise GiveUp from None
    if coerced is None or coerced is Undefined:
        raise GiveUp
    return coerced
