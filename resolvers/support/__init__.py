"""Support tickets: the subscriber's side (the API) and the operator's (the command line)."""
