"""Isolation monitoring API: residents (app) and health workers (nakes app). Public
names are re-exported here."""

from __future__ import annotations

from isolation.api.views.resident import (
    CheckInSubmitApi,
    IsolationRequestCreateApi,
    MyCheckInListApi,
    MyIsolationApi,
    MyIsolationRequestListApi,
)
from isolation.api.views.worker import (
    AlertAcknowledgeApi,
    AlertListApi,
    EventListApi,
    ExtendApi,
    NoteCreateApi,
    PatientDetailApi,
    PatientListApi,
    RequestConfirmApi,
    RequestDeclineApi,
    RequestListApi,
    StatusChangeApi,
)

__all__ = [
    "AlertAcknowledgeApi",
    "AlertListApi",
    "CheckInSubmitApi",
    "EventListApi",
    "ExtendApi",
    "IsolationRequestCreateApi",
    "MyCheckInListApi",
    "MyIsolationApi",
    "MyIsolationRequestListApi",
    "NoteCreateApi",
    "PatientDetailApi",
    "PatientListApi",
    "RequestConfirmApi",
    "RequestDeclineApi",
    "RequestListApi",
    "StatusChangeApi",
]
