/**
 * What a synthesized template holds for a private bucket (infra/lib/private-bucket.ts), written
 * once for the infra tests of each bucket: the exports', the attachments' and the web app's.
 */

/** Every kind of public access blocked. */
export const ALL_PUBLIC_ACCESS_BLOCKED = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

/** Objects owned by the bucket's account: ACLs are off. */
export const OWNER_ENFORCED = { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] };
