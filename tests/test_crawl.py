"""Every page each role can reach, opened on a site in the state a week of work leaves it.

The addresses are not listed by hand: they come from the URL resolver and the admin
site's registry, so a model, a filter, a column or a view added later is crawled
without touching this file (and an address whose parameters the crawl cannot fill
in fails the test, naming it). Each change list is opened with every choice of
every filter, every step of its date drill-down, a search and each sortable column
both ways; each model's pages are opened for a sample of its rows. Every role also
reads the public pages, which must never show what is not public.

Each address must either open (a page, or a redirect that is not a refusal) or be
refused (403, 404, 405, or a redirect to sign in), and none may fail: no 5xx, no
exception, no traceback in the page. Which of the two comes from the permissions
of the role's group together with the admin's own checks of each row, overruled
where they differ by the newsroom's rules as the README states them
(`newsroom_rules`).
"""

import re
import traceback
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from articles import revisions
from articles.models import Article, Comment
from articles.permissions import can_edit_article
from articles.sitemaps import SITEMAPS
from bias.models import Assessment
from bias.selectors import RATEABLE
from newsroom.admin import NewsroomAdminSite
from newsroom.models import Standard
from tests.helpers import preview_link_token
from tests.newsroom_day import ROLES, build_newsroom_day

pytestmark = pytest.mark.django_db

CRAWLED_ROLES = [*ROLES, "anonymous"]

OPENS = "opens"  # 2xx, or a redirect that is not a refusal
REFUSED = "refused"  # 403, 404, 405, or a redirect to sign in or to the front page (no such row)
SIGN_IN = "sign in"  # a redirect to the admin's sign-in page
NO_ERROR = "no server error"  # any answer but a 5xx: the page it redirects to decides
NOT_FOUND = 404
POST_ONLY = 405

LOGIN = "/admin/login/"
INDEX = "/admin/"

# They change something, so GET answers 405.
POST_ONLY_VIEWS = {
    "admin:logout",
    "admin:articles_comment_moderate",
    "admin:articles_article_autosave",
    "admin:articles_article_autosave_discard",
}

# A model's own pages without an id whose answer the newsroom's rules decide (newsroom_rules).
RULED_PAGES = {"admin:articles_article_calendar"}

STANDARD_VIEWS = ("changelist", "add", "change", "history", "delete")


@dataclass(frozen=True)
class Route:
    """One URL pattern as a whole path: "/admin/articles/article/<int:object_id>/change/"."""

    template: str
    name: str | None

    @property
    def params(self) -> list[str]:
        found = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", self.template)
        return [converter or group for converter, group in found]

    def fill(self, **values) -> str:
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), self.template)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), path)
        return path.replace("^", "").replace("$", "").replace("\\", "")


@dataclass(frozen=True)
class Visit:
    url: str
    expect: str | int
    route: Route
    public: bool = False

    @property
    def name(self) -> str:
        return self.route.name or "(unnamed)"


def routes(patterns=None, prefix="/", namespace="") -> list[Route]:
    """Every URL pattern of the project, found through the resolver."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            found += routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            found.append(Route(prefix + str(entry.pattern), name))
    return found


def admin_prefixes() -> dict[str, object]:
    """Each registered model's admin, by the address its pages live under."""
    return {
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/": model_admin
        for model, model_admin in admin.site._registry.items()
    }


class Rights:
    """What a role may do, read from its group's permissions (the roles migrations)."""

    def __init__(self, user):
        self.user = user
        self.request = RequestFactory().get(INDEX)
        self.request.user = user
        self.reach = {}

    def has(self, model, action: str) -> bool:
        opts = model._meta
        return self.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    def sees(self, model) -> bool:
        return self.has(model, "view") or self.has(model, "change")

    def any_on(self, model) -> bool:
        return any(self.has(model, action) for action in ("add", "change", "delete", "view"))

    def in_reach(self, model_admin, obj) -> bool:
        key = (model_admin, obj.pk)
        if key not in self.reach:
            self.reach[key] = model_admin.get_queryset(self.request).filter(pk=obj.pk).exists()
        return self.reach[key]


def newsroom_rules(day, role, name, model, obj):
    """The README's rules on who sees what, whatever the admin's code says.

    Returns what the page must answer, or None where the rules say nothing particular.
    """
    user = day.users[role]
    article = obj if isinstance(obj, Article) else None
    if name == "admin:bias_assessment_panel":
        # "Editors, and analysts who have submitted, see it side by side."
        assessed = obj.assessments.filter(analyst=user).exists()
        return OPENS if user.has_perm("bias.publish_rating") or assessed else REFUSED
    if name == "admin:articles_article_revision_restore":
        # The confirmation page: for those who may change the article's text.
        return OPENS if can_edit_article(user, obj) else REFUSED
    if (name or "").startswith("admin:bias_analystprofile"):
        # "Editors with bias.publish_rating manage them"; nobody deletes one (made inactive).
        if not user.has_perm("bias.publish_rating") or name.endswith("_delete"):
            return REFUSED
        return OPENS
    if name == "admin:articles_article_autosave_preview":
        # One's own unsaved changes, and nobody else's.
        return OPENS if obj.autosaves.filter(user=user).exists() else REFUSED
    if name == "admin:articles_article_corrections":
        # "Corrections" on the article's page: editors amend its notes.
        return OPENS if user.has_perm("articles.publish_article") else REFUSED
    if name == "admin:articles_article_calendar":
        # The story calendar: whoever may see articles (each sees the ones they may).
        return OPENS if user.has_perm("articles.view_article") else REFUSED
    if name == "admin:articles_comment_commenter":
        # A commenter's record (their email, every comment, notes, ban) is the moderators'.
        return OPENS if user.has_perm("articles.moderate_comment") else REFUSED
    if role == "Moderator" and model is Article:
        return REFUSED  # moderators moderate comments; articles are not theirs
    if role == "Bias analyst" and model is Comment:
        return REFUSED
    if role == "Journalist" and article is not None and article.author != user:
        return REFUSED  # journalists see their own articles only
    if role == "Bias analyst" and article is not None and article.status not in RATEABLE:
        return REFUSED  # analysts read what they may rate
    if role == "Bias analyst" and isinstance(obj, Assessment):
        own = obj.article.assessments.filter(analyst=user).exists()
        return None if own else REFUSED  # blind until the analyst's own assessment is in
    if role == "Editor" and model is Article and name != "admin:articles_article_delete":
        return OPENS  # editors review, publish and correct any article
    return None


# Admin


class AdminCrawl:
    """The admin addresses one role is to open, each with what it must answer."""

    def __init__(self, day, role):
        self.day = day
        self.role = role
        self.user = day.users.get(role)
        self.rights = Rights(self.user) if self.user else None
        self.visits: list[Visit] = []
        self.unfillable: list[str] = []
        self.registry = admin.site._registry
        self.sampled, self.versions = {}, {}

    def add(self, url, expect, route):
        if self.user is None:
            # Signed out, the admin is its sign-in page and nothing else.
            expect = {"admin:login": OPENS, "admin:logout": REFUSED}.get(route.name, SIGN_IN)
        elif route.name in POST_ONLY_VIEWS:
            expect = POST_ONLY
        self.visits.append(Visit(url, expect, route))

    def crawl(self) -> list[Visit]:
        prefixes = admin_prefixes()
        for route in routes():
            if not route.template.startswith(INDEX):
                continue
            model_admin = next(
                (ma for prefix, ma in prefixes.items() if route.template.startswith(prefix)), None
            )
            before = len(self.visits)
            if model_admin is None:
                self.site_route(route)
            else:
                self.model_route(route, model_admin)
            if self.user is None:
                # Signed out, every address stops at the sign-in redirect: one of each is enough.
                del self.visits[before + 1 :]
        return self.visits

    # The admin site's own pages

    def site_route(self, route):
        if route.name == "admin:app_list":
            for label in sorted({model._meta.app_label for model in self.registry}):
                models = [model for model in self.registry if model._meta.app_label == label]
                may = self.rights and any(self.rights.any_on(model) for model in models)
                self.add(route.fill(app_label=label), OPENS if may else REFUSED, route)
        elif route.name == "admin:view_on_site":
            for model in self.registry:
                if hasattr(model, "get_absolute_url"):
                    content_type = ContentType.objects.get_for_model(model)
                    for obj in self.samples(model)[:1]:  # a redirect, the same for every row
                        url = route.fill(content_type_id=content_type.pk, object_id=obj.pk)
                        self.add(url, NO_ERROR, route)
        elif route.name == "admin:autocomplete":
            self.add(route.fill(), NO_ERROR, route)
            self.autocompletes(route)
        elif route.params == ["url"]:  # the catch-all: an address the admin does not have
            self.add(route.fill(url="no-such-page/"), REFUSED, route)
        elif route.params:
            self.unfillable.append(f"{route.template} ({route.name})")
        elif route.name == "admin:login":
            self.add(route.fill(), NO_ERROR, route)  # signed in: on to the front page
        else:
            self.add(route.fill(), OPENS, route)

    def autocompletes(self, route):
        """Each chooser's search, as its widget asks for it."""
        request = (self.rights or Rights(self.day.superuser)).request
        for model, model_admin in self.registry.items():
            for field_name in model_admin.get_autocomplete_fields(request):
                target = model._meta.get_field(field_name).remote_field.model
                query = urlencode({
                    "app_label": model._meta.app_label, "model_name": model._meta.model_name,
                    "field_name": field_name, "term": self.day.search_word[:3],
                })  # fmt: skip
                may = self.rights and self.rights.sees(target)
                self.add(f"{route.fill()}?{query}", OPENS if may else REFUSED, route)

    # A model's pages

    def model_route(self, route, model_admin):
        model = model_admin.model
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        view = route.name.removeprefix(info) if route.name else None
        if view == "changelist":
            expect = self.expect_list(model_admin)
            queries = self.changelist_queries(model_admin)
            if expect != OPENS:
                queries = queries[:3]  # a refusal does not depend on the query
            for query in queries:
                self.add(route.fill() + query, expect, route)
        elif view == "add":
            self.add(route.fill(), self.expect_add(model_admin), route)
        elif not route.params:
            may = self.rights and self.rights.any_on(model)
            expect = NO_ERROR if may else REFUSED
            if route.name in RULED_PAGES:
                expect = self.rule(route.name, model, None) or expect
            for query, opened in self.page_queries(route.name):
                self.add(route.fill() + query, opened if expect == OPENS else expect, route)
        elif route.params[0] in ("object_id", "id"):
            objects = self.samples(model)
            if view is None or (self.rights and not self.rights.any_on(model)):
                # /<id>/ redirects to the change page, and a role without any right on
                # the model is refused, the same way for every row.
                objects = objects[:1]
            for obj in objects:
                for kwargs, query in self.object_kwargs(route, obj):
                    expect = self.expect_object(model_admin, view, obj, route.name)
                    self.add(route.fill(**kwargs) + query, expect, route)
        elif route.params == ["article_id"]:  # a page about an article, such as the bias panel
            article_admin = self.registry[Article]
            for article in self.day.articles.values():
                expect = self.expect_object(article_admin, view, article, route.name)
                self.add(route.fill(article_id=article.pk), expect, route)
        else:
            self.unfillable.append(f"{route.template} ({route.name})")

    def page_queries(self, name) -> list[tuple[str, str | int]]:
        """The queries a model's own page is opened with, and what each answers once the
        page opens for the role: the calendar shows the week of the scheduled article."""
        if name == "admin:articles_article_calendar":
            planned = timezone.localdate(self.day.articles["scheduled"].published_at)
            return [("", OPENS), (f"?week={planned.isoformat()}", OPENS), ("?week=soon", 400)]
        return [("", OPENS)]

    def object_kwargs(self, route, obj) -> list[tuple[dict, str]]:
        """An object page's parameters and query: the object, one of its revisions, or two."""
        kwargs = {route.params[0]: obj.pk}
        versions = self.versions_of(obj) if isinstance(obj, Article) else []
        for param in route.params[1:]:
            if param == "version_id" and versions:
                kwargs[param] = versions[-1].pk
            elif param == "status":
                kwargs[param] = Comment.Status.APPROVED
            else:
                self.unfillable.append(f"{route.template} ({route.name}): {param}")
                return []
        if route.name == "admin:articles_article_revisions_compare":
            if len(versions) < 2:
                return []
            return [(kwargs, f"?a={versions[-1].pk}&b={versions[0].pk}")]
        return [(kwargs, "")]

    def versions_of(self, article) -> list:
        if article.pk not in self.versions:
            self.versions[article.pk] = list(revisions.versions_of(article))
        return self.versions[article.pk]

    def samples(self, model) -> list:
        if model not in self.sampled:
            self.sampled[model] = self.choose_samples(model)
        return self.sampled[model]

    def choose_samples(self, model) -> list:
        """Every article of the week; of other models, the first and last rows and the
        first row of each status, author, analyst and article."""
        if model is Article:
            return list(self.day.articles.values())
        rows = model._default_manager.order_by("pk")
        chosen = {row.pk: row for row in (rows.first(), rows.last()) if row is not None}
        field_names = {f.name for f in model._meta.get_fields()}
        for name in ("status", "author", "analyst", "article"):
            if name in field_names:
                for value in rows.order_by().values_list(name, flat=True).distinct():
                    row = rows.filter(**{name: value}).first()
                    chosen[row.pk] = row
        return list(chosen.values())

    # What each page must answer

    def rule(self, name, model, obj):
        if self.user is None:
            return None
        return newsroom_rules(self.day, self.role, name, model, obj)

    def expect_list(self, model_admin):
        if rule := self.rule("changelist", model_admin.model, None):
            return rule
        may = self.rights and self.rights.sees(model_admin.model)
        may = may and model_admin.has_view_or_change_permission(self.rights.request)
        return OPENS if may else REFUSED

    def expect_add(self, model_admin):
        may = self.rights and self.rights.has(model_admin.model, "add")
        return OPENS if may and model_admin.has_add_permission(self.rights.request) else REFUSED

    def expect_object(self, model_admin, view, obj, name):
        if view is None:
            return NO_ERROR  # /<id>/ only redirects to the change page, which decides
        if rule := self.rule(name, model_admin.model, obj):
            return rule
        if self.rights is None:
            return SIGN_IN
        model, request = model_admin.model, self.rights.request
        if view == "delete":
            may = self.rights.has(model, "delete")
            may = may and model_admin.has_delete_permission(request, obj)
        else:  # change, history and the model's own pages (preview, revisions...)
            may = self.rights.sees(model) if view in STANDARD_VIEWS else self.rights.any_on(model)
            may = may and model_admin.has_view_or_change_permission(request, obj)
        return OPENS if may and self.rights.in_reach(model_admin, obj) else REFUSED

    # Change lists: every filter choice, date drill-down, a search and every sort

    def changelist_queries(self, model_admin) -> list[str]:
        may = self.rights and self.rights.sees(model_admin.model)
        viewer = self.user if may else self.day.superuser  # a refusal is one whatever the query
        changelist = changelist_for(model_admin, viewer, {})
        queries = {""}
        for spec in changelist.filter_specs:
            queries.update(choice["query_string"] for choice in spec.choices(changelist))
        queries.update(drill_downs(model_admin, viewer))
        queries.discard("?")  # the filters' "All": the list itself
        if model_admin.search_fields:
            queries.add("?" + urlencode({"q": self.search_word(model_admin, changelist)}))
        for number, field_name in enumerate(changelist.list_display):
            if changelist.get_ordering_field(field_name) is not None:
                queries.update({f"?o={number}", f"?o=-{number}"})
        return sorted(queries)

    def search_word(self, model_admin, changelist) -> str:
        """A word the rows hold, found through the admin's own search fields."""
        row = changelist.queryset.first()
        for lookup in model_admin.search_fields if row is not None else ():
            value = row
            for part in lookup.lstrip("^=@").split("__"):
                value = getattr(value, part, None)
            if isinstance(value, str) and (word := re.search(r"[^\W\d_]{3,}", value)):
                return word[0]
        return self.day.search_word


def changelist_for(model_admin, user, params: dict):
    request = RequestFactory().get(INDEX, params)
    request.user = user
    return model_admin.get_changelist_instance(request)


def drill_downs(model_admin, user) -> set[str]:
    """Every link of the date hierarchy, from the years down to single days."""
    if not model_admin.date_hierarchy:
        return set()
    seen, todo = set(), [{}]
    while todo:
        hierarchy = date_hierarchy(changelist_for(model_admin, user, todo.pop())) or {}
        links = [choice.get("link") for choice in hierarchy.get("choices", [])]
        links.append((hierarchy.get("back") or {}).get("link"))
        for link in filter(None, links):
            if link not in seen:
                seen.add(link)
                todo.append(dict(parse_qsl(link.lstrip("?"))))
    return seen


# Public pages


def public_visits(day, signed_in: bool) -> tuple[list[Visit], list[str]]:
    """Every public address, filled with the week's articles, tags, comments and previews."""
    public = set(Article.objects.published().values_list("pk", flat=True))
    public_tags = set(
        Article.objects.published().exclude(tags=None).values_list("tags__slug", flat=True)
    )
    main, approved = day.articles["published"], day.comments["approved"]
    unpublished = [article for article in day.articles.values() if article.pk not in public]
    by_tag = [({"slug": slug}, "", OPENS if slug in public_tags else NOT_FOUND)
              for slug in day.tags.values()]  # fmt: skip
    fill = {
        "articles:detail": [
            ({"slug": article.slug}, "", OPENS if article.pk in public else NOT_FOUND)
            for article in day.articles.values()
        ] + [({"slug": main.slug}, f"?reply_to={approved.pk}", OPENS)],
        # Pages of comments: the first is the article's own (a redirect), the week has one.
        "articles:comments": [
            ({"slug": main.slug}, query, expect)
            for query, expect in (("", OPENS), ("?page=1&order=newest", OPENS),
                                  ("?page=2", NOT_FOUND), ("?page=x", NOT_FOUND),
                                  ("?order=sideways", NOT_FOUND))
        ] + [({"slug": article.slug}, "?page=2", NOT_FOUND) for article in unpublished],
        "articles:comment_post": [({"slug": main.slug}, "", OPENS)],
        # How the rating was made: public articles that carry one; no other.
        "bias:how_rated": [({"slug": main.slug}, "", OPENS)]
        + [({"slug": article.slug}, "", NOT_FOUND) for article in unpublished],
        "articles:comment_report": [({"slug": main.slug, "pk": approved.pk}, "", OPENS)],
        "articles:tag": by_tag,
        "articles:feed_tag": by_tag,
        "articles:preview": [
            ({"token": preview_link_token(article)}, "", OPENS)
            for article in [*unpublished, main]
        ] + [({"token": "forged"}, "", NOT_FOUND)],
        "articles:home": [({}, query, OPENS) for query in
                          ("", "?lean=left", "?lean=center", "?lean=right")]
                         + [({}, "?lean=up", 400)],
        "articles:search": [({}, "", OPENS), ({}, f"?q={day.search_word}", OPENS),
                            ({}, "?" + urlencode({"q": '"peace talks" -football or ('}), OPENS)],
        "sitemap_section": [({"section": section}, "", OPENS) for section in SITEMAPS],
        # The standards pages, each at its fixed address; no other.
        "standards:page": [({"kind": kind}, "", OPENS) for kind in Standard.values]
                          + [({"kind": "no-such-standard"}, "", NOT_FOUND)],
        "articles:corrections": [({}, "", OPENS), ({}, "?page=2", NOT_FOUND)],
        # The nested inlines' script serves the admin's pages only.
        "nesting_server_data": [({}, "", OPENS if signed_in else REFUSED)],
    }  # fmt: skip
    visits, unfillable = [], []
    for route in routes():
        if route.template.startswith(INDEX):
            continue
        if route.name in fill:
            for kwargs, query, expect in fill[route.name]:
                visits.append(Visit(route.fill(**kwargs) + query, expect, route, public=True))
        elif route.params:
            unfillable.append(f"{route.template} ({route.name})")
        else:
            expect = POST_ONLY if route.name in POST_ONLY_VIEWS else OPENS
            visits.append(Visit(route.fill(), expect, route, public=True))
    return visits, unfillable


def never_public(day) -> list[str]:
    """What no public page may show: unpublished articles, and comments readers may not see."""
    hidden = Article.objects.exclude(pk__in=Article.objects.published())
    texts = [f"/articles/{slug}/" for slug in hidden.values_list("slug", flat=True)]
    texts += hidden.values_list("title", flat=True)
    texts += Comment.objects.exclude(pk__in=Comment.objects.public()).values_list("body", flat=True)
    return texts


# Opening the pages


def problem_with(client, visit: Visit, hidden: list[str]) -> str | None:
    """What is wrong with the answer to one visit, or None."""
    try:
        with transaction.atomic():  # a failing view rolls back alone, and the crawl goes on
            response = client.get(visit.url)
    except Exception as error:
        return "raised " + "".join(traceback.format_exception(error)[-3:]).strip()
    status, location = response.status_code, response.get("Location", "")
    if status >= 500:
        return f"answered {status}"
    html = response.get("Content-Type", "").startswith("text/html")
    content = response.content.decode(errors="replace") if html or visit.public else ""
    if html and ("Traceback" in content or "TemplateSyntaxError" in content):
        return "shows a traceback"
    redirect = 300 <= status < 400
    to_sign_in = redirect and location.startswith(LOGIN)
    refused = status in (403, 404, 405) or to_sign_in or (redirect and location == INDEX)
    wrong = {
        # ?e=1 is the change list's redirect for a filter it cannot apply.
        OPENS: status >= 400 or (redirect and (refused or location.endswith("?e=1"))),
        REFUSED: not refused,
        SIGN_IN: not to_sign_in,
        NO_ERROR: False,
    }.get(visit.expect, status != visit.expect)
    if wrong:
        return f"answered {status}{' -> ' + location if location else ''}, expected {visit.expect}"
    leaked = [text for text in hidden if text in content]
    if visit.public and status == 200 and visit.name != "articles:preview" and leaked:
        return f"shows what is not public: {leaked}"
    return None


def plan(day, role) -> tuple[list[Visit], list[str]]:
    """Every address the role is to open, and those the crawl could not fill in."""
    admin_crawl = AdminCrawl(day, role)
    public, public_unfillable = public_visits(day, signed_in=role in day.users)
    return admin_crawl.crawl() + public, admin_crawl.unfillable + public_unfillable


def open_all(client, day, role, visits) -> dict[str, str]:
    if role in day.users:
        client.force_login(day.users[role])
    hidden = never_public(day)
    failures = {}
    for visit in visits:
        if (problem := problem_with(client, visit, hidden)) is not None:
            failures[visit.url] = problem
    return failures


def report(role, failures, visits) -> str:
    lines = "\n".join(f"  {url}: {problem}" for url, problem in sorted(failures.items()))
    return f"{role}: {len(failures)} of {len(visits)} addresses failed:\n{lines}"


@pytest.fixture(scope="module")
def week_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def week(django_db_setup, django_db_blocker, week_media):
    """The newsroom's week, built once for the whole crawl: every test here only reads it,
    each inside its own savepoint, and it is all rolled back at the end."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=week_media),
        transaction.atomic(),
    ):
        yield build_newsroom_day()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def isolated_files(isolated_files, settings, week_media):
    """The suite's throw-away media folder, but the week's own: feeds read its files."""
    settings.MEDIA_ROOT = week_media


def test_the_admin_is_the_newsroom_site():
    assert isinstance(admin.site._wrapped, NewsroomAdminSite)


@pytest.mark.parametrize("role", CRAWLED_ROLES)
def test_every_page_answers_as_the_role_may(client, week, role):
    visits, unfillable = plan(week, role)
    assert not unfillable, f"addresses the crawl cannot fill in: {unfillable}"
    failures = open_all(client, week, role, visits)
    assert not failures, report(role, failures, visits)


def test_the_crawl_opens_every_address_the_site_has(week):
    """Nothing the resolver knows is skipped, but the rows of models that have none."""
    crawled = {visit.route for visit in plan(week, "superuser")[0]}
    empty = [prefix for prefix, model_admin in admin_prefixes().items()
             if not model_admin.model._default_manager.exists()]  # fmt: skip
    missed = [
        route.template
        for route in routes()
        if route not in crawled
        and not (route.params and any(route.template.startswith(prefix) for prefix in empty))
    ]
    assert not missed


def test_the_weeks_unsaved_work_opens_again_for_its_editor_alone(client, week):
    """Autosaves made during the week come back into their editors' forms, over articles
    with sections, delegations and members; a colleague opens the article as stored."""
    returned, live = week.article("returned"), week.article("published")
    for user, article, typed_text in (
        (week.journalist, returned, "Prisoner exchange planned for Friday"),
        (week.editor, live, "A pending rewrite."),
    ):
        client.force_login(user)
        page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
        assert "Your unsaved changes are back." in page and typed_text in page
        assert "errornote" not in page
    client.force_login(week.superuser)
    page = client.get(f"/admin/articles/article/{live.pk}/change/").content.decode()
    assert "Your unsaved changes are back." not in page and "A pending rewrite." not in page
    client.logout()
    assert "A pending rewrite." not in client.get(live.get_absolute_url()).content.decode()
