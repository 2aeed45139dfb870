from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.i18n import pick
from core.models import ChannelIdentity, Notification, User
from core.rules import next_allowed_send, notification_backoff

logger = logging.getLogger(__name__)


def user_channels(user: User) -> list[str]:
    channels = []
    if user.device_tokens.exists():
        channels.append(Notification.Channel.PUSH)
    linked = set(
        ChannelIdentity.objects.filter(user=user).values_list("channel", flat=True)
    )
    channels += [
        c
        for c in (Notification.Channel.TELEGRAM, Notification.Channel.WHATSAPP)
        if c in linked
    ]
    return channels or [Notification.Channel.SMS]


def notify(
    *,
    user: User,
    kind: str,
    text: dict[str, str] | str,
    urgent: bool = False,
    dedupe_key: str | None = None,
    data: dict | None = None,
    channels: list[str] | None = None,
    subject: User | None = None,
) -> list[Notification]:
    """Queue a message to a person on each of their channels; delivered after commit.

    Non-urgent messages wait for the end of quiet hours in the person's time zone.
    With a dedupe_key, calling this again (a retried task) sends nothing new.
    `subject`: the resident the message is about (a patient, for a message to staff),
    so that erasing that resident deletes it (core.services.privacy.user_erase).
    """
    now = timezone.now()
    send_after = (
        now if urgent else next_allowed_send(now, user.tz, settings.SIGAP_QUIET_HOURS)
    )
    body = pick(text, user.language)
    created: list[Notification] = []
    for channel in channels or user_channels(user):
        if (
            dedupe_key
            and Notification.objects.filter(
                user=user, channel=channel, dedupe_key=dedupe_key
            ).exists()
        ):
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user=user,
                        subject=subject,
                        channel=channel,
                        kind=kind,
                        body=body,
                        data=data or {},
                        urgent=urgent,
                        dedupe_key=dedupe_key,
                        send_after=send_after,
                    )
                )
        except IntegrityError:  # a concurrent run queued the same message
            continue
    due = [n.pk for n in created if n.send_after <= now]
    if due:
        transaction.on_commit(lambda: _enqueue(due))
    return created


def _enqueue(ids: list[int]) -> None:
    from core.tasks import deliver_notification

    for pk in ids:
        try:
            # No publish retries: with the broker down this must not stall the request.
            deliver_notification.apply_async((pk,), retry=False)
        except Exception:  # broker down: the periodic sweep delivers it later
            logger.warning(
                "could not enqueue notification %s; the sweep will retry", pk
            )


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Send one outbox row. Idempotent: a sent row is never sent again."""
    from core.notifications.backends import DeliveryError, backend_for

    now = timezone.now()
    with transaction.atomic():
        qs = Notification.objects.select_related("user")
        if settings.IS_POSTGRES:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        notification = qs.filter(
            pk=notification_id, status=Notification.Status.PENDING, send_after__lte=now
        ).first()
        if notification is None:
            return None
        try:
            backend_for(notification.channel).send(notification)
        except DeliveryError as exc:
            notification.attempts += 1
            notification.last_error = str(exc)[:200]
            if (
                not exc.transient
                or notification.attempts >= settings.SIGAP_NOTIFICATION_MAX_ATTEMPTS
            ):
                notification.status = Notification.Status.FAILED
            else:
                notification.send_after = now + notification_backoff(
                    notification.attempts
                )
            notification.save(
                update_fields=["attempts", "last_error", "status", "send_after"]
            )
            return notification
        notification.status = Notification.Status.SENT
        notification.sent_at = now
        notification.attempts += 1
        notification.save(update_fields=["status", "sent_at", "attempts"])
    return notification


def notifications_due_ids(limit: int = 500) -> list[int]:
    return list(
        Notification.objects.filter(
            status=Notification.Status.PENDING, send_after__lte=timezone.now()
        )
        .order_by("send_after")
        .values_list("pk", flat=True)[:limit]
    )
