from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP

from django.core.validators import MaxValueValidator
from django.utils import translation
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject
from rest_framework.utils.formatting import lazy_format

from core import rules as core_rules
from core.error_codes import CoreErrorCode
from core.i18n import pick, tr, tr_lazy
from core.models import Facility, Region, User

UNKNOWN_FIELD = {"id": "Kolom tidak dikenal.", "en": "Unknown field."}


def _fresh(field: serializers.Field) -> serializers.Field:
    """A copy of a declared field for one serializer instance.

    DRF deep-copies every declared field for every instance: each copy re-runs the
    field's constructor (validators, messages), more CPU than the small views that
    use them. A plain field's state is its configuration plus what `bind` sets, so a
    shallow copy is as good; list fields get their own child the same way. Nested
    serializers keep DRF's deep copy (they carry fields of their own)."""
    if isinstance(field, serializers.BaseSerializer):
        return copy.deepcopy(field)
    fresh = copy.copy(field)
    for attr in ("child", "child_relation"):  # ListField, DictField; many=True
        child = getattr(field, attr, None)
        if isinstance(child, serializers.Field):
            child = _fresh(child)
            child.parent = fresh  # already bound by the parent's constructor
            setattr(fresh, attr, child)
    return fresh


#: The largest integer a database id or count column holds (bigint).
DB_INT_MAX = 2**63 - 1


def _bound_integers(field: serializers.Field) -> None:
    """An unbounded IntegerField passes 501051501295584673792 on to the database,
    which fails (OverflowError, "integer out of range") with a 500."""
    field = getattr(field, "child", None) or field
    if isinstance(field, serializers.IntegerField) and field.max_value is None:
        field.max_value = DB_INT_MAX
        message = lazy_format(field.error_messages["max_value"], max_value=DB_INT_MAX)
        field.validators.append(MaxValueValidator(DB_INT_MAX, message=message))


class StrictSerializer(serializers.Serializer):
    """Rejects unknown fields instead of silently ignoring them; integers are bounded
    to what the database holds."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for field in cls._declared_fields.values():
            _bound_integers(field)

    def get_fields(self):
        return {name: _fresh(field) for name, field in self._declared_fields.items()}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: tr(UNKNOWN_FIELD) for name in sorted(unknown)},
                    code=CoreErrorCode.UNKNOWN_FIELD,
                )
        return super().to_internal_value(data)


class BoundedDateField(serializers.DateField):
    """A date a request names (query `from`/`to`, a day, a start date), refused with
    `date_out_of_range` outside `core.rules.REQUEST_DATE_RANGE` (or the bounds given):
    0001-01-01 or 9999-12-31 are valid dates, but a window around them is not."""

    default_error_messages = {
        CoreErrorCode.DATE_OUT_OF_RANGE.value: "{message}",
    }

    def __init__(self, *, earliest=None, latest=None, **kwargs):
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        date = super().to_internal_value(value)
        message = core_rules.date_range_error(
            date,
            earliest=self.earliest() if callable(self.earliest) else self.earliest,
            latest=self.latest() if callable(self.latest) else self.latest,
        )
        if message:
            self.fail(CoreErrorCode.DATE_OUT_OF_RANGE.value, message=message)
        return date


class TextField(serializers.CharField):
    """Text a person sends (a note, a reason, a chat message), without the invisible
    characters that change how it is shown (`core.rules.text_clean`: bidi overrides,
    zero-width spaces) before the usual trimming, blank and length checks."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str):
            data = core_rules.text_clean(data)
        return super().run_validation(data)


class PersonNameField(TextField):
    """A person's name: cleaned as `TextField`, and refused when nothing of it would
    show ("\u200b\u200b" is as blank as "   ")."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value and not core_rules.text_has_visible(value):
            self.fail("blank")
        return value


class UUIDStringField(serializers.UUIDField):
    """A UUID sent as a JSON string. DRF's UUIDField also takes integers, and so
    booleans: `true`, `false`, `0`, `1` became the fixed UUIDs ...0001 and ...0000,
    one key every anonymous client shared (an idempotency key then returned another
    person's stored self-check)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class TemperatureField(serializers.DecimalField):
    """Body temperature in °C, rounded half-up to one decimal (what thermometers show):
    37.45 is stored as 37.5 instead of refused for its number of digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", None)
        super().__init__(decimal_places=1, rounding=ROUND_HALF_UP, **kwargs)

    def validate_precision(self, value):
        # Any number of decimals (``quantize`` rounds them); only the whole part is
        # bounded, before quantizing 1e999 could fail with a decimal error.
        if value.adjusted() >= 3:
            self.fail("max_value", max_value=self.max_value)
        return value


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 instant that must say its offset: '10:00' alone is ambiguous
    between WIB, WITA and WIT (and would be read as the server's zone). 400 with code
    `naive`, as teleconsult's booking times."""

    default_error_messages = {
        "naive": tr_lazy(
            {
                "id": "Sertakan zona waktu, mis. 2025-03-03T08:00:00+07:00 atau ...Z.",
                "en": "Include the time zone, e.g. 2025-03-03T08:00:00+07:00 or ...Z.",
            }
        )
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value)
            except ValueError:
                # Well formed but no such moment (08:60, 30 February): DRF's own
                # parse below answers it as an invalid datetime.
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)


class VitalSignsSerializer(StrictSerializer):
    """The vital signs a self-check and a check-in both take, under one vocabulary
    (`temperature_c`, `spo2`, `respiratory_rate`), each optional, within the plausible
    ranges of `core.rules`."""

    temperature_c = TemperatureField(
        min_value=core_rules.TEMPERATURE_RANGE[0],
        max_value=core_rules.TEMPERATURE_RANGE[1],
        required=False,
        allow_null=True,
    )
    spo2 = serializers.IntegerField(
        min_value=core_rules.SPO2_RANGE[0],
        max_value=core_rules.SPO2_RANGE[1],
        required=False,
        allow_null=True,
    )
    respiratory_rate = serializers.IntegerField(
        min_value=core_rules.RESPIRATORY_RATE_RANGE[0],
        max_value=core_rules.RESPIRATORY_RATE_RANGE[1],
        required=False,
        allow_null=True,
    )


#: Vital signs have one name across the API (the self-check's); the check-in's earlier
#: names are accepted as aliases for one release.
VITALS_ALIASES = {"temperature": "temperature_c", "breathing_rate": "respiratory_rate"}


def vitals_from_aliases(data: dict) -> dict:
    """Validated check-in data with vitals under their model names (``temperature``,
    ``breathing_rate``); a vital sent under both names must agree."""
    out = dict(data)
    errors = {}
    for alias, name in VITALS_ALIASES.items():
        given = [out.pop(key) for key in (name, alias) if key in out]
        if len(given) == 2 and given[0] != given[1]:
            errors[alias] = tr(
                {
                    "id": "Alias lama dari {name}; kirim salah satu saja.",
                    "en": "Old name of {name}; send only one of the two.",
                },
                name=name,
            )
        if given:
            out[alias] = given[0]
    if errors:
        raise serializers.ValidationError(errors, code=CoreErrorCode.CONFLICTING_ALIAS)
    return out


class FieldsOnceMixin:
    """For a `ModelSerializer`: the fields DRF derives from the model are built once
    per class instead of once per instance (DRF looks the model's fields up again for
    every object it serialises, more CPU than a small view); each instance still gets
    its own copies. Only for serializers whose fields do not depend on the context."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_once")
        if built is None:
            built = super().get_fields()
            cls._fields_once = built
        return {name: _fresh(field) for name, field in built.items()}


def represent(serializer_class: type[serializers.Serializer], instance) -> dict:
    """`serializer_class(instance).data`, as DRF's `Serializer.to_representation`
    builds it, from fields bound once per class (a prototype instance) instead of
    copied for every response. For output serializers of plain fields whose output
    does not depend on the context (`tests/core/test_db_helpers.py` compares)."""
    fields = serializer_class.__dict__.get("_represent_fields")
    if fields is None:
        fields = list(serializer_class()._readable_fields)
        serializer_class._represent_fields = fields
    out = {}
    for field in fields:
        attribute = field.get_attribute(instance)
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        out[field.field_name] = (
            None if check is None else field.to_representation(attribute)
        )
    return out


class RegionRefSerializer(serializers.ModelSerializer):
    level_name = serializers.CharField(source="get_level_display")

    class Meta:
        model = Region
        fields = ["code", "name", "kind", "level", "level_name", "timezone"]


class FacilitySerializer(serializers.ModelSerializer):
    district = RegionRefSerializer()

    class Meta:
        model = Facility
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "is_referral",
            "address",
            "phone",
            "latitude",
            "longitude",
            "district",
        ]


class UserOutputSerializer(serializers.ModelSerializer):
    facility = serializers.SerializerMethodField()
    profile = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "phone", "full_name", "role", "language", "facility", "profile"]

    def get_facility(self, user) -> dict | None:
        if not user.facility_id:
            return None
        return {"id": user.facility_id, "name": user.facility.name}

    def get_profile(self, user) -> dict | None:
        profile = getattr(user, "profile", None)
        if profile is None:
            return None
        return {
            "birth_date": profile.birth_date,
            "sex": profile.sex or None,
            "has_nik": bool(profile.nik),
            "home_village": profile.home_village_id,
            "timezone": str(user.tz),
            "consent_given_at": profile.consent_given_at,
            # The purpose of a consent in force: once withdrawn, none is shown
            # (the row keeps the last one for the record).
            "consent_purpose": (profile.consent_purpose or None)
            if profile.consent_given_at
            else None,
        }


class OfficeRangeFilterSerializer(StrictSerializer):
    """`area` (default: the office's whole wilayah kerja) and `from`/`to`, as every
    health-office endpoint takes them; `date_from`/`date_to` are still accepted.
    Validated data: area (or None), date_from, date_to (each or None)."""

    area = serializers.CharField(required=False, max_length=13)
    date_from = BoundedDateField(required=False, help_text="Old name of `from`")
    date_to = BoundedDateField(required=False, help_text="Old name of `to`")

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword, so these two are added by name.
        fields["from"] = BoundedDateField(required=False)
        fields["to"] = BoundedDateField(required=False)
        return fields

    def validate(self, attrs):
        attrs = dict(attrs)
        date_from, date_to = attrs.pop("from", None), attrs.pop("to", None)
        attrs["date_from"] = date_from or attrs.get("date_from")
        attrs["date_to"] = date_to or attrs.get("date_to")
        attrs.setdefault("area", None)
        return attrs


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false, nothing else: "yes", 1 or "on" for a consent must not
    count as one."""

    MESSAGES = {
        "id": "Harus true atau false (boolean JSON).",
        "en": "Must be true or false (a JSON boolean).",
    }

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        raise serializers.ValidationError(
            pick(self.MESSAGES, translation.get_language()), code="invalid"
        )
