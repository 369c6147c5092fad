"""Caring for a number: blocks, roaming, call forwarding and the limits an owner sets on a
number someone else uses. Each change is an operation record."""
