"""Webhook delivery: each webhook hears its user's events in order, one attempt at a time made
by one process (dispatcher.py), signed as Standard Webhooks says (sending.py), retried on the
schedule in domain/webhook_schedule.py."""
