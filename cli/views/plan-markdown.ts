// A plan as a pull-request comment: the summary and what it interrupts first, the DCS config as a
// key table, then one collapsible block per host. A change that is the same on several hosts is
// shown once ("same on c2, c3"). The whole stays under a comment's size limit: diffs are cut
// first, then host blocks, and what was cut is named.
import { configChanges, type KeyChange } from '../resources/dcs-config.js';
import { RESTART_PARAMETERS } from '../../agent/contract/restart-parameters.js';
import { changeSubject, type Plan, type PlannedChange } from '../plan/plan.js';
import { NO_CHANGES, summarySentence } from './plan-text.js';

/** GitHub refuses a comment over 65,536 characters; this leaves room for a caller's own lines. */
export const MARKDOWN_LIMIT = 65_000;
const DIFF_LINES_WHEN_SHORTENED = 30;

const SYMBOL: Record<PlannedChange['action'], string> = { create: '+', update: '~', replace: '-/+', delete: '-' };

/** A code span that holds `text` whatever backticks it contains. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** A fenced block that `text` cannot close. */
function fenced(language: string, text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** Text outside code: HTML and Markdown that could change the layout are escaped. */
function plain(text: string): string {
  return text.replace(/[\\`*_[\]<>&|#]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}

/** Table cells: one line, pipes escaped. */
function cell(text: string): string {
  return code(text.replace(/\n/g, ' ')).replace(/\|/g, '\\|');
}

/** What makes two hosts' changes "the same": everything but the host. */
function sameness(change: PlannedChange): string {
  return JSON.stringify([change.kind, change.name, change.action, change.details, change.diff ?? '', change.restart_needed ?? []]);
}

function dcsRows(change: PlannedChange): KeyChange[] | undefined {
  if (change.kind !== 'dcs_config' || !change.values) return undefined;
  const asRecord = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
  return configChanges(asRecord(change.values.before), asRecord(change.values.after));
}

function dcsTable(change: PlannedChange): string | undefined {
  const rows = dcsRows(change);
  if (!rows || rows.length === 0) return undefined;
  const shown = (value: unknown): string => (value === undefined ? '—' : cell(JSON.stringify(value)));
  const takes = (row: KeyChange): string => {
    const [section, group, name] = row.path;
    if (change.action === 'create') return 'bootstrap';
    return section === 'postgresql' && group === 'parameters' && name !== undefined && RESTART_PARAMETERS.has(name) ? '**PostgreSQL restart**' : 'at once';
  };
  const lines = ['| Key | Before | After | Takes effect |', '|---|---|---|---|', ...rows.map((row) => `| ${cell(row.path.join('.'))} | ${shown(row.before)} | ${shown(row.after)} | ${takes(row)} |`)];
  return lines.join('\n');
}

/** What the plan interrupts or restarts, in a sentence each. */
function impacts(plan: Plan): string[] {
  const lines: string[] = [];
  for (const change of plan.changes) {
    if (change.kind === 'agent_restart' || change.kind === 'etcd_restart' || change.kind === 'postgres_rolling_restart' || change.kind === 'agent_settle') {
      lines.push(`${code(changeSubject(change))}: ${plain(change.details.join('; '))}`);
    }
    if (change.kind === 'service' && change.action === 'delete') lines.push(`${code(`${change.host}: ${changeSubject(change)}`)} stops`);
  }
  return lines;
}

interface Shown {
  /** Diffs longer than this many lines are cut; undefined: whole. */
  diffLines?: number;
  /** Hosts whose block is left out. */
  omitted: ReadonlySet<string>;
}

function changeItem(change: PlannedChange, alsoOn: readonly string[], shown: Shown): string {
  const title = `- ${code(SYMBOL[change.action])} ${plain(change.kind.replaceAll('_', ' '))} ${code(change.name)}${alsoOn.length > 0 ? ` — same on ${alsoOn.join(', ')}` : ''}`;
  const lines = [title];
  const table = dcsTable(change);
  if (table) lines.push('', indent(table), '');
  else for (const detail of change.details) lines.push(`  - ${plain(detail)}`);
  if (change.restart_needed) lines.push(`  - PostgreSQL needs a restart for: ${change.restart_needed.map(code).join(', ')}`);
  if (change.diff && shown.diffLines !== 0) {
    const diff = change.diff.split('\n');
    const cut = shown.diffLines !== undefined && diff.length > shown.diffLines;
    const text = cut ? [...diff.slice(0, shown.diffLines), `... ${diff.length - shown.diffLines!} more lines (see the text plan)`].join('\n') : change.diff;
    lines.push('', indent(fenced('diff', text)), '');
  }
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}

function count(changes: readonly PlannedChange[]): string {
  const by = (action: PlannedChange['action']): number => changes.filter((c) => c.action === action).length;
  return [['+', by('create')], ['~', by('update')], ['-/+', by('replace')], ['-', by('delete')]]
    .filter(([, n]) => n !== 0)
    .map(([symbol, n]) => `${n} ${symbol}`)
    .join(', ');
}

function render(plan: Plan, shown: Shown, pointer: string): string {
  const spec = plan.spec.commit ? `${code(plan.spec.file)} at ${code(plan.spec.ref ?? '')} (commit ${code(plan.spec.commit.slice(0, 12))})` : code(plan.spec.file);
  const out = [`### pgha plan for cluster ${code(plan.cluster)}`, '', `Spec ${spec}, planned ${plan.created_at} by pgha ${plan.pgha_version}.`, ''];
  if (plan.changes.length === 0) return [...out, `**${NO_CHANGES}**`, ''].join('\n');
  out.push(`**${summarySentence(plan)}**`, '');
  for (const warning of plan.warnings) out.push(`> **Warning:** ${plain(warning)}`, '');
  for (const notice of plan.notices) out.push(`> **Note:** ${plain(notice)}`, '');
  const impact = impacts(plan);
  if (impact.length > 0) out.push('**Restarts and interruptions**', '', ...impact.map((line) => `- ${line}`), '');

  const hosts = [...new Set(plan.changes.map((c) => c.host))];
  out.push('| Host | Changes |', '|---|---|', ...hosts.map((h) => `| ${code(h)} | ${count(plan.changes.filter((c) => c.host === h))} |`), '');

  const firstHost = new Map<string, string>();
  const hostsOf = new Map<string, string[]>();
  for (const change of plan.changes) {
    const key = sameness(change);
    if (!firstHost.has(key)) firstHost.set(key, change.host);
    hostsOf.set(key, [...(hostsOf.get(key) ?? []), change.host]);
  }
  for (const host of hosts) {
    if (shown.omitted.has(host)) continue;
    const changes = plan.changes.filter((c) => c.host === host);
    const items = changes.map((change) => {
      const key = sameness(change);
      const first = firstHost.get(key)!;
      if (first !== host) return `- ${code(SYMBOL[change.action])} ${plain(change.kind.replaceAll('_', ' '))} ${code(change.name)}: same as on ${code(first)}`;
      return changeItem(change, hostsOf.get(key)!.filter((h) => h !== host), shown);
    });
    out.push('<details>', `<summary><b>${plain(host)}</b>: ${count(changes)}</summary>`, '', ...items, '', '</details>', '');
  }
  const cut = [
    ...(shown.diffLines === 0 ? ['diffs are left out'] : shown.diffLines !== undefined ? [`diffs longer than ${shown.diffLines} lines are cut`] : []),
    ...(shown.omitted.size > 0 ? [`the changes of ${hosts.filter((h) => shown.omitted.has(h)).join(', ')} are left out`] : []),
  ];
  if (cut.length > 0) out.push(`> This comment is shortened to stay under ${MARKDOWN_LIMIT.toLocaleString('en')} characters: ${cut.join('; ')}. ${pointer}`, '');
  return out.join('\n');
}

/** The plan as Markdown, at most MARKDOWN_LIMIT characters; `pointer` tells where the whole plan is. */
export function planMarkdown(plan: Plan, pointer = 'The whole plan: `pgha show PLANFILE` (text), or the job log.'): string {
  const hosts = [...new Set(plan.changes.map((c) => c.host))];
  const attempts: Shown[] = [{ omitted: new Set() }, { diffLines: DIFF_LINES_WHEN_SHORTENED, omitted: new Set() }, { diffLines: 0, omitted: new Set() }];
  for (const shown of attempts) {
    const text = render(plan, shown, pointer);
    if (text.length <= MARKDOWN_LIMIT) return text;
  }
  // Host blocks go last first, until it fits; the summary, impacts and host table always stay.
  const omitted = new Set<string>();
  for (const host of [...hosts].reverse()) {
    omitted.add(host);
    const text = render(plan, { diffLines: 0, omitted }, pointer);
    if (text.length <= MARKDOWN_LIMIT) return text;
  }
  return render(plan, { diffLines: 0, omitted }, pointer).slice(0, MARKDOWN_LIMIT);
}
