from django.urls import path

from articles.comments import views

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.comment_post, name="comment_post"),
    path(
        "articles/<slug:slug>/comments/<int:pk>/report/",
        views.comment_report,
        name="comment_report",
    ),
]
