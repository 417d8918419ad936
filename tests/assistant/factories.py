import factory

from assistant.models import Conversation, Message, MessageRole


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    session_id = factory.Sequence(lambda n: f"session-{n}")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    role = MessageRole.USER
    content = factory.Faker("sentence")
