/**
 * The parts of the S3 SDK the functions use, as one module: in a Lambda it is its own file of the
 * zip (`s3-sdk.js` beside `index.js`), loaded by `s3Sdk()` at the first S3 call, so the functions
 * that carry it neither run nor even parse its ~500 KB at init (decision 0058). Locally it is this
 * file. Import it only through `s3Sdk()` (../s3-client.ts).
 */
export {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
export { Upload } from '@aws-sdk/lib-storage';
export { createPresignedPost } from '@aws-sdk/s3-presigned-post';
export { getSignedUrl } from '@aws-sdk/s3-request-presigner';
