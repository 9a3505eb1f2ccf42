"""The workspace's pages, under /editorial/: one module per page family."""

from django.urls import path

from editorial.workspace import (
    articles,
    board,
    dashboard,
    editor,
    inbox,
    questions,
    reference_import,
    references,
    reviews,
    transitions,
)

app_name = "editorial"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("articles/new/", articles.article_new, name="article_create"),
    path("articles/<int:pk>/", articles.article_detail, name="article"),
    path("articles/<int:pk>/edit/", editor.article_edit, name="article_edit"),
    path("articles/<int:pk>/details/", articles.article_details, name="article_details"),
    path("articles/<int:pk>/history/", board.history, name="history"),
    path("articles/<int:pk>/revisions/new/", articles.revision_new, name="revision_new"),
    path("articles/<int:pk>/publish/", transitions.publish_confirm, name="publish_confirm"),
    path("articles/<int:pk>/transitions/<str:name>/", transitions.transition, name="transition"),
    path("readability/", editor.readability_preview, name="readability_preview"),
    path("reviews/", reviews.queue, name="queue"),
    path("revisions/<int:pk>/review/", reviews.review_page, name="review"),
    path("revisions/<int:pk>/decide/<str:name>/", transitions.decide, name="decide"),
    path("revisions/<int:pk>/comments/", reviews.comment_create, name="comment_create"),
    path("assignments/<int:pk>/accept/", reviews.assignment_accept, name="accept"),
    path("assignments/<int:pk>/decline/", reviews.assignment_decline, name="decline"),
    path("assignments/<int:pk>/remove/", reviews.assignment_remove, name="remove"),
    path("assignments/<int:pk>/declare/", reviews.assignment_declare, name="declare"),
    path("comments/<int:pk>/reply/", reviews.comment_reply, name="comment_reply"),
    path("comments/<int:pk>/resolve/", reviews.comment_resolve, name="comment_resolve"),
    path("board/", board.board, name="board"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", inbox.inbox_read, name="inbox_read"),
    path("inbox/<int:pk>/open/", inbox.inbox_open, name="inbox_open"),
    path("inbox/read-all/", inbox.inbox_read_all, name="inbox_read_all"),
    path("questions/", questions.questions, name="questions"),
    path("questions/<int:pk>/mark/", questions.question_mark, name="question_mark"),
    path("references/", references.library, name="references"),
    path("references/new/", references.reference_new, name="reference_create"),
    path("references/<int:pk>/", references.reference_detail, name="reference"),
    path("references/<int:pk>/edit/", references.reference_edit, name="reference_edit"),
    path("references/import/", reference_import.reference_import, name="reference_import"),
    path(
        "references/import/confirm/",
        reference_import.reference_import_confirm,
        name="reference_import_confirm",
    ),
    path("references/export/", references.reference_export, name="reference_export"),
    path("references/picker/", references.reference_picker, name="reference_picker"),
]
