from tortoise import fields
from tortoise.models import Model


class PartnerApp(Model):
    """A third-party client: authenticates with client id + secret, acts within its scopes."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    client_id = fields.CharField(max_length=64, unique=True)
    secret_hash = fields.CharField(max_length=256)  # argon2id; the secret is shown once
    allowed_scopes = fields.JSONField(default=list)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "partner_apps"
