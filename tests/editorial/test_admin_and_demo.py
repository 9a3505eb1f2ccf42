"""The admin covers every model and is usable; the demo seed is complete and idempotent."""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from knox.models import AuthToken

from articles.models import Article, AudienceBody, ReviewStatus
from articles.selectors import articles_with_status
from editorial import workflow
from editorial.models import BOARD_GROUP, EDITORS_GROUP, BoardProfile, Notification, User
from tests.factories import UserFactory

OUR_MODELS = [
    model for app in ("articles", "editorial") for model in apps.get_app_config(app).get_models()
]


def test_every_model_of_ours_is_in_the_admin():
    assert [m for m in OUR_MODELS if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_admin_lists_and_searches(model, client, db):
    call_command("seed_demo", stdout=StringIO())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields, "a non-programmer needs a search box"
    assert client.get(url, {"q": "vitamin"}).status_code == 200


@pytest.fixture
def seeded(db, settings):
    settings.IMPRIMATUR_DEMO_PASSWORDS = True
    call_command("seed_demo", stdout=StringIO())


def test_seed_demo_makes_each_role_and_articles_in_several_states(seeded):
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="editor").groups.filter(name=EDITORS_GROUP).exists()
    board = User.objects.filter(groups__name=BOARD_GROUP)
    assert board.count() == 2
    assert BoardProfile.objects.filter(user__in=board).count() == 2
    statuses = set(articles_with_status().values_list("status", flat=True))
    assert {ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.APPROVED} <= statuses
    for article in Article.objects.all():
        assert AudienceBody.objects.filter(revision__article=article).count() >= 1
    assert AudienceBody.objects.exclude(audience__is_canonical=True).exists()
    assert User.objects.get(username="editor").check_password("editor-demo-2026")


def test_seed_demo_twice_changes_nothing(seeded):
    counts = (User.objects.count(), Article.objects.count(), AudienceBody.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (User.objects.count(), Article.objects.count(), AudienceBody.objects.count()) == counts


def test_demo_passwords_only_under_local_settings(db, settings):
    settings.IMPRIMATUR_DEMO_PASSWORDS = False
    call_command("seed_demo", stdout=StringIO())
    assert not User.objects.get(username="editor").has_usable_password()


def test_a_board_profile_changed_in_the_admin_shows_on_cached_article_pages_at_once(
    admin_client,
    client,
    editor,
    reviewer,
    second_reviewer,
    draft,
    reach,
    django_capture_on_commit_callbacks,
):
    revision = reach(
        draft, ReviewStatus.APPROVED, editor=editor, reviewers=[reviewer, second_reviewer]
    )
    url = workflow.article_publish(revision=revision, actor=editor).get_absolute_url()
    profile = reviewer.board_profile
    client.get(url)  # the reader's CSRF cookie, part of their ETag
    before = client.get(url)
    assert profile.credentials in before.text  # the page is cached now

    change = reverse("admin:editorial_boardprofile_change", args=[profile.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change,
            {
                "user": reviewer.pk,
                "credentials": "MD, PhD, FRCP",
                "specialty": profile.specialty,
                "bio": profile.bio,
                "is_listed": "on",
            },
        )

    assert response.status_code == 302, response.content
    assert client.get(url, HTTP_IF_NONE_MATCH=before.headers["ETag"]).status_code == 200
    assert "MD, PhD, FRCP" in client.get(url).text


# Committed for real: the e-mails go out when seed_demo's own transaction commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_demo_fills_the_inboxes_but_prints_only_the_accounts(settings, capsys):
    settings.IMPRIMATUR_DEMO_PASSWORDS = True
    settings.SITE_URL = "http://127.0.0.1:8123"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = capsys.readouterr().out + out.getvalue()

    assert "Subject:" not in printed
    assert "Demo accounts (log in at http://127.0.0.1:8123/accounts/login/):" in printed
    assert "notification(s) in the demo accounts' inboxes." in printed
    assert Notification.objects.filter(recipient__username="editor").exists()


def test_the_role_groups_keep_their_names_and_stay(admin_client, editor):
    editors = Group.objects.get(name=EDITORS_GROUP)
    change = reverse("admin:auth_group_change", args=[editors.pk])

    renamed = admin_client.post(change, {"name": "Writers", "permissions": []})
    deleted = admin_client.post(
        reverse("admin:auth_group_delete", args=[editors.pk]), {"post": "yes"}
    )

    assert (renamed.status_code, deleted.status_code) == (302, 403)
    assert editor.groups.filter(name=EDITORS_GROUP).exists()
    other = Group.objects.create(name="Translators")
    change = reverse("admin:auth_group_change", args=[other.pk])
    assert admin_client.post(change, {"name": "Interpreters"}).status_code == 302
    assert Group.objects.filter(name="Interpreters").exists()


def test_a_token_is_revoked_in_the_admin_never_changed(admin_client, editor, reviewer):
    token, _ = AuthToken.objects.create(user=editor)
    change = reverse("admin:knox_authtoken_change", args=[token.pk])

    crafted = admin_client.post(change, {"user": reviewer.pk, "digest": "x", "token_key": "y"})

    assert crafted.status_code == 403
    assert AuthToken.objects.get(pk=token.pk).user == editor
    revoked = admin_client.post(
        reverse("admin:knox_authtoken_delete", args=[token.pk]), {"post": "yes"}
    )
    assert revoked.status_code == 302
    assert not AuthToken.objects.filter(pk=token.pk).exists()


def test_a_lockout_is_lifted_by_deleting_it_never_changed(admin_client):
    attempt = AccessAttempt.objects.create(
        username="mallory", ip_address="10.0.0.1", failures_since_start=5
    )
    change = reverse("admin:axes_accessattempt_change", args=[attempt.pk])

    assert admin_client.post(change, {"failures_since_start": 0}).status_code == 403
    assert AccessAttempt.objects.get(pk=attempt.pk).failures_since_start == 5
    lifted = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert lifted.status_code == 302
    assert not AccessAttempt.objects.exists()
