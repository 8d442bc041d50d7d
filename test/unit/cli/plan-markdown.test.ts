// `pgha plan --format markdown` / `pgha show --format markdown`: rendered by a real CommonMark
// parser (markdown-it, with GitHub's tables and HTML blocks), as a pull-request comment would be.
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../cli/engine/build-plan.js';
import type { Plan } from '../../../cli/plan/plan.js';
import type { DesiredResource } from '../../../cli/resources/desired-resource.js';
import { MARKDOWN_LIMIT, planMarkdown } from '../../../cli/views/plan-markdown.js';
import { summarySentence } from '../../../cli/views/plan-text.js';
import { bareObserved, convergedObserved, labDesired, labSpec, LAB_PLAN_HEADER, SECRET_VALUES, TEST_DIGEST } from '../provisioner/lab-desired.js';

const markdown = new MarkdownIt({ html: true });

function planOf(resources: readonly DesiredResource[], observe: (r: DesiredResource) => unknown): Plan {
  return buildPlan(LAB_PLAN_HEADER, resources, new Map(resources.map((r) => [r.id, observe(r)])), TEST_DIGEST.of);
}

/** The lab spec with `count` hosts, each with every role. */
function specOf(count: number) {
  const hosts = Array.from({ length: count }, (_, i) => `  - { name: c${i + 1}, address: 10.213.7.${11 + i}, roles: [postgres, etcd, haproxy] }`).join('\n');
  return labSpec((text) => text.replace(/^hosts:\n(?:  - .*\n)+/m, `hosts:\n${hosts}\n`));
}

function expectWellFormed(text: string): string {
  expect(text.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
  const html = markdown.render(text);
  // Every fence closed, every block folded: nothing of the Markdown syntax leaks into the page.
  expect(html).not.toContain('```');
  expect(html.split('<details>').length).toBe(html.split('</details>').length);
  for (const secret of Object.values(SECRET_VALUES)) expect(text).not.toContain(secret);
  return html;
}

describe('a plan as Markdown', () => {
  it('of bare lab hosts: the summary, a host table, one folded block per host, identical changes shown once', () => {
    const plan = planOf(labDesired().resources, bareObserved);
    const text = planMarkdown(plan);
    const html = expectWellFormed(text);
    expect(text).toContain(`**${summarySentence(plan)}**`);
    expect(html).toMatch(/<table>\s*<thead>\s*<tr>\s*<th>Host<\/th>\s*<th>Changes<\/th>/);
    expect(html.match(/<summary><b>c\d<\/b>/g)).toEqual(['<summary><b>c1</b>', '<summary><b>c2</b>', '<summary><b>c3</b>']);
    // A package is the same on every host: shown on c1, referred to on the others.
    expect(text).toContain('- `+` package `etcd-server` — same on c2, c3');
    expect(text).toContain('- `+` package `etcd-server`: same as on `c1`');
    // A file that differs per host (its own address) is shown on each.
    expect(text.match(/- `\+` file `\/etc\/pgha\/agent\.yaml`\n/g)?.length).toBe(3);
    expect(html).toContain('<code class="language-diff">');
  });

  it('of a DCS change: a key table with before, after and when it takes effect', () => {
    const changed = labDesired(labSpec((text) => text.replace('  loop_wait: 2', '  loop_wait: 1').replace('    parameters:\n', '    parameters:\n      max_connections: 150\n')));
    const live = new Map(labDesired().resources.map((r) => [r.id, convergedObserved(r)]));
    const plan = planOf(changed.resources, (r) => live.get(r.id));
    const dcs = plan.changes.find((c) => c.kind === 'dcs_config')!;
    expect(dcs.values).toBeDefined();
    const html = expectWellFormed(planMarkdown(plan));
    expect(html).toMatch(/<tr>\s*<td><code>loop_wait<\/code><\/td>\s*<td><code>2<\/code><\/td>\s*<td><code>1<\/code><\/td>\s*<td>at once<\/td>/);
    expect(html).toMatch(/<tr>\s*<td><code>postgresql\.parameters\.max_connections<\/code><\/td>\s*<td>—<\/td>\s*<td><code>150<\/code><\/td>\s*<td><strong>PostgreSQL restart<\/strong><\/td>/);
  });

  it('of eight bare hosts with long files: under the limit, the long diffs cut, saying so', () => {
    const plan = planOf(labDesired(specOf(8)).resources, bareObserved);
    for (const change of plan.changes) if (change.diff) change.diff = `${change.diff}\n${Array.from({ length: 400 }, (_, i) => `+# padding line ${i}`).join('\n')}`;
    const text = planMarkdown(plan);
    expectWellFormed(text);
    expect(text).toContain('diffs longer than 30 lines are cut');
    expect(text).toMatch(/\n {2}\.\.\. \d+ more lines \(see the text plan\)\n/);
    expect(text).toContain('The whole plan: `pgha show PLANFILE`');
    expect(text.match(/<summary><b>c\d<\/b>/g)?.length).toBe(8);
  });

  it('of a plan too big even without diffs: host blocks are left out, last first, and named', () => {
    const plan = planOf(labDesired(specOf(8)).resources, bareObserved);
    for (const change of plan.changes) change.details = [...change.details, ...Array.from({ length: 60 }, (_, i) => `detail ${i} of ${change.id}`)];
    const text = planMarkdown(plan);
    expectWellFormed(text);
    expect(text).toMatch(/the changes of (c\d, )*c8, cluster are left out/);
    expect(text).toContain('| `c8` |');
  });

  it('of no changes: says so', () => {
    const resources = labDesired().resources;
    expect(planMarkdown(planOf(resources, convergedObserved))).toContain('**No changes. The cluster matches the spec.**');
  });
});
