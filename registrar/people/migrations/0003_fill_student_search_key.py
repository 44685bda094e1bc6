"""Fill `Student.search_key` for the students already stored; on PostgreSQL index it with
trigrams (pg_trgm) so that `LIKE '% word%'` is answered from a GIN index.

The extension needs a role allowed to create it; where it cannot be created, the index is
left out (the search still works, by a sequential scan) and a warning is printed.
"""

import sys

from django.db import DatabaseError, migrations, transaction

from registrar.people.search import key_from_values

NAME_FIELDS = (
    "last_name_kk", "first_name_kk", "patronymic_kk",
    "last_name_ru", "first_name_ru", "patronymic_ru",
    "last_name_en", "first_name_en",
)
INDEX = "people_student_search_key_trgm"


def fill(apps, schema_editor):
    Student = apps.get_model("people", "Student")
    AcademicGroup = apps.get_model("institution", "AcademicGroup")
    db = schema_editor.connection.alias
    groups = dict(AcademicGroup.objects.using(db).values_list("pk", "name"))
    batch = []
    for student in Student.objects.using(db).only("pk", "iin", "group_id", *NAME_FIELDS) \
            .order_by("pk").iterator(chunk_size=2000):
        student.search_key = key_from_values(
            [getattr(student, f) for f in NAME_FIELDS], student.iin,
            groups.get(student.group_id, "") if student.group_id else "")
        batch.append(student)
        if len(batch) >= 2000:
            Student.objects.using(db).bulk_update(batch, ["search_key"])
            batch = []
    if batch:
        Student.objects.using(db).bulk_update(batch, ["search_key"])


def add_trigram_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
    except DatabaseError as exc:
        sys.stderr.write(f"  pg_trgm is not available ({exc}); the student search runs "
                         f"without its trigram index.\n")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_student "
        f"USING gin (search_key gin_trgm_ops)", params=None)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_student_search_key"),
        ("institution", "0002_initial"),
    ]
    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
