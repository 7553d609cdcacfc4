"""One module per operation: each exposes `ENDPOINT` (its metadata) and `handle(request)`."""
