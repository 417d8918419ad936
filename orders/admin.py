from django.contrib import admin, messages

from config.session_hash import session_hash
from orders.api_keys import api_key_fill_new_secret
from orders.models import ApiKey, CancellationAudit, IdempotencyRecord, Order, OrderItem


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0


class ReadOnlyAdminMixin:
    """Audit rows are evidence: readable in the admin, never edited there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CancellationAuditInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CancellationAudit
    extra = 0
    fields = ("created_at", "outcome", "reason", "channel", "session_id", "user", "api_key", "requested_by", "idempotency_key")
    readonly_fields = fields
    verbose_name_plural = "Cancellation requests"


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("order_id", "customer_name", "customer_email", "status", "placed_at", "eta", "total")
    list_filter = ("status", "carrier")
    search_fields = ("order_id", "customer_name", "customer_email", "tracking_number")
    date_hierarchy = "placed_at"
    inlines = [OrderItemInline, CancellationAuditInline]


@admin.register(CancellationAudit)
class CancellationAuditAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "order", "outcome", "reason", "channel", "session_id", "user", "api_key", "requested_by")
    list_filter = ("outcome", "channel", "api_key")
    search_fields = ("order__order_id", "session_id", "requested_by", "idempotency_key")
    date_hierarchy = "created_at"
    list_select_related = ("order", "user", "api_key")

    def get_search_results(self, request, queryset, search_term):
        """Rows keep the session ID's hash (config/session_hash.py): a search for the
        session ID staff copied from a conversation finds them too."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            results = results | queryset.filter(session_id=session_hash(term))
        return results, may_have_duplicates


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "scope", "key", "order_id")
    search_fields = ("key", "order_id")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at")

    def save_model(self, request, obj, form, change):
        raw_key = api_key_fill_new_secret(obj) if not change else None
        super().save_model(request, obj, form, change)
        if raw_key:
            messages.warning(
                request,
                f"The API key for “{obj.name}” is {raw_key} — copy it now: it is stored hashed and "
                "will not be shown again.",
            )
