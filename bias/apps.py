from django.apps import AppConfig


class BiasConfig(AppConfig):
    name = "bias"
    verbose_name = "Tone & political bias"

    def ready(self):
        from bias import article_hooks

        article_hooks.register()
