from tortoise import fields
from tortoise.models import Model


class Subscriber(Model):
    """A person who can sign in, by phone (E.164) and SMS code, or by password."""

    id = fields.IntField(primary_key=True)
    phone = fields.CharField(max_length=16, unique=True)
    full_name = fields.CharField(max_length=200, default="")
    # Where e-mail notifications go, once confirmed (a code sent to it was entered).
    contact_email = fields.CharField(max_length=254, null=True)
    contact_email_confirmed_at = fields.DatetimeField(null=True)
    # A name to sign in with instead of the phone number, as the subscriber wrote it, and
    # folded to lower case for the unique index (aliases differ by more than their case).
    login_alias = fields.CharField(max_length=32, null=True)
    login_alias_key = fields.CharField(max_length=32, null=True, unique=True)
    # argon2id encoded hash; null until the subscriber sets a password.
    password_hash = fields.CharField(max_length=256, null=True)
    # The owner's switch for all of their numbers: False forbids access requests.
    accepts_access_requests = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "subscribers"
