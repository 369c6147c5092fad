"""Which fields can take the fast path, and how: one FieldPlan per field of each object
type, made once per schema from strawberry's own definitions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Any

from graphql import (
    BooleanValueNode,
    EnumValueNode,
    FieldNode,
    FloatValueNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    IntValueNode,
    NullValueNode,
    StringValueNode,
    get_argument_values,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetails, GroupedFieldSet
from strawberry import relay
from strawberry.relay.utils import to_base64
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from schema.batched import many_of
from schema.directives import EnforceAccess

FieldDetailsList = list[FieldDetails]
# strawberry's own Relay id: the field's resolver and the two class methods it calls.
_NODE_ID = next(
    f.base_resolver.wrapped_func.__func__  # type: ignore[union-attr]
    for f in relay.Node.__strawberry_definition__.fields  # type: ignore[attr-defined]
    if f.python_name == "_id"
)
_NODE_RESOLVE_ID = relay.Node.__dict__["resolve_id"].__func__
_NODE_RESOLVE_TYPENAME = relay.Node.__dict__["resolve_typename"].__func__
LEAF, OBJECT, LIST = "leaf", "object", "list"
# Values of these types are final: never awaitable, never an error to raise.
_PLAIN_VALUES = frozenset({str, int, float, bool, Decimal, datetime, date})


@dataclass(frozen=True, slots=True)
class FieldPlan:
    """How to produce one field of one object type without graphql-core's general path."""

    field_def: GraphQLField
    field: StrawberryField
    # An `async def` resolver: its call gives a coroutine, awaited before completion.
    is_async: bool
    # `read(source)` for fields that need no Info; None when the resolver asks for one.
    read: Callable[[Any], Any] | None
    info_parameter: str | None
    guard: EnforceAccess | None
    kind: str  # LEAF, OBJECT or LIST
    non_null: bool
    named_type: GraphQLLeafType | GraphQLObjectType  # the leaf / object (or item) type
    item_type: GraphQLOutputType | None  # for lists: the item type, NonNull kept
    item_non_null: bool
    # For leaves read without Info: the read, the coercion and the value types that need
    # nothing else; execute_fields does those inline.
    leaf_read: Callable[[Any], Any] | None
    coerce: Callable[[Any], Any] | None
    plain_values: frozenset[type]
    # For resolvers called with more than the object: whether the object is their first
    # argument (`self`), and the keywords that get it (`root`, `parent`).
    pass_self: bool = True
    source_keywords: tuple[str, ...] = ()
    # The resolver's keyword arguments when the selection gives only literals, converted
    # once for the document (steps_for); None for a field without arguments.
    arguments: dict[str, Any] | None = None
    # A read with no effect (an attribute, a Relay id): a leaf program may give up after it.
    effect_free: bool = False
    # The resolver's answer for a whole list of objects (schema/batched.py), for
    # breadth-first lists: `many(objects, context, **arguments)`.
    many: Callable[..., Any] | None = None


# One step per response key of a selection: the plan, or None for graphql-core's way, and
# a cell where the executor keeps the field's own sub-selection once it has collected it.
Step = tuple[str, FieldDetailsList, FieldPlan | None, list[Any]]
Plans = dict[str, dict[str, FieldPlan]]
# A selection made only of attribute leaves (Money { amount }, Number { msisdn accessLevel
# }), completed in one loop: (response key, read, coerce, plain values, nullable, guard).
LeafProgram = tuple[
    tuple[str, Callable[[Any], Any], Callable[[Any], Any], frozenset[type], bool, Any], ...
]


def _shape(return_type: GraphQLOutputType) -> tuple[str, bool, Any, Any, bool] | None:
    """(kind, non_null, named type, item type, item non-null), or None when the fast path
    does not handle this type (abstract types, nested lists)."""
    non_null = is_non_null_type(return_type)
    inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    if is_leaf_type(inner):
        return LEAF, non_null, inner, None, False
    if is_object_type(inner):
        return OBJECT, non_null, inner, None, False
    if is_list_type(inner):
        item_type = inner.of_type  # type: ignore[union-attr]
        item_non_null = is_non_null_type(item_type)
        item = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if is_leaf_type(item) or is_object_type(item):
            return LIST, non_null, item, item_type, item_non_null
    return None


def _reader(field: StrawberryField) -> tuple[Callable[[Any], Any] | None, str | None] | None:
    """How to call the field: (read, None) for a method of the object that needs nothing
    else, (None, info name or None) when the resolver gets more (an Info, the object as
    `root`/`parent`: FieldPlan.call), None when the field cannot take the fast path."""
    resolver = field.base_resolver
    if resolver is None:
        return attrgetter(field.python_name), None
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    if resolver.self_parameter and not (
        info_name or resolver.root_parameter or resolver.parent_parameter
    ):
        return resolver.wrapped_func, None
    return None, info_name


def _source_keywords(field: StrawberryField) -> tuple[str, ...]:
    """The resolver's parameters that receive the object itself (`root`, `parent`)."""
    resolver = field.base_resolver
    if resolver is None:
        return ()
    found = (resolver.root_parameter, resolver.parent_parameter)
    return tuple(parameter.name for parameter in found if parameter is not None)


def _many(field: StrawberryField) -> Callable[..., Any] | None:
    resolver = field.base_resolver
    if resolver is None or not resolver.self_parameter:
        return None
    return many_of(resolver.wrapped_func)


def _plain_values(leaf: GraphQLLeafType) -> frozenset[type]:
    if isinstance(leaf, GraphQLEnumType):
        definition = (leaf.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        wrapped = getattr(definition, "wrapped_cls", None)
        return frozenset({wrapped}) if isinstance(wrapped, type) else frozenset()
    return _PLAIN_VALUES


def plan_field(field_def: GraphQLField, default_resolver: Callable[..., Any]) -> FieldPlan | None:
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(field, StrawberryField) or not hasattr(field_def.resolve, "_is_default"):
        return None  # only strawberry's own resolvers are replaced
    if field.base_resolver is None and default_resolver is not getattr:
        return None
    guards = [e for e in field.extensions if isinstance(e, EnforceAccess)]
    if len(guards) != len(field.extensions) or len(guards) > 1:
        return None  # another extension may do anything: leave the field to strawberry
    reader = _reader(field)
    shape = _shape(field_def.type)
    if reader is None or shape is None:
        return None
    read, info_parameter = reader
    kind, non_null, named_type, item_type, item_non_null = shape
    is_async = field.base_resolver is not None and field.base_resolver.is_async
    is_plain_leaf = kind == LEAF and read is not None and not is_async
    return FieldPlan(
        field_def=field_def,
        field=field,
        is_async=is_async,
        read=read,
        info_parameter=info_parameter,
        guard=guards[0] if guards else None,
        kind=kind,
        non_null=non_null,
        named_type=named_type,
        item_type=item_type,
        item_non_null=item_non_null,
        leaf_read=read if is_plain_leaf else None,
        coerce=named_type.coerce_output_value if is_plain_leaf else None,
        plain_values=_plain_values(named_type) if is_plain_leaf else frozenset(),
        pass_self=field.base_resolver is None or bool(field.base_resolver.self_parameter),
        source_keywords=_source_keywords(field),
        effect_free=field.base_resolver is None,
        many=_many(field) if is_async else None,
    )


def plan_fields(schema: GraphQLSchema, default_resolver: Callable[..., Any]) -> Plans:
    """For every object type, the plans of the fields that can take the fast path."""
    plans: Plans = {}
    for type_name, named in schema.type_map.items():
        if not is_object_type(named) or type_name.startswith("__"):
            continue
        # Mutation fields run one after another through execute_fields_serially, never
        # through execute_fields: planning them would change nothing.
        fields = {
            name: plan
            for name, field_def in named.fields.items()  # type: ignore[union-attr]
            if (plan := plan_field(field_def, default_resolver)) is not None
        }
        if "id" in fields:
            fields["id"] = _relay_id(fields["id"], type_name, _origin(named)) or fields["id"]
        if fields:
            plans[type_name] = fields
    return plans


def _origin(named: Any) -> Any:
    definition = (named.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return getattr(definition, "origin", None)


def _relay_id(plan: FieldPlan, type_name: str, origin: Any) -> FieldPlan | None:
    """A Relay node's `id` as a plain read, when the class keeps strawberry's own way of
    making it (`Node._id`: the type's name and the NodeID attribute, base64): the same
    string, without an Info and a GlobalID object per node."""
    if not (
        isinstance(origin, type)
        and issubclass(origin, relay.Node)
        and plan.field.base_resolver is not None
        and getattr(plan.field.base_resolver.wrapped_func, "__func__", None) is _NODE_ID
        and origin.resolve_id.__func__ is _NODE_RESOLVE_ID  # type: ignore[attr-defined]
        and origin.resolve_typename.__func__ is _NODE_RESOLVE_TYPENAME  # type: ignore[attr-defined]
    ):
        return None
    attribute = origin.resolve_id_attr()

    def read(node: Any) -> str:
        return to_base64(type_name, str(getattr(node, attribute)))

    return replace(
        plan,
        is_async=False,
        read=read,
        info_parameter=None,
        leaf_read=read,
        coerce=plan.named_type.coerce_output_value,
        plain_values=frozenset({str}),
        pass_self=True,
        source_keywords=(),
        effect_free=True,
    )


def leaf_program(steps: tuple[Step, ...]) -> LeafProgram | None:
    """The selection as one loop over attribute reads, or None when any field needs more
    (a resolver, an object, graphql-core's way). Attribute reads have no effects, so the
    loop can give up half-way and leave the object to the ordinary path."""
    program = []
    for response_name, _details, plan, _cell in steps:
        if plan is None or plan.leaf_read is None or not plan.effect_free:
            return None
        program.append(
            (
                response_name,
                plan.leaf_read,
                plan.coerce,
                plan.plain_values,
                not plan.non_null,
                plan.guard,
            )
        )
    return tuple(program) if program else None


def object_classes(schema: GraphQLSchema) -> dict[str, type]:
    """The strawberry class behind each object type of the schema."""
    classes: dict[str, type] = {}
    for type_name, named in schema.type_map.items():
        origin = _origin(named)
        if is_object_type(named) and isinstance(origin, type):
            classes[type_name] = origin
    return classes


# Argument literals whose value is final: a variable, list or input object goes
# graphql-core's way (its value may change per request, or be a mutable object).
_SCALAR_LITERALS = (
    IntValueNode,
    FloatValueNode,
    StringValueNode,
    BooleanValueNode,
    EnumValueNode,
    NullValueNode,
)
_IMMUTABLE_ARGUMENTS = (int, float, str, bool, Decimal, datetime, date, Enum, type(None))
ConvertArguments = Callable[[dict[str, Any], list[Any]], dict[str, Any]]


def with_literal_arguments(
    plan: FieldPlan, node: FieldNode, convert: ConvertArguments
) -> FieldPlan | None:
    """The plan with the resolver's keyword arguments made from the field's literal
    arguments, as strawberry makes them (graphql-core's coercion, then strawberry's
    conversion); None when an argument is not a scalar literal or does not convert (the
    ordinary path then reports it)."""
    if plan.field.base_resolver is None or not all(
        isinstance(argument.value, _SCALAR_LITERALS) for argument in node.arguments or ()
    ):
        return None
    try:
        kwargs = convert(get_argument_values(plan.field_def, node), plan.field.arguments)
    except Exception:
        return None
    if not all(isinstance(value, _IMMUTABLE_ARGUMENTS) for value in kwargs.values()):
        return None  # shared by every request of the document: only immutable values
    # Not the inline leaf read of execute_fields: that one passes no arguments.
    return replace(plan, arguments=kwargs, leaf_read=None)


def steps_for(
    plans: Plans,
    parent_type: GraphQLObjectType,
    grouped_field_set: GroupedFieldSet,
    convert: ConvertArguments,
) -> tuple[Step, ...]:
    """The steps of one selection on one type. A field with directives goes graphql-core's
    way (@stream needs the incremental path), and so does one whose arguments are not all
    scalar literals."""
    by_name = plans.get(parent_type.name, {})
    steps: list[Step] = []
    for response_name, field_details_list in grouped_field_set.items():
        node = field_details_list[0].node
        plan = by_name.get(node.name.value)
        if node.directives:
            plan = None
        elif plan is not None and (node.arguments or plan.field.arguments):
            # Schema defaults fill what the selection leaves out, as graphql-core does.
            plan = with_literal_arguments(plan, node, convert)
        steps.append((response_name, field_details_list, plan, [None]))
    return tuple(steps)
