from django.urls import include, path, re_path

from articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("preview/<str:token>/", views.shared_preview, name="preview"),
    path("", include("articles.comments.urls")),
    path("feeds/latest/", feeds.latest_feed, name="feed_latest"),
    re_path(r"^feeds/tags/(?P<slug>[-\w]+)/$", feeds.tag_feed, name="feed_tag"),
    # Tag slugs edited by hand in the admin may hold any letters, not only ASCII.
    re_path(r"^tags/(?P<slug>[-\w]+)/$", views.TagView.as_view(), name="tag"),
]
