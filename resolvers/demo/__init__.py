"""The demo family every feature can be shown on (`kabinet seed --demo`)."""

from resolvers.demo.seed import DEMO_PASSWORD, DEMO_PHONES, seed_demo

__all__ = ["DEMO_PASSWORD", "DEMO_PHONES", "seed_demo"]
