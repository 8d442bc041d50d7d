// Physical replication slots on a primary, one per member. The rule for the others: a physical,
// persistent slot that is not wanted is dropped once nothing streams from it; logical and
// temporary slots (pg_basebackup's) are never touched. Slots the cluster should keep for other
// reasons (Patroni's permanent slots) must therefore be among the wanted names.
import { DatabaseError, type Client } from 'pg';

const DUPLICATE_OBJECT = '42710';
const OBJECT_IN_USE = '55006';

function isSqlState(error: unknown, code: string): boolean {
  return error instanceof DatabaseError && error.code === code;
}

export async function syncPhysicalSlots(client: Client, wanted: ReadonlySet<string>): Promise<void> {
  const { rows } = await client.query<{ slot_name: string; active: boolean }>(
    "SELECT slot_name, active FROM pg_catalog.pg_replication_slots WHERE slot_type = 'physical' AND NOT temporary",
  );
  const present = new Set(rows.map((row) => row.slot_name));
  for (const name of wanted) {
    if (present.has(name)) continue;
    // Reserving WAL at once keeps what a member that starts streaming later will ask for.
    await client.query('SELECT pg_catalog.pg_create_physical_replication_slot($1, true)', [name]).catch((error: unknown) => {
      if (!isSqlState(error, DUPLICATE_OBJECT)) throw error;
    });
  }
  for (const row of rows) {
    if (wanted.has(row.slot_name) || row.active) continue;
    await client.query('SELECT pg_catalog.pg_drop_replication_slot($1)', [row.slot_name]).catch((error: unknown) => {
      if (!isSqlState(error, OBJECT_IN_USE)) throw error;
    });
  }
}
