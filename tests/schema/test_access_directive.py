"""The @access directive printed in the SDL and its run-time enforcement are one thing."""

from graphql import GraphQLNonNull

from schema import schema
from schema.directives import Access, EnforceAccess, EnforceAccessOnArgument


def _fields():
    for type_definition in schema.schema_converter.type_map.values():
        for field in getattr(type_definition.definition, "fields", []):
            yield type_definition.definition.name, field


def test_every_field_with_the_directive_enforces_it_and_only_those():
    declared, enforced = set(), set()
    for type_name, field in _fields():
        name = f"{type_name}.{field.python_name}"
        if any(isinstance(d, Access) for d in field.directives):
            declared.add(name)
        if any(isinstance(e, EnforceAccess | EnforceAccessOnArgument) for e in field.extensions):
            enforced.add(name)
    assert declared == enforced
    assert "Number.balance" in declared
    assert "Mutation.grant_access" in declared


def test_guarded_fields_are_nullable_so_a_refusal_does_not_blank_the_parent():
    graphql_schema = schema._schema
    checked = 0
    for type_name, field in _fields():
        if type_name == "Mutation" or not any(isinstance(d, Access) for d in field.directives):
            continue
        graphql_field = graphql_schema.get_type(type_name).fields[
            field.graphql_name or _camel(field.python_name)
        ]
        assert not isinstance(graphql_field.type, GraphQLNonNull), f"{type_name}.{field.name}"
        checked += 1
    assert checked >= 8


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
