"""PostgreSQL: trigram indexes so that searching cases by party name, title or number (a substring,
``icontains``) does not read the whole table. Needs the ``pg_trgm`` extension; where the database
role may not create it, the search still works (slower) and the migration says so."""

from django.db import migrations, transaction

INDEXES = {
    "cases_party_name_trgm": ("cases_party", "name"),
    "cases_case_title_trgm": ("cases_case", "title"),
    "cases_case_number_trgm": ("cases_case", "number"),
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:  # noqa: BLE001 - a missing privilege must not stop the migration
        print(f"\n  cases: pg_trgm unavailable ({error}); case search runs without trigram indexes")
        return
    with connection.cursor() as cursor:
        for name, (table, column) in INDEXES.items():
            # Django's icontains on PostgreSQL compares UPPER("column"::text) LIKE UPPER(%s).
            cursor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
