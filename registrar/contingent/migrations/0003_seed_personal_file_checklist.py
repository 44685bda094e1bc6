"""The usual personal-file checklist of a Kazakhstan university; editable in the admin."""

from django.db import migrations

DOCUMENTS = [
    ("application", True, "Өтініш", "Заявление о приёме", "Application for admission"),
    ("identity", True, "Жеке куәлік көшірмесі", "Копия удостоверения личности",
     "Copy of the identity document"),
    ("school_certificate", True, "Білім туралы құжат (түпнұсқа)",
     "Документ об образовании (оригинал)", "Previous education certificate (original)"),
    ("unt_certificate", False, "ҰБТ сертификаты", "Сертификат ЕНТ",
     "Unified National Testing certificate"),
    ("medical_086", True, "086-У медициналық анықтамасы", "Медицинская справка 086-У",
     "Medical certificate 086-U"),
    ("photos", True, "3×4 фотосуреттер", "Фотографии 3×4", "Photographs 3×4"),
    ("contract", False, "Оқу шарты", "Договор об обучении", "Tuition contract"),
    ("grant_certificate", False, "Білім беру грантының куәлігі",
     "Свидетельство о присуждении гранта", "State grant certificate"),
    ("military_registration", False, "Тіркеу куәлігі", "Приписное свидетельство",
     "Military registration certificate"),
]


def seed(apps, schema_editor):
    Document = apps.get_model("contingent", "PersonalFileDocument")
    for position, (code, required, kk, ru, en) in enumerate(DOCUMENTS, start=1):
        Document.objects.get_or_create(
            code=code,
            defaults={"required": required, "name_kk": kk, "name_ru": ru, "name_en": en,
                      "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("contingent", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
