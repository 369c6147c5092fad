"""Root mutation fields, one module per domain."""
