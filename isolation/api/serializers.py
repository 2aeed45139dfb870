"""Output shapes shared by several isolation endpoints."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import FieldsOnceMixin
from core.i18n import pick
from isolation import content
from isolation.models import Alert, CheckIn, Isolation, IsolationRequest, Note


class _Lang:
    def lang(self) -> str:
        return self.context.get("lang", "id")


class FacilityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()


class PatientRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    phone = serializers.CharField()


class CheckInOutputSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    temperature_c = serializers.DecimalField(
        source="temperature", max_digits=3, decimal_places=1, allow_null=True
    )
    respiratory_rate = serializers.IntegerField(
        source="breathing_rate", allow_null=True
    )
    temperature = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        allow_null=True,
        help_text="Deprecated: same as temperature_c (one more release).",
    )
    breathing_rate = serializers.IntegerField(
        allow_null=True,
        help_text="Deprecated: same as respiratory_rate (one more release).",
    )

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "client_id",
            "measured_at",
            "slot_date",
            "slot",
            "temperature_c",
            "spo2",
            "respiratory_rate",
            "temperature",
            "breathing_rate",
            "symptoms",
            "danger_signs",
            "note",
            "danger",
            "unwell",
            "late",
            "created_at",
        ]


class AlertOutputSerializer(_Lang, serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    reason_labels = serializers.SerializerMethodField()
    patient = serializers.SerializerMethodField()
    acknowledged_by = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "kind_label",
            "isolation_id",
            "patient",
            "reasons",
            "reason_labels",
            "slot_date",
            "slot",
            "created_at",
            "delivered_at",
            "acknowledged_at",
            "acknowledged_by",
            "note",
        ]

    def get_kind_label(self, alert: Alert) -> str:
        return pick(content.ALERT_LABELS[alert.kind], self.lang())

    def get_reason_labels(self, alert: Alert) -> list[str]:
        return [
            pick(content.DANGER_LABELS.get(r, {"id": r}), self.lang())
            for r in alert.reasons
        ]

    def get_patient(self, alert: Alert) -> dict:
        patient = alert.isolation.patient
        return {"id": patient.pk, "full_name": patient.full_name}

    def get_acknowledged_by(self, alert: Alert) -> dict | None:
        by = alert.acknowledged_by
        return {"id": by.pk, "full_name": by.full_name} if by else None


class NoteOutputSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = Note
        fields = ["id", "kind", "text", "data", "author", "created_at"]

    def get_author(self, note: Note) -> dict | None:
        a = note.author
        return {"id": a.pk, "full_name": a.full_name} if a else None


class IsolationOutputSerializer(_Lang, serializers.ModelSerializer):
    patient = PatientRefSerializer()
    facility = FacilityRefSerializer()
    referral_facility = FacilityRefSerializer(allow_null=True)
    status_label = serializers.SerializerMethodField()

    class Meta:
        model = Isolation
        fields = [
            "id",
            "patient",
            "facility",
            "reason",
            "test_date",
            "symptom_onset",
            "start_date",
            "estimated_end",
            "extended_until",
            "timezone",
            "status",
            "status_label",
            "ended_at",
            "referral_facility",
            "created_at",
        ]

    def get_status_label(self, isolation: Isolation) -> str:
        return pick(content.ISOLATION_STATUS_LABELS[isolation.status], self.lang())


class IsolationRequestOutputSerializer(serializers.ModelSerializer):
    patient = serializers.SerializerMethodField()
    facility = FacilityRefSerializer()

    class Meta:
        model = IsolationRequest
        fields = [
            "id",
            "patient",
            "facility",
            "reason",
            "test_date",
            "symptom_onset",
            "assessment_id",
            "note",
            "status",
            "decided_at",
            "decision_note",
            "isolation_id",
            "created_at",
        ]

    def get_patient(self, request: IsolationRequest) -> dict:
        p = request.patient
        return {"id": p.pk, "full_name": p.full_name}


class RequestAssessmentSerializer(serializers.Serializer):
    """The self-check a request was made from, as its puskesmas sees it."""

    id = serializers.UUIDField()
    risk_level = serializers.CharField()
    risk_level_label = serializers.CharField()
    created_at = serializers.DateTimeField()
    reasons = serializers.ListField(child=serializers.CharField())
    symptoms = serializers.ListField(child=serializers.CharField())
    danger_signs = serializers.ListField(child=serializers.CharField())
    temperature_c = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, coerce_to_string=False
    )
    spo2 = serializers.IntegerField(allow_null=True)
    respiratory_rate = serializers.IntegerField(allow_null=True)


class PendingRequestOutputSerializer(IsolationRequestOutputSerializer):
    """A pending request on the health worker's list (selectors.requests_describe)."""

    reason_label = serializers.CharField()
    assessment = RequestAssessmentSerializer(allow_null=True)

    class Meta(IsolationRequestOutputSerializer.Meta):
        fields = [
            *IsolationRequestOutputSerializer.Meta.fields,
            "reason_label",
            "assessment",
        ]


class SlotSerializer(serializers.Serializer):
    date = serializers.DateField(source="day")
    slot = serializers.CharField()


class BoardRowSerializer(_Lang, serializers.Serializer):
    isolation = IsolationOutputSerializer()
    today_status = serializers.CharField()
    today_status_label = serializers.SerializerMethodField()
    day = serializers.IntegerField()
    days = serializers.IntegerField()
    release_due = serializers.BooleanField()
    last_checkin = CheckInOutputSerializer(allow_null=True)
    spo2_trend = serializers.CharField()
    temperature_trend = serializers.CharField()
    open_alerts = AlertOutputSerializer(many=True)

    def get_today_status_label(self, row) -> str:
        return pick(content.DAILY_STATUS_LABELS[row.today_status], self.lang())


class DashboardEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    kind = serializers.CharField()
    isolation_id = serializers.IntegerField(allow_null=True)
    alert_id = serializers.IntegerField(allow_null=True)
    payload = serializers.JSONField()
    created_at = serializers.DateTimeField()
