"""Customer feedback on the assistant's replies (thumbs up or down)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from assistant.models import Feedback, Message, MessageRole
from assistant.sessions import conversation_find

RATINGS = {"up": Feedback.UP, "down": Feedback.DOWN}


class FeedbackError(Exception):
    def __init__(self, message: str, *, not_found: bool = False):
        super().__init__(message)
        self.message = message
        self.not_found = not_found


def message_feedback_set(*, session_id: str, token: str, message_id: int, rating: str) -> Message:
    """Record the customer's rating of one assistant reply of their own conversation.

    The conversation is the one ``session_id`` and its ``token`` hold (assistant.sessions).
    Rating again replaces the earlier rating. A message of another conversation, or any
    message without the session's token, is reported as not found, so message IDs
    cannot be probed across sessions.
    """
    if rating not in RATINGS:
        raise FeedbackError("rating must be 'up' or 'down'.")
    conversation = conversation_find(session_id=session_id, token=token)
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(pk=message_id, conversation=conversation, role=MessageRole.ASSISTANT)
            .first()
            if conversation is not None
            else None
        )
        if message is None:
            raise FeedbackError("No assistant reply with that id in this session.", not_found=True)
        message.feedback = RATINGS[rating]
        message.feedback_at = timezone.now()
        message.save(update_fields=["feedback", "feedback_at"])
    return message
