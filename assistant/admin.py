from django.contrib import admin

from assistant.models import Conversation, Message


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ("created_at", "role", "content", "agent", "handover", "outcome", "feedback", "tool_calls")
    readonly_fields = fields
    ordering = ("id",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("session_id", "user", "last_order_id", "last_product_context", "pending_intent", "updated_at")
    list_filter = ("pending_intent",)
    search_fields = ("session_id", "last_order_id")
    readonly_fields = ("created_at", "updated_at")
    inlines = [MessageInline]
