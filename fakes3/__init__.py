"""fakes3: an S3 test double that speaks the real Amazon S3 REST protocol."""

from fakes3.settings import Settings

__version__ = "0.1.0"

__all__ = ["Settings", "__version__"]
