"""Events: what each type says (one module each, registered in events/registry.py) and how an
event goes on the wire. Recorded by the change that makes them (handlers/common/crud/events.py),
streamed by handlers/stream_events.py, delivered by background/webhooks.py."""
