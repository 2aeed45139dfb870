"""Database helpers shared by the apps."""

from __future__ import annotations

import json
import operator
from collections.abc import Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models


def bulk_update_rows(
    model: type[models.Model],
    objs: Sequence[models.Model],
    fields: Sequence[str],
    *,
    batch_size: int = 2000,
) -> int:
    """Write `fields` of many rows at once, like `QuerySet.bulk_update` (no signals,
    no `auto_now`), but fast on PostgreSQL.

    Django's bulk_update builds a `CASE WHEN pk = … THEN …` expression per field and
    row: tens of thousands of expression objects per batch, which dominates large
    imports. On PostgreSQL this sends one `UPDATE … FROM unnest(arrays)` per batch
    instead (one typed array per column). Other databases use Django's.
    """
    if not objs:
        return 0
    if connection.vendor != "postgresql":
        return model.objects.bulk_update(objs, fields, batch_size=batch_size)
    meta = model._meta
    pk = meta.pk
    targets = [meta.get_field(name) for name in fields]
    columns = [pk, *targets]
    qn = connection.ops.quote_name
    array_types, assignments = [], []
    for field in columns:
        is_json = isinstance(field, models.JSONField)
        array_types.append("text" if is_json else field.db_type(connection))
        if field is not pk:
            value = f"v.{qn(field.column)}" + ("::jsonb" if is_json else "")
            assignments.append(f"{qn(field.column)} = {value}")
    names = ", ".join(qn(field.column) for field in columns)
    arrays = ", ".join(f"%s::{kind}[]" for kind in array_types)
    sql = (
        f"UPDATE {qn(meta.db_table)} AS t SET {', '.join(assignments)} "
        f"FROM unnest({arrays}) AS v({names}) "
        f"WHERE t.{qn(pk.column)} = v.{qn(pk.column)}"
    )

    def column_values(field: models.Field, batch: Sequence[models.Model]) -> list:
        # Attribute values go to psycopg as they are (the columns' casts type them);
        # JSON is sent as text and cast to jsonb.
        values = [getattr(obj, field.attname) for obj in batch]
        if isinstance(field, models.JSONField):
            encoder = field.encoder or DjangoJSONEncoder
            return [None if v is None else json.dumps(v, cls=encoder) for v in values]
        return values

    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            params = [column_values(field, batch) for field in columns]
            cursor.execute(sql, params)
            updated += cursor.rowcount
    return updated


def bulk_insert_rows(model: type[models.Model], objs: Sequence[models.Model]) -> int:
    """Insert many new rows (no signals, primary keys not set on `objs`), fast on
    PostgreSQL.

    `bulk_create` prepares every value through the field API and sends multi-row
    INSERTs; for the hundreds of thousands of rows a figures recompute writes, that
    preparation is most of the time. On PostgreSQL this streams the rows with COPY
    instead. Other databases use `bulk_create`.
    """
    if not objs:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=2000)
        return len(objs)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, models.AutoField)]
    qn = connection.ops.quote_name
    names = ", ".join(qn(f.column) for f in fields)

    def stamped(field: models.Field) -> bool:
        return getattr(field, "auto_now", False) or getattr(
            field, "auto_now_add", False
        )

    special = [
        i for i, f in enumerate(fields) if isinstance(f, models.JSONField) or stamped(f)
    ]
    getter = operator.attrgetter(*(f.attname for f in fields))
    dumped: dict[int, str] = {}  # rows often share one dict (e.g. an explanation)

    def value(field: models.Field, obj: models.Model):
        if stamped(field):
            return field.pre_save(obj, add=True)
        raw = getattr(obj, field.attname)
        if raw is None:
            return None
        if id(raw) not in dumped:
            dumped[id(raw)] = json.dumps(raw, cls=field.encoder or DjangoJSONEncoder)
        return dumped[id(raw)]

    def row(obj: models.Model):
        values = getter(obj)
        if len(fields) == 1:
            values = (values,)
        if not special:
            return values
        values = list(values)
        for i in special:
            values[i] = value(fields[i], obj)
        return values

    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {qn(meta.db_table)} ({names}) FROM STDIN"
        ) as copy:
            for obj in objs:
                copy.write_row(row(obj))
    return len(objs)
