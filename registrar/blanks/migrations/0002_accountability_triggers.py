"""On PostgreSQL the database itself keeps the books of strict accountability forms (§11):

- a blank form, a batch or a write-off act is never deleted, and batches and acts never change;
- a form's serial (type, series, number, batch) never changes;
- a form never returns to stock; a spoiled (written-off) form never changes again;
- what an issued form records about its issue (holder, date, issuer, receipt number) never
  changes, and its document code and receipt signature, once written, stay.

The model guards say the same (`BlankForm.save`, the querysets); these triggers also hold
against raw SQL."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION blanks_form_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'blank form % % cannot be deleted (write it off with an act)',
            OLD.series, OLD.number;
    END IF;
    IF (NEW.id, NEW.form_type, NEW.series, NEW.number, NEW.batch_id)
       IS DISTINCT FROM (OLD.id, OLD.form_type, OLD.series, OLD.number, OLD.batch_id) THEN
        RAISE EXCEPTION 'the serial of blank form % % cannot change', OLD.series, OLD.number;
    END IF;
    IF OLD.state = 'spoiled' AND ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
        RAISE EXCEPTION 'blank form % % is written off and cannot change',
            OLD.series, OLD.number;
    END IF;
    IF OLD.state <> 'in_stock' AND NEW.state = 'in_stock' THEN
        RAISE EXCEPTION 'blank form % % never returns to stock', OLD.series, OLD.number;
    END IF;
    IF OLD.state = 'issued' THEN
        IF (NEW.issued_to_id, NEW.issued_at, NEW.issued_by_id, NEW.receipt_number)
           IS DISTINCT FROM (OLD.issued_to_id, OLD.issued_at, OLD.issued_by_id,
                             OLD.receipt_number)
           OR (OLD.document_code <> '' AND NEW.document_code IS DISTINCT FROM OLD.document_code)
           OR (OLD.receipt_signed_on IS NOT NULL
               AND NEW.receipt_signed_on IS DISTINCT FROM OLD.receipt_signed_on) THEN
            RAISE EXCEPTION 'the issue of blank form % % cannot change', OLD.series, OLD.number;
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER blanks_form_guard
    BEFORE UPDATE OR DELETE ON blanks_blankform
    FOR EACH ROW EXECUTE FUNCTION blanks_form_guard();

CREATE OR REPLACE FUNCTION blanks_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER blanks_batch_append_only
    BEFORE UPDATE OR DELETE ON blanks_batch
    FOR EACH ROW EXECUTE FUNCTION blanks_append_only();
CREATE TRIGGER blanks_spoilact_append_only
    BEFORE UPDATE OR DELETE ON blanks_spoilact
    FOR EACH ROW EXECUTE FUNCTION blanks_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS blanks_form_guard ON blanks_blankform;
DROP FUNCTION IF EXISTS blanks_form_guard();
DROP TRIGGER IF EXISTS blanks_batch_append_only ON blanks_batch;
DROP TRIGGER IF EXISTS blanks_spoilact_append_only ON blanks_spoilact;
DROP FUNCTION IF EXISTS blanks_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("blanks", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
