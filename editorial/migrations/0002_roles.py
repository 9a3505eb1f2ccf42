from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Editors": {
        "articles": {
            "article": ["add", "change", "view"],
            "revision": ["add", "change", "view"],
            "audiencebody": ["add", "change", "delete", "view"],
            "audiencelevel": ["view"],
        },
        "editorial": {
            "reviewassignment": ["add", "view"],
            "reviewdecision": ["view"],
            "auditevent": ["view"],
            "boardprofile": ["view"],
        },
    },
    "Advisory board": {
        "articles": {
            "article": ["view"],
            "revision": ["view"],
            "audiencebody": ["view"],
            "audiencelevel": ["view"],
        },
        "editorial": {
            "reviewassignment": ["view"],
            "reviewdecision": ["add", "view"],
        },
    },
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, apps_perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, models in apps_perms.items():
            for model, actions in models.items():
                for action in actions:
                    group.permissions.add(
                        Permission.objects.get(
                            content_type__app_label=app_label, codename=f"{action}_{model}"
                        )
                    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("articles", "0003_default_audience_levels"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
