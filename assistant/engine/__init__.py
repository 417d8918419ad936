"""The engine: reads a customer message and answers it (orchestrator, language understanding,
dialogue state, agents and their tools). Its entry point is ``assistant.services.chat_turn``."""
