"""HTTP edge of Kabinet: Starlette app, configuration, auth, limits, CLI. No domain logic."""
