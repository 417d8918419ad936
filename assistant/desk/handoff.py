"""The person's side of a handoff: staff take, answer and close a conversation.

The ticket is opened by the engine (``handoff_open`` in
assistant/engine/agents/human_handoff.py); these are called by staff in the admin inbox.
Each keeps ``Conversation.handoff_status`` in step with the ticket in one transaction,
and pushes what the customer must see to their open sockets after commit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assistant.models import Conversation, HandoffStatus, HandoffTicket, Message, MessageRole
from assistant.realtime.broadcast import broadcast_to_session


class HandoffError(Exception):
    """A staff action that does not fit the ticket's state (claimed by someone else, closed...)."""


def _customer_language(ticket: HandoffTicket) -> str:
    """The language the customer chats in: the desk's own messages to them are written in it."""
    return getattr(ticket.conversation, "language", "") or settings.LANGUAGE_CODE


def _post_staff_message(ticket: HandoffTicket, *, user, text: str) -> Message:
    message = Message.objects.create(
        conversation=ticket.conversation, role=MessageRole.STAFF, content=text, author=user, agent="", outcome=""
    )
    session_id = ticket.conversation.session_id  # the internal key: only sockets holding its token
    if user:
        staff_name = user.get_short_name() or user.get_username()
    else:
        with translation.override(_customer_language(ticket)):
            staff_name = _("Support")
    frame = {"type": "staff_message", "id": message.pk, "message": text, "staff_name": staff_name}
    transaction.on_commit(lambda: broadcast_to_session(session_id, frame))
    return message


def _set_status(ticket: HandoffTicket, status: str) -> None:
    ticket.status = status
    conversation_status = "" if status == HandoffStatus.CLOSED else status
    Conversation.objects.filter(pk=ticket.conversation_id).update(handoff_status=conversation_status)


def handoff_claim(*, ticket_id: int, user) -> HandoffTicket:
    """A staff member takes the conversation; from now on the assistant stays silent."""
    with transaction.atomic():
        ticket = HandoffTicket.objects.select_for_update().select_related("conversation").get(pk=ticket_id)
        if ticket.status == HandoffStatus.CLOSED:
            raise HandoffError("This ticket is closed.")
        if ticket.status == HandoffStatus.ACTIVE and ticket.claimed_by_id != user.pk:
            raise HandoffError(f"{ticket.claimed_by} already took this conversation.")
        if ticket.status == HandoffStatus.WAITING:
            ticket.claimed_by = user
            ticket.claimed_at = timezone.now()
            _set_status(ticket, HandoffStatus.ACTIVE)
            ticket.save(update_fields=["claimed_by", "claimed_at", "status"])
            name = user.get_short_name() or user.get_username()
            with translation.override(_customer_language(ticket)):
                greeting = _("Hi, this is %(name)s from our team. I'm here to help you now.") % {"name": name}
            _post_staff_message(ticket, user=user, text=greeting)
    return ticket


def handoff_reply(*, ticket_id: int, user, text: str) -> Message:
    """The staff member's message to the customer, delivered live to their widget."""
    text = (text or "").strip()
    if not text:
        raise HandoffError("Write a message first.")
    if len(text) > 4000:
        raise HandoffError("A reply can be at most 4,000 characters.")
    with transaction.atomic():
        ticket = HandoffTicket.objects.select_for_update().select_related("conversation").get(pk=ticket_id)
        if ticket.status != HandoffStatus.ACTIVE or ticket.claimed_by_id != user.pk:
            raise HandoffError("Take the conversation before replying.")
        return _post_staff_message(ticket, user=user, text=text)


def handoff_finish(*, ticket_id: int, user, return_to_assistant: bool) -> HandoffTicket:
    """Close the ticket; with ``return_to_assistant`` the assistant answers again at once."""
    with transaction.atomic():
        ticket = HandoffTicket.objects.select_for_update().select_related("conversation").get(pk=ticket_id)
        if ticket.status == HandoffStatus.CLOSED:
            return ticket
        if ticket.status == HandoffStatus.ACTIVE and ticket.claimed_by_id not in (None, user.pk):
            raise HandoffError(f"{ticket.claimed_by} owns this conversation.")
        ticket.closed_at = timezone.now()
        ticket.returned_to_assistant = return_to_assistant
        _set_status(ticket, HandoffStatus.CLOSED)
        ticket.save(update_fields=["closed_at", "returned_to_assistant", "status"])
        with translation.override(_customer_language(ticket)):
            text = (
                _("I'm handing you back to our assistant. Thanks for your patience!")
                if return_to_assistant
                else _("This conversation is now closed. Thank you for contacting us!")
            )
        _post_staff_message(ticket, user=user, text=text)
    return ticket
