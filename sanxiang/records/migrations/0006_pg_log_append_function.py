"""PostgreSQL: one server-side function appends one log entry (see sanxiang/records/log.py, _append_postgres).

The function does under the head's lock what ``log._write`` does in Python: number the entry, build
its canonical bytes from the parts the caller prepared (the number and, unless given, the time are
only known under the lock), hash the leaf, store it with the tree nodes it completes, and move the
head. One statement means the lock is held for one round trip and the commit, not three.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION sanxiang_log_append(
    p_kind varchar, p_at timestamptz, p_agency bigint, p_case_ref varchar, p_target_id varchar,
    p_head bytea, p_middle bytea, p_tail bytea, p_check_archive boolean
) RETURNS TABLE (seq bigint, created_at timestamptz, canonical bytea, leaf bytea)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_size bigint;
    v_frontier jsonb;
    v_hashes bytea[];
    v_at timestamptz;
    v_data bytea;
    v_leaf bytea;
    v_h bytea;
    v_level int := 0;
    v_n int;
    v_root bytea;
    i int;
BEGIN
    SELECT h.size, h.frontier INTO v_size, v_frontier FROM records_loghead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the log head row (id=1) is missing';
    END IF;
    IF p_check_archive AND EXISTS (SELECT 1 FROM records_casearchive a WHERE a.case_ref = p_case_ref) THEN
        RETURN QUERY SELECT -1::bigint, NULL::timestamptz, NULL::bytea, NULL::bytea;
        RETURN;
    END IF;
    v_at := COALESCE(p_at, clock_timestamp());
    v_data := p_head
        || convert_to(to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'UTF8')
        || p_middle || convert_to(v_size::text, 'UTF8') || p_tail;
    v_leaf := sha256('\x00'::bytea || v_data);
    SELECT COALESCE(array_agg(decode(x, 'hex') ORDER BY o), '{}') INTO v_hashes
        FROM jsonb_array_elements_text(v_frontier) WITH ORDINALITY AS t(x, o);
    v_h := v_leaf;
    WHILE (v_size >> v_level) & 1 = 1 LOOP
        v_n := array_length(v_hashes, 1);
        v_h := sha256('\x01'::bytea || v_hashes[v_n] || v_h);
        v_hashes := v_hashes[1:v_n - 1];
        v_level := v_level + 1;
        INSERT INTO records_treenode (level, "index", hash) VALUES (v_level, v_size >> v_level, v_h);
    END LOOP;
    v_hashes := v_hashes || v_h;
    v_n := array_length(v_hashes, 1);
    v_root := v_hashes[v_n];
    FOR i IN REVERSE v_n - 1 .. 1 LOOP
        v_root := sha256('\x01'::bytea || v_hashes[i] || v_root);
    END LOOP;
    INSERT INTO records_logentry (seq, kind, created_at, agency_id, case_ref, target_id, canonical, leaf_hash)
        VALUES (v_size, p_kind, v_at, p_agency, p_case_ref, p_target_id, v_data, v_leaf);
    UPDATE records_loghead SET size = v_size + 1,
        frontier = (SELECT COALESCE(jsonb_agg(encode(x, 'hex') ORDER BY o), '[]'::jsonb)
                    FROM unnest(v_hashes) WITH ORDINALITY AS u(x, o)),
        root = v_root, updated_at = clock_timestamp()
        WHERE id = 1;
    RETURN QUERY SELECT v_size, v_at, v_data, v_leaf;
END
$fn$;
"""

DROP = "DROP FUNCTION IF EXISTS sanxiang_log_append(varchar, timestamptz, bigint, varchar, varchar, bytea, bytea, bytea, boolean)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("records", "0005_log_kinds_publication_draw")]

    operations = [migrations.RunPython(create, drop)]
