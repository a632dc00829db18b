"""The article admin's own pages: preview, shared preview link, revisions."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from articles import preview, revisions, selectors, services, unsaved
from articles.admin.calendar import story_calendar
from articles.markdown import MAX_LENGTH, MarkdownValidator, render_markdown
from articles.models import Article, Correction
from articles.permissions import (
    can_change_articles,
    can_edit_article,
    can_publish,
    can_share_preview,
    can_write,
)
from articles.views import render_preview
from newsroom.admin import parse_pk
from newsroom.people import display_name


def urls(model_admin):
    def view(function):
        return model_admin.admin_site.admin_view(
            lambda request, *args, **kwargs: function(model_admin, request, *args, **kwargs)
        )

    return [
        path("<int:object_id>/preview/", view(staff_preview), name="articles_article_preview"),
        path("preview/", view(staff_preview), name="articles_article_preview_new"),
        path("markdown/", view(markdown_preview), name="articles_article_markdown"),
        path("calendar/", view(story_calendar), name="articles_article_calendar"),
        path("<int:object_id>/status/", view(article_status), name="articles_article_status"),
        path("<int:object_id>/autosave/", view(autosave), name="articles_article_autosave"),
        path(
            "<int:object_id>/autosave/discard/",
            view(autosave_discard),
            name="articles_article_autosave_discard",
        ),
        path(
            "<int:object_id>/autosave/preview/",
            view(autosave_preview),
            name="articles_article_autosave_preview",
        ),
        path(
            "<int:object_id>/corrections/",
            view(corrections),
            name="articles_article_corrections",
        ),
        path(
            "<int:object_id>/share-preview/",
            view(share_preview),
            name="articles_article_share_preview",
        ),
        path("<int:object_id>/revisions/", view(revision_list), name="articles_article_revisions"),
        path(
            "<int:object_id>/revisions/compare/",
            view(revision_compare),
            name="articles_article_revisions_compare",
        ),
        path(
            "<int:object_id>/revisions/<int:version_id>/restore/",
            view(revision_restore),
            name="articles_article_revision_restore",
        ),
        path(
            "<int:object_id>/revisions/<int:version_id>/preview/",
            view(revision_preview),
            name="articles_article_revision_preview",
        ),
    ]


def viewable_article(model_admin, request, object_id):
    """The article if this person may see it in the admin (journalists: their own), else 404."""
    article = model_admin.get_object(request, str(object_id))
    if article is None or not model_admin.has_view_or_change_permission(request, article):
        raise Http404("No such article.")
    return article


def context(model_admin, request, article, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": article,
        "title": extra.pop("title"),
        **extra,
    }


def staff_preview(model_admin, request, object_id=None):
    """The article as readers would read it: as stored (GET), or as the editor has typed
    it and not saved (the editing form posted here: Wagtail's live preview)."""
    article = viewable_article(model_admin, request, object_id) if object_id else None
    if request.method != "POST":
        if article is None:
            raise Http404("A new article has nothing stored to preview.")
        return render_preview(request, selectors.article_for_preview(pk=article.pk))
    if article is None and not can_write(request.user):
        raise PermissionDenied
    stored = selectors.article_for_preview(pk=article.pk) if article else None
    try:
        text = unsaved.from_form(stored, request.POST, author=request.user)
    except unsaved.UnsavedTextError as error:
        return TemplateResponse(request, "400.html", {"message": str(error)}, status=400)
    banner = "Your unsaved changes, as readers would read them once saved."
    return render_preview(request, stored or text["article"], text=text, banner=banner)


def markdown_preview(model_admin, request):
    """A section's Markdown, rendered through the pipeline readers' pages use, for the
    editor's preview beside the text."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not (can_write(request.user) or can_change_articles(request.user)):
        raise PermissionDenied
    text = request.POST.get("text", "")
    try:
        MarkdownValidator(MAX_LENGTH)(text)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"html": render_markdown(text)})


def article_status(model_admin, request, object_id):
    """Who saved the article last, and its version: the editing page asks, to warn its
    editor as soon as someone else saves."""
    article = viewable_article(model_admin, request, object_id)
    stored = Article.objects.select_related("updated_by").get(pk=article.pk)
    when = timezone.localtime(stored.updated_at)
    return JsonResponse(
        {
            "version": stored.version,
            "by": display_name(stored.updated_by) or "Someone",
            "at": date_format(when, "H:i"),
            "status": stored.get_status_display(),
        },
        headers={"Cache-Control": "no-store"},
    )


def autosave(model_admin, request, object_id):
    """Keep what the editor has typed and not saved (the editing page posts its form here
    after each half-minute of changes); the article is unchanged until they save."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = viewable_article(model_admin, request, object_id)
    if not can_edit_article(request.user, article):
        return JsonResponse({"error": "You may not edit this article now."}, status=403)
    try:
        kept = services.article_autosave(article=article, user=request.user, posted=request.POST)
    except services.WorkflowError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(
        {"saved_at": date_format(timezone.localtime(kept.saved_at), "H:i")},
        headers={"Cache-Control": "no-store"},
    )


def autosave_discard(model_admin, request, object_id):
    """Drop the editor's autosaved changes and open the article as it is stored."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = viewable_article(model_admin, request, object_id)
    if services.article_discard_autosave(article=article, user=request.user):
        messages.success(request, "Your autosaved changes are discarded.")
    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))


def autosave_preview(model_admin, request, object_id):
    """The editor's autosaved changes as readers would read them once saved."""
    article = viewable_article(model_admin, request, object_id)
    kept = selectors.autosave_of(article, request.user)
    if kept is None:
        raise Http404("You have no autosaved changes to this article.")
    stored = selectors.article_for_preview(pk=article.pk)
    try:
        text = unsaved.from_form(stored, kept.as_form_data(), author=request.user)
    except unsaved.UnsavedTextError as error:
        return TemplateResponse(request, "400.html", {"message": str(error)}, status=400)
    when = date_format(timezone.localtime(kept.saved_at), "j F Y, H:i")
    banner = f"Your changes autosaved at {when}, not saved into the article."
    return render_preview(request, stored, text=text, banner=banner)


def corrections(model_admin, request, object_id):
    """The article's corrections and clarifications, each with its earlier wordings; an
    editor amends one here (its kind or its words, with a reason)."""
    article = viewable_article(model_admin, request, object_id)
    if not can_publish(request.user):
        raise PermissionDenied
    errors = {}
    if request.method == "POST":
        chosen = request.POST.get("correction", "")
        try:
            services.article_amend_correction(
                article=article,
                correction_id=chosen,
                user=request.user,
                note=request.POST.get("note", ""),
                kind=request.POST.get("kind", ""),
                reason=request.POST.get("reason", ""),
            )
        except services.ForeignRow as error:
            raise Http404(str(error)) from error
        except (services.WorkflowError, ValidationError) as error:
            message = error.messages if isinstance(error, ValidationError) else [str(error)]
            errors[chosen] = " ".join(message)
        else:
            messages.success(request, "The note is amended; its earlier wording is kept.")
            return HttpResponseRedirect(request.path)
    notes = list(article.corrections.prefetch_related("amendments__amended_by"))
    for note in notes:
        # A refused amendment shows beside its note, with what was typed.
        note.error = errors.get(str(note.pk), "")
        note.typed = request.POST if note.error else {"kind": note.kind, "note": note.note}
    return TemplateResponse(
        request,
        "admin/articles/article/corrections_amend.html",
        context(
            model_admin,
            request,
            article,
            title=f"Corrections to “{article}”",
            notes=notes,
            kinds=Correction.Kind.choices,
        ),
        status=400 if errors else 200,
    )


def share_preview(model_admin, request, object_id):
    """The article's preview link for people without an account: the active one with a
    copy button, a button to make one when there is none, and every link made, to revoke."""
    article = viewable_article(model_admin, request, object_id)
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                services.preview_link_revoke(
                    article=article, link_id=request.POST["revoke"], user=request.user
                )
                messages.success(request, "The link is revoked: it no longer opens the article.")
            else:
                services.preview_link_share(article=article, user=request.user)
        except services.ForeignRow as error:
            raise Http404(str(error)) from error
        except services.WorkflowError as error:
            raise PermissionDenied(str(error)) from error
        return HttpResponseRedirect(request.path)
    links = list(article.preview_links.select_related("created_by", "revoked_by")[:50])
    active = next((link for link in links if link.is_active), None)
    url = None
    if active is not None:
        token = preview.preview_token(active)
        url = request.build_absolute_uri(reverse("articles:preview", kwargs={"token": token}))
    return TemplateResponse(
        request,
        "admin/articles/article/share_preview.html",
        context(
            model_admin,
            request,
            article,
            title="Share a preview",
            active=active,
            link=url,
            links=links,
            can_share=can_share_preview(request.user, article),
            hours=settings.NEWSROOM_PREVIEW_MAX_AGE_HOURS,
        ),
    )


def revision_list(model_admin, request, object_id):
    article = viewable_article(model_admin, request, object_id)
    return TemplateResponse(
        request,
        "admin/articles/article/revisions.html",
        context(
            model_admin,
            request,
            article,
            title=f"Revisions of “{article}”",
            versions=revisions.numbered(revisions.versions_of(article)),
            autosave=selectors.autosave_of(article, request.user),
            can_restore=can_edit_article(request.user, article),
        ),
    )


def revision_compare(model_admin, request, object_id):
    article = viewable_article(model_admin, request, object_id)
    versions = revisions.versions_of(article)
    chosen = {parse_pk(request.GET.get(key), Version) for key in ("a", "b")}
    if None in chosen:
        raise Http404("Choose two revisions to compare.")
    found = {version.pk: version for version in versions.filter(pk__in=chosen)}
    if len(chosen) != 2 or len(found) != 2:
        raise Http404("Choose two revisions of this article to compare.")
    older, newer = sorted(found.values(), key=lambda v: (v.revision.date_created, v.pk))
    return TemplateResponse(
        request,
        "admin/articles/article/revision_compare.html",
        context(
            model_admin,
            request,
            article,
            title=f"Changes to “{article}”",
            older=older,
            newer=newer,
            diffs=revisions.compare(revisions.snapshot(older), revisions.snapshot(newer)),
        ),
    )


def revision_restore(model_admin, request, object_id, version_id):
    """Restore an earlier text, after a confirmation page (GET) that shows it as readers
    would read it and says whether the change goes live."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    article = viewable_article(model_admin, request, object_id)
    version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
    if not can_edit_article(request.user, article):
        raise PermissionDenied
    if request.method != "POST":
        return TemplateResponse(
            request,
            "admin/articles/article/revision_restore.html",
            context(
                model_admin,
                request,
                article,
                title=f"Restore revision {revisions.revision_number(version)}?",
                version=version,
                number=revisions.revision_number(version),
                goes_live=article.is_public,
            ),
        )
    try:
        services.article_restore_revision(article=article, version=version, user=request.user)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        live = " It is live on the site now." if article.is_public else ""
        messages.success(request, f"The earlier text is restored, as a new revision.{live}")
    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))


def revision_preview(model_admin, request, object_id, version_id):
    """An earlier revision of the article as readers would read it (for the confirmation)."""
    article = viewable_article(model_admin, request, object_id)
    version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
    stored = selectors.article_for_preview(pk=article.pk)
    text = unsaved.from_snapshot(stored, revisions.snapshot(version))
    banner = f"Revision {revisions.revision_number(version)}, not the text as it stands."
    return render_preview(request, stored, text=text, banner=banner)
