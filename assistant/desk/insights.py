"""Figures for staff: how the assistant did over a period, and where it failed.

Read-only queries over messages and handoff tickets; nothing here writes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from assistant.engine.agents.base import Outcome
from assistant.models import Feedback, HandoffTicket, Message, MessageRole

MAX_UNANSWERED_TO_GROUP = 2000
SIMILARITY_THRESHOLD = 0.45  # cosine similarity above which two questions are "the same question"


@dataclass(frozen=True)
class QuestionGroup:
    question: str  # the most typical wording of the group
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class RatedAnswer:
    answer: str
    agent: str
    down: int
    up: int


@dataclass
class Insights:
    start: datetime
    end: datetime
    conversations: int = 0
    conversations_with_handoff: int = 0
    turns: int = 0
    turns_by_agent: dict[str, int] = field(default_factory=dict)
    turns_by_day: list[tuple[date, int]] = field(default_factory=list)
    agent_handovers: dict[str, int] = field(default_factory=dict)
    human_handoffs_by_reason: dict[str, int] = field(default_factory=dict)
    cancellations: int = 0
    cancel_refusals: int = 0
    tracking_requests: int = 0
    orders_tracked: int = 0
    unanswered: int = 0
    unanswered_groups: list[QuestionGroup] = field(default_factory=list)
    worst_rated: list[RatedAnswer] = field(default_factory=list)
    # Per language the customers wrote in (ISO 639-1; "" for turns from before languages
    # were recorded), most turns first: assistant turns, and unanswered product questions.
    turns_by_language: dict[str, int] = field(default_factory=dict)
    unanswered_by_language: dict[str, int] = field(default_factory=dict)

    @property
    def containment_rate(self) -> float | None:
        """Share of conversations resolved without a person (None when there were none)."""
        if not self.conversations:
            return None
        return 1 - self.conversations_with_handoff / self.conversations


def period_bounds(*, start: date, end: date) -> tuple[datetime, datetime]:
    """Aware datetimes from the start of ``start`` to the end of ``end`` (inclusive days)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def insights_for_period(*, start: date, end: date) -> Insights:
    start_at, end_at = period_bounds(start=start, end=end)
    report = Insights(start=start_at, end=end_at)
    in_period = Q(created_at__gte=start_at, created_at__lt=end_at)
    replies = Message.objects.filter(in_period, role=MessageRole.ASSISTANT)

    conversation_ids = set(
        Message.objects.filter(in_period, role=MessageRole.USER).values_list("conversation_id", flat=True).distinct()
    )
    report.conversations = len(conversation_ids)
    tickets = HandoffTicket.objects.filter(in_period)
    report.conversations_with_handoff = len(set(tickets.values_list("conversation_id", flat=True)) & conversation_ids)
    report.human_handoffs_by_reason = dict(
        tickets.values_list("reason").annotate(n=Count("id")).order_by("-n").values_list("reason", "n")
    )

    by_agent = dict(replies.values_list("agent").annotate(n=Count("id")).order_by("-n").values_list("agent", "n"))
    report.turns_by_agent = by_agent
    report.turns = sum(by_agent.values())
    days = Counter(timezone.localtime(at).date() for at in replies.values_list("created_at", flat=True))
    report.turns_by_day = [
        (start + timedelta(days=i), days.get(start + timedelta(days=i), 0)) for i in range((end - start).days + 1)
    ]
    report.agent_handovers = _handover_pairs(replies.values_list("handover", flat=True))

    outcomes = dict(replies.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n"))
    report.cancellations = outcomes.get(Outcome.CANCELLED, 0)
    report.cancel_refusals = outcomes.get(Outcome.CANCEL_REFUSED, 0)
    report.orders_tracked = outcomes.get(Outcome.TRACKED, 0)
    report.tracking_requests = by_agent.get("OrderTrackingAgent", 0)

    report.turns_by_language = dict(
        replies.values_list("language").annotate(n=Count("id")).order_by("-n", "language").values_list("language", "n")
    )
    report.unanswered_by_language = dict(
        replies.filter(outcome=Outcome.NO_ANSWER, agent="ProductQAAgent")
        .values_list("language")
        .annotate(n=Count("id"))
        .values_list("language", "n")
    )

    unanswered_questions = _unanswered_questions(replies)
    report.unanswered = len(unanswered_questions)
    report.unanswered_groups = group_similar_questions(unanswered_questions[-MAX_UNANSWERED_TO_GROUP:])
    report.worst_rated = _worst_rated(replies)
    return report


def _handover_pairs(trails) -> dict[str, int]:
    pairs: Counter = Counter()
    for trail in trails:
        agents = [name.strip() for name in trail.split("→") if name.strip()]
        for source, target in zip(agents, agents[1:]):
            pairs[f"{source} → {target}"] += 1
    return dict(pairs.most_common())


def _unanswered_questions(replies) -> list[str]:
    """The customer messages that product questions went unanswered for, oldest first."""
    unanswered = list(replies.filter(outcome=Outcome.NO_ANSWER, agent="ProductQAAgent").values_list("conversation_id", "id"))
    if not unanswered:
        return []
    conversation_ids = {conversation_id for conversation_id, _ in unanswered}
    user_messages: dict[int, list[tuple[int, str]]] = {}
    for conversation_id, message_id, content in (
        Message.objects.filter(conversation_id__in=conversation_ids, role=MessageRole.USER)
        .order_by("id")
        .values_list("conversation_id", "id", "content")
    ):
        user_messages.setdefault(conversation_id, []).append((message_id, content))
    questions = []
    for conversation_id, reply_id in sorted(unanswered, key=lambda row: row[1]):
        earlier = [content for message_id, content in user_messages.get(conversation_id, []) if message_id < reply_id]
        if earlier:
            questions.append(earlier[-1])
    return questions


def group_similar_questions(questions: list[str]) -> list[QuestionGroup]:
    """Questions grouped by wording similarity (TF-IDF cosine), biggest group first."""
    if not questions:
        return []
    if len(questions) == 1:
        return [QuestionGroup(question=questions[0], count=1, examples=(questions[0],))]
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(
        [q.lower() for q in questions]
    )
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=1 - SIMILARITY_THRESHOLD
    ).fit_predict(vectors.toarray())
    groups = []
    for label in set(labels):
        members = [i for i, l in enumerate(labels) if l == label]
        # The most typical wording: the member closest to all the others.
        similarity = cosine_similarity(vectors[members]).sum(axis=1)
        typical = members[int(similarity.argmax())]
        examples = tuple(dict.fromkeys(questions[i] for i in members))[:5]
        groups.append(QuestionGroup(question=questions[typical], count=len(members), examples=examples))
    groups.sort(key=lambda g: (-g.count, g.question))
    return groups


def _worst_rated(replies, limit: int = 10) -> list[RatedAnswer]:
    rows = (
        replies.filter(feedback__isnull=False)
        .values("content", "agent")
        .annotate(
            down=Count("id", filter=Q(feedback=Feedback.DOWN)),
            up=Count("id", filter=Q(feedback=Feedback.UP)),
        )
        .filter(down__gt=0)
        .order_by("-down", "up")[:limit]
    )
    return [RatedAnswer(answer=row["content"], agent=row["agent"], down=row["down"], up=row["up"]) for row in rows]
