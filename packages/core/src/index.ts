export * from './errors';
export * from './roles';
export * from './city-config';
export * from './validation';
export * from './people';
export * from './api';
