"""Profiles: the data of one attempt's result, rendered as HTML and PDF. No Flask."""
