export * from './api';
export * from './city-config';
export * from './errors';
export * from './people';
export * from './roles';
export * from './validation';
export * from './geo/types';
