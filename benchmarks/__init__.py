"""Benchmarks for ikz-flow: `python -m benchmarks [--quick] [--json]` (see README, Performance)."""
