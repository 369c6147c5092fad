"""Fuzz: queries and mutations generated from the schema (hypothesis-graphql), sent as the
demo family's owner; no answer may be an internal error, and nothing may be logged at ERROR.

The values mix what a client means (the demo's phones, card tokens, real ids, amounts and
moments in the documented form) with the hostile values of tests/support/hostile.py, so the
documents get past the first check and into the rules. Mutations change the demo between
examples; any answer with a code is fine, only a crash fails.

    KABINET_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/schema/test_fuzz.py
runs each of the two tests with that many examples (150 by default, for every CI run).
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import strategies as gql_strategies

from gateway.config import Settings
from models import Subscriber
from resolvers.demo import DEMO_PASSWORD, DEMO_PHONES, seed_demo
from schema import schema
from tests.support.hostile import MALFORMED, UNLIMITED_RATES, assert_answered_not_crashed, gid

EXAMPLES = int(os.environ.get("KABINET_FUZZ_EXAMPLES", "150"))
NODE_TYPES = [
    "Number", "Account", "Subscriber", "Session", "Grant", "AccessRequest", "Tariff",
    "Service", "PaymentCard", "Payment", "LedgerEntry", "TrustPayment", "Autopay",
]  # fmt: skip
# Strings in the documents stay printable (the document is one JSON string); the hostile
# characters (NUL, lone surrogates) are tests/schema/test_hostile_input.py's.
_hostile_strings = [
    value
    for value in MALFORMED["String"]
    if isinstance(value, str) and not any("\ud800" <= char <= "\udfff" for char in value)
]


def _strings(values: list[Any]) -> st.SearchStrategy[graphql.ValueNode]:
    return st.sampled_from([v for v in values if isinstance(v, str)]).map(
        lambda value: graphql.StringValueNode(value=value)
    )


_meant_strings = st.sampled_from(
    [*DEMO_PHONES.values(), "tok_visa", "tok_mastercard", "tok_chargeDeclined", DEMO_PASSWORD,
     "demo-partner", "123456", "key-1", "key-2", "Привет", "+7 999 000-00-01", "79990000002"]
)  # fmt: skip
CUSTOM_SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    # Mostly what a client means, so that documents get into the rules; hostile the rest.
    "String": st.one_of(
        _meant_strings,
        _meant_strings,
        _meant_strings,
        st.sampled_from(_hostile_strings),
        st.text(max_size=40),
    ).map(lambda value: graphql.StringValueNode(value=value)),
    "ID": st.one_of(
        st.builds(gid, st.sampled_from(NODE_TYPES), st.integers(1, 40).map(str)),
        _strings(MALFORMED["ID"]),
    ).map(
        lambda node: (
            node if isinstance(node, graphql.ValueNode) else graphql.StringValueNode(value=node)
        )
    ),
    "Decimal": st.one_of(
        st.decimals(min_value=0, max_value=100_000, places=2).map(str),
        st.sampled_from(["10.00", "100", "500.5", "0.01", "15000.00", "0"]),
        st.sampled_from([v for v in MALFORMED["Decimal"] if isinstance(v, str)]),
    ).map(lambda value: graphql.StringValueNode(value=value)),
    "DateTime": st.one_of(
        st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
        st.sampled_from([v for v in MALFORMED["DateTime"] if isinstance(v, str)]),
    ).map(lambda value: graphql.StringValueNode(value=value)),
    "Int": st.one_of(
        st.integers(-3, 40), st.integers(-(2**31), 2**31 - 1), st.sampled_from([2**31, -1, 0])
    ).map(lambda number: graphql.IntValueNode(value=str(number))),
}
GRAPHQL_SCHEMA = schema._schema
# hypothesis-graphql has no depth bound; its documents reach ~7 levels of fields. Five levels
# (a depth of 4 as depth limiters count it: the leaf is not a level) reach every field with
# arguments (viewer { numbers { payments { nodes { id } } } }) and stay well inside the
# document limits (depth, aliases, cost) of schema/build.py.
MAX_DEPTH = 5


def _depth(selection_set: graphql.SelectionSetNode | None) -> int:
    if selection_set is None:
        return 0
    nested = (getattr(node, "selection_set", None) for node in selection_set.selections)
    return 1 + max((_depth(inner) for inner in nested), default=0)


def _small(document: str) -> bool:
    operation = graphql.parse(document).definitions[0]
    return _depth(getattr(operation, "selection_set", None)) <= MAX_DEPTH


QUERIES = gql_strategies.queries(GRAPHQL_SCHEMA, custom_scalars=CUSTOM_SCALARS).filter(_small)
MUTATIONS = gql_strategies.mutations(GRAPHQL_SCHEMA, custom_scalars=CUSTOM_SCALARS).filter(_small)
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # every run explores afresh; a failure prints its document
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, **UNLIMITED_RATES)


@pytest.fixture
async def owner(viewers) -> Subscriber:
    """The demo, seeded once per test function (examples share it, and change it)."""
    await seed_demo()
    return await Subscriber.get(phone=DEMO_PHONES["owner"])


async def _send(
    http: httpx.AsyncClient, viewers, owner: Subscriber, document: str, caplog
) -> dict[str, Any]:
    # A fresh session each time: an example may have signed the last one out.
    token = await viewers.token_for(owner)
    caplog.clear()
    response = await http.post(
        "/graphql", json={"query": document}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code != 500, (document, response.text)
    body = response.json()
    assert_answered_not_crashed(body, caplog)
    # Shown by --hypothesis-show-statistics: how far the documents got.
    codes = {
        (error.get("extensions") or {}).get("code", "no code") for error in body.get("errors") or []
    }
    event("answered: " + (", ".join(sorted(codes)) if codes else "data, no error"))
    return body


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@FUZZ_SETTINGS
@given(document=QUERIES)
async def test_owner_sending_generated_queries_never_gets_an_internal_error(
    http, viewers, owner, caplog, document
):
    caplog.set_level(logging.ERROR, logger="kabinet.errors")
    await _send(http, viewers, owner, document, caplog)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@FUZZ_SETTINGS
@given(document=MUTATIONS)
async def test_owner_sending_generated_mutations_never_gets_an_internal_error(
    http, viewers, owner, caplog, document
):
    caplog.set_level(logging.ERROR, logger="kabinet.errors")
    await _send(http, viewers, owner, document, caplog)
