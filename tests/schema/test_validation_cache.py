"""The validation cache finds a parsed document by identity and never serves one
document's result for another."""

from __future__ import annotations

from graphql import parse, specified_rules

from schema import schema
from schema.validation_cache import _Results


def test_a_document_is_validated_once_and_its_result_reused(monkeypatch):
    calls = []
    import schema.validation_cache as module

    real = module.validate_document

    def counting(*args):
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(module, "validate_document", counting)
    results = _Results(maxsize=2)
    document = parse("{ tariffs { name } }")
    graphql_schema = schema._schema
    assert results.validate(graphql_schema, document, ()) == []
    assert results.validate(graphql_schema, document, ()) == []
    assert calls == [document]


def test_an_equal_but_distinct_document_is_validated_for_itself():
    results = _Results(maxsize=4)
    good, bad = parse("{ tariffs { name } }"), parse("{ tariffs { nope } }")
    rules = tuple(specified_rules)
    assert results.validate(schema._schema, good, rules) == []
    errors = results.validate(schema._schema, bad, rules)
    assert [e.message.startswith("Cannot query field 'nope'") for e in errors] == [True]


def test_the_least_recently_used_document_leaves_first():
    results = _Results(maxsize=2)
    documents = [parse("{ tariffs { name } }") for _ in range(3)]
    for document in documents:
        results.validate(schema._schema, document, ())
    kept = [entry[1] for entry in results._entries.values()]
    assert kept[0] is documents[1] and kept[1] is documents[2]
