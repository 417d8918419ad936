"""The agents the orchestrator hands a turn to, and the tools they call (``tools.py``)."""
