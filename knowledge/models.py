from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from knowledge.languages import DEFAULT_LANGUAGE, faq_language_choices, language_name
from knowledge.versioning import kb_version_bump


class FAQEntryQuerySet(models.QuerySet):
    """Bulk writes bypass model signals; these mark the knowledge base as changed too."""

    def update(self, **kwargs):
        # Keep updated_at honest, so other processes' fingerprint checks see the change.
        kwargs.setdefault("updated_at", timezone.now())
        result = super().update(**kwargs)
        kb_version_bump()
        return result

    def delete(self):
        result = super().delete()
        kb_version_bump()
        return result

    def bulk_create(self, *args, **kwargs):
        result = super().bulk_create(*args, **kwargs)
        kb_version_bump()
        return result

    def bulk_update(self, objs, fields, *args, **kwargs):
        now = timezone.now()
        for obj in objs:
            obj.updated_at = now
        fields = list(fields) + (["updated_at"] if "updated_at" not in fields else [])
        result = super().bulk_update(objs, fields, *args, **kwargs)
        kb_version_bump()
        return result


class FAQEntry(models.Model):
    question = models.CharField(max_length=500)
    answer = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True, db_index=True)
    product = models.CharField(max_length=200, blank=True, db_index=True, help_text="Leave blank for shop-wide answers.")
    keywords = models.CharField(max_length=500, blank=True, help_text="Comma-separated words customers use for this topic.")
    is_published = models.BooleanField(default=True, db_index=True)
    language = models.CharField(max_length=10, choices=faq_language_choices, default=DEFAULT_LANGUAGE, db_index=True)
    # Deleting an original deletes its translations: they would keep answering with what it said.
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="translations",
        help_text="The entry this one translates; empty for an original.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Indexed: the search's version check and its changed-entries query read the newest rows.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = FAQEntryQuerySet.as_manager()

    class Meta:
        ordering = ["category", "question"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"
        constraints = [
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="faq_one_translation_per_language",
                violation_error_message="This entry already has a translation into this language.",
            )
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.is_published and not self.answer.strip():
            errors["answer"] = "An entry with an empty answer cannot be published."
        original = self.translation_of
        if original is not None:
            if self.pk is not None and original.pk == self.pk:
                errors["translation_of"] = "An entry cannot be a translation of itself."
            elif original.translation_of_id is not None:
                errors["translation_of"] = "That entry is itself a translation: link to its original instead."
            elif original.language == self.language:
                errors["language"] = (
                    f"A translation must be in another language than its original ({language_name(original.language)})."
                )
            if self.pk is not None and self.translations.exists():
                errors["translation_of"] = "This entry has translations of its own, so it cannot be a translation."
        elif self.pk is not None and self.translations.filter(language=self.language).exists():
            errors["language"] = f"This entry already has a translation into {language_name(self.language)}."
        if errors:
            raise ValidationError(errors)


class FAQEmbedding(models.Model):
    """An entry's sentence embedding, stored so queries never recompute it."""

    entry = models.OneToOneField(FAQEntry, on_delete=models.CASCADE, primary_key=True, related_name="embedding")
    model_name = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64, help_text="Hash of the embedded text: a changed entry is re-embedded.")
    vector = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "FAQ embedding"
