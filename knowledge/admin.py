from django.contrib import admin, messages
from django.db.models import Prefetch
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from knowledge.languages import language_name, shop_languages
from knowledge.models import FAQEntry
from knowledge.selectors import faq_confidence_threshold, faq_known_products, faq_query_explained, faq_ranked
from knowledge.services import faq_entries_publish, faq_entries_unpublish, faq_entry_save


class MissingTranslationFilter(admin.SimpleListFilter):
    """Originals with no translation into a language the shop answers in (drafts count as translations)."""

    title = "missing a translation into"
    parameter_name = "missing_translation"

    def lookups(self, request, model_admin):
        return [(code, language_name(code)) for code in shop_languages()]

    def queryset(self, request, queryset):
        code = self.value()
        if not code:
            return queryset
        return queryset.filter(translation_of__isnull=True).exclude(language=code).exclude(translations__language=code)


class TranslationInline(admin.StackedInline):
    model = FAQEntry
    fk_name = "translation_of"
    extra = 0
    fields = (("language", "is_published"), "question", "answer", "keywords")
    verbose_name = "translation"
    verbose_name_plural = "translations (left without a category or product, they take this entry's)"
    show_change_link = True


@admin.register(FAQEntry)
class FAQEntryAdmin(admin.ModelAdmin):
    list_display = ("question", "language", "translations_shown", "category", "product", "is_published", "updated_at")
    list_filter = ("is_published", "language", MissingTranslationFilter, "category", "product")
    search_fields = ("question", "answer", "keywords", "product")
    autocomplete_fields = ("translation_of",)
    inlines = [TranslationInline]
    actions = ["publish", "unpublish"]
    change_list_template = "admin/knowledge/faqentry/change_list.html"

    def get_queryset(self, request):
        translations = Prefetch(
            "translations", queryset=FAQEntry.objects.order_by("language").only("id", "language", "translation_of")
        )
        return super().get_queryset(request).select_related("translation_of").prefetch_related(translations)

    @admin.display(description="translations")
    def translations_shown(self, obj: FAQEntry) -> str:
        if obj.translation_of_id is not None:
            return f"translation of #{obj.translation_of_id}"
        return ", ".join(t.language for t in obj.translations.all()) or "-"

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("field_name") == "translation_of":  # the autocomplete of that field: originals only
            queryset = queryset.filter(translation_of__isnull=True)
        return queryset, may_have_duplicates

    def get_inline_instances(self, request, obj=None):
        # A translation has no translations of its own.
        if obj is not None and obj.translation_of_id is not None:
            return []
        return super().get_inline_instances(request, obj)

    def save_model(self, request, obj, form, change):
        faq_entry_save(entry=obj)

    def save_formset(self, request, form, formset, change):
        # Through the service, as the entry itself: validated, and embedded when enabled.
        entries = formset.save(commit=False)
        for entry in formset.deleted_objects:
            entry.delete()
        for entry in entries:
            faq_entry_save(entry=entry)

    @admin.action(description="Publish selected entries")
    def publish(self, request, queryset):
        # An entry with an empty answer must never reach customers.
        published, skipped = faq_entries_publish(entries=queryset)
        self.message_user(request, f"Published {published} entries.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"Skipped {skipped} entries with an empty answer.", messages.WARNING)

    @admin.action(description="Unpublish selected entries")
    def unpublish(self, request, queryset):
        updated = faq_entries_unpublish(entries=queryset)
        self.message_user(request, f"Unpublished {updated} entries.", messages.SUCCESS)

    def get_urls(self):
        urls = [
            path(
                "try/",
                self.admin_site.admin_view(self.try_question_view),
                name="knowledge_faqentry_try",
            )
        ]
        return urls + super().get_urls()

    def try_question_view(self, request: HttpRequest):
        """Staff type a customer question and see the top 5 entries with their scores."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        question = request.GET.get("q", "")[:2000]
        product = request.GET.get("product", "")[:200]
        results, explanation = [], None
        if question.strip():
            ranked = faq_ranked(query=question, limit=5, product=product or None)
            entries = FAQEntry.objects.in_bulk([r.entry_id for r in ranked])
            threshold = faq_confidence_threshold()
            results = [
                {"rank": i, "ranked": r, "entry": entries.get(r.entry_id), "confident": r.score >= threshold}
                for i, r in enumerate(ranked, start=1)
                if entries.get(r.entry_id) is not None
            ]
            explanation = faq_query_explained(query=question)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Try a question",
            "question": question,
            "product": product,
            "products": faq_known_products(),
            "results": results,
            "explanation": explanation,
            "threshold": faq_confidence_threshold(),
        }
        return TemplateResponse(request, "admin/knowledge/faqentry/try_question.html", context)
