from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class NewsroomConfig(AppConfig):
    """The site as a whole: what spans both apps (the demo content, shared template tags)
    and the newsroom's standards pages."""

    name = "newsroom"
    verbose_name = "Newsroom"
    default = True

    def ready(self):
        from newsroom.standards import admin  # noqa: F401 - registers the standards pages


class NewsroomAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "newsroom.admin.NewsroomAdminSite"
