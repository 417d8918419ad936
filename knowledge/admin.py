from django.contrib import admin, messages
from django.db.models import Q

from knowledge.models import FAQEntry


@admin.register(FAQEntry)
class FAQEntryAdmin(admin.ModelAdmin):
    list_display = ("question", "category", "product", "is_published", "updated_at")
    list_filter = ("is_published", "category", "product")
    search_fields = ("question", "answer", "keywords", "product")
    actions = ["publish", "unpublish"]

    @admin.action(description="Publish selected entries")
    def publish(self, request, queryset):
        # An entry with an empty answer must never reach customers.
        empty = queryset.filter(Q(answer="") | Q(answer__regex=r"^\s*$"))
        skipped = empty.count()
        updated = 0
        for entry in queryset.exclude(pk__in=empty.values("pk")):
            if not entry.is_published:
                entry.is_published = True
                entry.save(update_fields=["is_published", "updated_at"])
                updated += 1
        self.message_user(request, f"Published {updated} entries.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"Skipped {skipped} entries with an empty answer.", messages.WARNING
            )

    @admin.action(description="Unpublish selected entries")
    def unpublish(self, request, queryset):
        updated = 0
        for entry in queryset.filter(is_published=True):
            entry.is_published = False
            entry.save(update_fields=["is_published", "updated_at"])
            updated += 1
        self.message_user(request, f"Unpublished {updated} entries.", messages.SUCCESS)
