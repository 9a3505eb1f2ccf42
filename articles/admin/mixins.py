"""What the content admins share: which of them retire article pages, which only show what
the code keeps, and the form a service saves."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction

from articles.errors import ActionRefused
from articles.page_versions import article_pages_invalidate_all


class RetiresArticlePages(admin.ModelAdmin):
    """For what every article page shows (the audience levels in the picker and disclaimer, a
    reviewer's name, credentials and specialty): a change, a deletion or a bulk deletion
    retires every cached and stored article page once committed. save_related runs after the
    change form with its inlines and after each list_editable row alike; a form posted back
    unchanged retires nothing, nor does a change `changes_pages` says no page shows."""

    def changes_pages(self, form: forms.ModelForm, formsets: list[Any]) -> bool:
        """Whether the saved change alters what article pages show: any change, unless an
        admin knows better."""
        return form.has_changed() or any(formset.has_changed() for formset in formsets)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        if self.changes_pages(form, formsets):
            article_pages_invalidate_all()

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)
        article_pages_invalidate_all()

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        super().delete_queryset(request, queryset)
        article_pages_invalidate_all()


class ReadOnlyAdminMixin:
    """Kept by the code: listed and searchable here, never added or changed."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class UndeletableAdminMixin(ReadOnlyAdminMixin):
    """Kept by the code and kept for good: not deleted here either."""

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ServiceForm(forms.ModelForm):
    """A form whose data a service saves, so that its rules apply here as everywhere else.

    Once the form and the model's own checks pass, `save_through_service` runs in a savepoint
    (the admin runs the whole view in one transaction) and returns the saved object; its
    refusal becomes a form error and nothing changes. An unchanged form calls nothing. For an
    admin without inlines: a valid form is a saved one."""

    actor: Any = None  # who acts: set per request by ServiceAdmin.get_form

    def save_through_service(self) -> Any:
        raise NotImplementedError

    def full_clean(self) -> None:
        # After every check of the form and the model (uniqueness among them): the service
        # sees valid data only.
        super().full_clean()
        if not self.is_bound or self.errors:
            return
        if not (self.instance._state.adding or self.has_changed()):
            return
        try:
            with transaction.atomic():
                self.instance = self.save_through_service()
        except ActionRefused as exc:
            self.add_error(None, str(exc))


class ServiceAdmin(admin.ModelAdmin):
    """For a ServiceForm: a valid form is saved already, so save_model has nothing left to do."""

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        pass
