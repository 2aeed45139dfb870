from __future__ import annotations

from django.urls import path

from isolation.teleconsult.api import views

urlpatterns = [
    path("slots", views.SlotListView.as_view(), name="teleconsult-slots"),
    path(
        "bookings", views.BookingListCreateView.as_view(), name="teleconsult-bookings"
    ),
    path(
        "bookings/<int:booking_id>",
        views.BookingDetailView.as_view(),
        name="teleconsult-booking",
    ),
    path(
        "bookings/<int:booking_id>/cancel",
        views.BookingCancelView.as_view(),
        name="teleconsult-booking-cancel",
    ),
    path(
        "bookings/<int:booking_id>/reschedule",
        views.BookingRescheduleView.as_view(),
        name="teleconsult-booking-reschedule",
    ),
    path(
        "bookings/<int:booking_id>/outcome",
        views.OutcomeView.as_view(),
        name="teleconsult-booking-outcome",
    ),
    path(
        "bookings/<int:booking_id>/messages",
        views.MessageListCreateView.as_view(),
        name="teleconsult-booking-messages",
    ),
    path(
        "availability",
        views.AvailabilityView.as_view(),
        name="teleconsult-availability",
    ),
    path(
        "availability/exceptions",
        views.ExceptionListCreateView.as_view(),
        name="teleconsult-exceptions",
    ),
    path(
        "availability/exceptions/<int:exception_id>",
        views.ExceptionDeleteView.as_view(),
        name="teleconsult-exception",
    ),
    path("proposals", views.ProposalListView.as_view(), name="teleconsult-proposals"),
    path(
        "proposals/<int:proposal_id>/accept",
        views.ProposalAcceptView.as_view(),
        name="teleconsult-proposal-accept",
    ),
    path(
        "proposals/<int:proposal_id>/decline",
        views.ProposalDeclineView.as_view(),
        name="teleconsult-proposal-decline",
    ),
]
