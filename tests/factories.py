"""Factories: build people and content; reach workflow states through editorial.workflow."""

import factory
from django.contrib.auth.models import Group

from articles.models import Article, AudienceBody, AudienceLevel, Reference, Revision
from articles.references import services as reference_services
from editorial.models import BOARD_GROUP, EDITORS_GROUP, BoardProfile, User

PASSWORD = "correct horse battery staple"  # every factory-made user's


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class EditorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"editor{n}")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            self.groups.add(Group.objects.get(name=EDITORS_GROUP))


class BoardMemberFactory(UserFactory):
    username = factory.Sequence(lambda n: f"reviewer{n}")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            self.groups.add(Group.objects.get(name=BOARD_GROUP))
            BoardProfile.objects.get_or_create(
                user=self, defaults={"credentials": "MD", "specialty": "Internal medicine"}
            )


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    slug = factory.Sequence(lambda n: f"article-{n}")
    title = factory.Sequence(lambda n: f"How is condition {n} treated?")
    topic = "Sports medicine"


class RevisionFactory(factory.django.DjangoModelFactory):
    """A draft revision with a canonical body (pass canonical_body="" for none)."""

    class Meta:
        model = Revision
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    number = factory.Sequence(lambda n: n + 1)
    author = factory.SubFactory(EditorFactory)
    last_edited_by = factory.SelfAttribute("author")
    change_summary = "First version"

    @factory.post_generation
    def canonical_body(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted != "":
            AudienceBody.objects.create(
                revision=self,
                audience=AudienceLevel.objects.get(is_canonical=True),
                body=extracted or "Rest, ice and graded loading help most people recover.",
            )


class ReferenceFactory(factory.django.DjangoModelFactory):
    """A reference with its version 1, written through reference_create.

    Pass `csl={...}` for the whole CSL-JSON item, or `title=`/`year=` for a journal article.
    """

    class Meta:
        model = Reference

    key = factory.Sequence(lambda n: f"author{n}-topic")
    actor = factory.SubFactory(EditorFactory)
    type = "research"
    title = factory.Sequence(lambda n: f"Outcomes of graded loading in cohort {n}")
    year = 2020
    csl = factory.LazyAttribute(
        lambda o: {
            "type": "article-journal",
            "title": o.title,
            "author": [{"family": "Kim", "given": "Wan-Hee"}],
            "container-title": "Am J Sports Med",
            "volume": "41",
            "issue": "6",
            "page": "1234-1239",
            "issued": {"date-parts": [[o.year]]},
        }
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.pop("title")
        kwargs.pop("year")
        written = reference_services.reference_create(**kwargs)
        return written.version.reference


def assign_ready(revision: Revision, *, editor: User, reviewer: User, **kwargs):  # type: ignore[no-untyped-def]
    """Invite a reviewer through the real actions, who accepts and declares no interests."""
    from editorial import review, workflow

    assignment = workflow.revision_assign_reviewer(
        revision=revision, actor=editor, reviewer=reviewer, **kwargs
    )
    review.assignment_accept(assignment=assignment, actor=reviewer)
    review.interests_declare(assignment=assignment, actor=reviewer, none=True, interests=[])
    return assignment
