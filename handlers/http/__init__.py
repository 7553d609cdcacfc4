"""The REST door's HTTP plumbing, shared by the operations of handlers/: routes and path
parameters, authentication, bodies and queries, conditional requests, errors and responses,
the list-page cache, Idempotency-Key, the OpenAPI document and the app's middleware. No rule
lives here: the rules are domain/'s."""
