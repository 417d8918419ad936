import factory
from factory.django import DjangoModelFactory
from faker import Faker

from knowledge.models import FAQEntry

_fake = Faker()


class FAQEntryFactory(DjangoModelFactory):
    class Meta:
        model = FAQEntry

    question = factory.Faker("sentence", nb_words=8)
    answer = factory.Faker("paragraph", nb_sentences=3)
    category = factory.Faker("random_element", elements=["shipping", "returns", "payments", "account", "products"])
    product = ""
    keywords = factory.LazyFunction(lambda: ", ".join(_fake.words(nb=4)))
    is_published = True
