-- The engine's own database, beside Temporal's (which the admin tools create).
CREATE DATABASE ingest;
