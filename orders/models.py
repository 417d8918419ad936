from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from orders.domain import OrderStatus, validate_order_id


class Order(models.Model):
    order_id = models.CharField(max_length=8, unique=True, validators=[validate_order_id])
    customer_name = models.CharField(max_length=200)
    customer_email = models.EmailField()
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED, db_index=True)
    placed_at = models.DateTimeField(default=timezone.now, db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    eta = models.DateField(null=True, blank=True, help_text="Estimated delivery date.")
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    currency = models.CharField(max_length=3, default="USD")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return self.order_id


class OrderItem(models.Model):
    order = models.ForeignKey(Order, related_name="items", on_delete=models.CASCADE)
    product_name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


class ApiKey(models.Model):
    """A key another system presents in ``X-API-Key`` to use the order API.

    Only a SHA-256 digest of the key is stored: the key is 32 random bytes, so a fast hash
    is as safe as a slow one here (there is nothing to brute-force) and keeps each request
    cheap. ``prefix`` is the key's public first part, used to find the row and shown in
    the admin; the whole key is shown once, when it is created.
    """

    name = models.CharField(max_length=100, help_text="Who uses this key, e.g. 'assistant production'.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(default=True, help_text="Untick to revoke the key.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class CancellationAudit(models.Model):
    """One cancel request that reached an order: who asked, when, how, and what happened.

    Written in the same transaction as the cancellation itself, so an order is never
    cancelled without its audit row (and never audited as cancelled when it was not).
    """

    order = models.ForeignKey(Order, related_name="cancellation_audits", on_delete=models.CASCADE)
    outcome = models.CharField(max_length=32, db_index=True)
    reason = models.CharField(max_length=32, blank=True)
    channel = models.CharField(max_length=16, db_index=True)
    session_id = models.CharField(max_length=128, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.CharField(max_length=200, blank=True, help_text="Free text the caller sent.")
    idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.order} {self.outcome} via {self.channel}"


class IdempotencyRecord(models.Model):
    """The first answer to a cancel request, replayed for a retry with the same key.

    Keys are scoped (per API key, or per channel for in-process callers) so two callers
    cannot collide on a key they each chose.
    """

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    order_id = models.CharField(max_length=8)
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="orders_idempotency_scope_key")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} → {self.order_id}"
