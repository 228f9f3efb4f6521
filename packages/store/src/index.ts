export * from './city-repo';
export * from './client';
export * from './create-table';
export * from './keys';
export * from './people-repo';
export * from './table';
