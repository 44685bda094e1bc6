"""Seed the policy with the defaults of the domain document, in force from 2020-2021."""

import copy

from django.db import migrations

from registrar.policy.values import DEFAULTS


def seed(apps, schema_editor):
    AcademicPolicy = apps.get_model("policy", "AcademicPolicy")
    AcademicPolicy.objects.get_or_create(
        start_year=2020,
        defaults={"document": copy.deepcopy(DEFAULTS),
                  "note": "Defaults of the domain reference (credit-technology.md)."},
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
