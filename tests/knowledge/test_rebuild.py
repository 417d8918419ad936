"""The background rebuild's child process: ``manage.py rebuild_kb_index`` builds and saves the
full index, and the server process loads it."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from knowledge.models import FAQEntry
from knowledge.search.index import load_saved
from knowledge.search.rebuild import READY, rebuild_in_child


def test_the_rebuild_command_saves_the_index_and_says_where(demo_faq, settings, tmp_path):
    settings.KB_INDEX_DIR = tmp_path
    settings.ENABLE_EMBEDDINGS = False
    out = StringIO()
    call_command("rebuild_kb_index", stdout=out)
    line = out.getvalue().strip()
    assert line.startswith(READY)
    reply = json.loads(line[len(READY) :])
    index = load_saved(Path(reply["directory"]))
    assert index is not None and index.fingerprint == reply["fingerprint"]
    assert len(index) == FAQEntry.objects.filter(is_published=True).count()


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_in_a_child_process_reads_this_processs_database(settings, tmp_path):
    """The child starts from the settings like any manage.py command; the parent's database (here the test one) wins."""
    settings.KB_INDEX_DIR = tmp_path
    settings.ENABLE_EMBEDDINGS = False
    call_command("loaddata", "fixtures/demo_faq.json", verbosity=0)
    drone = FAQEntry.objects.create(question="Do you deliver parcels by drone?", answer="Not yet.", keywords="drone")
    index = rebuild_in_child(timeout=300)
    assert len(index) == FAQEntry.objects.filter(is_published=True).count()
    assert index.search("drone delivery", limit=1)[0].entry_id == drone.pk
