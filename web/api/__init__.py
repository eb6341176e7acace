"""REST API routers (all under ``/api``); OpenAPI docs at ``/docs``."""
