"""Hostile input for the schema walkers (tests/schema/test_hostile_input.py, test_fuzz.py):
a valid value and a list of malformed ones for every input type, found from the schema
itself, and the check that an answer to hostile input is an answer, not a crash."""

from __future__ import annotations

import base64
import json
import logging
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
    is_required_argument,
    is_required_input_field,
)

from resolvers.demo import DEMO_PHONES
from schema.build import MASKED_MESSAGE

OWNER_PHONE = DEMO_PHONES["owner"]
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


def gid(type_name: str, node_id: str) -> str:
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


# Values a hostile client may send, by the type's name. JSON-only values (objects, lists,
# floats, huge ints) go as variables; as literals some of them are syntax errors, also fine.
_STRINGS: list[Any] = [
    "",
    " ",
    "x" * 10_000,
    "Ё" * 10_000,
    "\x00",
    "a\x00b",
    "Ёжик 🦔",
    "\ud800",
    "\n\t",
    5,
    True,
]
MALFORMED: dict[str, list[Any]] = {
    "ID": [
        "abc",
        "",
        " ",
        "QWJj",
        gid("Number", "abc"),
        gid("Number", "-1"),
        gid("Number", "0"),
        gid("Number", "00001"),
        gid("Number", " 1"),
        gid("Number", "1_0"),
        gid("Number", "²"),
        gid("Number", "٣"),
        gid("Number", "9" * 30),
        gid("Grant", "2147483648"),
        gid("", "1"),
        gid("Nope", "1"),
        "\x00",
        "Ёж",
        "x" * 10_000,
        123,
        1.5,
        True,
        [],
        {},
    ],
    "Decimal": [
        "Infinity",
        "-Infinity",
        "NaN",
        "sNaN",
        "-0",
        "1e3",
        "1E3",
        "1_000",
        " 5",
        "5 ",
        "+5",
        "-5",
        "5.001",
        "5.",
        ".5",
        "0x10",
        "5,00",
        "١٢٣",
        "",
        "9" * 10_000,
        "1" + "0" * 13,
        5,
        5.5,
        True,
        [],
        {},
    ],
    "DateTime": [
        "nope",
        "",
        "2026-01-01",
        "2026-01-01T00:00:00",
        "2026-13-01T00:00:00Z",
        "2026-01-01T25:00:00Z",
        "2026-01-01T00:00:00+24:00",
        "9999-12-31T23:59:59+00:00",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+05:00",
        "1899-12-31T23:59:59Z",
        " 2026-01-01T00:00:00Z",
        "2026-01-01t00:00:00z",
        "x" * 10_000,
        "\x00",
        1700000000,
        [],
    ],
    "Int": [2**31, -(2**31) - 1, 2**31 - 1, -(2**31), -1, 0, 10**100, "1", 1.5, True, []],
    "Float": [1e308, -1e308, "1.5", True],
    "Boolean": ["true", 1, 0, "", []],
    "String": _STRINGS,
}
_ENUM_MALFORMED: list[Any] = ["NOPE", "full", "", 1, True, "\x00"]


def malformed_values(type_: GraphQLInputType) -> list[Any]:
    named = get_named_type(type_)
    if isinstance(named, GraphQLEnumType):
        return [*_ENUM_MALFORMED, _enum_value_case_swapped(named)]
    return MALFORMED.get(named.name, _STRINGS)


def _enum_value_case_swapped(enum: GraphQLEnumType) -> str:
    return next(iter(enum.values)).swapcase()


def valid_value(type_: GraphQLInputType, name: str) -> Any:
    """A value the type accepts, meant to pass: the owner's own number for phone-like names."""
    if isinstance(type_, GraphQLNonNull):
        return valid_value(type_.of_type, name)
    if isinstance(type_, GraphQLList):
        return [valid_value(type_.of_type, name)]
    if isinstance(type_, GraphQLInputObjectType):
        return {
            field_name: valid_value(field.type, field_name)
            for field_name, field in type_.fields.items()
            if is_required_input_field(field)
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType)
    return {
        "ID": gid("Number", "1"),
        "Decimal": "100.00",
        "DateTime": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
        "Int": 1,
        "Float": 1.0,
        "Boolean": False,
    }.get(type_.name, OWNER_PHONE if re.search("msisdn|phone", name, re.I) else "valid")


def literal(value: Any, type_: GraphQLInputType) -> str:
    """`value` written into the document, as a client would type it (enum names bare)."""
    named = get_named_type(type_)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        is_name = isinstance(named, GraphQLEnumType) and _NAME.fullmatch(value)
        return value if is_name else json.dumps(value)
    if isinstance(value, list):
        item_type = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        item_type = item_type.of_type if isinstance(item_type, GraphQLList) else item_type
        return "[" + ", ".join(literal(item, item_type) for item in value) + "]"
    fields = named.fields if isinstance(named, GraphQLInputObjectType) else {}
    return (
        "{"
        + ", ".join(
            f"{key}: {literal(item, fields[key].type if key in fields else named)}"
            for key, item in value.items()
        )
        + "}"
    )


@dataclass(frozen=True)
class Slot:
    """One leaf of an argument: `path` from the argument down through input fields."""

    path: tuple[str, ...]
    type: GraphQLInputType


def leaf_slots(arg_name: str, type_: GraphQLInputType) -> Iterator[Slot]:
    """Every scalar or enum position inside an argument, input objects walked recursively."""
    named = get_named_type(type_)
    yield from _walk((arg_name,), type_, named, seen=frozenset())


def _walk(path: tuple[str, ...], type_: Any, named: Any, seen: frozenset[str]) -> Iterator[Slot]:
    if isinstance(named, GraphQLInputObjectType):
        if named.name in seen:
            return
        for field_name, field in named.fields.items():
            yield from _walk(
                (*path, field_name), field.type, get_named_type(field.type), seen | {named.name}
            )
    else:
        yield Slot(path, type_)


def required_arguments(field: Any) -> dict[str, Any]:
    return {
        name: valid_value(arg.type, name)
        for name, arg in field.args.items()
        if is_required_argument(arg)
    }


def with_value_at(arguments: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of `arguments` with `value` put at `path` (parents made as needed)."""
    head, *rest = path
    copied = dict(arguments)
    copied[head] = value if not rest else with_value_at(copied.get(head) or {}, tuple(rest), value)
    return copied


# The walks send thousands of operations as one viewer from one address in a minute: far
# over the rate limits, which would answer RATE_LIMITED before any input is looked at.
UNLIMITED_RATES = {"rate_limit_viewer": "1000000/minute", "rate_limit_ip": "1000000/minute"}


def assert_answered_not_crashed(body: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    """No masked error, every error of execution has a code (an error without a path is
    a validation or coercion error, answered before execution), nothing logged at ERROR."""
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code", "")
        assert error["message"] != MASKED_MESSAGE, error
        assert "INTERNAL" not in code, error
        assert code or "path" not in error, error
    logged = [
        record
        for record in caplog.records
        if record.name == "kabinet.errors" and record.levelno >= logging.ERROR
    ]
    assert not logged, [_cause(r) for r in logged]


def _cause(record: logging.LogRecord) -> str:
    """The logged exception in one line: its type, message and innermost frame."""
    if not record.exc_info or record.exc_info[1] is None:
        return record.getMessage()
    error = record.exc_info[1]
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return f"{type(error).__name__}: {error!s:.120} at {frame.filename}:{frame.lineno}"
