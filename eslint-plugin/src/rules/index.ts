// Every rule the plugin has, by name. Keep this a sorted list of imports and one object literal.
import noRedisKeys from './no-redis-keys.js';

export const rules = {
  'no-redis-keys': noRedisKeys,
};
