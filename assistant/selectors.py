from __future__ import annotations

from assistant.models import Message


def conversation_history(*, session_id: str, limit: int = 50) -> list[dict]:
    """The latest ``limit`` messages of a session, oldest first, in the public shape."""
    rows = list(
        Message.objects.filter(conversation__session_id=session_id)
        .order_by("-id")
        .values(
            "id",
            "role",
            "content",
            "agent",
            "tool_calls",
            "handover",
            "feedback",
            "created_at",
            "author__first_name",
            "author__username",
        )[:limit]
    )
    rows.reverse()
    return [
        {
            "id": row["id"],
            "role": row["role"],
            "content": row["content"],
            "agent": row["agent"],
            "tool_calls": row["tool_calls"],
            "handover": row["handover"],
            "feedback": {1: "up", -1: "down"}.get(row["feedback"]),
            "author_name": row["author__first_name"] or row["author__username"] or "",
            "created_at": row["created_at"].isoformat(),
        }
        for row in rows
    ]
