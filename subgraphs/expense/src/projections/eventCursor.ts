/**
 * Where an event stands in its topic, as text: fixed-width partition and offset. A user's events
 * share one partition (the key is the user id), so within a user the text orders as the offsets
 * do. It is the cursor of the change an event makes (subscribers resume from it) and the entry a
 * totals bucket keeps of each change applied to it.
 */
export function eventCursor(partition: number, offset: string): string {
  return `${String(partition).padStart(5, '0')}-${offset.padStart(20, '0')}`;
}
