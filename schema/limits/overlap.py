"""OverlappingFieldsCanBeMerged with a budget.

The standard rule compares every pair of fields that share a response name in one
selection set, and the pairs' sub-selections in turn: its work grows with the square of
the document (250 copies of `tariffs { name }`, 4 kB, took 0.2 s; 500 took 0.7 s). Every
other rule we run is linear. Rather than fork the rule, its two comparison functions are
wrapped so that, inside this rule, each call spends one unit of a per-document budget;
when the budget is spent the document is refused with a limit error. A comparison costs
about 10 µs; the default budget (GRAPHQL_MAX_FIELD_COMPARISONS, 3,000) is far above what
real documents spend (the family tree: none) and bounds the rule at ~30 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import cache
from typing import Any

from graphql import BREAK, SelectionSetNode
from graphql.validation.rules import overlapping_fields_can_be_merged as _rule_module
from graphql.validation.rules.overlapping_fields_can_be_merged import (
    OverlappingFieldsCanBeMergedRule,
)

from schema.limits.errors import limit_error


class _Budget:
    __slots__ = ("left",)

    def __init__(self, left: int) -> None:
        self.left = left


class _BudgetSpent(Exception):
    pass


_current: ContextVar[_Budget | None] = ContextVar("overlap_budget", default=None)


def _spending(function: Callable[..., Any]) -> Callable[..., Any]:
    def spend(*args: Any, **kwargs: Any) -> Any:
        budget = _current.get()
        if budget is not None:
            budget.left -= 1
            if budget.left < 0:
                raise _BudgetSpent
        return spend.__wrapped__(*args, **kwargs)  # type: ignore[attr-defined]

    spend.__wrapped__ = function  # type: ignore[attr-defined]
    return spend


# The module calls these by their global names, so wrapping the globals reaches every
# call. Outside BudgetedOverlappingFieldsRule no budget is set and they run as before.
if not hasattr(_rule_module.find_conflict, "__wrapped__"):
    _rule_module.find_conflict = _spending(_rule_module.find_conflict)
    _rule_module.collect_conflicts_between = _spending(_rule_module.collect_conflicts_between)


class BudgetedOverlappingFieldsRule(OverlappingFieldsCanBeMergedRule):
    budget_size = 3000  # set per budget by `budgeted_overlap_rule`

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget = _Budget(self.budget_size)

    def enter_selection_set(self, selection_set: SelectionSetNode, *args: Any) -> Any:
        token = _current.set(self.budget)
        try:
            return super().enter_selection_set(selection_set, *args)
        except _BudgetSpent:
            self.report_error(
                limit_error(
                    "GRAPHQL_MAX_FIELD_COMPARISONS",
                    self.budget_size,
                    "The document repeats the same fields too often to be checked",
                )
            )
            return BREAK
        finally:
            _current.reset(token)


@cache
def budgeted_overlap_rule(budget: int) -> type[BudgetedOverlappingFieldsRule]:
    """One class per budget: validation results are cached by rule classes, so a document
    checked under one budget is not taken as checked under another."""
    return type(
        f"BudgetedOverlappingFieldsRule{budget}",
        (BudgetedOverlappingFieldsRule,),
        {"budget_size": budget},
    )
