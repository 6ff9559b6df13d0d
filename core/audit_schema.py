"""The append-only rule of audit tables, as SQL for migrations.

A trigger refuses UPDATE and DELETE on every audit table unless the archival
command has set ``portal.audit_archive`` for its own transaction (after writing
the archive file and recording its hash). TRUNCATE is not blocked: the test
database is reset with it; in production the application's role has no TRUNCATE
privilege (SECURITY.md). Each app that adds audit tables (every pghistory-tracked
model makes one) adds ``append_only(table)`` to a migration; a test checks that
no audit table lacks it.
"""

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION portal_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('portal.audit_archive', true), '') = 'on' THEN
        RETURN COALESCE(OLD, NEW);
    END IF;
    RAISE EXCEPTION 'audit table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER_NAME = "portal_audit_append_only"


def append_only(table: str) -> migrations.RunSQL:
    """Return a migration operation that makes ``table`` append-only."""
    return migrations.RunSQL(
        sql=[FUNCTION_SQL,
             f'DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON "{table}"',
             f'CREATE TRIGGER {TRIGGER_NAME} BEFORE UPDATE OR DELETE ON "{table}" '
             f"FOR EACH ROW EXECUTE FUNCTION portal_audit_append_only()"],
        reverse_sql=[f'DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON "{table}"'],
    )
