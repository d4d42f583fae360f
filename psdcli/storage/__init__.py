"""Storage: SQLModel tables, the engine, migrations and repository functions."""
