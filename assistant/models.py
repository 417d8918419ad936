from django.conf import settings
from django.db import models


class Conversation(models.Model):
    """One customer conversation, keyed by the client's ``session_id``.

    Holds the state the engine needs between turns, so that any server process can
    continue the conversation.
    """

    session_id = models.CharField(max_length=128, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    last_order_id = models.CharField(max_length=8, blank=True)
    last_product_context = models.CharField(max_length=200, blank=True)
    # What the assistant asked for and is waiting on: the intent it will resume
    # (cancel, track) and the missing slot (order_id, email, confirmation).
    pending_intent = models.CharField(max_length=32, blank=True)
    pending_slot = models.CharField(max_length=32, blank=True)
    pending_order_id = models.CharField(max_length=8, blank=True)
    pending_data = models.JSONField(default=dict, blank=True)
    verified_order_ids = models.JSONField(default=list, blank=True)
    failed_identity_checks = models.PositiveIntegerField(default=0)
    identity_locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.session_id


class MessageRole(models.TextChoices):
    USER = "user", "Customer"
    ASSISTANT = "assistant", "Assistant"


class Message(models.Model):
    """One side of a turn. Ordered by ``id``: insertion order is conversation order."""

    conversation = models.ForeignKey(Conversation, related_name="messages", on_delete=models.CASCADE)
    role = models.CharField(max_length=16, choices=MessageRole.choices)
    content = models.TextField()
    agent = models.CharField(max_length=64, blank=True)
    tool_calls = models.JSONField(default=list, blank=True)
    handover = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "id"])]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:60]}"
