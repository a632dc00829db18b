from django.urls import path

from newsroom.standards import views

app_name = "standards"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/", views.page, name="page"),
]
