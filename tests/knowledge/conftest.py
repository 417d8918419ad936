import pytest
from django.core.management import call_command

from knowledge.search.holder import holder


@pytest.fixture(autouse=True)
def _fresh_index():
    """Each test starts from its own knowledge base, as a freshly started process would."""
    holder.reset()
    yield
    holder.reset()


@pytest.fixture
def demo_faq(db):
    call_command("loaddata", "fixtures/demo_faq.json", verbosity=0)
