"""Every field of every type reachable from Query, selected by documents generated from the
schema and sent as the demo family's owner: none may crash, and the twin executor compares
each answer (tests/support/twin_executor.py). A field added later is walked without anyone
writing a query for it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from strawberry.relay import to_base64

from models import Number
from resolvers.policy import DocumentLimits
from schema import schema
from tests.support.apps import gateway_with
from tests.support.hostile import UNLIMITED_RATES, assert_answered_not_crashed
from tests.support.lived_in_demo import lived_in_demo
from tests.support.schema_walk import Literal, SchemaWalk

# The walk's documents are far bigger than a client's: the limits are not what is tested.
WALK_LIMITS = DocumentLimits(
    max_depth=40,
    max_aliases=10_000,
    max_tokens=1_000_000,
    max_cost=10_000_000,
    max_document_bytes=1_000_000,
    max_field_comparisons=10_000_000,
)
# Every field of a Line below a Grant or an Operation is two types in full (Number and
# HomeContract): the walk's documents are larger than a client's body may be.
WALK_BODY_BYTES = 4_000_000


# The usage detail's filter: the year up to the end of the next day.
USAGE_FILTER = Literal(
    f'{{ from: "{(date.today() - timedelta(days=363)).isoformat()}T00:00:00Z", '
    f'to: "{(date.today() + timedelta(days=2)).isoformat()}T00:00:00Z" }}'
)


async def walk_arguments() -> dict[str, str]:
    number = await Number.get(msisdn="+79990000002")
    return {"msisdn": number.msisdn, "id": to_base64("Number", number.id), "filter": USAGE_FILTER}


async def test_every_field_as_demo_owner_answers_without_internal_error(
    settings, viewers, gql, caplog
):
    demo = await lived_in_demo(gql, viewers)
    walk = SchemaWalk(schema._schema, await walk_arguments())
    documents = walk.root_documents()
    assert walk.covered == walk.every_field()
    # One document selects every field of the lived-in demo: seconds of work on a busy
    # machine, far past what a client may ask; the deadline is not what is tested here.
    async with gateway_with(
        settings,
        document_limits=WALK_LIMITS,
        max_body_bytes=WALK_BODY_BYTES,
        request_timeout=120.0,
        **UNLIMITED_RATES,
    ) as big:
        for root, document in documents.items():
            result = await big(document, token=demo.owner_token)
            assert result.status_code == 200, (root, result.body)
            assert_answered_not_crashed(result.body, caplog)
            assert result.data and result.data[root] is not None, (root, result.errors)


def test_the_walk_selects_a_field_added_to_any_type():
    walk = SchemaWalk(schema._schema, {"msisdn": "+79990000002", "id": "x", "filter": USAGE_FILTER})
    walk.root_documents()
    assert ("Grant", "msisdn") in walk.covered
    assert ("Number", "grants") in walk.covered
    assert ("PaymentCard", "last4") in walk.covered


@pytest.mark.parametrize("root", ["viewer", "number", "node", "tariffs", "services"])
def test_the_walk_has_a_document_per_root_field(root):
    assert (
        root
        in SchemaWalk(
            schema._schema, {"msisdn": "+7", "id": "x", "filter": USAGE_FILTER}
        ).root_documents()
    )
