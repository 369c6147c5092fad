"""Notifications: `notify()` writes the outbox inside the caller's transaction; the worker
delivers it after the commit (`delivery.py`); subscribers choose channels per topic."""

from models import NotificationTopic
from resolvers.notifications.outbox import notify

__all__ = ["NotificationTopic", "notify"]
