from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

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
    created_at = models.DateTimeField(auto_now_add=True)
    # Indexed: the search's version check and its changed-entries query read the newest rows.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = FAQEntryQuerySet.as_manager()

    class Meta:
        ordering = ["category", "question"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self) -> str:
        return self.question

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]

    def clean(self) -> None:
        if self.is_published and not self.answer.strip():
            raise ValidationError({"answer": "An entry with an empty answer cannot be published."})


class FAQEmbedding(models.Model):
    """An entry's sentence embedding, stored so queries never recompute it."""

    entry = models.OneToOneField(FAQEntry, on_delete=models.CASCADE, primary_key=True, related_name="embedding")
    model_name = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64, help_text="Hash of the embedded text: a changed entry is re-embedded.")
    vector = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "FAQ embedding"
