"""The SDK generator: openapi.yml -> typed intermediate model -> Jinja templates -> ruff format.

Run it with `scripts/generate`; see docs/guides/generator.md.
"""
