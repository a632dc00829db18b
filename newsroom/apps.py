from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class NewsroomConfig(AppConfig):
    """The site as a whole: what spans both apps (the demo content, shared template tags)."""

    name = "newsroom"
    verbose_name = "Newsroom"
    default = True


class NewsroomAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "newsroom.admin.NewsroomAdminSite"
