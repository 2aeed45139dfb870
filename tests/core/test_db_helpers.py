"""Hot-path helpers: `core.db.select_first`, `core.db.insert_one`, the serializers'
field copies and `represent`."""

from __future__ import annotations

import pytest
from django.db.models.signals import post_save, pre_save
from rest_framework import serializers

from core.api.serializers import StrictSerializer
from core.db import insert_one, select_first
from core.models import AuditLog, User
from isolation.models import CheckIn
from selfcheck.models import Assessment, AssessmentSymptom

#: Models written with `insert_one` on hot paths, which sends no model signals.
INSERTED_WITHOUT_SIGNALS = (AuditLog, CheckIn, Assessment, AssessmentSymptom)


@pytest.mark.django_db
def test_select_first_gives_the_row_the_orm_gives(alice):
    alice.last_login = alice.date_joined
    alice.save()
    expected = User.objects.get(pk=alice.pk)

    found = select_first(User, "phone = %s", [alice.phone])

    assert type(found) is User and found.pk == alice.pk
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field
    assert found._state.adding is False and found._state.db == "default"
    assert select_first(User, "phone = %s", ["+620000000000"]) is None


@pytest.mark.parametrize("model", INSERTED_WITHOUT_SIGNALS)
def test_nothing_listens_to_saves_of_models_inserted_without_signals(model):
    # A receiver (or django-simple-history) added to one of these would miss rows
    # written by insert_one: move that write back to save() first.
    assert not pre_save.has_listeners(model)
    assert not post_save.has_listeners(model)


@pytest.mark.django_db
def test_insert_one_writes_the_row_save_writes(alice):
    def entry(action: str) -> AuditLog:
        return AuditLog(
            actor=alice,
            actor_role=alice.role,
            action=action,
            target_type="core.user",
            target_id=str(alice.pk),
            patient=alice,
            detail={"n": 1, "teks": "é"},
        )

    saved = entry("test.saved")
    saved.save(force_insert=True)
    inserted = insert_one(entry("test.inserted"))

    assert inserted.pk is not None and inserted.pk != saved.pk
    assert inserted._state.adding is False and inserted._state.db == "default"
    assert inserted.created_at is not None  # auto_now_add, as save() sets it
    stored = {a.action: a for a in AuditLog.objects.filter(actor=alice)}
    for field in AuditLog._meta.concrete_fields:
        if field.name in ("id", "action", "created_at"):
            continue
        assert getattr(stored["test.inserted"], field.attname) == getattr(
            stored["test.saved"], field.attname
        ), field
    assert stored["test.inserted"].created_at == inserted.created_at


class Report(StrictSerializer):
    symptoms = serializers.ListField(
        child=serializers.ChoiceField(choices=["fever", "cough"]), max_length=2
    )
    spo2 = serializers.IntegerField(min_value=50, max_value=100)


def test_each_serializer_instance_gets_its_own_fields():
    bad = Report(data={"symptoms": ["rash"], "spo2": 30})
    good = Report(data={"symptoms": ["cough"], "spo2": 97})

    assert not bad.is_valid()
    assert set(bad.errors) == {"symptoms", "spo2"}
    assert good.is_valid(), good.errors
    assert good.validated_data == {"symptoms": ["cough"], "spo2": 97}
    assert bad.fields["symptoms"] is not good.fields["symptoms"]
    # The list's child belongs to its own list field, not to the class's.
    assert good.fields["symptoms"].child.parent is good.fields["symptoms"]
    assert good.fields["symptoms"].child.root is good
    # The class's own declared fields are never bound.
    assert Report._declared_fields["symptoms"].parent is None


@pytest.mark.django_db
def test_represent_gives_what_the_serializer_gives(alice, nurse, settings):
    from decimal import Decimal

    from django.utils import timezone

    from core.api.serializers import represent
    from isolation.api.serializers import CheckInOutputSerializer
    from isolation.services import checkin_submit
    from tests.isolation.helpers import enrol

    enrol(nurse, alice)
    checkin, _ = checkin_submit(
        patient=alice,
        client_id="repr-1",
        measured_at=timezone.now(),
        temperature=Decimal("37.9"),
        spo2=93,
        breathing_rate=None,
        symptoms=["cough"],
        danger_signs=[],
        note="batuk",
    )
    for zone in ("Asia/Jakarta", "Asia/Jayapura"):
        with timezone.override(zone):
            assert represent(CheckInOutputSerializer, checkin) == dict(
                CheckInOutputSerializer(checkin).data
            )


@pytest.mark.django_db
def test_insert_select_writes_the_row_insert_one_writes(alice):
    from django.db import connection

    from core.db import insert_select

    if connection.vendor != "postgresql":
        assert insert_select(AuditLog(action="x")) is None
        return
    entry = AuditLog(
        actor=alice,
        actor_role=alice.role,
        action="test.select",
        target_type="core.user",
        target_id="placeholder",
        patient=alice,
        detail={"n": 1},
    )
    sql, params = insert_select(
        entry,
        refs={"target_id": "src.n::text", "detail": "jsonb_set(%s, '{m}', '2')"},
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH src AS (SELECT 7 AS n) {sql} FROM src RETURNING id", params
        )
        (pk,) = cursor.fetchone()
    stored = AuditLog.objects.get(pk=pk)
    assert stored.target_id == "7" and stored.detail == {"n": 1, "m": 2}
    assert stored.actor_id == alice.pk and stored.created_at == entry.created_at
    with pytest.raises(ValueError, match="not columns"):
        insert_select(entry, refs={"nope": "1"})
    assert insert_select(stored) is None  # a saved row: insert_one would save()
