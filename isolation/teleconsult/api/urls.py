from __future__ import annotations

from django.urls import path

from isolation.teleconsult.api import views

urlpatterns = [
    path("slots", views.SlotListApi.as_view(), name="teleconsult-slots"),
    path("bookings", views.BookingListCreateApi.as_view(), name="teleconsult-bookings"),
    path(
        "bookings/<int:booking_id>",
        views.BookingDetailApi.as_view(),
        name="teleconsult-booking",
    ),
    path(
        "bookings/<int:booking_id>/cancel",
        views.BookingCancelApi.as_view(),
        name="teleconsult-booking-cancel",
    ),
    path(
        "bookings/<int:booking_id>/reschedule",
        views.BookingRescheduleApi.as_view(),
        name="teleconsult-booking-reschedule",
    ),
    path(
        "bookings/<int:booking_id>/outcome",
        views.OutcomeApi.as_view(),
        name="teleconsult-booking-outcome",
    ),
    path(
        "bookings/<int:booking_id>/messages",
        views.MessageListCreateApi.as_view(),
        name="teleconsult-booking-messages",
    ),
    path(
        "availability",
        views.AvailabilityApi.as_view(),
        name="teleconsult-availability",
    ),
    path(
        "availability/exceptions",
        views.ExceptionListCreateApi.as_view(),
        name="teleconsult-exceptions",
    ),
    path(
        "availability/exceptions/<int:exception_id>",
        views.ExceptionDeleteApi.as_view(),
        name="teleconsult-exception",
    ),
    path("proposals", views.ProposalListApi.as_view(), name="teleconsult-proposals"),
    path(
        "proposals/<int:proposal_id>/accept",
        views.ProposalAcceptApi.as_view(),
        name="teleconsult-proposal-accept",
    ),
    path(
        "proposals/<int:proposal_id>/decline",
        views.ProposalDeclineApi.as_view(),
        name="teleconsult-proposal-decline",
    ),
]
