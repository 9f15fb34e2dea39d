"""Prefect events after committed changes (prefect.py: build and post them)."""
