import { inject } from 'vitest';

process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Tests change people and expect the very next request to see it.
process.env.GRIDPATROL_CALLER_CACHE_MS ??= '0';
