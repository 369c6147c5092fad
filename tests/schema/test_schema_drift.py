from pathlib import Path

from schema import schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_schema_matches_the_code():
    printed = schema.as_str() + "\n"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == printed, (
        "schema.graphql is out of date: run `make schema` and commit it"
    )
