"""Who may take each workflow action: shared by the service, API and workspace tests."""

from articles.models import ReviewStatus

# action -> (a status the table allows it from, expected answer per role)
ROLE_MATRIX = {
    "submit": (ReviewStatus.DRAFT, {"editor": 200, "assigned": 403}),
    "assign-reviewer": (ReviewStatus.SUBMITTED, {"editor": 200, "assigned": 403}),
    "approve": (ReviewStatus.UNDER_REVIEW, {"editor": 403, "assigned": 200}),
    "request-changes": (ReviewStatus.UNDER_REVIEW, {"editor": 200, "assigned": 200}),
    "withdraw": (ReviewStatus.SUBMITTED, {"editor": 200, "assigned": 403}),
    "publish": (ReviewStatus.SUBMITTED, {"editor": 200, "assigned": 403}),
}
