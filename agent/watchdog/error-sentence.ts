/** The message of a thrown value: the devices reject with Errors whose message is one sentence. */
export function errorSentence(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
