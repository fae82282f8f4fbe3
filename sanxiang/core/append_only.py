"""A migration operation that makes tables append-only with database triggers (DESIGN.md rule 2).

On PostgreSQL, row triggers refuse UPDATE and DELETE and a statement trigger refuses TRUNCATE.
On SQLite (which has no TRUNCATE; ``DELETE FROM t`` fires the delete trigger) row triggers refuse
UPDATE and DELETE. The error names the table and the operation.

The registry of append-only tables is the migrations themselves: :func:`declared_tables` lists every
table a ``MakeAppendOnly`` operation names, and :func:`installed_triggers` reads which of these
triggers the connected database really has. Both only read; nothing here switches a trigger off.
"""

from dataclasses import dataclass

from django.db.migrations.operations.base import Operation

TRIGGER_FUNCTION = "sanxiang_refuse_change"
# Every refusal message starts with this, on both databases; introspection recognises our triggers by it.
REFUSAL_PREFIX = "append-only table"

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION sanxiang_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def trigger_names(vendor: str, table: str) -> list[str]:
    """The names of the triggers :func:`create_sql` puts on ``table``."""
    if vendor == "postgresql":
        return [f"{table}_append_only", f"{table}_no_truncate"]
    if vendor == "sqlite":
        return [f"{table}_no_update", f"{table}_no_delete"]
    raise NotImplementedError(f"append-only triggers are not written for {vendor}")


def refused_operations(vendor: str) -> list[str]:
    """The statements the triggers refuse on ``vendor`` (SQLite has no TRUNCATE)."""
    return ["UPDATE", "DELETE", "TRUNCATE"] if vendor == "postgresql" else ["UPDATE", "DELETE"]


def create_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        rows, truncate = trigger_names(vendor, table)
        return [
            PG_FUNCTION,
            f'CREATE TRIGGER "{rows}" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER_FUNCTION}();",
            f'CREATE TRIGGER "{truncate}" BEFORE TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER_FUNCTION}();",
        ]
    if vendor == "sqlite":
        update, delete = trigger_names(vendor, table)
        return [
            f'CREATE TRIGGER "{update}" BEFORE UPDATE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL_PREFIX} {table}: UPDATE refused'); END;",
            f'CREATE TRIGGER "{delete}" BEFORE DELETE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL_PREFIX} {table}: DELETE refused'); END;",
        ]
    raise NotImplementedError(f"append-only triggers are not written for {vendor}")


def drop_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{name}" ON "{table}";' for name in trigger_names(vendor, table)]
    return [f'DROP TRIGGER IF EXISTS "{name}";' for name in trigger_names(vendor, table)]


def declared_tables() -> list[str]:
    """Every table a ``MakeAppendOnly`` operation in the project's migrations makes append-only."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted({
        operation.table
        for migration in loader.disk_migrations.values()
        for operation in migration.operations
        if isinstance(operation, MakeAppendOnly)
    })


@dataclass(frozen=True)
class InstalledTrigger:
    table: str
    name: str
    enabled: bool
    definition: str  # SQLite: the CREATE TRIGGER statement as stored; PostgreSQL: pg_get_triggerdef()


def installed_triggers(connection) -> list[InstalledTrigger]:
    """The append-only triggers present in the database behind ``connection`` (read-only introspection)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname, t.tgenabled <> 'D', pg_get_triggerdef(t.oid) "
                "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE p.proname = %s AND NOT t.tgisinternal AND pg_table_is_visible(c.oid) "
                "ORDER BY c.relname, t.tgname",
                [TRIGGER_FUNCTION],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name, name, 1, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND instr(sql, %s) > 0 ORDER BY tbl_name, name",
                [f"RAISE(ABORT, '{REFUSAL_PREFIX} "],
            )
        else:
            raise NotImplementedError(f"append-only triggers are not written for {connection.vendor}")
        return [InstalledTrigger(table, name, bool(enabled), sql) for table, name, enabled, sql in cursor.fetchall()]


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
