"""Notifier: the outgoing mail port, its adapters, the message templates and the agenda."""
