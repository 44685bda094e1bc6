from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """No models: the `backup` and `restore` management commands (registrar/operations)."""

    name = "registrar.operations"
    verbose_name = "Operations"
