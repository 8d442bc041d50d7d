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

/** Mode and owner as a plan's values hold them, the mode in octal without leading zeros. */
export function attributeValues(attributes: ObservedAttributes): ObservedAttributes {
  const mode = Number.parseInt(attributes.mode, 8);
  return { mode: Number.isNaN(mode) ? attributes.mode : mode.toString(8), owner: attributes.owner, group: attributes.group };
}
