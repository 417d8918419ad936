"""The conversations in the admin; the staff desk (handoff inbox, insights) is in
assistant/desk/admin.py, registered from here (admin autodiscovery imports only this module)."""

from __future__ import annotations

from django.contrib import admin

from assistant.desk.admin import InsightsAdminMixin, LanguageFilter, language_label
from assistant.models import Conversation, Message

TRANSCRIPT_MESSAGES = 200


class MessageInline(admin.TabularInline):
    """The latest messages of the conversation, read-only (a long conversation shows its
    last TRANSCRIPT_MESSAGES; the handoff ticket's chat page and the API show the rest)."""

    model = Message
    extra = 0
    can_delete = False
    fields = ("created_at", "role", "content", "agent", "handover", "outcome", "feedback", "tool_calls")
    readonly_fields = fields
    ordering = ("id",)
    verbose_name_plural = f"Transcript (latest {TRANSCRIPT_MESSAGES} messages)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        first_id = getattr(request, "transcript_first_id", None)
        return queryset.filter(id__gte=first_id) if first_id else queryset


@admin.register(Conversation)
class ConversationAdmin(InsightsAdminMixin, admin.ModelAdmin):
    list_display = (
        "session_id",
        "user",
        "language_shown",
        "last_order_id",
        "last_product_context",
        "pending_intent",
        "handoff_status",
        "updated_at",
    )
    list_filter = ("pending_intent", "handoff_status", LanguageFilter)
    search_fields = ("session_id", "last_order_id")
    readonly_fields = ("created_at", "updated_at")
    # The session secret's hash is of no use to staff, and editing it would hand the
    # conversation to whoever holds another token (assistant/sessions.py).
    exclude = ("token_hash",)
    inlines = [MessageInline]
    change_list_template = "admin/assistant/conversation/change_list.html"

    @admin.display(description="Language", ordering="language")
    def language_shown(self, conversation):
        return language_label(conversation.language) if conversation.language else "–"

    def get_inline_instances(self, request, obj=None):
        if obj is not None:
            # Where the latest TRANSCRIPT_MESSAGES begin: one indexed query, so a
            # conversation of 10,000 messages renders as fast as a short one.
            ids = obj.messages.order_by("-id").values_list("id", flat=True)[TRANSCRIPT_MESSAGES - 1 : TRANSCRIPT_MESSAGES]
            request.transcript_first_id = next(iter(ids), None)
        return super().get_inline_instances(request, obj)
