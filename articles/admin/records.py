"""What the code keeps for itself: search documents, the outbox, stored pages, the counts per
status. Shown here, never added or changed."""

from django.contrib import admin, messages
from django.utils import timezone

from articles.admin.mixins import ReadOnlyAdminMixin, UndeletableAdminMixin
from articles.models import (
    ArticlePassage,
    ArticleSearchDocument,
    FailedTask,
    OutboxMessage,
    PageGeneration,
    StatusCount,
    StoredPage,
)
from articles.outbox import outbox_send
from articles.task_failures import failed_task_rerun


@admin.register(ArticleSearchDocument)
class ArticleSearchDocumentAdmin(UndeletableAdminMixin, admin.ModelAdmin):
    """Read-only: publication keeps these; `manage.py rebuild_search_documents` rebuilds all.
    Not deleted here: that would hide a published article from the search."""

    list_display = ["article", "revision", "text_changed_at"]
    search_fields = ["article__title", "body_text"]
    list_select_related = ["article", "revision__article"]
    readonly_fields = ["article", "revision", "body_text", "text_hash", "text_changed_at"]
    exclude = ["search_vector"]


@admin.register(ArticlePassage)
class ArticlePassageAdmin(UndeletableAdminMixin, admin.ModelAdmin):
    """Read-only: the passages the answers to readers' questions offer (articles.answers), kept
    with the search documents; `manage.py rebuild_search_documents` rebuilds them. Not deleted
    here: that would hide published text from the answers."""

    list_display = ["article", "audience", "position", "anchor"]
    list_filter = ["audience"]
    search_fields = ["article__title", "text"]
    list_select_related = ["article", "audience"]
    readonly_fields = [
        *("article", "revision", "audience", "position", "anchor", "text", "references"),
    ]
    exclude = ["search_vector"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: what committed actions left to do (articles.outbox). A message still owed is
    sent again by the relay when due; "Send now" sends the owed ones at once. Only a message done
    or given up can be deleted: an owed one is work still to do."""

    list_display = [
        *("created_at", "topic", "task", "sent_at", "due_at", "done_at", "failed_at"),
        *("attempts", "failures", "last_error"),
    ]
    list_filter = [
        ("done_at", admin.EmptyFieldListFilter),
        ("failed_at", admin.EmptyFieldListFilter),
        "topic",
    ]
    search_fields = ["topic", "task", "last_error"]
    readonly_fields = [
        *("topic", "task", "payload", "created_at", "sent_at", "due_at", "done_at"),
        *("failed_at", "attempts", "failures", "last_error"),
    ]
    actions = ["send_now"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.done_at is not None or obj.failed_at is not None
        )

    @admin.action(description="Send now (the owed ones)")
    def send_now(self, request, queryset):  # type: ignore[no-untyped-def]
        owed = queryset.filter(done_at__isnull=True, failed_at__isnull=True)
        # Due now: a message sent and not yet reported goes again too (its tasks are idempotent).
        owed.update(due_at=timezone.now())
        sent = outbox_send(ids=list(owed.values_list("pk", flat=True)))
        self.message_user(request, f"Sent {sent} message(s).")


@admin.register(PageGeneration)
class PageGenerationAdmin(UndeletableAdminMixin, admin.ModelAdmin):
    """Read-only: raised when something every article page shows changes (the audience levels,
    a reviewer's public profile); stored pages of an older generation are built again."""

    list_display = ["value"]
    search_fields = ["=value"]
    readonly_fields = ["value"]


@admin.register(StatusCount)
class StatusCountAdmin(UndeletableAdminMixin, admin.ModelAdmin):
    """Read-only: the rows counting articles per newest status, added by the database's triggers
    and folded hourly (articles.status_counts); the board adds them up. Not deleted here: the
    board's counts would be wrong."""

    list_display = ["status", "n"]
    list_filter = ["status"]
    search_fields = ["status"]
    readonly_fields = ["status", "n"]


@admin.register(StoredPage)
class StoredPageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the public pages kept behind the cache (articles.public.page_cache). Deleting one
    only makes the next reader's request build it again."""

    list_display = ["article", "audience", "origin", "version", "generation", "stored_at"]
    list_filter = ["audience"]
    search_fields = ["article__title", "article__slug", "origin"]
    list_select_related = ["article"]
    readonly_fields = [
        *("article", "origin", "audience", "version", "generation", "build", "etag"),
        "last_modified",
        *("stale_from", "stored_at"),
    ]
    exclude = ["html"]


@admin.register(FailedTask)
class FailedTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: tasks that failed for good after their retries (articles.task_failures).
    "Run again" sends each once more with its arguments; the tasks are idempotent."""

    list_display = ["failed_at", "task", "tries", "exception", "rerun_at"]
    list_filter = [("rerun_at", admin.EmptyFieldListFilter), "task"]
    search_fields = ["task", "exception"]
    readonly_fields = ["task", "args", "kwargs", "exception", "tries", "failed_at", "rerun_at"]
    actions = ["run_again"]

    @admin.action(description="Run again")
    def run_again(self, request, queryset):  # type: ignore[no-untyped-def]
        done = 0
        for failed_task in queryset:
            try:
                failed_task_rerun(failed_task=failed_task)
            except Exception as exc:  # the broker away, or the task failed again (eager)
                self.message_user(
                    request, f"{failed_task} not run again: {exc!r}", level=messages.ERROR
                )
            else:
                done += 1
        self.message_user(request, f"Sent {done} task(s) again.")
