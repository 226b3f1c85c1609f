"""Persistence: SQLAlchemy models, repository functions, engine setup and migrations."""
