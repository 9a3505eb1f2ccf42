"""What changed in a revision, over HTTP: the serializers of GET /api/v1/revisions/{id}/diff/
and its `?base=`."""

from typing import Any

from rest_framework import serializers

from articles.models import Revision
from articles.plain_input import row_id


class DiffPieceSerializer(serializers.Serializer[Any]):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete"])
    text = serializers.CharField()


class BlockDiffSerializer(serializers.Serializer[Any]):
    op = serializers.ChoiceField(choices=["equal", "changed", "inserted", "deleted"])
    tag = serializers.CharField(help_text="Its element: p, h2-h6, pre, hr or tr.")
    pieces = DiffPieceSerializer(many=True)


class BodyDiffSerializer(serializers.Serializer[Any]):
    audience = serializers.CharField(source="audience.slug")
    changed = serializers.BooleanField()
    pieces = DiffPieceSerializer(many=True, help_text="Every block's words, in reading order.")
    blocks = BlockDiffSerializer(many=True)
    html = serializers.CharField(
        help_text="Sanitised HTML in the text's structure, with <ins> and <del>."
    )


class ReferenceChangeSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "removed", "newer version", "older version"])
    old_version = serializers.IntegerField(source="old.number", allow_null=True, default=None)
    new_version = serializers.IntegerField(source="new.number", allow_null=True, default=None)


class RevisionDiffSerializer(serializers.Serializer[Any]):
    """A revision against `?base=`, else the last approved one before it, else the previous one."""

    revision = serializers.IntegerField()
    base = serializers.IntegerField(allow_null=True, help_text="Null for a first revision.")
    base_number = serializers.IntegerField(allow_null=True)
    bodies = BodyDiffSerializer(many=True)
    references = ReferenceChangeSerializer(many=True)


BASE_NOT_FOUND = "No revision {base} of this article: give the id of one of its revisions."


def diff_base(raw: str, *, revision: Revision) -> Revision:
    """The revision `?base=` names: one of the same article, else a 400."""
    base_id = row_id(raw)
    base = (
        Revision.objects.filter(pk=base_id, article_id=revision.article_id).first()
        if base_id is not None
        else None
    )
    if base is None:
        raise serializers.ValidationError({"base": [BASE_NOT_FOUND.format(base=raw)]})
    return base
