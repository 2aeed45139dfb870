from .accounts import DeviceToken, OneTimeCode, ResidentProfile, User
from .areas import *  # noqa: F403  (risk areas: boundaries, zones, figures)
from .audit import AuditLog
from .cases import *  # noqa: F403  (case data integration)
from .facilities import Facility
from .notifications import ChannelIdentity, Notification
from .regions import Region
from .tokens import ApiToken

__all__ = [
    "ApiToken",
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
