// The tags a member shows in `/patroni` and matches `?tag_<name>=` against: Patroni leaves out
// its boolean tags while they are off, except `nofailover` / `nosync` next to the priority tag
// that would otherwise decide.
import type { TagValue } from '../contract/dcs-records.js';
import type { Tags } from '../contract/schema-types.js';

const BOOLEAN_TAGS: ReadonlySet<string> = new Set(['nofailover', 'noloadbalance', 'clonefrom', 'nosync', 'nostream']);
const PRIORITY_OF: Readonly<Record<string, string>> = { nofailover: 'failover_priority', nosync: 'sync_priority' };

function shown(name: string, value: TagValue, tags: Tags): boolean {
  if (!BOOLEAN_TAGS.has(name) || value) return true;
  const priority = PRIORITY_OF[name];
  return priority !== undefined && tags[priority] !== undefined;
}

export function publishedTags(tags: Tags): Record<string, TagValue> {
  const published: Record<string, TagValue> = {};
  for (const [name, value] of Object.entries(tags)) {
    if (value !== undefined && shown(name, value, tags)) published[name] = value;
  }
  return published;
}
