from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
]
