"""Global ids in, database ids out: the one place an id a client sent is decoded.

An id that does not decode, names another type, or holds anything but a database id is
NOT_FOUND, exactly like the id of an object that does not exist (or that the viewer may not
see): the answer must not tell them apart.
"""

from __future__ import annotations

import re

from graphql import GraphQLError
from strawberry import relay

from resolvers.errors import NotFound

NO_SUCH_ID = "No object has this id."
# Ids are INTEGER columns: 1 .. 2**31 - 1. ASCII digits without leading zeros only, so one
# object has one id: int() would also take " 7", "0007", "7_0", "-7" or "٧" (Arabic-Indic),
# and a larger number would fail in PostgreSQL ("out of int32 range") instead of matching.
_PK = re.compile(r"[1-9][0-9]{0,9}")
_MAX_PK = 2**31 - 1
NOT_AN_ID = 0  # matches no row: what the resolvers get for an id that names nothing


def pk_of(global_id: relay.GlobalID | None, type_name: str) -> int:
    """The database id inside a global id of `type_name`; NOT_AN_ID for anything else."""
    if global_id is None or global_id.type_name != type_name:
        return NOT_AN_ID
    node_id = global_id.node_id
    if not _PK.fullmatch(node_id) or int(node_id) > _MAX_PK:
        return NOT_AN_ID
    return int(node_id)


def decode(value: str) -> relay.GlobalID | None:
    """A global id from its text, or None when the text is not one."""
    try:
        return relay.GlobalID.from_id(value)
    except ValueError:  # GlobalIDValueError: not base64, not UTF-8, no "Type:" part
        return None


def not_found_for_undecodable_id(error: GraphQLError) -> GraphQLError | None:
    """The answer for strawberry's refusal of a `relay.GlobalID` argument that does not
    decode (it converts arguments before the resolver runs, so no resolver can catch it):
    NOT_FOUND, as for an id that decodes but names nothing. None for any other error."""
    if not isinstance(error.original_error, relay.InvalidGlobalIDError):
        return None
    return GraphQLError(
        NO_SUCH_ID,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={"code": NotFound.code},
    )
