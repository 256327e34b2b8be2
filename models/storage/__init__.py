"""Storage: the SQLite file, its migrations, the audited write path and the repositories."""
