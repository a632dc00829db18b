from django.urls import path

from articles.comments import views

urlpatterns = [
    # One address, two names: GET shows a page of comments, POST adds one.
    path("articles/<slug:slug>/comments/", views.comments, name="comments"),
    path("articles/<slug:slug>/comments/", views.comments, name="comment_post"),
    path(
        "articles/<slug:slug>/comments/<int:pk>/report/",
        views.comment_report,
        name="comment_report",
    ),
]
