"""The staff desk in the admin: the handoff inbox (a ticket's live chat page) and the
insights page, shown beside the conversations (``InsightsAdminMixin``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import format_html
from django.utils.http import urlencode

from assistant.desk import charts
from assistant.desk.handoff import HandoffError, handoff_claim, handoff_finish, handoff_reply
from assistant.desk.insights import insights_for_period
from assistant.language import language_name
from assistant.models import HandoffStatus, HandoffTicket


class InsightsAdminMixin:
    """The insights page (``admin:assistant_insights``), at ``insights/`` under the model's admin."""

    def get_urls(self):
        return [
            path("insights/", self.admin_site.admin_view(self.insights_view), name="assistant_insights"),
            *super().get_urls(),
        ]

    def insights_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        start, end, ignored = insights_period(request.GET, today=timezone.localdate())
        for problem in ignored:  # a mistyped link shows the default period and says why
            messages.warning(request, problem)
        report = insights_for_period(start=start, end=end)
        faq_add = reverse("admin:knowledge_faqentry_add")
        groups = [
            {"group": group, "create_url": f"{faq_add}?{urlencode({'question': group.question, 'is_published': ''})}"}
            for group in report.unanswered_groups
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Assistant insights",
            "report": report,
            "start": start,
            "end": end,
            "groups": groups,
            "agents_chart": charts.horizontal_bars(list(report.turns_by_agent.items())),
            "daily_chart": charts.daily_columns(report.turns_by_day),
            "handovers_chart": charts.horizontal_bars(list(report.agent_handovers.items())[:8]),
            "languages": [
                {
                    "code": code,
                    "name": language_label(code),
                    "served": code in settings.SHOP_LANGUAGES,
                    "turns": turns,
                    "unanswered": report.unanswered_by_language.get(code, 0),
                }
                for code, turns in report.turns_by_language.items()
            ],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/assistant/insights.html", context)


def language_label(code: str) -> str:
    """How staff see a language code: "German (de)"; "unknown" for turns from before languages were recorded."""
    return f"{language_name(code)} ({code})" if code else "unknown"


class LanguageFilter(admin.SimpleListFilter):
    """The conversation's language, by name, among those that occur."""

    title = "language"
    parameter_name = "language"
    field = "language"

    def lookups(self, request, model_admin):
        codes = (
            model_admin.get_queryset(request)
            .exclude(**{self.field: ""})
            .order_by(self.field)
            .values_list(self.field, flat=True)
            .distinct()
        )
        return [(code, language_label(code)) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


class TicketLanguageFilter(LanguageFilter):
    field = "conversation__language"


INSIGHTS_DEFAULT_DAYS = 30
INSIGHTS_MAX_DAYS = 366
INSIGHTS_EARLIEST = date(2000, 1, 1)


def insights_period(query, *, today: date) -> tuple[date, date, list[str]]:
    """The period of the insights page from its query (``start``, ``end``, ``days``).

    Never raises: a value that is not a date or a day count is ignored, and named in
    the returned messages. Dates are kept between 2000 and today, periods to a year.
    """
    ignored: list[str] = []

    def day(name: str) -> date | None:
        raw = query.get(name) or ""
        if not raw:
            return None
        try:
            value = parse_date(raw)
        except ValueError:  # well formed but impossible, like 2025-02-30
            value = None
        if value is None:
            ignored.append(f"Ignored {name}={raw[:40]!r}: not a date (YYYY-MM-DD).")
            return None
        return min(max(value, INSIGHTS_EARLIEST), today)

    end = day("end") or today
    start = day("start")
    if start is None:
        days = INSIGHTS_DEFAULT_DAYS
        raw_days = query.get("days") or ""
        if raw_days:
            try:
                days = int(raw_days)
            except ValueError:
                days = 0
            if not 1 <= days <= INSIGHTS_MAX_DAYS:
                ignored.append(
                    f"Ignored days={raw_days[:40]!r}: a whole number from 1 to {INSIGHTS_MAX_DAYS}; "
                    f"showing the last {INSIGHTS_DEFAULT_DAYS} days."
                )
                days = INSIGHTS_DEFAULT_DAYS
        start = end - timedelta(days=days - 1)
    if start > end:
        start, end = end, start
    if (end - start).days > INSIGHTS_MAX_DAYS:
        start = end - timedelta(days=INSIGHTS_MAX_DAYS)
    return start, end, ignored


def _waiting(ticket: HandoffTicket) -> timedelta:
    return (ticket.claimed_at or ticket.closed_at or timezone.now()) - ticket.created_at


class TicketStateFilter(admin.SimpleListFilter):
    """Opens the inbox on what needs a person (waiting and active tickets)."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open (waiting or active)"), *HandoffStatus.choices, ("all", "All")]

    def choices(self, changelist):
        current = self.value() or "open"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.exclude(status=HandoffStatus.CLOSED)
        if value == "all":
            return queryset
        return queryset.filter(status=value)


@admin.register(HandoffTicket)
class HandoffTicketAdmin(admin.ModelAdmin):
    """The staff inbox: conversations the assistant handed to a person."""

    list_display = ("id", "open_chat", "language", "reason", "status", "waiting", "claimed_by", "created_at")
    list_filter = (TicketStateFilter, "reason", TicketLanguageFilter)
    search_fields = ("conversation__session_id", "transcript")
    readonly_fields = (
        "conversation",
        "reason",
        "transcript",
        "created_at",
        "claimed_by",
        "claimed_at",
        "closed_at",
        "returned_to_assistant",
        "status",
    )
    ordering = ("created_at",)

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("conversation", "claimed_by")

    @admin.display(description="Conversation")
    def open_chat(self, ticket):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:assistant_handoff_chat", args=[ticket.pk]), ticket.conversation.session_id
        )

    @admin.display(description="Language", ordering="conversation__language")
    def language(self, ticket):
        return language_label(ticket.conversation.language) if ticket.conversation.language else "–"

    @admin.display(description="Waiting")
    def waiting(self, ticket):
        minutes = int(_waiting(ticket).total_seconds() // 60)
        return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"

    def get_urls(self):
        return [
            path("<int:ticket_id>/chat/", self.admin_site.admin_view(self.chat_view), name="assistant_handoff_chat"),
            path("<int:ticket_id>/messages/", self.admin_site.admin_view(self.messages_view), name="assistant_handoff_messages"),
            *super().get_urls(),
        ]

    def _ticket(self, request, ticket_id) -> HandoffTicket:
        if not self.has_change_permission(request):
            raise PermissionDenied
        return get_object_or_404(HandoffTicket.objects.select_related("conversation", "claimed_by"), pk=ticket_id)

    def chat_view(self, request, ticket_id):
        ticket = self._ticket(request, ticket_id)
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "claim":
                    handoff_claim(ticket_id=ticket.pk, user=request.user)
                elif action == "reply":
                    handoff_reply(ticket_id=ticket.pk, user=request.user, text=request.POST.get("text", ""))
                elif action in ("return", "close"):
                    handoff_finish(ticket_id=ticket.pk, user=request.user, return_to_assistant=action == "return")
                else:
                    raise Http404("unknown action")
            except HandoffError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            return redirect("admin:assistant_handoff_chat", ticket_id=ticket.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Chat with {ticket.conversation.session_id}",
            "ticket": ticket,
            "waiting": self.waiting(ticket),
            "language": self.language(ticket),
            "messages_list": ticket.conversation.messages.order_by("-id")[:200][::-1],
            "mine": ticket.status == HandoffStatus.ACTIVE and ticket.claimed_by_id == request.user.pk,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/assistant/handoff_chat.html", context)

    def messages_view(self, request, ticket_id):
        """New messages after ``?after=<id>``, for the page's live refresh."""
        ticket = self._ticket(request, ticket_id)
        try:
            after = int(request.GET.get("after", 0))
        except ValueError:
            after = 0
        rows = ticket.conversation.messages.filter(id__gt=after).order_by("id")[:200]
        return JsonResponse(
            {
                "status": HandoffTicket.objects.values_list("status", flat=True).get(pk=ticket.pk),
                "messages": [
                    {"id": m.id, "role": m.role, "content": m.content, "agent": m.agent, "created_at": m.created_at.isoformat()}
                    for m in rows
                ],
            }
        )
