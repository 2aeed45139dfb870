"""PostgreSQL-only pieces of the no-overlap guarantee, used by migration 0002."""

from __future__ import annotations

from django.contrib.postgres.fields import DateTimeRangeField
from django.db.migrations.operations import AddConstraint
from django.db.models import Func


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class AddPostgresConstraint(AddConstraint):
    """AddConstraint that only runs on PostgreSQL.

    Exclusion constraints have no SQLite equivalent, so they stay out of the model
    state (and of Meta.constraints, whose validation would query ranges on SQLite);
    SQLite relies on the unique constraints plus its single writer instead.
    """

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Create constraint {self.constraint.name} on PostgreSQL only"
