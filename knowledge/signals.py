"""Index invalidation for writes that reach no service: the admin's own save path, fixtures
(``loaddata`` sends these signals with ``raw=True``), the shell. Only the version is
bumped here; no business logic lives in signals."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from knowledge.models import FAQEntry
from knowledge.versioning import kb_version_bump


@receiver(post_save, sender=FAQEntry, dispatch_uid="knowledge-faq-saved")
@receiver(post_delete, sender=FAQEntry, dispatch_uid="knowledge-faq-deleted")
def faq_entry_changed(sender, **kwargs) -> None:
    kb_version_bump()
