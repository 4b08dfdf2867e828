"""Errors of requests and objects: one class per S3 error code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fakes3.errors.base import S3Error

if TYPE_CHECKING:
    from fakes3.store.records import BucketRecord


class AccessDenied(S3Error):
    """The caller may not do this."""

    code = "AccessDenied"
    status = 403
    message = "Access Denied"


class BadDigest(S3Error):
    """A digest the client sent does not match the body received."""

    code = "BadDigest"
    status = 400
    message = "The Content-MD5 you specified did not match what we received."


class BucketAlreadyExists(S3Error):
    """The bucket name is taken by another account."""

    code = "BucketAlreadyExists"
    status = 409
    message = (
        "The requested bucket name is not available. The bucket namespace is shared by all "
        "users of the system. Please select a different name and try again."
    )


class BucketAlreadyOwnedByYou(S3Error):
    """The bucket exists and the caller owns it."""

    code = "BucketAlreadyOwnedByYou"
    status = 409
    message = "Your previous request to create the named bucket succeeded and you already own it."


class BucketNotEmpty(S3Error):
    """A bucket must be empty before it is deleted."""

    code = "BucketNotEmpty"
    status = 409
    message = "The bucket you tried to delete is not empty"

    @classmethod
    def of(cls, bucket: BucketRecord) -> BucketNotEmpty:
        """For ``bucket``: one with a versioning state is told to delete its
        versions, in AWS's words (LocalStack's test_delete_versioned_bucket_with_objects)."""
        if bucket.versioning is None:
            return cls(BucketName=bucket.name)
        versions = "You must delete all versions in the bucket."
        return cls(f"{cls.message}. {versions}", BucketName=bucket.name)


class ConditionalRequestConflict(S3Error):
    """A conditional write raced another write to the same key."""

    code = "ConditionalRequestConflict"
    status = 409
    message = "A conflicting conditional operation is currently in progress against this resource."


class EntityTooLarge(S3Error):
    """The body is larger than S3 allows for this request."""

    code = "EntityTooLarge"
    status = 400
    message = "Your proposed upload exceeds the maximum allowed size"


class EntityTooSmall(S3Error):
    """A multipart part is smaller than the minimum. The message is the one AWS documents
    (ErrorResponses.html, API_CompleteMultipartUpload.html "Special errors")."""

    code = "EntityTooSmall"
    status = 400
    # What S3 sends on the wire (the ErrorResponses page words it "... allowed object size.").
    message = "Your proposed upload is smaller than the minimum allowed size"


class HttpVersionNotSupported(S3Error):
    """A request line of another major HTTP version (``HTTP/2.0`` in clear text)."""

    code = "HttpVersionNotSupported"
    status = 505
    message = "The HTTP version specified is not supported."


class IllegalLocationConstraintException(S3Error):
    """The location constraint does not fit the endpoint's region."""

    code = "IllegalLocationConstraintException"
    status = 400
    message = (
        "The unspecified location constraint is incompatible for the region specific "
        "endpoint this request was sent to."
    )


class IncompleteBody(S3Error):
    """Fewer bytes arrived than the request announced."""

    code = "IncompleteBody"
    status = 400
    message = "You did not provide the number of bytes specified by the Content-Length HTTP header"


class InternalError(S3Error):
    """Something went wrong inside fakes3."""


class InvalidArgument(S3Error):
    """A parameter has a value S3 does not accept."""

    code = "InvalidArgument"
    status = 400
    message = "Invalid Argument"


class InvalidBucketName(S3Error):
    """The bucket name breaks S3's naming rules."""

    code = "InvalidBucketName"
    status = 400
    message = "The specified bucket is not valid."


class InvalidChunkSizeError(S3Error):
    """An aws-chunked body has a chunk smaller than allowed."""

    code = "InvalidChunkSizeError"
    status = 403
    message = "Only the last chunk is allowed to have a size less than 8192 bytes"


class InvalidDigest(S3Error):
    """A digest header is not well formed."""

    code = "InvalidDigest"
    status = 400
    # AWS's answer (LocalStack's validated test_s3_invalid_content_md5), not the error table's
    # "is not valid."; S3 echoes the value in a <Content-MD5> element
    message = "The Content-MD5 you specified was invalid."


class InvalidLocationConstraint(S3Error):
    """The location constraint is not a region S3 knows."""

    code = "InvalidLocationConstraint"
    status = 400
    message = "The specified location-constraint is not valid"


class InvalidObjectState(S3Error):
    """The object is archived or otherwise not in a state for this operation."""

    code = "InvalidObjectState"
    status = 403
    message = "The operation is not valid for the object's storage class"


class InvalidPart(S3Error):
    """A listed part was not uploaded or its ETag does not match."""

    code = "InvalidPart"
    status = 400
    message = (
        "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag."
    )


class InvalidPartOrder(S3Error):
    """Parts were not listed in ascending order."""

    code = "InvalidPartOrder"
    status = 400
    # AWS's answer (LocalStack's validated complete-multipart-unordered), with the UploadId;
    # the error table words it "The parts list must be specified in order by part number."
    message = "The list of parts was not in ascending order. Parts must be ordered by part number."


class InvalidRange(S3Error):
    """The requested range cannot be satisfied."""

    code = "InvalidRange"
    status = 416
    message = "The requested range is not satisfiable"


class InvalidRequest(S3Error):
    """The request is not valid as a whole."""

    code = "InvalidRequest"
    status = 400
    message = "Invalid Request"


class InvalidStorageClass(S3Error):
    """The storage class is not one S3 offers."""

    code = "InvalidStorageClass"
    status = 400
    message = "The storage class you specified is not valid"


class InvalidTag(S3Error):
    """A tag key or value breaks S3's tagging rules."""

    code = "InvalidTag"
    status = 400
    message = "The TagValue you have provided is invalid"


class InvalidURI(S3Error):
    """The request URI cannot be parsed."""

    code = "InvalidURI"
    status = 400
    message = "Couldn't parse the specified URI."


class KeyTooLongError(S3Error):
    """An object key is longer than 1024 bytes of UTF-8."""

    code = "KeyTooLongError"
    status = 400
    message = "Your key is too long"


class MalformedXML(S3Error):
    """The XML body is not well formed or does not match the schema."""

    code = "MalformedXML"
    status = 400
    message = (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )


class MetadataTooLarge(S3Error):
    """User metadata headers exceed 2 KB."""

    code = "MetadataTooLarge"
    status = 400
    message = "Your metadata headers exceed the maximum allowed metadata size."


class MethodNotAllowed(S3Error):
    """The method is not allowed against this resource."""

    code = "MethodNotAllowed"
    status = 405
    message = "The specified method is not allowed against this resource."


class MissingContentLength(S3Error):
    """A body was sent without a length."""

    code = "MissingContentLength"
    status = 411
    message = "You must provide the Content-Length HTTP header."


class MissingRequestBodyError(S3Error):
    """The operation needs a body and none came."""

    code = "MissingRequestBodyError"
    status = 400
    message = "Request Body is empty"


class NoSuchBucket(S3Error):
    """The bucket does not exist."""

    code = "NoSuchBucket"
    status = 404
    message = "The specified bucket does not exist"


class NoSuchKey(S3Error):
    """The key does not exist."""

    code = "NoSuchKey"
    status = 404
    message = "The specified key does not exist."


class NoSuchUpload(S3Error):
    """The multipart upload does not exist."""

    code = "NoSuchUpload"
    status = 404
    message = (
        "The specified upload does not exist. The upload ID may be invalid, or the upload "
        "may have been aborted or completed."
    )


class NoSuchVersion(S3Error):
    """The version id does not exist."""

    code = "NoSuchVersion"
    status = 404
    message = "The specified version does not exist."


class NotImplementedByFakeS3(S3Error):
    """S3's ``NotImplemented``: the operation exists in S3 but not (yet) in fakes3."""

    code = "NotImplemented"
    status = 501
    message = "A header you provided implies functionality that is not implemented"


class NotModified(S3Error):
    """Conditional GET/HEAD: the object has not changed (304, rendered without a body)."""

    code = "NotModified"
    status = 304
    message = "Not Modified"


class PreconditionFailed(S3Error):
    """A precondition header did not hold."""

    code = "PreconditionFailed"
    status = 412
    message = "At least one of the pre-conditions you specified did not hold"


class RequestHeaderSectionTooLarge(S3Error):
    """The header lines and query string together exceed S3's 8 KB (with ``MaxSizeAllowed``)."""

    code = "RequestHeaderSectionTooLarge"
    status = 400
    message = "Your request header section exceeds the maximum allowed size."


class RequestTimeout(S3Error):
    """The body did not arrive in time."""

    code = "RequestTimeout"
    status = 400
    message = (
        "Your socket connection to the server was not read from or written to within the "
        "timeout period."
    )


class ServiceUnavailable(S3Error):
    """The service cannot answer now."""

    code = "ServiceUnavailable"
    status = 503
    message = "Service is unable to handle request."


class SignatureDoesNotMatch(S3Error):
    """The request signature does not match the one computed."""

    code = "SignatureDoesNotMatch"
    status = 403
    message = (
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method."
    )


class SlowDown(S3Error):
    """Too many requests: reduce the rate."""

    code = "SlowDown"
    status = 503
    message = "Please reduce your request rate."


class UnexpectedContent(S3Error):
    """A body was sent to an operation that takes none."""

    code = "UnexpectedContent"
    status = 400
    message = "This request does not support content"


class XAmzContentSHA256Mismatch(S3Error):
    """The body's SHA-256 differs from ``x-amz-content-sha256``."""

    code = "XAmzContentSHA256Mismatch"
    status = 400
    message = "The provided 'x-amz-content-sha256' header does not match what was computed."


class MaxMessageLengthExceeded(S3Error):
    """A configuration or XML body is larger than S3 accepts."""

    code = "MaxMessageLengthExceeded"
    status = 400
    message = "Your request was too big."


PARSE_FAILED = "An error occurred when parsing the HTTP request."  # BadRequest, for framing


class BadRequest(S3Error):
    """A request S3 rejects without a more specific code (e.g. too many tags)."""

    code = "BadRequest"
    status = 400
    message = "Bad Request"


class KeyClimbsOut(BadRequest):
    """A key whose ``..`` segments climb above it (``../x``, raw or percent-encoded): S3
    answers a bare 400, no error document."""

    bodyless = True


class InvalidPartNumber(S3Error):
    """GET/HEAD ``partNumber`` names a part the object does not have."""

    code = "InvalidPartNumber"
    status = 416
    message = "The requested partnumber is not satisfiable"


class MalformedTrailerError(S3Error):
    """An aws-chunked trailer is missing, undeclared or not well formed."""

    code = "MalformedTrailerError"
    status = 400
    message = (
        "The request contained trailing data that was not well-formed or did not conform to "
        "our published schema."
    )


class AccessForbidden(S3Error):
    """A CORS preflight the bucket's (absent) CORS configuration does not allow."""

    code = "AccessForbidden"
    status = 403
    message = "CORSResponse: CORS is not enabled for this bucket."


class IllegalVersioningConfigurationException(S3Error):
    """A PutBucketVersioning document without a usable ``Status``."""

    code = "IllegalVersioningConfigurationException"
    status = 400
    message = "The Versioning element must be specified"


class AuthorizationHeaderMalformed(S3Error):
    """The Authorization header cannot be parsed, or its credential scope is wrong."""

    code = "AuthorizationHeaderMalformed"
    status = 400
    message = "The authorization header is malformed."


class AuthorizationQueryParametersError(S3Error):
    """The X-Amz-* query parameters of a presigned URL are missing or malformed."""

    code = "AuthorizationQueryParametersError"
    status = 400
    message = "Error parsing the X-Amz-Credential parameter."


class InvalidAccessKeyId(S3Error):
    """The request is signed with an access key fakes3 has no account for."""

    code = "InvalidAccessKeyId"
    status = 403
    message = "The AWS Access Key Id you provided does not exist in our records."


class InvalidToken(S3Error):
    """A session token the signing account was not given (or not this one)."""

    code = "InvalidToken"
    status = 400
    message = "The provided token is malformed or otherwise invalid."


class RequestTimeTooSkewed(S3Error):
    """The request's date is more than 15 minutes from the server's clock."""

    code = "RequestTimeTooSkewed"
    status = 403
    message = "The difference between the request time and the current time is too large."


class InvalidPolicyDocument(S3Error):
    """A POST upload's policy is not valid base64 JSON of the expected form."""

    code = "InvalidPolicyDocument"
    status = 400
    message = "Invalid Policy: Invalid JSON."


class IncorrectNumberOfFilesInPostRequest(S3Error):
    """A POST upload has no file field, or more than one."""

    code = "IncorrectNumberOfFilesInPostRequest"
    status = 400
    message = "POST requires exactly one file upload per request."


class MalformedPOSTRequest(S3Error):
    """The body of a POST upload is not well-formed multipart/form-data."""

    code = "MalformedPOSTRequest"
    status = 400
    message = "The body of your POST request is not well-formed multipart/form-data."


class MaxPostPreDataLengthExceededError(S3Error):
    """The form fields before the file of a POST upload exceed 20 KB."""

    code = "MaxPostPreDataLengthExceededError"
    status = 400
    message = "Your POST request fields preceding the upload file were too large."
