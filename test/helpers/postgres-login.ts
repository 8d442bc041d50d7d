// Logs in to PostgreSQL as a role: its current_user, or "refused: " and why.
import pg from 'pg';

export async function loginAs(options: { host: string; port: number; user: string; password: string }): Promise<string> {
  const client = new pg.Client({ ...options, database: 'postgres', connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return String((await client.query('SELECT current_user AS u')).rows[0].u);
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
