// Mode and ownership, shared by files and directories.

export interface ObservedAttributes {
  mode: string;
  owner: string;
  group: string;
}

export function attributeChanges(desired: ObservedAttributes, observed: ObservedAttributes): string[] {
  const changes: string[] = [];
  if (Number.parseInt(observed.mode, 8) !== Number.parseInt(desired.mode, 8)) changes.push(`mode ${observed.mode} → ${desired.mode}`);
  if (observed.owner !== desired.owner || observed.group !== desired.group) {
    changes.push(`owner ${observed.owner}:${observed.group} → ${desired.owner}:${desired.group}`);
  }
  return changes;
}
