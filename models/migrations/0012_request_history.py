from tortoise import migrations
from tortoise.migrations import operations as ops
from models.operations import ActorRole, OperationKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0011_number_care')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Operation',
            name='actor_role',
            field=fields.CharEnumField(description='NUMBER_USER: NUMBER_USER\nOWNER: OWNER\nDELEGATE: DELEGATE\nPARTNER_APP: PARTNER_APP\nSYSTEM: SYSTEM\nOPERATOR: OPERATOR\nREQUESTER: REQUESTER', enum_type=ActorRole, max_length=16),
        ),
        ops.AlterField(
            model_name='Operation',
            name='kind',
            field=fields.CharEnumField(description='TARIFF_CHANGE: TARIFF_CHANGE\nSERVICE_CONNECT: SERVICE_CONNECT\nSERVICE_DISCONNECT: SERVICE_DISCONNECT\nBLOCK: BLOCK\nUNBLOCK: UNBLOCK\nTOPUP: TOPUP\nTRUST_PAYMENT: TRUST_PAYMENT\nAUTOPAY: AUTOPAY\nGRANT: GRANT\nGRANT_REVOKE: GRANT_REVOKE\nROAMING: ROAMING\nCALL_FORWARDING: CALL_FORWARDING\nLIMITS: LIMITS\nACCESS_REQUEST: ACCESS_REQUEST\nACCESS_REQUEST_APPROVE: ACCESS_REQUEST_APPROVE\nACCESS_REQUEST_DENY: ACCESS_REQUEST_DENY\nACCESS_REQUEST_WITHDRAW: ACCESS_REQUEST_WITHDRAW\nACCESS_REQUESTS_FORBID: ACCESS_REQUESTS_FORBID\nACCESS_REQUESTS_ALLOW: ACCESS_REQUESTS_ALLOW', enum_type=OperationKind, max_length=24),
        ),
        ops.AddField(
            model_name='Operation',
            name='payment',
            field=fields.ForeignKeyField('kabinet.Payment', source_field='payment_id', null=True, unique=True, db_constraint=True, to_field='id', related_name='operations', on_delete=OnDelete.SET_NULL),
        ),
    ]
