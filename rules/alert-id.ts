// Alert identity: one alert per rule × order × scope, the same on every worker and after restarts.
import { createHash } from 'node:crypto';

/** Hex characters kept from the SHA-256 (128 bits: collisions are not a practical concern). */
const ID_LENGTH = 32;

export function alertId(ruleId: string, orderId: string, scope: string): string {
  // NUL separators: no ID can contain one, so ("a", "bc") and ("ab", "c") never collide.
  return createHash('sha256').update(`${ruleId}\u0000${orderId}\u0000${scope}`).digest('hex').slice(0, ID_LENGTH);
}
