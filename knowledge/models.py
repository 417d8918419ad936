from django.core.exceptions import ValidationError
from django.db import models


class FAQEntry(models.Model):
    question = models.CharField(max_length=500)
    answer = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True, db_index=True)
    product = models.CharField(
        max_length=200, blank=True, db_index=True, help_text="Leave blank for shop-wide answers."
    )
    keywords = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated words customers use for this topic."
    )
    is_published = models.BooleanField(default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
