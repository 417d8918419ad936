"""Customer feedback on the assistant's replies (thumbs up or down)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from assistant.models import Feedback, Message, MessageRole

RATINGS = {"up": Feedback.UP, "down": Feedback.DOWN}


class FeedbackError(Exception):
    def __init__(self, message: str, *, not_found: bool = False):
        super().__init__(message)
        self.message = message
        self.not_found = not_found


def message_feedback_set(*, session_id: str, message_id: int, rating: str) -> Message:
    """Record the customer's rating of one assistant reply of their own session.

    Rating again replaces the earlier rating. A message of another session is reported
    as not found, so message IDs cannot be probed across sessions.
    """
    if rating not in RATINGS:
        raise FeedbackError("rating must be 'up' or 'down'.")
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(pk=message_id, conversation__session_id=session_id, role=MessageRole.ASSISTANT)
            .first()
        )
        if message is None:
            raise FeedbackError("No assistant reply with that id in this session.", not_found=True)
        message.feedback = RATINGS[rating]
        message.feedback_at = timezone.now()
        message.save(update_fields=["feedback", "feedback_at"])
    return message
