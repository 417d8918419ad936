"""Retention: `manage.py purge_conversations --older-than 30d`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assistant.models import Conversation, Message
from assistant.retention import parse_age
from tests.assistant.factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db


def conversation(days_idle: float, messages: int = 3) -> Conversation:
    convo = ConversationFactory()
    MessageFactory.create_batch(messages, conversation=convo)
    # updated_at is auto_now: set the last activity with an UPDATE.
    Conversation.objects.filter(pk=convo.pk).update(updated_at=timezone.now() - timedelta(days=days_idle))
    return convo


def purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_conversations", *args, stdout=out)
    return out.getvalue()


def test_conversations_idle_longer_than_the_age_are_deleted_with_their_messages_in_batches():
    old = [conversation(days_idle=45) for _ in range(5)]
    kept = [conversation(days_idle=29), conversation(days_idle=0)]

    output = purge("--older-than", "30d", "--batch-size", "2")

    assert "Deleted 5 conversations and 15 messages" in output and "in 3 batches" in output
    assert set(Conversation.objects.values_list("pk", flat=True)) == {c.pk for c in kept}
    assert not Message.objects.filter(conversation_id__in=[c.pk for c in old]).exists()
    assert Message.objects.count() == 6


def test_a_dry_run_counts_and_deletes_nothing():
    conversation(days_idle=40, messages=4)
    conversation(days_idle=1)

    output = purge("--older-than", "30d", "--dry-run")

    assert "Would delete 1 conversations and 4 messages" in output
    assert Conversation.objects.count() == 2 and Message.objects.count() == 7


def test_nothing_to_purge_is_not_an_error():
    conversation(days_idle=2)
    assert "Deleted 0 conversations and 0 messages" in purge("--older-than", "30d")


@pytest.mark.parametrize(
    "age, expected",
    [("30d", timedelta(days=30)), ("12h", timedelta(hours=12)), ("2w", timedelta(weeks=2)), ("90min", timedelta(minutes=90))],
)
def test_ages_are_written_with_a_unit(age, expected):
    assert parse_age(age) == expected


@pytest.mark.parametrize("age", ["30", "thirty days", "0d", "-5d", "30y", ""])
def test_a_bad_age_is_refused_with_a_clear_message_and_deletes_nothing(age):
    conversation(days_idle=400)
    with pytest.raises(CommandError, match="older-than"):
        purge("--older-than", age)
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize("age", ["6m", "90m", "6M", "6mo", "6 months"])
def test_m_is_refused_as_ambiguous_and_the_error_says_to_write_min_or_days(age):
    conversation(days_idle=400)
    with pytest.raises(CommandError) as refused:
        purge("--older-than", age)
    assert "ambiguous" in str(refused.value)
    assert "min" in str(refused.value) and "d" in str(refused.value)
    assert Conversation.objects.count() == 1


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(CommandError, match="batch-size"):
        purge("--older-than", "30d", "--batch-size", "0")
