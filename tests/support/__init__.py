"""Test helpers: an isolated database, a GraphQL client that can act as any viewer,
and a SQL statement counter."""
