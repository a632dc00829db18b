from django.urls import path, re_path

from articles import comment_views, feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("preview/<str:token>/", views.shared_preview, name="preview"),
    path("articles/<slug:slug>/comments/", comment_views.comment_post, name="comment_post"),
    path(
        "articles/<slug:slug>/comments/<int:pk>/report/",
        comment_views.comment_report,
        name="comment_report",
    ),
    path("feeds/latest/", feeds.latest_feed, name="feed_latest"),
    re_path(r"^feeds/tags/(?P<slug>[-\w]+)/$", feeds.tag_feed, name="feed_tag"),
    # Tag slugs edited by hand in the admin may hold any letters, not only ASCII.
    re_path(r"^tags/(?P<slug>[-\w]+)/$", views.TagView.as_view(), name="tag"),
]
