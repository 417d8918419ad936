from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "knowledge"
    verbose_name = "Knowledge base"

    def ready(self) -> None:
        from knowledge import signals  # noqa: F401  (connects the index invalidation)
        from knowledge.search.embeddings import embeddings_check_installed

        # ENABLE_EMBEDDINGS=true without its packages: refuse to start, naming them.
        embeddings_check_installed()
