export * from './grid-import/object-key';
export * from './http/cors';
export * from './jobs/schedule';
export * from './manifest-types';
export * from './openapi';
export * from './routes';
