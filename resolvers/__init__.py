"""Business rules, one place per operation. Called by schema/, asks permissions/, reads
through per-request loaders and writes through models/."""
