"""What handlers share: auth, errors, validation, responses, database calls and task pieces."""
