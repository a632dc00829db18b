from django.urls import path

from bias import views

app_name = "bias"

urlpatterns = [
    path("", views.methodology, name="methodology"),
    path("articles/<slug:slug>/", views.how_rated, name="how_rated"),
]
