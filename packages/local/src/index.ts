export * from './dev-auth';
export * from './dynamodb-local';
export * from './jobs-timer';
export * from './paths';
export * from './runtime';
export * from './seed';
export * from './server';
export * from './synthetic-grid';
