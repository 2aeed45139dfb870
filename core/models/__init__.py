# Domains in packages of their own (app label core) re-export their models here, so
# `core.models` stays the one place to import any model of the app from.
from core.areas.models import *  # noqa: F403  (risk areas: boundaries, zones, figures)
from core.cases.models import *  # noqa: F403  (case data integration)
from core.psc.models import Escalation, EscalationAction, PscEvent, PscEventCounter
from core.satusehat.models import *  # noqa: F403  (SATUSEHAT bridge)

from .accounts import DeviceToken, OneTimeCode, ResidentProfile, User
from .audit import AuditLog
from .beds import BedAvailability, BedCount, BedKind, BedReport
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
