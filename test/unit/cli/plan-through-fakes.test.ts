// Whole `pgha plan` runs against fake hosts and a fake cluster (no SSH, no etcd, no root): the
// Markdown of a bare eight-host cluster, as a pull request would show it.
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../cli/exit-codes.js';
import { MARKDOWN_LIMIT } from '../../../cli/views/plan-markdown.js';
import { fakeWorld, labSpecFile } from '../../helpers/fake-world.js';
import { SECRET_VALUES } from '../provisioner/lab-desired.js';

describe('pgha plan through the fake transport', () => {
  it('of eight bare hosts as Markdown: under the limit, each host folded, identical changes shown once, no secret', async () => {
    const world = fakeWorld(labSpecFile(8));
    const { code, io } = await world.pgha(['plan', '--format', 'markdown', '-detailed-exitcode', world.spec]);
    expect(io.stderr).toContain('Not created yet');
    expect(code).toBe(ExitCode.changes);
    const text = io.stdout;
    expect(text.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    const html = new MarkdownIt({ html: true }).render(text);
    expect(html).not.toContain('```');
    expect(html.match(/<details>\s*<summary><b>c\d<\/b>/g)).toHaveLength(8);
    expect(html.split('<details>').length).toBe(html.split('</details>').length);
    expect(html).toMatch(/same on c2, c3/);
    for (const secret of Object.values(SECRET_VALUES)) expect(text).not.toContain(secret);
    // Planning read every host and wrote nothing.
    for (const host of world.hosts.values()) {
      expect(host.ran.length).toBeGreaterThan(0);
      expect(host.ran.filter(({ argv }) => argv[0] === 'sh' && argv[3] !== 'pgha-read')).toEqual([]);
    }
  }, 60_000);
});
