from django.urls import path

from editorial import question_views, reference_views, review_views, views

app_name = "editorial"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("articles/new/", views.article_new, name="article_create"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/history/", review_views.history, name="history"),
    path("articles/<int:pk>/revisions/new/", views.revision_new, name="revision_new"),
    path("articles/<int:pk>/transitions/<str:name>/", views.transition, name="transition"),
    path("readability/", views.readability_preview, name="readability_preview"),
    path("reviews/", review_views.queue, name="queue"),
    path("revisions/<int:pk>/review/", review_views.review_page, name="review"),
    path("revisions/<int:pk>/comments/", review_views.comment_create, name="comment_create"),
    path("assignments/<int:pk>/accept/", review_views.assignment_accept, name="accept"),
    path("assignments/<int:pk>/decline/", review_views.assignment_decline, name="decline"),
    path("assignments/<int:pk>/remove/", review_views.assignment_remove, name="remove"),
    path("assignments/<int:pk>/declare/", review_views.assignment_declare, name="declare"),
    path("comments/<int:pk>/reply/", review_views.comment_reply, name="comment_reply"),
    path("comments/<int:pk>/resolve/", review_views.comment_resolve, name="comment_resolve"),
    path("board/", review_views.board, name="board"),
    path("inbox/", review_views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", review_views.inbox_read, name="inbox_read"),
    path("questions/", question_views.questions, name="questions"),
    path("questions/<int:pk>/mark/", question_views.question_mark, name="question_mark"),
]
# The reference library (editorial/reference_views.py).
urlpatterns += [
    path("references/", reference_views.library, name="references"),
    path("references/new/", reference_views.reference_new, name="reference_create"),
    path("references/<int:pk>/", reference_views.reference_detail, name="reference"),
    path("references/<int:pk>/edit/", reference_views.reference_edit, name="reference_edit"),
    path("references/import/", reference_views.reference_import, name="reference_import"),
    path(
        "references/import/confirm/",
        reference_views.reference_import_confirm,
        name="reference_import_confirm",
    ),
    path("references/export/", reference_views.reference_export, name="reference_export"),
    path("references/picker/", reference_views.reference_picker, name="reference_picker"),
]
