import { type FlagDefinition, segmentsNamedBy } from '@flagwire/core';
import type { RecordCatalog } from './record-catalog.js';

/** Whether any environment's rules of `definition` hold a `segmentMatch` clause naming `segment`. */
export function usesSegment(definition: FlagDefinition, segment: string): boolean {
  return segmentsNamedBy(definition).has(segment);
}

/** The keys of the flags whose rules name `segment`, sorted: what refuses its deletion. */
export function flagsUsingSegment(catalog: RecordCatalog, segment: string): string[] {
  const users: string[] = [];
  for (const key of catalog.flagKeys()) {
    const record = catalog.get(key);
    if (record?.kind === 'flag' && usesSegment(record.definition, segment)) users.push(key);
  }
  return users.sort();
}
