from django.contrib import admin

from orders.models import Order, OrderItem


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("order_id", "customer_name", "customer_email", "status", "placed_at", "eta", "total")
    list_filter = ("status", "carrier")
    search_fields = ("order_id", "customer_name", "customer_email", "tracking_number")
    date_hierarchy = "placed_at"
    inlines = [OrderItemInline]
