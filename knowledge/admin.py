from django.contrib import admin, messages
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from knowledge.models import FAQEntry
from knowledge.selectors import faq_confidence_threshold, faq_known_products, faq_query_explained, faq_ranked
from knowledge.services import faq_entries_publish, faq_entries_unpublish, faq_entry_save


@admin.register(FAQEntry)
class FAQEntryAdmin(admin.ModelAdmin):
    list_display = ("question", "category", "product", "is_published", "updated_at")
    list_filter = ("is_published", "category", "product")
    search_fields = ("question", "answer", "keywords", "product")
    actions = ["publish", "unpublish"]
    change_list_template = "admin/knowledge/faqentry/change_list.html"

    def save_model(self, request, obj, form, change):
        faq_entry_save(entry=obj)

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
