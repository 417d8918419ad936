from django.conf import settings
from django.db import models


class Conversation(models.Model):
    """One customer conversation, keyed by the client's ``session_id``.

    Holds the state the engine needs between turns, so that any server process can
    continue the conversation.
    """

    # The client's session ID, or, for a visitor who named an existing session without
    # its token, "<session_id>~<token hash prefix>" (assistant.sessions): hence 160.
    session_id = models.CharField(max_length=160, unique=True)
    # SHA-256 (hex) of the secret issued with the conversation's first reply; whoever
    # holds the secret holds the conversation. Empty on rows from before tokens: those
    # can never be claimed again.
    token_hash = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    last_order_id = models.CharField(max_length=8, blank=True)
    last_product_context = models.CharField(max_length=200, blank=True)
    # What the assistant asked for and is waiting on: the intent it will resume
    # (cancel, track) and the missing slot (order_id, email, confirmation).
    pending_intent = models.CharField(max_length=32, blank=True)
    pending_slot = models.CharField(max_length=32, blank=True)
    pending_order_id = models.CharField(max_length=8, blank=True)
    pending_data = models.JSONField(default=dict, blank=True)
    # When the pending request was opened or last moved on: an old one expires.
    pending_since = models.DateTimeField(null=True, blank=True)
    # Every order number the customer wrote, in the order first mentioned, so that
    # "the first one" and "the other one" resolve as the customer means them.
    mentioned_order_ids = models.JSONField(default=list, blank=True)
    # The order request completed last (cancel, track): "now the other one" repeats it.
    last_intent = models.CharField(max_length=32, blank=True)
    # The last question the knowledge base answered (or tried to): "what about the
    # smartwatch?" and "and germany?" ask it again about something else.
    last_question = models.CharField(max_length=300, blank=True)
    verified_order_ids = models.JSONField(default=list, blank=True)
    failed_identity_checks = models.PositiveIntegerField(default=0)
    identity_locked_until = models.DateTimeField(null=True, blank=True)
    # Consecutive turns the assistant could not answer; two hand the customer to a person.
    unanswered_streak = models.PositiveSmallIntegerField(default=0)
    # The last email address the customer wrote, kept for an identity check asked for later.
    remembered_email = models.EmailField(blank=True)
    # Mirrors the conversation's open handoff ticket (if any), so that every turn knows
    # whether a person owns the conversation without another query.
    handoff_status = models.CharField(max_length=16, blank=True, db_index=True)
    # The served language the assistant speaks here (ISO 639-1; SHOP_LANGUAGES), set by the
    # first turn and kept until the customer clearly writes in another (assistant/language.py).
    language = models.CharField(max_length=8, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.session_id


class MessageRole(models.TextChoices):
    USER = "user", "Customer"
    ASSISTANT = "assistant", "Assistant"
    STAFF = "staff", "Staff member"


class Feedback(models.IntegerChoices):
    DOWN = -1, "Thumbs down"
    UP = 1, "Thumbs up"


class Message(models.Model):
    """One side of a turn. Ordered by ``id``: insertion order is conversation order."""

    conversation = models.ForeignKey(Conversation, related_name="messages", on_delete=models.CASCADE)
    role = models.CharField(max_length=16, choices=MessageRole.choices)
    content = models.TextField()
    agent = models.CharField(max_length=64, blank=True)
    tool_calls = models.JSONField(default=list, blank=True)
    handover = models.CharField(max_length=255, blank=True)
    # What the turn achieved, for staff insights: answered, no_answer, cancelled, ...
    outcome = models.CharField(max_length=32, blank=True, db_index=True)
    # The language the customer wrote this turn in (ISO 639-1), on both messages of a turn:
    # the conversation's, or one the shop does not serve (then the reply is in English).
    language = models.CharField(max_length=8, blank=True)
    # The staff member who wrote a ``staff`` message.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    feedback = models.SmallIntegerField(choices=Feedback.choices, null=True, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "id"])]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:60]}"


class HandoffStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a person"
    ACTIVE = "active", "A person is chatting"
    CLOSED = "closed", "Closed"


class HandoffReason(models.TextChoices):
    REQUESTED = "requested", "Customer asked for a person"
    UNANSWERED = "unanswered", "Assistant could not answer twice"
    UPSET = "upset", "Customer is upset"


class HandoffTicket(models.Model):
    """A conversation handed from the assistant to a person."""

    conversation = models.ForeignKey(Conversation, related_name="handoffs", on_delete=models.CASCADE)
    status = models.CharField(max_length=16, choices=HandoffStatus.choices, default=HandoffStatus.WAITING, db_index=True)
    reason = models.CharField(max_length=16, choices=HandoffReason.choices)
    transcript = models.TextField(help_text="The conversation up to the handoff.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="claimed_handoffs"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # True when the person gave the conversation back to the assistant rather than closing it.
    returned_to_assistant = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            # One open ticket per conversation at a time.
            models.UniqueConstraint(
                fields=["conversation"],
                condition=~models.Q(status="closed"),
                name="one_open_handoff_per_conversation",
            )
        ]

    def __str__(self) -> str:
        return f"Handoff #{self.pk} ({self.get_status_display()})"
