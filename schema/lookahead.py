"""Look-ahead on the raw AST: does this field's selection ask for any of these names?"""

from __future__ import annotations

from typing import Any

from graphql import FieldNode


def selects_any(info: Any, names: frozenset[str]) -> bool:
    """Reads graphql-core's field nodes (strawberry's selected_fields would convert the whole
    subtree). A fragment is not looked into: it counts as asking, to stay correct."""
    for node in info._raw_info.field_nodes:
        for child in node.selection_set.selections if node.selection_set else ():
            if not isinstance(child, FieldNode) or child.name.value in names:
                return True
    return False
