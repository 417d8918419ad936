from django.apps import AppConfig


class AssistantConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assistant"

    def ready(self) -> None:
        from assistant import checks  # noqa: F401  (registers the settings checks)
