from django.db import migrations

LEVELS = [
    {
        "slug": "patient",
        "label": "Patient or caregiver",
        "description": "I want a clear explanation in everyday language.",
        "order": 1,
        "target_grade": 8,
        "is_canonical": False,
        "disclaimer": (
            "This article explains a health topic in general terms. It is not advice about "
            "your own care: talk to your doctor, nurse or pharmacist before you start, stop "
            "or change any treatment. If you think you have an emergency, call your local "
            "emergency number now."
        ),
    },
    {
        "slug": "student",
        "label": "Medical student",
        "description": "I know the basics and want the reasoning behind the recommendations.",
        "order": 2,
        "target_grade": 12,
        "is_canonical": False,
        "disclaimer": (
            "Written for learning. Check recommendations against current guidelines and "
            "your supervisors before applying them to patients."
        ),
    },
    {
        "slug": "professional",
        "label": "Healthcare professional",
        "description": "I want the full clinical detail with the evidence.",
        "order": 3,
        "target_grade": None,
        "is_canonical": True,
        "disclaimer": (
            "This information is intended for healthcare professionals. It supports, and "
            "does not replace, clinical judgement. Verify recommendations against primary "
            "sources and current guidelines before applying them to patient care; the "
            "publisher accepts no liability for clinical decisions based on this content."
        ),
    },
]


def create_levels(apps, schema_editor):
    AudienceLevel = apps.get_model("articles", "AudienceLevel")
    for level in LEVELS:
        AudienceLevel.objects.update_or_create(slug=level["slug"], defaults=level)


def remove_levels(apps, schema_editor):
    AudienceLevel = apps.get_model("articles", "AudienceLevel")
    AudienceLevel.objects.filter(slug__in=[level["slug"] for level in LEVELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_initial")]
    operations = [migrations.RunPython(create_levels, remove_levels)]
