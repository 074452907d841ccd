"""Set-based writes the ORM has no words for."""

from collections.abc import Sequence

from django.db import connection, models

_SQLITE_BATCH = 500  # rows per statement on SQLite (its bound-parameter limit)


def insert_new_returning(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[tuple],
    returning: Sequence[str],
) -> list[tuple]:
    """INSERT `rows` (values of `fields`) ON CONFLICT DO NOTHING, and return `returning` of the
    rows this statement inserted: a row that already existed (a unique constraint) is skipped
    and not returned, so two runs at once never both claim the same row.

    One statement on PostgreSQL however many rows (`unnest` of one array per column); batches of
    500 rows on SQLite.
    """
    if not rows:
        return []
    # Table and column names come from the model, never from input; values are parameters.
    opts = model._meta
    table = connection.ops.quote_name(opts.db_table)
    columns = [opts.get_field(name) for name in fields]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    back = ", ".join(connection.ops.quote_name(opts.get_field(n).column) for n in returning)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in columns)
            sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})"  # noqa: S608
            cursor.execute(
                f"{sql} ON CONFLICT DO NOTHING RETURNING {back}",
                [[row[i] for row in rows] for i in range(len(columns))],
            )
            return [tuple(r) for r in cursor.fetchall()]
        found: list[tuple] = []
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), _SQLITE_BATCH):
            batch = rows[start : start + _SQLITE_BATCH]
            values = ", ".join([one] * len(batch))
            sql = f"INSERT INTO {table} ({names}) VALUES {values}"  # noqa: S608 (model names)
            cursor.execute(
                f"{sql} ON CONFLICT DO NOTHING RETURNING {back}",
                [value for row in batch for value in row],
            )
            found.extend(tuple(r) for r in cursor.fetchall())
        return found
