"""Money: the ledger and balances, top-ups through payment providers, saved cards."""
