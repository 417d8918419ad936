"""The websocket transport of the chat: the consumer, its routes, and the channel-layer fan-out to every tab of a conversation."""
