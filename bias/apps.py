from django.apps import AppConfig


class BiasConfig(AppConfig):
    name = "bias"
    verbose_name = "Tone & political bias"
