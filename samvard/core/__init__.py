"""Core: settings, database, audit log. Core never imports feature packages."""
