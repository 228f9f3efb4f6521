/**
 * The parts of the S3 SDK the functions use, named one by one: bundled from the SDK's ES modules
 * (functions/bundling.ts), esbuild then keeps only these commands and the shapes they need, not
 * all of S3's (decision 0060). Loaded at first use through `s3Sdk()` (s3-client.ts), never statically.
 */
export {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
