"""Writing many rows at once: PostgreSQL's COPY through psycopg 3, bulk_create elsewhere.

Django's bulk_create prepares every value of every row through the field machinery and sends one
INSERT with a parameter per value; for the 10,000 figures of an upload, their 10,000 audit rows
and the standings refreshed after them that preparation costs more than the database's work.
COPY streams the rows as they are. It returns no ids: where the caller needs them, they are taken
from the table's sequence first, in one query, and written with the rows.
"""

import json
from collections.abc import Sequence

from django.db import connection, models


def insert(model: type[models.Model], objs: Sequence[models.Model], *, with_ids: bool = False):
    """Insert `objs` (unsaved instances of `model`); with `with_ids` each gets its primary key."""
    objs = list(objs)
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=2000)
    fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
    if with_ids:
        for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
            obj.pk = pk
    _copy_objects(model, fields, objs)
    alias = connection.alias
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias
    return objs


def _copy_objects(
    model: type[models.Model], fields: list[models.Field], objs: list[models.Model]
) -> None:
    """COPY the objects' values of `fields`, auto_now fields stamped first as save() would."""
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", 0)]
    converters = [_converter(f) for f in fields]
    attnames = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                for field in stamped:
                    field.pre_save(obj, add=True)
                copy.write_row(
                    [
                        value if convert is None or value is None else convert(value)
                        for convert, value in zip(
                            converters, (getattr(obj, name) for name in attnames), strict=True
                        )
                    ]
                )


def _converter(field: models.Field):
    if isinstance(field, models.JSONField):
        return lambda value: json.dumps(value, ensure_ascii=False, cls=field.encoder)
    return None


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, n],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows(model: type[models.Model], attnames: Sequence[str], rows: Sequence[tuple]) -> int:
    """Insert plain tuples of values for `attnames` (every column but the primary key, or with it
    when taken first by `reserve_ids`): no model instance is made on PostgreSQL, where making
    20,000 of them costs more than writing them."""
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(attnames, row, strict=True))) for row in rows), batch_size=2000
        )
        return len(rows)
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    # One encoder per column, made once: json.dumps with options makes one per value.
    encoders = {i: (fields[i].encoder or json.JSONEncoder)(ensure_ascii=False).encode
                for i in json_columns}  # fmt: skip
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                if json_columns:
                    row = list(row)
                    for i in json_columns:
                        row[i] = "{}" if row[i] == {} else encoders[i](row[i])
                copy.write_row(row)
    return len(rows)
