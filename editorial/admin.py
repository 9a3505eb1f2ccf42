from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from knox.admin import AuthTokenAdmin
from knox.models import AuthToken

from articles.admin import RetiresArticlePages
from editorial.models import (
    BOARD_GROUP,
    EDITORS_GROUP,
    ApprovalPolicy,
    AuditEvent,
    BoardProfile,
    InterestDeclaration,
    InterestEntry,
    Notification,
    RequestKey,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
    User,
)
from editorial.public_facts import person_change_shows_on_pages


class BoardProfileInline(admin.StackedInline):
    model = BoardProfile
    can_delete = False
    extra = 0


def _changed_fields(form: Any, formsets: list[Any]) -> set[str]:
    changed = set(form.changed_data)
    for formset in formsets:
        for inline_form in formset.forms:
            changed.update(inline_form.changed_data)
    return changed


@admin.register(User)
class UserAdmin(RetiresArticlePages, BaseUserAdmin):
    """Retires the article pages only for a change they show (a reviewer's name, credentials or
    specialty: editorial.public_facts), not for a login, a password or an e-mail address."""

    inlines = [BoardProfileInline]

    def changes_pages(self, form: Any, formsets: list[Any]) -> bool:
        return person_change_shows_on_pages(
            user=form.instance, changed=_changed_fields(form, formsets)
        )

    list_display = ["username", "email", "first_name", "last_name", "roles", "is_active"]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def roles(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all())


@admin.register(BoardProfile)
class BoardProfileAdmin(RetiresArticlePages):
    """Retires the article pages only for what they show (credentials, specialty), not for
    the biography or the listing on the board page (built for each request)."""

    list_display = ["user", "credentials", "specialty", "is_listed"]
    list_filter = ["specialty", "is_listed"]
    search_fields = ["user__first_name", "user__last_name", "credentials", "specialty"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    def changes_pages(self, form: Any, formsets: list[Any]) -> bool:
        changed = _changed_fields(form, formsets)
        # A profile moved to another account: pages may show it under either.
        return "user" in changed or person_change_shows_on_pages(
            user=form.instance.user, changed=changed
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Workflow records are written by editorial.workflow only; the admin shows them."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["revision", "reviewer", "state", "due_date", "assigned_by", "assigned_at"]
    list_filter = ["state", "assigned_at", "revision__status"]
    search_fields = ["revision__article__title", "reviewer__username", "reviewer__last_name"]
    list_select_related = ["revision__article", "reviewer", "assigned_by"]


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ["revision", "reviewer", "verdict", "review_round", "decided_at"]
    list_filter = ["verdict", "decided_at"]
    search_fields = ["revision__article__title", "reviewer__username", "reason"]
    list_select_related = ["revision__article", "reviewer"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "article", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status", "created_at"]
    search_fields = ["article__title", "note", "actor__username"]
    list_select_related = ["article", "actor"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "event", "emailed_at", "read_at"]
    list_filter = ["emailed_at", "read_at"]
    search_fields = ["recipient__username", "event__article__title"]
    list_select_related = ["recipient", "event__article", "event__actor"]


@admin.register(RequestKey)
class RequestKeyAdmin(ReadOnlyAdmin):
    """Forms and API requests already acted on (editorial.idempotency): for looking, not editing."""

    list_display = ["created_at", "user", "action", "object_id", "key"]
    list_filter = ["action"]
    search_fields = ["user__username", "action", "key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin):
    """Editable: the quorum each topic needs (an empty topic is the default)."""

    list_display = [
        "__str__",
        "topic",
        "min_approvals",
        "required_specialty",
        "editorial_by_one_editor",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["topic", "required_specialty"]


class InterestEntryInline(admin.TabularInline):
    model = InterestEntry
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(InterestDeclaration)
class InterestDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "has_interests", "declared_at"]
    list_filter = ["has_interests"]
    search_fields = ["assignment__reviewer__username", "assignment__revision__article__title"]
    list_select_related = ["assignment__reviewer", "assignment__revision__article"]
    inlines = [InterestEntryInline]


@admin.register(InterestEntry)
class InterestEntryAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "kind", "details"]
    list_filter = ["kind"]
    search_fields = ["details", "declaration__assignment__reviewer__username"]
    list_select_related = [
        "declaration__assignment__reviewer",
        "declaration__assignment__revision__article",
    ]


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdmin):
    list_display = ["revision", "author", "severity", "quoted_text", "created_at", "resolved_at"]
    list_filter = ["severity", "resolved_at", "created_at"]
    search_fields = ["body", "quoted_text", "author__username", "revision__article__title"]
    list_select_related = ["revision__article", "author"]


# --- other apps' models -----------------------------------------------------------------------

ROLE_GROUPS = (EDITORS_GROUP, BOARD_GROUP)


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """Groups are edited here; the two role groups keep their names and stay, since the code
    finds the roles by those names (editorial.permissions)."""

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "name"] if obj is not None and obj.name in ROLE_GROUPS else fields

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_delete_permission(request, obj) and not (
            obj is not None and obj.name in ROLE_GROUPS
        )


class RecordAdminMixin:
    """Recorded by another app's code: shown as it was written, never changed here."""

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class TokenAdmin(RecordAdminMixin, AuthTokenAdmin):
    """A token is issued here (knox shows it once) or revoked by deleting it; its digest and
    key are the token and its user the one it signs in, so it is never changed."""


# Deleting an access attempt lifts its lockout, as django-axes intends; nothing is changed.
if admin.site.is_registered(AccessAttempt):  # AXES_ENABLE_ADMIN
    admin.site.unregister(AccessAttempt)
    admin.site.unregister(AccessLog)
    admin.site.unregister(AccessFailureLog)

    @admin.register(AccessAttempt)
    class AccessAttemptRecordAdmin(RecordAdminMixin, AccessAttemptAdmin):
        pass

    @admin.register(AccessLog)
    class AccessLogRecordAdmin(RecordAdminMixin, AccessLogAdmin):
        pass

    @admin.register(AccessFailureLog)
    class AccessFailureLogRecordAdmin(RecordAdminMixin, AccessFailureLogAdmin):
        pass
