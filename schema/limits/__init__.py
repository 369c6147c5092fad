"""Limits on what one GraphQL document may ask, each checked before execution in time
linear in the document: its size, tokens and nesting before parsing (`text.py`); depth,
aliases, directives and cost after, analysing each fragment once (`analysis.py`); and a
budget for the one standard validation rule whose work can grow with the square of the
document (`overlap.py`)."""

from schema.limits.analysis import analyse, check_document
from schema.limits.errors import limit_error
from schema.limits.overlap import BudgetedOverlappingFieldsRule, budgeted_overlap_rule
from schema.limits.text import check_text

__all__ = [
    "BudgetedOverlappingFieldsRule",
    "analyse",
    "budgeted_overlap_rule",
    "check_document",
    "check_text",
    "limit_error",
]
