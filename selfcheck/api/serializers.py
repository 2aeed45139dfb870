from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from selfcheck import content, selectors
from selfcheck.models import Assessment

_DATETIME = serializers.DateTimeField()


class AssessmentOutputSerializer(serializers.Serializer):
    """An assessment in the reader's language (context["lang"])."""

    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    risk_level = serializers.ChoiceField(choices=Assessment.RiskLevel.choices)
    risk_label = serializers.SerializerMethodField()
    rule_version = serializers.CharField()
    questionnaire_version = serializers.CharField()
    reasons = serializers.SerializerMethodField()
    advice = serializers.SerializerMethodField()
    next_steps = serializers.SerializerMethodField()
    recheck_after = serializers.SerializerMethodField()
    district = serializers.SerializerMethodField()
    answers = serializers.JSONField()

    @property
    def lang(self) -> str:
        return self.context.get("lang", "id")

    def to_representation(self, instance: Assessment) -> dict:
        """The fields above, built directly: the answer to every self-check, where
        binding a copy of each declared field per response cost more than the rest of
        the output (the declarations stay the schema)."""
        return {
            "id": str(instance.pk),
            "created_at": _DATETIME.to_representation(instance.created_at),
            "risk_level": instance.risk_level,
            "risk_label": self.get_risk_label(instance),
            "rule_version": instance.rule_version,
            "questionnaire_version": instance.questionnaire_version,
            "reasons": self.get_reasons(instance),
            "advice": self.get_advice(instance),
            "next_steps": self.get_next_steps(instance),
            "recheck_after": self.get_recheck_after(instance),
            "district": self.get_district(instance),
            "answers": instance.answers,
        }

    def get_risk_label(self, obj: Assessment) -> str:
        return content.pick(content.RISK_LEVEL_LABELS[obj.risk_level], self.lang)

    def get_reasons(self, obj: Assessment) -> list[dict]:
        return content.render_reasons(obj.reasons, self.lang)

    def get_advice(self, obj: Assessment) -> str:
        return content.advice(obj.rule_version, obj.risk_level, self.lang)

    def get_next_steps(self, obj: Assessment) -> list[dict]:
        # One home-kecamatan read per owner for a whole page of history.
        return selectors.assessment_next_steps(
            assessment=obj, lang=self.lang, homes=self.context.setdefault("homes", {})
        )

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_recheck_after(self, obj: Assessment):
        value = selectors.assessment_recheck_after(obj)
        return None if value is None else _DATETIME.to_representation(value)

    def get_district(self, obj: Assessment) -> dict | None:
        if not obj.district_id:
            return None
        return {"code": obj.district_id, "name": obj.district.display_name}


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    params = serializers.DictField()
    text = serializers.CharField()


class ExplainOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    rule_version = serializers.CharField()
    rule = serializers.DictField(help_text="title and the version's thresholds")
    answers = serializers.DictField()
    risk_level = serializers.CharField(help_text="judged again now, same version")
    stored_risk_level = serializers.CharField()
    consistent = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)


class QuestionnaireOutputSerializer(serializers.Serializer):
    version = serializers.CharField()
    rule_version = serializers.CharField()
    title = serializers.DictField(child=serializers.CharField())
    intro = serializers.DictField(child=serializers.CharField())
    questions = serializers.ListField(child=serializers.DictField())


class SignalRowSerializer(serializers.Serializer):
    date = serializers.DateField()
    district = serializers.DictField()
    risk_levels = serializers.DictField(help_text='count, or "<5"')
    symptoms = serializers.DictField(
        help_text='count, or "<5". Gejala sebagaimana dinilai triase: `fever` (demam) '
        "termasuk suhu terukur ≥ ambang demam versi aturan yang menilainya "
        "(triage-v2: 38,0 °C; triage-v1 hanya yang dicentang). / Symptoms as triage "
        "judged them: `fever` includes a measured temperature ≥ the fever threshold "
        "of the rule version that judged it (triage-v2: 38.0 °C; triage-v1 only "
        "ticked)."
    )


class SignalsOutputSerializer(serializers.Serializer):
    area = serializers.CharField(allow_null=True)
    suppressed_below = serializers.IntegerField()
    results = SignalRowSerializer(many=True)

    def get_fields(self):
        # "from" is a Python keyword, so the two dates are added by name.
        fields = super().get_fields()
        return {
            "area": fields.pop("area"),
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            **fields,
        }
