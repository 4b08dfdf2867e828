"""The S3 wire format, compiled from botocore's S3 service model."""
