from core.satusehat.models import *  # noqa: F403,E402  (SATUSEHAT bridge)

from .accounts import DeviceToken, OneTimeCode, ResidentProfile, User
from .areas import *  # noqa: F403  (risk areas: boundaries, zones, figures)
from .audit import AuditLog
from .cases import *  # noqa: F403  (case data integration)
from .facilities import Facility
from .notifications import ChannelIdentity, Notification
from .regions import Region

__all__ = [
    "AuditLog",
    "ChannelIdentity",
    "DeviceToken",
    "Facility",
    "Notification",
    "OneTimeCode",
    "Region",
    "ResidentProfile",
    "User",
]
