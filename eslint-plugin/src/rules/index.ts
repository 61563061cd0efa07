// Every rule the plugin has, by name. Keep this a sorted list of imports and one object literal.
import noAckInFinally from './no-ack-in-finally.js';
import noClientPerRequest from './no-client-per-request.js';
import noErrorDetailsInResponse from './no-error-details-in-response.js';
import noHandRolledRetry from './no-hand-rolled-retry.js';
import noRedisKeys from './no-redis-keys.js';
import noSwallowedError from './no-swallowed-error.js';
import noTruthyCacheCheck from './no-truthy-cache-check.js';
import noUnboundedCache from './no-unbounded-cache.js';
import noUnboundedConcurrency from './no-unbounded-concurrency.js';
import requireIntervalCleanup from './require-interval-cleanup.js';
import requireRequestTimeout from './require-request-timeout.js';
import requireRetry from './require-retry.js';

export const rules = {
  'no-ack-in-finally': noAckInFinally,
  'no-client-per-request': noClientPerRequest,
  'no-error-details-in-response': noErrorDetailsInResponse,
  'no-hand-rolled-retry': noHandRolledRetry,
  'no-redis-keys': noRedisKeys,
  'no-swallowed-error': noSwallowedError,
  'no-truthy-cache-check': noTruthyCacheCheck,
  'no-unbounded-cache': noUnboundedCache,
  'no-unbounded-concurrency': noUnboundedConcurrency,
  'require-interval-cleanup': requireIntervalCleanup,
  'require-request-timeout': requireRequestTimeout,
  'require-retry': requireRetry,
};
