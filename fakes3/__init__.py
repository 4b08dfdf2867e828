"""fakes3: an S3 test double that speaks the real Amazon S3 REST protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes3.settings import Settings

if TYPE_CHECKING:
    from fakes3.mock import MockS3, mock_aws, mock_s3

__version__ = "0.1.0"

__all__ = ["MockS3", "Settings", "__version__", "mock_aws", "mock_s3"]

_LAZY = {"MockS3", "mock_aws", "mock_s3"}


def __getattr__(name: str) -> Any:
    """The in-process mode loads the app on first use, so ``import fakes3`` (and the pytest
    plugin) stays cheap."""
    if name in _LAZY:
        from fakes3 import mock

        return getattr(mock, name)
    raise AttributeError(f"module 'fakes3' has no attribute {name!r}")
