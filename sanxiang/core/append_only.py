"""A migration operation that makes tables append-only with database triggers (DESIGN.md rule 2).

On PostgreSQL, row triggers refuse UPDATE and DELETE and a statement trigger refuses TRUNCATE.
On SQLite (which has no TRUNCATE; ``DELETE FROM t`` fires the delete trigger) row triggers refuse
UPDATE and DELETE. The error names the table and the operation.
"""

from django.db.migrations.operations.base import Operation

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION sanxiang_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def create_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            PG_FUNCTION,
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION sanxiang_refuse_change();",
            f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION sanxiang_refuse_change();",
        ]
    if vendor == "sqlite":
        return [
            f'CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: UPDATE refused'); END;",
            f'CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: DELETE refused'); END;",
        ]
    raise NotImplementedError(f"append-only triggers are not written for {vendor}")


def drop_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";',
            f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}";',
        ]
    return [f'DROP TRIGGER IF EXISTS "{table}_no_update";', f'DROP TRIGGER IF EXISTS "{table}_no_delete";']


class MakeAppendOnly(Operation):
    """``MakeAppendOnly("core_auditevent")`` in a migration installs the triggers."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str):
        self.table = table

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for sql in create_sql(schema_editor.connection.vendor, self.table):
            schema_editor.execute(sql, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for sql in drop_sql(schema_editor.connection.vendor, self.table):
            schema_editor.execute(sql, params=None)

    def describe(self):
        return f"Make {self.table} append-only"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.table], {})
