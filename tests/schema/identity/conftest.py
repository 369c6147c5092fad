import pytest

from models import Subscriber
from resolvers.identity.passwords import hash_password_sync

OWNER_PHONE = "+79990000001"
OWNER_PASSWORD = "correct-horse-battery"


@pytest.fixture
async def owner() -> Subscriber:
    return await Subscriber.create(
        phone=OWNER_PHONE, full_name="Анна", password_hash=hash_password_sync(OWNER_PASSWORD)
    )


@pytest.fixture
def outbox(settings):
    return settings.sms_outbox_path
