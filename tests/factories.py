from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from articles import services
from articles.models import Article, Comment, Delegation, DelegationMember, Image, License, Section
from bias import scale
from bias.models import AnalystProfile, Assessment, Rating
from tests.images import image_bytes


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Writer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")


def staff_member(role: str | None, username: str | None = None, *, lean: str = "center"):
    """A staff user in one of the newsroom's roles (auth groups made by the roles migration);
    a bias analyst comes with an active profile of this lean, without which nobody assesses."""
    from django.contrib.auth.models import Group

    user = UserFactory(username=username or role.lower().replace(" ", "-"), is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if role == "Bias analysts":
        AnalystProfile.objects.get_or_create(user=user, defaults={"lean": lean})
    return user


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    alt_text = "Delegates around a table"
    credit = "Jane Photographer"
    license = License.CC_BY_4
    source = "Wikimedia Commons"
    source_url = "https://commons.wikimedia.org/"
    file = factory.LazyFunction(lambda: ContentFile(image_bytes(), name="photo.jpg"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, as the admin does, so renditions exist.
        return services.image_save(image=model_class(*args, **kwargs), file_changed=True)


class ArticleFactory(factory.django.DjangoModelFactory):
    """A public article unless told otherwise."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Talks resume, round {n}")
    slug = factory.Sequence(lambda n: f"talks-resume-round-{n}")
    summary = "Delegations meet again after months of deadlock."
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    author = factory.SubFactory(UserFactory)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def search_index(self, create, extracted, **kwargs):
        # As the services do after every write of the text.
        if create:
            services.article_index_for_search(article=self)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    article = factory.SubFactory(ArticleFactory)
    kind = Section.Kind.TEXT
    body = "A paragraph of *reporting*."
    position = factory.Sequence(int)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        section = super()._create(model_class, *args, **kwargs)
        services.article_index_for_search(article=section.article)
        return section


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    article = factory.SubFactory(ArticleFactory)
    party = factory.Sequence(lambda n: f"Party {n}")
    notes = "- Arrived on Monday."
    position = factory.Sequence(int)


class DelegationMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegationMember

    delegation = factory.SubFactory(DelegationFactory)
    name = factory.Sequence(lambda n: f"Delegate {n}")
    role = "Deputy Minister"
    position = factory.Sequence(int)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author_name = "A reader"
    author_email = factory.Sequence(lambda n: f"reader{n}@example.org")
    body = "Thanks for the clear summary."
    status = Comment.Status.APPROVED


class RatingFactory(factory.django.DjangoModelFactory):
    """A published rating written straight to the table; bias.services makes real ones."""

    class Meta:
        model = Rating

    article = factory.SubFactory(ArticleFactory)
    direction = scale.Direction.CENTER
    strength = scale.Strength.MODERATELY
    label = factory.LazyAttribute(lambda rating: scale.label(rating.direction, rating.strength))
    position = factory.LazyAttribute(
        lambda rating: scale.position(rating.direction, rating.strength)
    )
    why = "Factual, sourced, little speculation."
    published_at = factory.LazyFunction(timezone.now)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    article = factory.SubFactory(ArticleFactory, status="in_review", published_at=None)
    analyst = factory.Sequence(lambda n: staff_member("Bias analysts", f"analyst{n}"))
    direction = scale.Direction.CENTER
    strength = scale.Strength.MODERATELY
    emotional_language = scale.ToneLevel.NONE
    partisan_framing = scale.ToneLevel.NONE
    speculation = scale.ToneLevel.NONE
    one_sided_sourcing = scale.ToneLevel.NONE
    rationale = "Neutral wording; both sides quoted."
    # Written straight to the table, as first submitted: blind, and never revised.
    blind_direction = factory.SelfAttribute("direction")
    blind_strength = factory.SelfAttribute("strength")
    analyst_lean = factory.LazyAttribute(
        lambda assessment: getattr(
            getattr(assessment.analyst, "analyst_profile", None), "lean", "center"
        )
    )
