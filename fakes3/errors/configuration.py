"""Errors of bucket configurations: one class per S3 error code."""

from __future__ import annotations

from fakes3.errors.base import S3Error


class NoSuchTagSet(S3Error):
    """A bucket with no tags (GetBucketTagging)."""

    code = "NoSuchTagSet"
    status = 404
    message = "The TagSet does not exist"


class NoSuchCORSConfiguration(S3Error):
    """A bucket with no CORS configuration."""

    code = "NoSuchCORSConfiguration"
    status = 404
    message = "The CORS configuration does not exist"


class ServerSideEncryptionConfigurationNotFoundError(S3Error):
    """A bucket with no default encryption configuration."""

    code = "ServerSideEncryptionConfigurationNotFoundError"
    status = 404
    message = "The server side encryption configuration was not found"


class NoSuchWebsiteConfiguration(S3Error):
    """A bucket with no website configuration."""

    code = "NoSuchWebsiteConfiguration"
    status = 404
    message = "The specified bucket does not have a website configuration"


class ReplicationConfigurationNotFoundError(S3Error):
    """A bucket with no replication configuration."""

    code = "ReplicationConfigurationNotFoundError"
    status = 404
    message = "The replication configuration was not found"


class NoSuchConfiguration(S3Error):
    """No analytics, inventory, metrics or intelligent-tiering configuration with that id."""

    code = "NoSuchConfiguration"
    status = 404
    message = "The specified configuration does not exist."


class NoSuchLifecycleConfiguration(S3Error):
    """A bucket with no lifecycle configuration."""

    code = "NoSuchLifecycleConfiguration"
    status = 404
    message = "The lifecycle configuration does not exist"


class NoSuchBucketPolicy(S3Error):
    """A bucket with no policy."""

    code = "NoSuchBucketPolicy"
    status = 404
    message = "The bucket policy does not exist"


class NoSuchPublicAccessBlockConfiguration(S3Error):
    """A bucket with no public access block."""

    code = "NoSuchPublicAccessBlockConfiguration"
    status = 404
    message = "The public access block configuration was not found"


class OwnershipControlsNotFoundError(S3Error):
    """A bucket with no ownership controls."""

    code = "OwnershipControlsNotFoundError"
    status = 404
    message = "The bucket ownership controls were not found"


class ObjectLockConfigurationNotFoundError(S3Error):
    """A bucket without object lock."""

    code = "ObjectLockConfigurationNotFoundError"
    status = 404
    message = "Object Lock configuration does not exist for this bucket"


class InvalidTargetBucketForLogging(S3Error):
    """A logging target S3 cannot deliver to."""

    code = "InvalidTargetBucketForLogging"
    status = 400
    message = "The target bucket for logging does not exist"


class CORSResponse(S3Error):
    """A CORS preflight no rule allows."""

    code = "CORSResponse"
    status = 403
    message = (
        "This CORS request is not allowed. This is usually because the evalution of "
        "Origin, request method / Access-Control-Request-Method or "
        "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."
    )


class InvalidEncryptionAlgorithmError(S3Error):
    """An SSE-C algorithm other than AES256."""

    code = "InvalidEncryptionAlgorithmError"
    status = 400
    message = "The encryption request you specified is not valid. The valid value is AES256."


class InvalidBucketState(S3Error):
    """The bucket's state forbids the request (versioning, object lock…)."""

    code = "InvalidBucketState"
    status = 409
    message = "The request is not valid with the current state of the bucket."


class CrossLocationLoggingProhibitted(S3Error):
    """A logging target in another region than the source bucket (S3's spelling)."""

    code = "CrossLocationLoggingProhibitted"
    status = 403
    message = "Cross S3 location logging not allowed. "


class AccessControlListNotSupported(S3Error):
    """An ACL other than bucket-owner-full-control (or logging target grants) on a bucket
    whose ACLs are disabled (``BucketOwnerEnforced``, the default since April 2023)."""

    code = "AccessControlListNotSupported"
    status = 400
    message = "The bucket does not allow ACLs"


class InvalidBucketAclWithObjectOwnership(S3Error):
    """CreateBucket with a bucket ACL granting anyone but the owner, under BucketOwnerEnforced."""

    code = "InvalidBucketAclWithObjectOwnership"
    status = 400
    message = "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"


class TooManyConfigurations(S3Error):
    """A new analytics, inventory, metrics or intelligent-tiering Id past the 1,000 per bucket."""

    code = "TooManyConfigurations"
    status = 400
    message = (
        "You are attempting to create a new configuration but have already reached the "
        "1,000-configuration limit."
    )


class IdMismatch(S3Error):
    """An inventory configuration whose body Id is not the ``id`` of the request."""

    code = "IdMismatch"
    status = 400
    message = "Document ID does not match the specified configuration ID."


class InvalidS3DestinationBucket(S3Error):
    """An inventory or analytics export destination that is not a bucket ARN."""

    code = "InvalidS3DestinationBucket"
    status = 400
    message = "Invalid bucket ARN."


class MetadataConfigurationNotFound(S3Error):
    """A bucket with no S3 Metadata configuration."""

    code = "MetadataConfigurationNotFound"
    status = 404
    message = "The metadata table configuration does not exist."


class MetadataConfigurationAlreadyExists(S3Error):
    """Creating an S3 Metadata configuration where one exists (delete it first)."""

    code = "MetadataConfigurationAlreadyExists"
    status = 409
    message = "The metadata table configuration already exists."


class MalformedPolicy(S3Error):
    """A bucket policy S3 refuses (PutBucketPolicy): bad JSON, grammar, actions, resources."""

    code = "MalformedPolicy"
    status = 400
    message = "Policies must be valid JSON and the first byte must be '{'"


class NoSuchObjectLockConfiguration(S3Error):
    """GetObjectRetention / GetObjectLegalHold of a version that has none."""

    code = "NoSuchObjectLockConfiguration"
    status = 404
    message = "The specified object does not have a ObjectLock configuration"


class RestoreAlreadyInProgress(S3Error):
    """RestoreObject while the object's restore is still running."""

    code = "RestoreAlreadyInProgress"
    status = 409
    message = "Object restore is already in progress"


class ObjectAlreadyInActiveTierError(S3Error):
    """RestoreObject of an S3 Intelligent-Tiering object that is in no archive tier."""

    code = "ObjectAlreadyInActiveTierError"
    status = 403
    message = "This action is not allowed against this storage tier."


class InvalidRedirectLocation(S3Error):
    """``x-amz-website-redirect-location`` that is neither a path nor an http(s) URL."""

    code = "InvalidRedirectLocation"
    status = 400
    message = "The website redirect location must have a prefix of 'http://' or 'https://' or '/'."


class MalformedACLError(S3Error):
    """An AccessControlPolicy body that is not a valid ACL."""

    code = "MalformedACLError"
    status = 400
    message = (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )


class UnresolvableGrantByEmailAddress(S3Error):
    """A grant to an email address no account has."""

    code = "UnresolvableGrantByEmailAddress"
    status = 400
    message = "The e-mail address you provided does not match any account on record."


class MissingSecurityHeader(S3Error):
    """PutBucketAcl / PutObjectAcl with neither a body nor ACL headers."""

    code = "MissingSecurityHeader"
    status = 400
    message = "Your request was missing a required header"


class InvalidBucketAclWithBlockPublicAccessError(S3Error):
    """CreateBucket with a public ACL: a new bucket blocks public ACLs (since April 2023)."""

    code = "InvalidBucketAclWithBlockPublicAccessError"
    status = 400
    message = "Bucket cannot have public ACLs set with BlockPublicAccess enabled"
