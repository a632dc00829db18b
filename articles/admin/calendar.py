"""The story calendar: a week of scheduled and published articles, by day and hour, in the
newsroom's time zone, where editors move a scheduled article to another planned time."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles import services
from articles.models import Article
from articles.permissions import can_publish, can_view_articles
from articles.selectors import articles_visible_to
from articles.services.schedule import planned_time
from newsroom.admin import parse_pk

# The weeks the calendar opens: wide, and far enough from the ends of Python's dates that
# a week, its neighbours and any time zone's offset stay inside them.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)
WEEK = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# What a datetime-local input sends, and shows.
LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", re.ASCII)
LOCAL_INPUT = "Y-m-d\\TH:i"


class NotAWeek(ValueError):
    """A `week` the calendar cannot open; the message says what to give instead."""


def echo(typed: str) -> str:
    """What someone typed, as a page may repeat it to them: short, and without nulls."""
    return typed[:40].replace("\x00", "")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_of(value: str | None) -> date:
    """The Monday of the week holding the day `value` names (YYYY-MM-DD), or of this week
    when there is none."""
    if not value:
        return monday_of(timezone.localdate())
    example = timezone.localdate().isoformat()
    try:
        day = date.fromisoformat(value) if WEEK.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None:
        raise NotAWeek(f"“{echo(value)}” is not a date: give a day of the week as {example}.")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise NotAWeek(f"The calendar shows the years {FIRST_DAY.year} to {LAST_DAY.year}.")
    return monday_of(day)


def week_articles(user, monday: date) -> list[Article]:
    """The published and scheduled articles of the week beginning `monday` (in the
    newsroom's time zone) that this person sees, in the order they go live; one query."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(monday, time.min, tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time.min, tzinfo=zone)
    articles = (
        Article.objects.filter(
            status=Article.Status.PUBLISHED, published_at__gte=start, published_at__lt=end
        )
        .select_related("author")
        .defer("search_vector")
        .order_by("published_at", "pk")
    )
    return list(articles_visible_to(user, articles))


@dataclass
class Entry:
    """One article on the calendar, at its local time."""

    article: Article
    at: datetime
    scheduled: bool
    reschedulable: bool
    error: str = ""
    typed: str = ""


@dataclass
class Day:
    day: date
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


class RescheduleForm(forms.Form):
    """The planned time an editor types, read in the newsroom's time zone."""

    publish_at = forms.DateTimeField(
        label="New time",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={
            "required": "Give the new time, as a date and an hour.",
            "invalid": "That is not a date and time: give one such as 2026-12-09 08:00.",
        },
    )

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        # As a datetime-local input sends it, and nothing else Python would also read.
        if not LOCAL_TIME.fullmatch(self.data["publish_at"].strip()):
            raise forms.ValidationError(self.fields["publish_at"].error_messages["invalid"])
        if not FIRST_DAY <= timezone.localtime(when).date() <= LAST_DAY:
            raise forms.ValidationError(
                f"Plan it between the years {FIRST_DAY.year} and {LAST_DAY.year}."
            )
        return when


def story_calendar(model_admin, request):
    """The week's articles by day and hour (GET); an editor's new planned time for one
    of them (POST), which `article_reschedule` checks and stores."""
    if not can_view_articles(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return reschedule(model_admin, request)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        monday = week_of(request.GET.get("week"))
    except NotAWeek as error:
        return page(model_admin, request, None, error=str(error), status=400)
    return page(model_admin, request, monday)


def reschedule(model_admin, request):
    if not can_publish(request.user):
        raise PermissionDenied("Only editors reschedule articles.")
    pk = parse_pk(request.POST.get("article"), Article)
    visible = articles_visible_to(request.user, Article.objects.all())
    article = visible.filter(pk=pk).first() if pk is not None else None
    if article is None:
        raise Http404("No such article.")
    try:
        monday = week_of(request.POST.get("week"))
    except NotAWeek:
        monday = monday_of(timezone.localdate(article.published_at))
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        problem = " ".join(form.errors["publish_at"])
        return refused(model_admin, request, monday, article, problem)
    try:
        moved = services.article_reschedule(
            article=article, user=request.user, publish_at=form.cleaned_data["publish_at"]
        )
    except services.WorkflowError as error:
        return refused(model_admin, request, monday, article, str(error))
    messages.success(request, f"“{moved}” is rescheduled for {planned_time(moved.published_at)}.")
    landed = monday_of(timezone.localdate(moved.published_at))
    url = reverse("admin:articles_article_calendar")
    return HttpResponseRedirect(f"{url}?week={landed.isoformat()}#article-{moved.pk}")


def refused(model_admin, request, monday: date, article: Article, problem: str):
    """The week again, with what was typed and why it was refused beside the article; a 400."""
    typed = echo(request.POST.get("publish_at", ""))
    refusal = {"pk": article.pk, "error": problem, "typed": typed}
    return page(model_admin, request, monday, refusal=refusal, status=400)


def page(model_admin, request, monday: date | None, *, error="", refusal=None, status=200):
    """The calendar of the week beginning `monday`; with `error` alone when there is no
    week to show, and a refused new time (`refusal`) beside its article."""
    today = timezone.localdate()
    editor = can_publish(request.user)
    days = []
    if monday is not None:
        week = [monday + timedelta(days=n) for n in range(7)]
        days = [Day(day, is_today=day == today) for day in week]
        for article in week_articles(request.user, monday):
            at = timezone.localtime(article.published_at)
            entry = Entry(article, at, article.is_scheduled, editor and article.is_scheduled)
            if refusal and refusal["pk"] == article.pk:
                entry.error, entry.typed = refusal["error"], refusal["typed"]
            days[at.weekday()].entries.append(entry)
    if refusal:
        # Said beside its article when that is in this week, else above the days.
        beside = [e.article for d in days for e in d.entries if e.error]
        error = refusal["error"]
        if beside:
            error = f"Nothing was changed: see the note beside “{beside[0]}”."
    this_week = monday_of(today)
    shown = monday or this_week
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Story calendar",
        "days": days,
        "monday": monday,
        "week_label": week_label(monday) if monday else "",
        "previous_week": (shown - timedelta(days=7)).isoformat(),
        "next_week": (shown + timedelta(days=7)).isoformat(),
        "this_week": this_week.isoformat(),
        "is_this_week": monday == this_week,
        "scheduled": sum(e.scheduled for d in days for e in d.entries),
        "published": sum(not e.scheduled for d in days for e in d.entries),
        "can_reschedule": editor,
        "now_input": date_format(timezone.localtime(), LOCAL_INPUT),
        "input_format": LOCAL_INPUT,
        "error": error,
    }
    return TemplateResponse(request, "admin/articles/article/calendar.html", context, status=status)


def week_label(monday: date) -> str:
    """The week as the page heads it: "7–13 December 2026", "28 December 2026 – 3 January
    2027"."""
    sunday = monday + timedelta(days=6)
    if monday.year != sunday.year:
        return f"{date_format(monday, 'j F Y')} – {date_format(sunday, 'j F Y')}"
    if monday.month != sunday.month:
        return f"{date_format(monday, 'j F')} – {date_format(sunday, 'j F Y')}"
    return f"{monday.day}–{date_format(sunday, 'j F Y')}"
