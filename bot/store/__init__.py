"""Database queries, one module per aggregate. Functions take an open ``AsyncSession``."""
