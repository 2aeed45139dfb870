"""Database helpers shared by the apps."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models.expressions import RawSQL


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


def _fields(model: type[models.Model], columns: Sequence[str]) -> list[models.Field]:
    return [model._meta.get_field(name) for name in columns]


def insert_values(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence]
) -> int:
    """Insert rows given as plain value tuples in `columns` order (attribute names,
    e.g. "case_id"; the primary key may be among them). No model instances, no signals;
    `auto_now` columns must be given. PostgreSQL streams them with COPY, other
    databases use `bulk_create`."""
    if not rows:
        return 0
    meta, fields = model._meta, _fields(model, columns)
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
    meta, fields = model._meta, _fields(model, columns)
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


def _db():
    """The thread's default connection. `connection` is a proxy that looks it up in
    asgiref's thread-local storage on every attribute; the hot helpers below look it
    up once per call (preparing a row's values asks for it once per field)."""
    return connections[DEFAULT_DB_ALIAS]


class Columns:
    """A model's columns under a table alias in a hand-written SELECT, and how to
    turn their values back into an instance exactly as a QuerySet would.

    The ORM builds and compiles a query's SQL again on every call: on a hot path (a
    row looked up by key for every request) that costs more CPU than the query
    itself. A `Columns` is worked out once per process (`columns()`); its values go
    through the same converters as in a QuerySet and the instance comes from
    `Model.from_db`. Fields in `defer` are not selected and stay deferred on the
    instance, as with `QuerySet.defer` (saving it leaves them alone); with `only`,
    just those fields in that order, read as plain values (`values`), as
    `values_list` gives them."""

    def __init__(
        self,
        model: type[models.Model],
        alias: str,
        defer: tuple[str, ...] = (),
        only: tuple[str, ...] = (),
    ) -> None:
        qn = connection.ops.quote_name
        self.model = model
        if only:
            fields = [model._meta.get_field(name) for name in only]
        else:
            fields = [f for f in model._meta.concrete_fields if f.name not in defer]
        self.sql = ", ".join(f"{qn(alias)}.{qn(f.column)}" for f in fields)
        self.names = [f.attname for f in fields]
        self.converters = []
        for position, field in enumerate(fields):
            col = field.get_col(alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(
                connection
            )
            if found:
                self.converters.append((position, col, found))

    def __len__(self) -> int:
        return len(self.names)

    def values(self, row: Sequence) -> tuple:
        """The row's values as the ORM converts them (dates, times, JSON, …)."""
        if not self.converters:
            return tuple(row)
        row = list(row)
        db = _db()
        for position, col, found in self.converters:
            value = row[position]
            for convert in found:
                value = convert(value, col, db)
            row[position] = value
        return tuple(row)

    def instance(self, values: Sequence) -> models.Model:
        return self.model.from_db(DEFAULT_DB_ALIAS, self.names, self.values(values))


_COLUMNS: dict[tuple, Columns] = {}


def columns(
    model: type[models.Model],
    alias: str | None = None,
    defer: tuple[str, ...] = (),
    only: tuple[str, ...] = (),
) -> Columns:
    """The process's `Columns` of `model` under `alias` (default: its table)."""
    alias = alias or model._meta.db_table
    key = (model, alias, defer, only, connection.vendor)
    found = _COLUMNS.get(key)
    if found is None:
        found = _COLUMNS[key] = Columns(model, alias, defer, only)
    return found


def select_values(
    model: type[models.Model], only: tuple[str, ...], where: str, params: Sequence
) -> list[tuple]:
    """`values_list(*only)` of the rows matching ``where`` (SQL over the model's own
    columns, with %s placeholders), converted as the ORM would; the column list and
    converters are worked out once per process (see `Columns`), no QuerySet is
    compiled. For small lookups by indexed columns on hot paths.
    Parameters go to the driver as given: pass datetimes through
    `connection.ops.adapt_datetimefield_value` (SQLite stores them as naive UTC text)."""
    db = _db()
    cols = columns(model, only=only)
    table = db.ops.quote_name(model._meta.db_table)
    with db.cursor() as cursor:
        cursor.execute(f"SELECT {cols.sql} FROM {table} WHERE {where}", list(params))
        return [cols.values(row) for row in cursor.fetchall()]


def select_first(
    model: type[models.Model], where: str, params: Sequence
) -> models.Model | None:
    """The first row matching ``where`` (SQL over the model's own columns, with %s
    placeholders), as a model instance, or None; the column list and converters are
    worked out once per process (see `Columns`), no QuerySet is compiled. For lookups
    by indexed columns."""
    db = _db()
    cols = columns(model)
    table = db.ops.quote_name(model._meta.db_table)
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT {cols.sql} FROM {table} WHERE {where} LIMIT 1", list(params)
        )
        row = cursor.fetchone()
    return None if row is None else cols.instance(row)


class InsertPlan(NamedTuple):
    into: str  # INSERT INTO table (columns)
    sql: str  # `into` VALUES (%s, …) RETURNING the auto primary key
    fields: list
    returning: list


_INSERTS: dict[tuple, InsertPlan | None] = {}


def _insert_plan(model: type[models.Model]) -> InsertPlan | None:
    """The INSERT … RETURNING of one `model` row as `save(force_insert=True)` writes
    it (the same fields, the auto primary key returned), or None where the ORM's own
    path is needed (inherited tables, database defaults, generated columns)."""
    meta = model._meta
    if meta.parents or any(
        getattr(f, "generated", False)
        or getattr(f, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED
        for f in meta.local_concrete_fields
    ):
        return None
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    returning = list(meta.db_returning_fields)
    if any(f is not meta.auto_field for f in returning):
        return None
    qn = connection.ops.quote_name
    into = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)})"
    )
    sql = f"{into} VALUES ({', '.join(['%s'] * len(fields))})"
    if returning:
        sql += f" RETURNING {', '.join(qn(f.column) for f in returning)}"
    return InsertPlan(into, sql, fields, returning)


def _plan_for(model: type[models.Model]) -> InsertPlan | None:
    db = _db()
    key = (model, db.vendor)
    if key not in _INSERTS:
        _INSERTS[key] = _insert_plan(model) if db.vendor == "postgresql" else None
    return _INSERTS[key]


def insert_select(
    obj: models.Model, refs: dict[str, str] | None = None
) -> tuple[str, list] | None:
    """``INSERT INTO … (columns) SELECT values`` of a new instance, as `insert_one`
    writes it (the same fields and preparation, ``RETURNING`` the auto primary key),
    for a statement that writes several rows at once (a data-modifying ``WITH``).

    ``refs`` maps field names to SQL that takes the value's place, e.g. a column of
    an earlier part of the statement (``"ck.id::text"``); a ``%s`` in it stands for
    the field's own value (``"jsonb_set(%s, '{id}', to_jsonb(ck.id))"``). The caller
    adds ``FROM`` for what the references name. None where `insert_one` would call
    ``save()`` (other databases than PostgreSQL, models it cannot plan, a preset key).
    """
    db = _db()
    model = type(obj)
    plan = _plan_for(model)
    if plan is None or (model._meta.auto_field is not None and obj.pk is not None):
        return None
    refs = refs or {}
    unknown = set(refs) - {f.name for f in plan.fields}
    if unknown:
        raise ValueError(f"not columns of {model.__name__}: {sorted(unknown)}")
    values, params = [], []
    for f in plan.fields:
        value = f.get_db_prep_save(f.pre_save(obj, True), db)
        expression = refs.get(f.name, "%s")
        if "%s" in expression:
            params.append(value)
        values.append(expression)
    return f"{plan.into} SELECT {', '.join(values)}", params


def one_statement():
    """Where one statement writes several rows that may be refused together (a unique
    key already taken): alone it needs no transaction block, since it is atomic on its
    own; inside a caller's transaction, a savepoint, so that the refusal does not
    abort that transaction."""
    return transaction.atomic() if connection.in_atomic_block else nullcontext()


def insert_together(objs: Sequence[models.Model]) -> bool:
    """Insert new instances, of one model or several, in ONE statement (the first
    row's ``INSERT`` with the others as data-modifying ``WITH`` parts), written as
    `insert_one` writes each: one round trip instead of a transaction's BEGIN, one
    per row and COMMIT. The statement is atomic on its own: a refused row (a unique
    key already taken) writes none of them and raises IntegrityError; inside a
    caller's transaction it runs in a savepoint, so that transaction goes on.

    For rows that reference no generated key of another (a UUID primary key set in
    Python is known beforehand; foreign keys are checked at the end of the
    statement). Auto primary keys are not read back. False, writing nothing, where
    `insert_select` cannot write one of them (then the caller writes them its own
    way, e.g. with `insert_one` in a transaction)."""
    db = _db()
    parts = [insert_select(obj) for obj in objs]
    if not parts or any(part is None for part in parts):
        return False
    (head_sql, head_params), rest = parts[0], parts[1:]
    sql, params = head_sql, []
    if rest:
        ctes = ", ".join(
            f"w{n} AS ({part_sql})" for n, (part_sql, _) in enumerate(rest)
        )
        sql = f"WITH {ctes} {head_sql}"
        params = [value for _, part_params in rest for value in part_params]
    params += head_params
    with one_statement(), db.cursor() as cursor:
        cursor.execute(sql, params)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias
    return True


def insert_one(obj: models.Model) -> models.Model:
    """Insert a new instance as `obj.save(force_insert=True)` does (auto_now and
    auto_now_add values, field preparation, the auto primary key set on `obj`), with
    SQL worked out once per model and process instead of a compiled query. Sends no
    model signals, so only for models nothing listens to (tests check that). On other
    databases than PostgreSQL, and for models it cannot plan, it is `save()`."""
    db = _db()
    model = type(obj)
    plan = _plan_for(model)
    if plan is None or (model._meta.auto_field is not None and obj.pk is not None):
        obj.save(force_insert=True)
        return obj
    _, sql, fields, returning = plan
    params = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone() if returning else ()
    for field, value in zip(returning, row, strict=True):
        setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = db.alias
    return obj
