from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: `manage.py load_demo` builds a believable university (no models)."""

    name = "registrar.demo"
    verbose_name = "Demo data"
