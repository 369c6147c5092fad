"""Tortoise models: Kabinet's storage. Nothing here knows GraphQL or HTTP.

Every model is re-exported here because tortoise discovers an app's models by module.
"""

from models.access import (
    AccessGrant,
    AccessLevel,
    AccessRequest,
    AccessRequestBlock,
    AccessRequestStatus,
    GrantSource,
)
from models.accounts import Account, BlockReason, HomeContract, LineKind, Number, NumberStatus
from models.care import ForwardingCondition, NumberLimits, NumberSettings
from models.catalog import (
    CatalogSegment,
    NumberService,
    Service,
    ServiceExclusion,
    ServiceTariff,
    Tariff,
)
from models.exports import (
    ExportFormat,
    ExportJob,
    ExportStatus,
    MonthlyDetailEmail,
    MonthlyDetailSend,
)
from models.identity import (
    AccessToken,
    AuditEvent,
    CodePurpose,
    OneTimeCode,
    RateCounter,
    RefreshToken,
    Session,
    SignInMethod,
)
from models.ledger import Balance, LedgerEntry, LedgerKind
from models.notifications import (
    EmailConfirmation,
    LowBalanceThreshold,
    Notification,
    NotificationChannel,
    NotificationPreference,
    NotificationStatus,
    NotificationTopic,
)
from models.operations import ActorRole, Operation, OperationKind, OperationStatus
from models.partners import PartnerApp
from models.payments import (
    AutopayKind,
    AutopayRule,
    AutopayRun,
    Payment,
    PaymentCard,
    PaymentStatus,
    TrustPayment,
    TrustStatus,
)
from models.requests import RequestKind, RequestStatus, ServiceRequest
from models.sandbox import SandboxCharge
from models.subscribers import Subscriber
from models.support import (
    SupportTicket,
    TicketEvent,
    TicketMessage,
    TicketSide,
    TicketStatus,
    TicketTopic,
)
from models.usage import UsageDirection, UsageKind, UsageRecord

__all__ = [
    "AccessGrant",
    "AccessLevel",
    "AccessRequest",
    "AccessRequestBlock",
    "AccessRequestStatus",
    "AccessToken",
    "Account",
    "ActorRole",
    "AuditEvent",
    "AutopayKind",
    "AutopayRule",
    "AutopayRun",
    "Balance",
    "BlockReason",
    "CatalogSegment",
    "CodePurpose",
    "EmailConfirmation",
    "ExportFormat",
    "ExportJob",
    "ExportStatus",
    "ForwardingCondition",
    "GrantSource",
    "HomeContract",
    "LedgerEntry",
    "LedgerKind",
    "LineKind",
    "LowBalanceThreshold",
    "MonthlyDetailEmail",
    "MonthlyDetailSend",
    "Notification",
    "NotificationChannel",
    "NotificationPreference",
    "NotificationStatus",
    "NotificationTopic",
    "Number",
    "NumberLimits",
    "NumberService",
    "NumberSettings",
    "NumberStatus",
    "OneTimeCode",
    "Operation",
    "OperationKind",
    "OperationStatus",
    "PartnerApp",
    "Payment",
    "PaymentCard",
    "PaymentStatus",
    "RateCounter",
    "RefreshToken",
    "RequestKind",
    "RequestStatus",
    "SandboxCharge",
    "Service",
    "ServiceExclusion",
    "ServiceRequest",
    "ServiceTariff",
    "Session",
    "SignInMethod",
    "Subscriber",
    "SupportTicket",
    "Tariff",
    "TicketEvent",
    "TicketMessage",
    "TicketSide",
    "TicketStatus",
    "TicketTopic",
    "TrustPayment",
    "TrustStatus",
    "UsageDirection",
    "UsageKind",
    "UsageRecord",
]
