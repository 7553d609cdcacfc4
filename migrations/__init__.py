"""Schema migrations (peewee-migrate), their runner and the Alembic-style schema scripts."""
