"""The web layer: routes, templates, static assets. The only package that imports FastAPI."""
