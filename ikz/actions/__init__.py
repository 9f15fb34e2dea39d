"""Use cases by domain: they decide with states/ and persist with models/; no SQL here."""
