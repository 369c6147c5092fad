"""Checked documents are remembered for texts that come back, never for texts seen once
or refused: real clients repeat their few documents, an attacker's are new each time."""

from __future__ import annotations

import gc

from graphql import parse

import schema.validation_cache as validation_module
from resolvers.policy import DocumentLimits
from schema.document_checks import DOCUMENTS, Documents, parse_checked
from tests.support.apps import gateway_with

TEXT = "{ tariffs { name } __typename }"


def test_a_text_is_kept_the_second_time_it_is_seen_and_only_then():
    documents = Documents(maxsize=4, remembered=8)
    key = (TEXT, DocumentLimits())
    assert documents.seen_before(key) is False
    assert documents.seen_before(key) is True
    assert documents.get(key) is None  # seeing is not keeping: keep() is for passed checks


def test_the_least_recently_used_document_leaves_first_with_its_operations():
    documents = Documents(maxsize=2, remembered=8)
    entries = []
    for i in range(3):
        key = (f"query Q{i} {{ __typename }}", DocumentLimits())
        checked = __import__("schema.document_checks", fromlist=["Checked"]).Checked(parse(key[0]))
        documents.keep(key, checked)
        entries.append(checked)
    first_operation = entries[0].document.definitions[0]
    assert len(documents) == 2 and not documents.keeps(first_operation)
    assert documents.keeps(entries[2].document.definitions[0])


async def test_a_repeated_valid_document_is_validated_once_then_reused(settings, monkeypatch):
    calls = []
    real = validation_module.validate_document

    def counting(*args):
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(validation_module, "validate_document", counting)
    text = "query CachedOnce { tariffs { name } }"
    async with gateway_with(settings) as gql:
        for _ in range(4):
            assert (await gql(text)).ok() == {"tariffs": []}
    served = [document for document in calls]
    # Seen once: validated, not kept. Seen twice: validated, kept. Then reused. (The suite's
    # twin executor validates on its own schema once per sighting too.)
    assert len({id(d) for d in served}) == 2
    assert DOCUMENTS.get((text, DocumentLimits())) is not None


async def test_a_document_refused_or_invalid_is_never_kept(settings):
    over = "{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }"
    invalid = "query NeverKept { tarifs { name } }"
    async with gateway_with(settings) as gql:
        for _ in range(3):
            await gql(over)
            await gql(invalid)
    assert DOCUMENTS.get((over, DocumentLimits())) is None
    assert DOCUMENTS.get((invalid, DocumentLimits())) is None


def test_a_parsed_document_holds_no_reference_cycles():
    """Freed as soon as it is dropped, without the cyclic garbage collector."""
    text = "query Acyclic($n: Int!) { viewer { numbers { payments(first: $n) { nodes { id } } } } }"
    gc.collect()
    gc.disable()
    try:
        for _ in range(50):
            parse_checked(text, DocumentLimits())
        assert gc.collect() == 0
    finally:
        gc.enable()
