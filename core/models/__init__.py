# PSC 119 lives in core.psc (its own package, app label core).
from core.psc.models import Escalation, EscalationAction, PscEvent, PscEventCounter  # noqa: E402
from core.satusehat.models import *  # noqa: F403,E402  (SATUSEHAT bridge)

from .accounts import DeviceToken, OneTimeCode, ResidentProfile, User
from .areas import *  # noqa: F403  (risk areas: boundaries, zones, figures)
from .audit import AuditLog
from .beds import BedAvailability, BedCount, BedKind, BedReport
from .cases import *  # noqa: F403  (case data integration)
from .facilities import Facility
from .notifications import ChannelIdentity, Notification
from .regions import Region
from .tokens import ApiToken

__all__ = [
    "ApiToken",
    "AuditLog",
    "BedAvailability",
    "BedCount",
    "BedKind",
    "BedReport",
    "ChannelIdentity",
    "DeviceToken",
    "Escalation",
    "EscalationAction",
    "Facility",
    "Notification",
    "OneTimeCode",
    "PscEvent",
    "PscEventCounter",
    "Region",
    "ResidentProfile",
    "User",
]
