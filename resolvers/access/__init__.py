"""Delegated access: grants, linking a relative's number, access requests."""
