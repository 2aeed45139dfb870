"""The teleconsult API views, by what they serve: bookings (and free slots), the
consultation (chat, outcome), a doctor's availability, proposals. Re-exported here
for urls.py."""

from isolation.teleconsult.api.views.availability import (
    AvailabilityApi,
    ExceptionDeleteApi,
    ExceptionListCreateApi,
)
from isolation.teleconsult.api.views.bookings import (
    BookingCancelApi,
    BookingDetailApi,
    BookingListCreateApi,
    BookingRescheduleApi,
    SlotListApi,
)
from isolation.teleconsult.api.views.consultation import (
    MessageListCreateApi,
    OutcomeApi,
)
from isolation.teleconsult.api.views.proposals import (
    ProposalAcceptApi,
    ProposalDeclineApi,
    ProposalListApi,
)

__all__ = [
    "AvailabilityApi",
    "BookingCancelApi",
    "BookingDetailApi",
    "BookingListCreateApi",
    "BookingRescheduleApi",
    "ExceptionDeleteApi",
    "ExceptionListCreateApi",
    "MessageListCreateApi",
    "OutcomeApi",
    "ProposalAcceptApi",
    "ProposalDeclineApi",
    "ProposalListApi",
    "SlotListApi",
]
