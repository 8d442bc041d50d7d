// Patroni lets members carry any custom tag, so the schema cannot refuse an unknown one; a tag
// that is one typo away from a Patroni tag ("nofailver") would silently do nothing, though.
import common from '../../../schemas/common.schema.json' with { type: 'json' };
import { closestMatch } from '../../../agent/contract/document/closest-match.js';
import { quoted } from '../../../agent/contract/quoted.js';
import { error, warning, type Finding, type SpecRule } from './spec-rule.js';

const PATRONI_TAGS = Object.keys(common.$defs.tags.properties);

export const customTags: SpecRule = {
  name: 'tags',
  check(spec) {
    const findings: Finding[] = [];
    spec.hosts.forEach((host, i) => {
      const tags = Object.keys(host.tags ?? {});
      if (tags.length > 0 && !host.roles.includes('postgres')) {
        findings.push(warning(['hosts', i, 'tags'], `${host.name} has tags but no postgres role; tags only matter to postgres members`, 'key'));
      }
      for (const tag of tags) {
        if (PATRONI_TAGS.includes(tag)) continue;
        const near = closestMatch(tag, PATRONI_TAGS);
        if (near) {
          findings.push(
            error(['hosts', i, 'tags', tag], `tag ${quoted(tag)} looks like a misspelt "${near}" (a custom tag by that name would do nothing)`, 'key'),
          );
        }
      }
    });
    return findings;
  },
};
