"""On PostgreSQL, no two active bookings may overlap in time for one doctor or for one
patient: exclusion constraints over tstzrange(start, end) (btree_gist for the `=` on
the id). SQLite keeps the unique constraints of 0001 and its single writer."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations
from django.db.models import Q

from isolation.teleconsult.db import AddPostgresConstraint, TsTzRange


def no_overlap(name: str, party: str) -> ExclusionConstraint:
    return ExclusionConstraint(
        name=name,
        expressions=[
            (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
            (party, RangeOperators.EQUAL),
        ],
        condition=~Q(status="cancelled"),
    )


class Migration(migrations.Migration):
    dependencies = [("teleconsult", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        AddPostgresConstraint(
            model_name="booking",
            constraint=no_overlap("booking_doctor_no_overlap", "doctor"),
        ),
        AddPostgresConstraint(
            model_name="booking",
            constraint=no_overlap("booking_patient_no_overlap", "patient"),
        ),
    ]
