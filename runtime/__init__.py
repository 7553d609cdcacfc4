"""What the doors share at run time: the database-thread boundary (calls), the services built
once at start-up, bearer tokens to principals (auth, token_service, jwks), passwords, the login
throttle, the event hub, metrics, logs and the request context. Imports domain, never a door."""
