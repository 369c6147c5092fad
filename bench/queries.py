"""The GraphQL documents the benchmark sends, and the check that an answer is the right one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

FAMILY_TREE_DOCUMENT = (
    "{ viewer { accounts { numbers { msisdn accessLevel balance { amount } tariff { name }"
    " allowances { kind remaining }"
    " autopay { kind amount { amount } cardLast4 }"
    " trustPayment { offer { amount { amount } } unavailableReason current { status } }"
    " payments(first: 3) { nodes { id amount { amount } createdAt }"
    " pageInfo { hasNextPage endCursor } } }"
    " children { numbers { msisdn balance { amount } } } } numbers { msisdn accessLevel } } }"
)
# The same tree with what caring for a number adds: status and block come with the reach,
# roaming, forwarding and limits in one more statement.
FAMILY_TREE_CARE_DOCUMENT = (
    "{ viewer { accounts { numbers { msisdn accessLevel balance { amount } tariff { name }"
    " status block { reason until } roaming callForwarding { condition to }"
    " limits { userMayChangeTariff } }"
    " children { numbers { msisdn balance { amount } status block { reason } roaming } } }"
    " numbers { msisdn accessLevel } } }"
)
TYPENAME_DOCUMENT = "{ __typename }"


class WrongAnswer(Exception):
    """The gateway answered, but not what the benchmark asked for."""


@dataclass(frozen=True)
class Query:
    name: str
    document: str
    authenticated: bool

    @property
    def body(self) -> str:
        return json.dumps({"query": self.document})

    def headers(self, token: str) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.authenticated:
            headers["Authorization"] = f"Bearer {token}"
        return headers


TYPENAME = Query("typename", TYPENAME_DOCUMENT, authenticated=False)
FAMILY_TREE = Query("family_tree", FAMILY_TREE_DOCUMENT, authenticated=True)
FAMILY_TREE_CARE = Query("family_tree_care", FAMILY_TREE_CARE_DOCUMENT, authenticated=True)
QUERIES = (TYPENAME, FAMILY_TREE, FAMILY_TREE_CARE)


def check_answer(query: Query, status: int, body: dict[str, Any], numbers: int) -> None:
    """Raises WrongAnswer unless the answer is a 200 with the data a tree of `numbers` gives."""
    if status != 200 or body.get("errors"):
        raise WrongAnswer(f"{query.name}: HTTP {status}, errors {body.get('errors')}")
    data = body.get("data") or {}
    if query is TYPENAME:
        if data != {"__typename": "Query"}:
            raise WrongAnswer(f"typename: unexpected data {data!r}")
        return
    viewer = data.get("viewer") or {}
    accounts = viewer.get("accounts") or []
    in_tree = sum(len(a["numbers"]) for a in accounts)
    in_tree += sum(len(c["numbers"]) for a in accounts for c in a["children"])
    seen = len(viewer.get("numbers") or [])
    if len(accounts) != 1 or in_tree != numbers or seen != numbers:
        raise WrongAnswer(
            f"family_tree: expected 1 top account and {numbers} numbers, got "
            f"{len(accounts)} accounts, {in_tree} numbers in the tree, {seen} in viewer.numbers"
        )
