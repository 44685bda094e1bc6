"""On PostgreSQL the database refuses UPDATE and DELETE of grade changes (§6 integrity)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION assessment_grade_change_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'grade changes are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessment_grade_change_append_only
    BEFORE UPDATE OR DELETE ON assessment_gradechange
    FOR EACH ROW EXECUTE FUNCTION assessment_grade_change_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS assessment_grade_change_append_only ON assessment_gradechange;
DROP FUNCTION IF EXISTS assessment_grade_change_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
