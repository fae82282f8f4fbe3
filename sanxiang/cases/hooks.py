"""Registrations of the cases app with other apps (home sections, record-store hooks)."""
