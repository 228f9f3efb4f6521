export * from './jobs/schedule';
export * from './manifest-types';
export * from './openapi';
export * from './routes';
