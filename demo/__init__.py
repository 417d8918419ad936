"""The demo shop: its page at ``/`` with the chat widget, and ``manage.py load_demo``. No models."""
