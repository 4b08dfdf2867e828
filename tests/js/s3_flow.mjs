// A user's S3 flow through the AWS SDK for JavaScript v3 with its default configuration (CRC32
// checksums on every upload, lib-storage multipart, presigned URLs and POST forms used by fetch), against the
// endpoint given as argv[2]. Each step asserts what S3 answers; a failure exits non-zero with
// the step's name. tests/api/test_js_sdk.py runs it against both backends.
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand,
  ListObjectsV2Command, CopyObjectCommand, DeleteObjectsCommand, DeleteBucketCommand,
  CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand,
  PutObjectTaggingCommand, GetObjectTaggingCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";

const s3 = new S3Client({
  endpoint: process.argv[2], region: "us-east-1", forcePathStyle: true,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const bucket = process.argv[3];
const done = [];
async function step(name, body) {
  try { await body(); done.push(name); }
  catch (error) { console.error(`step ${name} failed:`, error); process.exit(1); }
}
const text = async (answer) => answer.Body.transformToString();

await step("create bucket", async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
await step("put with the default CRC32", async () => {
  const put = await s3.send(new PutObjectCommand({
    Bucket: bucket, Key: "docs/a.txt", Body: "hello", ContentType: "text/plain",
    Metadata: { colour: "blue" },
  }));
  assert.equal(put.ChecksumCRC32, "NhCmhg==");  // CRC32 of "hello"
  assert.equal(put.ETag, '"5d41402abc4b2a76b9719d911017c592"');
});
await step("get with checksum mode", async () => {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "docs/a.txt", ChecksumMode: "ENABLED" }));
  assert.equal(await text(got), "hello");
  assert.equal(got.ContentType, "text/plain");
  assert.deepEqual(got.Metadata, { colour: "blue" });
  assert.equal(got.ChecksumCRC32, "NhCmhg==");
});
await step("range and head", async () => {
  const part = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "docs/a.txt", Range: "bytes=1-3" }));
  assert.equal(await text(part), "ell");
  assert.equal(part.ContentRange, "bytes 1-3/5");
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "docs/a.txt" }));
  assert.equal(head.ContentLength, 5);
});
await step("put SHA256 and CRC64NVME", async () => {
  const sha = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "docs/s", Body: "hello", ChecksumAlgorithm: "SHA256" }));
  assert.equal(sha.ChecksumSHA256, "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
  const crc = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "docs/c", Body: "hello", ChecksumAlgorithm: "CRC64NVME" }));
  assert.equal(crc.ChecksumCRC64NVME, "M3eFcAZSQlc=");
});
await step("copy and tags", async () => {
  const copy = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "copy.txt", CopySource: `${bucket}/docs/a.txt` }));
  assert.equal(copy.CopyObjectResult.ETag, '"5d41402abc4b2a76b9719d911017c592"');
  await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: "copy.txt", Tagging: { TagSet: [{ Key: "k", Value: "v" }] } }));
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: "copy.txt" }));
  assert.deepEqual(tags.TagSet, [{ Key: "k", Value: "v" }]);
});
await step("list with a delimiter", async () => {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/" }));
  assert.deepEqual(listed.CommonPrefixes, [{ Prefix: "docs/" }]);
  assert.deepEqual(listed.Contents.map((item) => item.Key), ["copy.txt"]);
});
await step("lib-storage multipart upload", async () => {
  const body = Buffer.alloc(12 * 1024 * 1024, 7);
  const upload = new Upload({ client: s3, params: { Bucket: bucket, Key: "big.bin", Body: body }, partSize: 5 * 1024 * 1024 });
  const result = await upload.done();
  assert.match(result.ETag, /^"[0-9a-f]{32}-3"$/);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "big.bin", ChecksumMode: "ENABLED" }));
  assert.ok(Buffer.from(await got.Body.transformToByteArray()).equals(body));
  assert.equal(got.ChecksumType, "COMPOSITE");
});
await step("upload of a stream of unknown length", async () => {
  const body = Readable.from([Buffer.from("abc"), Buffer.from("def")]);
  await new Upload({ client: s3, params: { Bucket: bucket, Key: "stream.bin", Body: body } }).done();
  assert.equal(await text(await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "stream.bin" }))), "abcdef");
});
await step("presigned GET", async () => {
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "docs/a.txt" }), { expiresIn: 60 });
  const answer = await fetch(url);
  assert.equal(answer.status, 200);
  assert.equal(await answer.text(), "hello");
});
await step("presigned PUT carrying the SDK's empty-body CRC32", async () => {
  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: "via-url.txt" }), { expiresIn: 60 });
  assert.match(url, /x-amz-checksum-crc32=AAAAAA/);  // what S3 signs and ignores
  const answer = await fetch(url, { method: "PUT", body: "uploaded through a URL" });
  assert.equal(answer.status, 200, await answer.text());
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "via-url.txt" }));
  assert.equal(await text(got), "uploaded through a URL");
});
await step("presigned UploadPart", async () => {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "parts.bin" }));
  const url = await getSignedUrl(s3, new UploadPartCommand({ Bucket: bucket, Key: "parts.bin", UploadId, PartNumber: 1 }), { expiresIn: 60 });
  const answer = await fetch(url, { method: "PUT", body: "one part" });
  assert.equal(answer.status, 200, await answer.text());
  const parts = [{ PartNumber: 1, ETag: answer.headers.get("etag") }];
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "parts.bin", UploadId, MultipartUpload: { Parts: parts } }));
  assert.equal(await text(await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "parts.bin" }))), "one part");
});
await step("presigned POST form, as a browser sends it", async () => {
  const { url, fields } = await createPresignedPost(s3, {
    Bucket: bucket, Key: "uploads/${filename}", Expires: 60, Fields: { "Content-Type": "image/png" },
    Conditions: [["content-length-range", 0, 1024], ["starts-with", "$Content-Type", "image/"]],
  });
  const form = (type) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, name === "Content-Type" ? type : value);
    data.append("file", new Blob([Buffer.from("PNGDATA")], { type }), "pic.png");
    return data;
  };
  const answer = await fetch(url, { method: "POST", body: form("image/png") });
  assert.equal(answer.status, 204, await answer.text());
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "uploads/pic.png" }));
  assert.equal(head.ContentType, "image/png");
  const refused = await fetch(url, { method: "POST", body: form("text/html") });
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /<Code>AccessDenied<\/Code>.*starts-with/s);
});
await step("errors by name", async () => {
  await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "missing" })), { name: "NoSuchKey" });
  await assert.rejects(s3.send(new DeleteBucketCommand({ Bucket: bucket })), { name: "BucketNotEmpty" });
});
await step("delete everything", async () => {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  const objects = listed.Contents.map((item) => ({ Key: item.Key }));
  const deleted = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
  assert.equal(deleted.Deleted.length, objects.length);
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
});
console.log(JSON.stringify(done));
