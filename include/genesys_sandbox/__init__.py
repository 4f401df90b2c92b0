"""A simulated Genesys Cloud organisation: a seeded data generator with ground truth and an
HTTP server for the endpoints the pipeline reads. Independent of ``genesys_elt`` on purpose."""

__version__ = "0.1.0"
