"""The ASGI entry point used by `samvard serve` (and any ASGI server)."""

from samvard.web.app import create_app

app = create_app()
