"""On PostgreSQL the database itself keeps issued documents as issued (§11): no row is ever
deleted, and an UPDATE may only revoke a document (revoked_at, revoked_by, revoke_reason),
once; the kind, holder, language, code, issue date, issuer, content and its checksum never
change."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION documents_issued_document_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'issued document % cannot be deleted', OLD.code;
    END IF;
    IF (NEW.id, NEW.kind, NEW.student_id, NEW.language, NEW.code, NEW.issued_at,
        NEW.issued_by_id, NEW.content, NEW.content_sha256)
       IS DISTINCT FROM
       (OLD.id, OLD.kind, OLD.student_id, OLD.language, OLD.code, OLD.issued_at,
        OLD.issued_by_id, OLD.content, OLD.content_sha256) THEN
        RAISE EXCEPTION 'issued document % cannot be changed (only revoked)', OLD.code;
    END IF;
    IF OLD.revoked_at IS NOT NULL AND (NEW.revoked_at, NEW.revoked_by_id, NEW.revoke_reason)
       IS DISTINCT FROM (OLD.revoked_at, OLD.revoked_by_id, OLD.revoke_reason) THEN
        RAISE EXCEPTION 'the revocation of document % cannot be changed', OLD.code;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER documents_issued_document_frozen
    BEFORE UPDATE OR DELETE ON documents_issueddocument
    FOR EACH ROW EXECUTE FUNCTION documents_issued_document_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS documents_issued_document_frozen ON documents_issueddocument;
DROP FUNCTION IF EXISTS documents_issued_document_frozen();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
