from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles import admin_sorting, page_cache
        from articles.revisions import register_models

        admin_sorting.install()
        register_models()
        page_cache.connect_signals()
