"""HTTP header fields as S3 takes them: a name is a token (RFC 9110 5.1, 5.6.2), and the
header section, with the query string, stays within S3's 8 KB.

One definition for both ways a request arrives: the server's raw header lines
(``fakes3/request_headers.py``) and the in-process mode's header dict (``fakes3/mock.py``),
so a name such as ``x-amz-meta-a b`` is refused alike, not stored in one mode only.
"""

from __future__ import annotations

import re
from collections.abc import Collection

TCHARS = "!#$%&'*+.^_`|~0-9A-Za-z-"  # a regex character class's contents
_TOKEN_CHARS = re.compile(f"[{TCHARS}]*")

# S3 answers RequestHeaderSectionTooLarge past this many bytes of header lines (each counted
# as sent, with its CRLF) and query string: the "8 KB" of the user guide's metadata page,
# which it applies to every request, and the MaxSizeAllowed of its error.
HEADER_SECTION_MAX = 8192


def are_field_names(names: Collection[str]) -> bool:
    """Whether every one of ``names`` is an HTTP token, as every header name must be: no
    name is empty, and their characters, taken together, are all token characters (one
    match, not one per name: this runs on every in-process request)."""
    return "" not in names and _TOKEN_CHARS.fullmatch("".join(names)) is not None
