"""The pure-ASGI layers router.py puts around the app, outermost first: proxy headers
(forwarded), request ids with the access log and request metrics (requests), CORS (cors), errors
as JSON (errors). One layer a module."""
