"""Database helpers shared by the apps."""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models.expressions import RawSQL


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


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows, so rows that refer to each other (a case and
    its reports) can be built in full before either is written, then inserted once.

    PostgreSQL takes them from the table's sequence. SQLite has no sequence to draw
    from: the ids follow the highest ever used, which is safe because its IMMEDIATE
    transactions serialise writers; insert the rows before reserving again for the
    same table in that transaction."""
    if count <= 0:
        return []
    meta = model._meta
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT MAX({qn(meta.pk.column)}) FROM {qn(meta.db_table)}")
        top = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table]
            )
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + 1 + count))


def _copy_value(field: models.Field, dumped: dict):
    """A function preparing one column's values for COPY (JSON as text)."""
    if not isinstance(field, models.JSONField):
        return None
    encoder = field.encoder or DjangoJSONEncoder

    def dump(raw):
        if raw is None:
            return None
        # Rows often share one dict (an explanation, an empty {}): dump it once.
        key = id(raw)
        if key not in dumped:
            dumped[key] = (raw, json.dumps(raw, cls=encoder))
        return dumped[key][1]

    return dump


def _copy(cursor, table: str, fields: Sequence[models.Field], rows) -> None:
    qn = connection.ops.quote_name
    dumped: dict[int, tuple] = {}
    preparers = [
        (i, prep)
        for i, field in enumerate(fields)
        if (prep := _copy_value(field, dumped)) is not None
    ]
    names = ", ".join(qn(f.column) for f in fields)
    with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
        if not preparers:
            for row in rows:
                copy.write_row(row)
            return
        for row in rows:
            row = list(row)
            for i, prep in preparers:
                row[i] = prep(row[i])
            copy.write_row(row)


def insert_values(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence]
) -> int:
    """Insert rows given as plain value tuples in `columns` order (attribute names,
    e.g. "case_id"; the primary key may be among them). No model instances, no signals;
    `auto_now` columns must be given. PostgreSQL streams them with COPY, other
    databases use `bulk_create`."""
    if not rows:
        return 0
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    if connection.vendor != "postgresql":
        attnames = [f.attname for f in fields]
        model.objects.bulk_create(
            [model(**dict(zip(attnames, row, strict=True))) for row in rows],
            batch_size=500,
        )
        return len(rows)
    with connection.cursor() as cursor:
        _copy(cursor, meta.db_table, fields, rows)
    return len(rows)


def update_values(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence]
) -> int:
    """Set `columns` of many rows: each row is (primary key, *values in `columns`
    order). On PostgreSQL the values are streamed with COPY into a temporary table
    and applied with one UPDATE … FROM; other databases use `bulk_update`."""
    if not rows:
        return 0
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    if connection.vendor != "postgresql":
        attnames = [f.attname for f in fields]
        objs = []
        for pk, *values in rows:
            obj = model(pk=pk)
            for name, value in zip(attnames, values, strict=True):
                setattr(obj, name, value)
            objs.append(obj)
        return model.objects.bulk_update(objs, [f.name for f in fields], batch_size=500)
    qn = connection.ops.quote_name
    pk = meta.pk
    temp = f"_update_{meta.db_table}"
    all_fields = [pk, *fields]
    definition = ", ".join(
        f"{qn(f.column)} {f.rel_db_type(connection) if f is pk else f.db_type(connection)}"
        for f in all_fields
    )
    assignments = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {qn(temp)}")
        cursor.execute(f"CREATE TEMPORARY TABLE {qn(temp)} ({definition})")
        _copy(cursor, temp, all_fields, rows)
        cursor.execute(
            f"UPDATE {qn(meta.db_table)} AS t SET {assignments} FROM {qn(temp)} AS v "
            f"WHERE t.{qn(pk.column)} = v.{qn(pk.column)}"
        )
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE {qn(temp)}")
    return updated


def many(values: Iterable[str | int], *, integers: bool = False) -> RawSQL:
    """The right-hand side of an `__in` filter over many values, sent as a single JSON
    parameter. Django's `IN (%s, %s, …)` prepares and sends thousands of separate
    parameters, which costs more than the query itself on large imports."""
    data = json.dumps(list(values))
    if connection.vendor == "postgresql":
        cast = "::bigint" if integers else ""
        return RawSQL(f"SELECT jsonb_array_elements_text(%s::jsonb){cast}", [data])
    return RawSQL("SELECT value FROM json_each(%s)", [data])
