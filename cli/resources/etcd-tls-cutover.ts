// The etcd step of moving a running etcd from plain HTTP to TLS. By then every member holds its
// certificates (and has restarted with them, still serving plain HTTP), and the agents run with
// TLS, their user and a plain-HTTP fallback. Member by member, each once every member answers:
// etcd's membership gets the member's peer URL over TLS (the other members dial it with their own
// peer certificates), its /etc/default/etcd serves clients and peers TLS only, and it restarts.
// Two members of three hold the quorum throughout; a member already done is left alone.
// Authentication comes on after it (etcd-auth), and the agents drop the fallback last (agent-settle).
import { ETCD_ENVIRONMENT_PATH } from '../desired/etcd-environment.js';
import { ETCD_RESTART_TIMEOUT_S, ETCD_UNIT } from '../engine/etcd-restart.js';
import type { EtcdCutoverMember, EtcdTlsCutoverResource, FileResource } from './desired-resource.js';
import { fileHandler } from './file.js';
import type { ApplyContext, ResourceHandler } from './resource-handler.js';
import { runServiceAction } from './service.js';

export interface ObservedCutoverMember {
  name: string;
  /** Its /etc/default/etcd as the spec wants it at the end. */
  environmentDone: boolean;
  /** etcd's membership has its peer URL over TLS; undefined when etcd does not answer. */
  peerUrlDone: boolean | undefined;
}

export type ObservedCutover = ObservedCutoverMember[];

const done = (member: ObservedCutoverMember | undefined): boolean => member?.environmentDone === true && member.peerUrlDone === true;

function pending(resource: EtcdTlsCutoverResource, observed: ObservedCutover): EtcdCutoverMember[] {
  return resource.members.filter((m) => !done(observed.find((o) => o.name === m.name)));
}

async function cutOver(member: EtcdCutoverMember, seen: ObservedCutoverMember | undefined, context: ApplyContext): Promise<void> {
  if (seen?.peerUrlDone !== true) await context.cluster.updateEtcdPeerUrl(member.name, member.peerUrl);
  const file: FileResource = { kind: 'file', id: `${member.name}/file/${ETCD_ENVIRONMENT_PATH}`, host: member.name, stage: 'etcd', after: [], path: ETCD_ENVIRONMENT_PATH, content: member.environment, mode: '644', owner: 'root', group: 'root' };
  await fileHandler.apply(file, null, context);
  await runServiceAction(context, member.name, { unit: ETCD_UNIT, verb: 'restart', timeoutSeconds: ETCD_RESTART_TIMEOUT_S });
}

export const etcdTlsCutoverHandler: ResourceHandler<EtcdTlsCutoverResource, ObservedCutover> = {
  async read(resource, context) {
    const members = await context.cluster.etcdMembers();
    return Promise.all(
      resource.members.map(async (member) => {
        const file = await context.transport(member.name).readFile(ETCD_ENVIRONMENT_PATH);
        const peerUrls = members === 'unreachable' ? undefined : members.find((m) => m.name === member.name)?.peerUrls;
        return { name: member.name, environmentDone: file?.content === member.environment, peerUrlDone: peerUrls === undefined ? undefined : peerUrls.includes(member.peerUrl) };
      }),
    );
  },

  diff(resource, observed) {
    const left = pending(resource, observed);
    if (left.length === 0) return undefined;
    const member = (name: string, seen: ObservedCutoverMember | undefined) => ({ name, tls_environment: seen?.environmentDone ?? false, tls_peer_url: seen ? (seen.peerUrlDone ?? null) : false });
    const values = {
      before: { members: resource.members.map((m) => member(m.name, observed.find((o) => o.name === m.name))) },
      after: { members: resource.members.map((m) => ({ name: m.name, tls_environment: true, tls_peer_url: true })) },
    };
    return {
      action: 'update',
      details: [
        `turn plain HTTP off on etcd ${left.map((m) => m.name).join(', ')}, one member at a time, each once every member answers: the quorum holds throughout`,
        ...left.map((m) => `${m.name}: peer URL ${m.peerUrl} in etcd's membership; ${ETCD_ENVIRONMENT_PATH} serves clients and peers over TLS only; restart etcd`),
      ],
      values,
    };
  },

  async apply(resource, observed, context) {
    const left = pending(resource, observed);
    for (const [index, member] of left.entries()) {
      if (!(await context.waitEtcd(`before turning plain HTTP off on etcd ${member.name}`))) {
        throw new Error(`etcd did not answer with every member, so plain HTTP stays on for ${left.slice(index).map((m) => m.name).join(', ')}; the next plan shows that step again`);
      }
      await cutOver(member, observed.find((o) => o.name === member.name), context);
      // pgha talks TLS to etcd from the first member that serves it.
      context.cluster.reconnectEtcd();
    }
    if (!(await context.waitEtcd(`after turning plain HTTP off on etcd ${left.at(-1)?.name ?? ''}`))) throw new Error('etcd did not answer with every member after plain HTTP was turned off');
    return `plain HTTP off on ${left.map((m) => m.name).join(', ')}`;
  },
};
