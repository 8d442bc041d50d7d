import { describe, expect, it } from 'vitest';
import { labDesired, labSpec } from './lab-desired.js';

/** The modprobe options the lab spec, edited, gives host c1 (undefined: no softdog files). */
function modprobe(edit: (text: string) => string): string | undefined {
  const file = labDesired(labSpec(edit)).resources.find((r) => r.kind === 'file' && r.host === 'c1' && r.path === '/etc/modprobe.d/pgha-softdog.conf');
  return file?.kind === 'file' ? file.content.split('\n').find((line) => line.startsWith('options ')) : undefined;
}

const watchdog = (lines: string) => (text: string) => text.replace('watchdog:\n  mode: automatic\n', `watchdog:\n${lines}`);

describe('the softdog files', () => {
  it('give softdog the timeout the agent wants, ttl - safety_margin, unless the spec sets soft_margin', () => {
    expect(modprobe((t) => t)).toBe('options softdog soft_margin=5');
    expect(modprobe(watchdog('  mode: required\n  safety_margin: 3\n'))).toBe('options softdog soft_margin=7');
    expect(modprobe(watchdog('  mode: automatic\n  soft_margin: 4\n'))).toBe('options softdog soft_margin=4');
  });

  it('are not written without a watchdog', () => {
    expect(modprobe(watchdog('  mode: "off"\n'))).toBeUndefined();
  });
});
