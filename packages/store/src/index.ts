export * from './table';
export * from './client';
export * from './create-table';
export * from './keys';
export * from './people-repo';
