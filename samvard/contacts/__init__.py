"""Contacts with care: the unit's queue, claiming, chat, booking from slots and closing."""
