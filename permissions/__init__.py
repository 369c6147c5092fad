"""Access policy as plain functions: who may see and do what. No HTTP, no GraphQL, no I/O."""
