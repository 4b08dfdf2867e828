"""Benchmarks: a null S3 app as the baseline, and the WSGI server comparison."""
