"""Hot-path helpers: `core.db.select_first` and the serializers' field copies."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from core.api.serializers import StrictSerializer
from core.db import select_first
from core.models import User


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
