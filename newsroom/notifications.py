"""The desk's email: who is told what, when the workflow moves.

- an article submitted for review: the editors (who may publish);
- an article returned to its author, with the editor's note; an article published: its author;
- a panel ready for sign-off (an analyst of every lean has assessed): the editors who sign
  off ratings;
- an assessment asked of an analyst: that analyst.

Mail goes once the change is committed, through Django's mail framework (see settings), to
people with an email address who have not opted out (`MailPreference`); nobody is told of
their own move. Connected in `NewsroomConfig.ready()`.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from articles import events
from articles.models import Article
from articles.permissions import PUBLISH_ARTICLE
from newsroom.people import display_name

logger = logging.getLogger(__name__)

Status = Article.Status


def with_permission(codename: str):
    """Active users who hold this permission (by group or directly, or as superusers)."""
    app_label, name = codename.split(".")
    granted = Q(
        groups__permissions__codename=name, groups__permissions__content_type__app_label=app_label
    ) | Q(user_permissions__codename=name, user_permissions__content_type__app_label=app_label)
    return (
        get_user_model().objects.filter(Q(is_superuser=True) | granted, is_active=True).distinct()
    )


def mail(recipients, subject: str, body: str, *, besides=None) -> None:
    """Send once the transaction commits; not to `besides` (who made the move), nor to
    anyone without an address or who opted out."""
    addresses = sorted(
        {
            user.email
            for user in recipients
            if user.email
            and user != besides
            and getattr(getattr(user, "mail_preference", None), "desk_mail", True)
        }
    )
    if not addresses:
        return
    messages = [
        (f"[{settings.NEWSROOM_SITE_NAME}] {subject}", body, None, [address])
        for address in addresses
    ]

    def send():
        try:
            send_mass_mail(messages, fail_silently=False)
        except OSError:
            logger.exception("desk mail not sent: %s", subject)
        else:
            logger.info("desk mail sent to %d: %s", len(addresses), subject)

    transaction.on_commit(send)


def admin_link(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def article_moved(sender, *, article, source, target, user, note, **kwargs) -> None:
    who = display_name(user)
    link = admin_link(article)
    if source == Status.DRAFT and target == Status.IN_REVIEW:
        editors = with_permission(PUBLISH_ARTICLE).select_related("mail_preference")
        mail(
            editors,
            f"For review: {article.title}",
            f"{who} submitted “{article.title}” for review.\n\n{link}\n",
            besides=user,
        )
    elif source == Status.IN_REVIEW and target == Status.DRAFT:
        mail(
            [article.author],
            f"Returned to you: {article.title}",
            f"{who} returned “{article.title}” to you:\n\n{note}\n\n{link}\n",
            besides=user,
        )
    elif target == Status.PUBLISHED:
        when = "scheduled" if article.is_scheduled else "published"
        mail(
            [article.author],
            f"{when.capitalize()}: {article.title}",
            f"{who} {when} “{article.title}”.\n\n{link}\n",
            besides=user,
        )


def panel_ready(sender, *, article, user, **kwargs) -> None:
    """A balanced panel has assessed the article: its rating awaits an editor's sign-off."""
    signers = with_permission("bias.publish_rating").select_related("mail_preference")
    link = reverse("admin:bias_assessment_panel", args=[article.pk])
    mail(
        signers,
        f"Rating to sign off: {article.title}",
        f"An analyst of every lean has assessed “{article.title}”: its rating awaits "
        f"sign-off.\n\n{link}\n",
        besides=user,
    )


def assessment_requested(sender, *, article, analyst, user, **kwargs) -> None:
    mail(
        [analyst],
        f"Asked of you: {article.title}",
        f"{display_name(user)} asks you to assess “{article.title}”.\n\n"
        f"{reverse('admin:bias_assessment_add')}?article={article.pk}\n",
        besides=user,
    )


def connect() -> None:
    from bias import events as bias_events

    events.article_moved.connect(article_moved, dispatch_uid="mail-article-moved")
    bias_events.panel_ready.connect(panel_ready, dispatch_uid="mail-panel-ready")
    bias_events.assessment_requested.connect(
        assessment_requested, dispatch_uid="mail-assessment-requested"
    )
