"""The fixed list of care categories the visit rules and filters refer to."""

from django.db import migrations

CODES = [
    "needy",
    "key_assistance",
    "elderly_alone",
    "disabled",
    "petitioner",
    "community_corrections",
    "stability_key",
    "low_income",
    "five_guarantee",
    "migrant",
]


def add_categories(apps, schema_editor):
    CareCategory = apps.get_model("villages", "CareCategory")
    for code in CODES:
        CareCategory.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("villages", "0001_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
