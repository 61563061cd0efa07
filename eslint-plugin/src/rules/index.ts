// Every rule the plugin has, by name. Keep this a sorted list of imports and one object literal.
import noRedisKeys from './no-redis-keys.js';
import requireRequestTimeout from './require-request-timeout.js';
import requireRetry from './require-retry.js';

export const rules = {
  'no-redis-keys': noRedisKeys,
  'require-request-timeout': requireRequestTimeout,
  'require-retry': requireRetry,
};
