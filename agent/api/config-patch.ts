// PATCH /config's merge, with Patroni's rules: objects merge recursively, `null` deletes a key,
// and a scalar is replaced only when its text differs (`30` and `"30"` are the same value).
import type { JsonObject } from './api-exchange.js';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python's str() of a JSON value, which Patroni compares scalars by. */
function pythonText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return 'None';
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** Sets an own property even for keys such as `__proto__`, which plain assignment would not. */
function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function patchInPlace(target: JsonObject, patch: JsonObject): boolean {
  let changed = false;
  for (const [key, value] of Object.entries(patch)) {
    const present = Object.hasOwn(target, key);
    const current = target[key];
    if (value === null) {
      if (present) delete target[key];
      changed ||= present && current !== null;
    } else if (present && isObject(value) && isObject(current)) {
      changed = patchInPlace(current, value) || changed;
    } else if (!present || isObject(value) || pythonText(current) !== pythonText(value)) {
      setOwn(target, key, value);
      changed = true;
    }
  }
  return changed;
}

export function patchConfig(config: JsonObject, patch: JsonObject): { config: JsonObject; changed: boolean } {
  const merged = structuredClone(config);
  const changed = patchInPlace(merged, patch);
  return { config: merged, changed };
}
