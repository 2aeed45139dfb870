"""Every read of the dialogue engine, scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from chatbot.conversation.models import Handoff, HandoffMessage, Subscription
from chatbot.conversation.rules import chat_is_personal
from chatbot.error_codes import ChatbotErrorCode
from core.areas import rules as area_rules
from core.exceptions import NotFound
from core.models import ChannelIdentity, User

STAFF_ROLES = (User.Role.CURATOR, User.Role.HEALTH_WORKER)


def channel_links_for_user(*, user: User) -> QuerySet[ChannelIdentity]:
    """The chat channels linked to this account."""
    return ChannelIdentity.objects.filter(user=user).order_by("channel")


def linked_user(*, channel: str, chat_id: str) -> User | None:
    """The account linked to a one-person chat; never one for a group chat."""
    if channel not in ("telegram", "whatsapp") or not chat_is_personal(
        channel, chat_id
    ):
        return None
    identity = (
        ChannelIdentity.objects.select_related("user")
        .filter(channel=channel, external_id=chat_id, user__is_active=True)
        .first()
    )
    return identity.user if identity else None


def subscribers_for_area(region_code: str) -> list[tuple[str, str, str]]:
    """(channel, chat_id, language) of every chat to tell about an area: chats
    subscribed to the area itself, to any area inside it (a kelurahan's subscriber
    hears about its kecamatan turning red) and to the areas containing it (a city's
    subscriber hears about each of its kecamatan). Opted-out chats never appear;
    a chat subscribed at several levels appears once."""
    code = area_rules.parse_code(region_code or "") or region_code
    ancestors = area_rules.parent_codes(code)
    rows = (
        Subscription.objects.filter(opted_out=False)
        .filter(
            Q(region_id=code)
            | Q(region__code__startswith=f"{code}.")
            | Q(region_id__in=ancestors)
        )
        .order_by("channel", "chat_id", "-created_at")
        .values_list("channel", "chat_id", "language")
    )
    seen: dict[tuple[str, str], str] = {}
    for channel, chat_id, language in rows:
        seen.setdefault((channel, chat_id), language or "id")
    return [(channel, chat_id, lang) for (channel, chat_id), lang in seen.items()]


def subscriptions_for_chat(*, channel: str, chat_id: str) -> QuerySet[Subscription]:
    return Subscription.objects.filter(channel=channel, chat_id=chat_id)


def _require_staff(actor: User) -> None:
    if not (
        actor
        and actor.is_authenticated
        and (actor.role in STAFF_ROLES or actor.is_superuser)
    ):
        raise NotFound(
            "Percakapan tidak ditemukan.", code=ChatbotErrorCode.HANDOFF_NOT_FOUND
        )


def handoff_scope(actor: User) -> Q:
    """Which handoffs a staff member may read: a health worker those of their own
    puskesmas, a curator those of unlinked chats (no puskesmas), each also those
    assigned to them; an operator (superuser) all."""
    if actor.is_superuser:
        return Q()
    mine = Q(assigned_to=actor)
    if actor.role == User.Role.HEALTH_WORKER and actor.facility_id:
        return mine | Q(facility_id=actor.facility_id)
    if actor.role == User.Role.CURATOR:
        return mine | Q(facility__isnull=True)
    return mine


def handoff_list_for_staff(
    *, actor: User, status: str | None = Handoff.Status.OPEN
) -> QuerySet[Handoff]:
    """The conversations this staff member may see (`handoff_scope`); others' are
    404. Callers that show transcripts audit the read."""
    _require_staff(actor)
    qs = (
        Handoff.objects.filter(handoff_scope(actor))
        .select_related("user")
        .prefetch_related(
            Prefetch("messages", queryset=HandoffMessage.objects.order_by("created_at"))
        )
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-last_message_at", "-pk")


def handoff_get_for_staff(*, actor: User, handoff_id: int) -> Handoff:
    handoff = handoff_list_for_staff(actor=actor, status=None).filter(pk=handoff_id)
    found = handoff.first()
    if found is None:
        raise NotFound(
            "Percakapan tidak ditemukan.", code=ChatbotErrorCode.HANDOFF_NOT_FOUND
        )
    return found


def open_handoff_for_chat(*, channel: str, chat_id: str) -> Handoff | None:
    return Handoff.objects.filter(
        channel=channel, chat_id=chat_id, status=Handoff.Status.OPEN
    ).first()
