import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentUnitFile } from '../../../cli/desired/agent-unit.js';
import { checkSpec } from '../../../cli/spec/check-spec.js';
import { projectPath } from '../../helpers/paths.js';

const MINIMAL = readFileSync(projectPath('test/fixtures/specs/good/minimal.yaml'), 'utf8');

function unitFor(text: string): string {
  const { spec } = checkSpec(text);
  if (!spec) throw new Error('invalid spec');
  return agentUnitFile(spec, spec.hosts[0]!, '/opt/pgha/agent/current');
}

describe('the agent unit', () => {
  it('grants no capabilities without a virtual address', () => {
    expect(unitFor(MINIMAL)).not.toMatch(/Capabilities|ExecStopPost/);
  });

  it('lets the agent manage a virtual address, and has systemd remove it once the agent is gone, however it ended', () => {
    const unit = unitFor(`${MINIMAL}routing:\n  vip: { address: 10.1.0.100/24, interface: eth0 }\n`);
    expect(unit).toContain('\nAmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW\n');
    expect(unit).toContain('\nExecStopPost=-+/usr/sbin/ip addr del 10.1.0.100/24 dev eth0\n');
  });
});
