from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from taggit import apps as taggit_apps


class NewsroomConfig(AppConfig):
    """The site as a whole: what spans both apps (the demo content, shared template tags)
    and the newsroom's standards pages."""

    name = "newsroom"
    verbose_name = "Newsroom"
    default = True

    def ready(self):
        from newsroom import notifications

        notifications.connect()
        from newsroom.standards import admin  # noqa: F401 - registers the standards pages


class NewsroomAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "newsroom.admin.NewsroomAdminSite"


class TagsConfig(taggit_apps.TaggitAppConfig):
    """django-taggit, named for the newsroom: its admin section reads "Tags", not "Taggit"."""

    default = False
    verbose_name = "Tags"
