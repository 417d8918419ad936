from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from core.session_hash import session_hash
from orders.api_keys import api_key_fill_new_secret
from orders.models import ApiKey, CancellationAudit, IdempotencyRecord, Order, OrderItem

# django-stubs makes the admin classes generic in their model; Django's own classes cannot
# be subscripted at runtime (this project does not call django_stubs_ext.monkeypatch()).
if TYPE_CHECKING:
    _OrderItemInline = admin.TabularInline[OrderItem, Order]
    _AuditInline = admin.TabularInline[CancellationAudit, Order]
    _OrderAdmin = admin.ModelAdmin[Order]
    _AuditAdmin = admin.ModelAdmin[CancellationAudit]
    _IdempotencyRecordAdmin = admin.ModelAdmin[IdempotencyRecord]
    _ApiKeyAdmin = admin.ModelAdmin[ApiKey]
else:
    _OrderItemInline = _AuditInline = admin.TabularInline
    _OrderAdmin = _AuditAdmin = _IdempotencyRecordAdmin = _ApiKeyAdmin = admin.ModelAdmin


class OrderItemInline(_OrderItemInline):
    model = OrderItem
    extra = 0


class ReadOnlyAdminMixin:
    """Audit rows are evidence: readable in the admin, never edited there."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class CancellationAuditInline(ReadOnlyAdminMixin, _AuditInline):
    model = CancellationAudit
    extra = 0
    fields = ("created_at", "outcome", "reason", "channel", "session_id", "user", "api_key", "requested_by", "idempotency_key")
    readonly_fields = fields
    verbose_name_plural = "Cancellation requests"


@admin.register(Order)
class OrderAdmin(_OrderAdmin):
    list_display = ("order_id", "customer_name", "customer_email", "status", "placed_at", "eta", "total")
    list_filter = ("status", "carrier")
    search_fields = ("order_id", "customer_name", "customer_email", "tracking_number")
    date_hierarchy = "placed_at"
    inlines = [OrderItemInline, CancellationAuditInline]


@admin.register(CancellationAudit)
class CancellationAuditAdmin(ReadOnlyAdminMixin, _AuditAdmin):
    list_display = ("created_at", "order", "outcome", "reason", "channel", "session_id", "user", "api_key", "requested_by")
    list_filter = ("outcome", "channel", "api_key")
    search_fields = ("order__order_id", "session_id", "requested_by", "idempotency_key")
    date_hierarchy = "created_at"
    list_select_related = ("order", "user", "api_key")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[CancellationAudit], search_term: str
    ) -> tuple[QuerySet[CancellationAudit], bool]:
        """Rows keep the session ID's hash (core/session_hash.py): a search for the
        session ID staff copied from a conversation finds them too."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            results = results | queryset.filter(session_id=session_hash(term))
        return results, may_have_duplicates


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdminMixin, _IdempotencyRecordAdmin):
    list_display = ("created_at", "scope", "key", "order_id")
    search_fields = ("key", "order_id")


@admin.register(ApiKey)
class ApiKeyAdmin(_ApiKeyAdmin):
    list_display = ("name", "prefix", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at")

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        raw_key = api_key_fill_new_secret(obj) if not change else None
        super().save_model(request, obj, form, change)
        if raw_key:
            messages.warning(
                request,
                f"The API key for “{obj.name}” is {raw_key} — copy it now: it is stored hashed and will not be shown again.",
            )
