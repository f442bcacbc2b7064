import { createHash } from 'node:crypto';
import type { Principal } from '../auth/access-control.js';
import type { FlagEvaluator } from '../evaluation/flag-evaluator.js';
import type { FlagRecord } from '../flags/flag.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { scopeHeaders } from '../flags/flag-view.js';
import type { FlagState } from '../history/time-travel.js';
import { type MemoisedBody, memoise } from '../http/flag-list-memo.js';
import type { KnownContext } from './bulk-context-memo.js';
import type { BulkAnswerMemo } from './bulk-memo.js';
import { type EvaluationState, fingerprintOf } from './evaluation-state.js';
import { EVENT_STREAM_ROUTE } from './event-stream.js';
import { evaluationAnswer } from './responses.js';
import type { StreamTickets } from './stream-tickets.js';

/** One bulk request, checked: who asks, where, for which context. */
export interface BulkSubject {
  readonly principal: Principal;
  readonly environment: string;
  /** The context, a JSON object (checked). */
  readonly context: object;
  /** The context as canonical JSON (canonical-json.ts). */
  readonly canonicalContext: string;
  /** The token presented, from which the event stream's ticket is made; undefined with open access. */
  readonly token: string | undefined;
  /**
   * The remembered body `context` and `canonicalContext` come from (bulk-context-memo.ts), if any: its
   * last ETag is kept there between requests.
   */
  readonly known?: KnownContext;
}

/** The bulk body's top-level metadata: the environment, and for an `asOf` answer its revision. */
interface BulkMetadata {
  environment: string;
  asOfRevision?: number;
}

/**
 * `POST /ofrep/v1/evaluate/flags`: every flag evaluated for one context, and the answer's ETag.
 *
 * The ETag covers everything the answer depends on: the flags and segments (the state's fingerprint and
 * the id of the last change event), the environment, the token (the event stream's URL in the answer is
 * the token's), and the whole context, canonicalised. So it is known before anything is evaluated: a
 * provider revalidating an answer it holds is told 304 without a single evaluation, even for a context
 * this instance never saw. And it changes with any attribute of the context, not only `targetingKey`:
 * the official web provider keeps its ETag across a context change that keeps the `targetingKey`, and an
 * ETag of the flags alone would answer it a stale 304. Equal on every instance holding the same records.
 *
 * Answers are memoised (bulk-memo.ts): a repeat of a context is answered without evaluating again.
 */
export class BulkEvaluation {
  private memoGeneration = -1;
  private listed: { readonly generation: number; readonly flags: readonly FlagRecord[] } | undefined;

  constructor(
    private readonly evaluator: FlagEvaluator,
    private readonly snapshot: FlagSnapshot,
    private readonly state: EvaluationState,
    private readonly tickets: StreamTickets,
    private readonly memo: BulkAnswerMemo,
  ) {}

  /**
   * The ETag of the answer to `subject` in the current state. Remembered with the context it is for
   * (`subject.known`), with every other input it hashes: a revalidation of the same context by the same
   * token in the same state is answered without hashing again, and any other input hashes anew.
   */
  etagOf(subject: BulkSubject): string {
    const { fingerprint, signalled } = this.state;
    const { environment, known } = subject;
    const principalId = subject.principal.id;
    const last = known?.lastEtag;
    if (
      last !== undefined &&
      last.fingerprint === fingerprint &&
      last.signalled === signalled &&
      last.environment === environment &&
      last.principalId === principalId
    )
      return last.etag;
    const hash = createHash('sha256')
      .update(`${fingerprint}\n${signalled}\n${environment}\n`)
      .update(`${principalId}\n`)
      .update(subject.canonicalContext)
      .digest('base64url');
    const etag = `"${hash.slice(0, 32)}"`;
    if (known !== undefined) known.lastEtag = { principalId, environment, fingerprint, signalled, etag };
    return etag;
  }

  /** The answer (body and headers) to `subject`, whose current ETag is `etag`. */
  answer(subject: BulkSubject, etag: string): MemoisedBody {
    if (this.memoGeneration !== this.state.generation) {
      // A change: every memoised answer is outdated (their ETags would not match); free them now.
      this.memo.clear();
      this.memoGeneration = this.state.generation;
    }
    const key = `${subject.environment}\u0000${subject.principal.id}\u0000${subject.canonicalContext}`;
    const memoised = this.memo.get(key, etag);
    if (memoised) return memoised;
    const built = memoise(
      Buffer.from(JSON.stringify(this.body(subject))),
      etag,
      scopeHeaders(subject.environment),
    );
    this.memo.set(key, etag, built);
    return built;
  }

  /**
   * The answer to `subject` as of `state` (history/time-travel.ts), whose ETag is `etag`: never
   * memoised, and the memo is left alone. For the live view (an `asOf` at or after the current
   * revision) the live answer (its event stream included); for a past state no `eventStreams` (the past
   * does not change). Both name the revision answered in `metadata.asOfRevision`, and in
   * `extraHeaders` when the caller puts the as-of header there.
   */
  answerAsOf(
    subject: BulkSubject,
    state: FlagState,
    etag: string,
    extraHeaders: Readonly<Record<string, string>>,
  ): MemoisedBody {
    const metadata: BulkMetadata = { environment: subject.environment, asOfRevision: state.revision };
    const body = state.live
      ? { ...this.body(subject), metadata }
      : { flags: this.evaluations(subject, state.evaluator, state.records.list('')), metadata };
    return memoise(Buffer.from(JSON.stringify(body)), etag, {
      ...scopeHeaders(subject.environment),
      ...extraHeaders,
    });
  }

  /**
   * The ETag of the answer to `subject` as of a past `state` (not the live view): it never changes, so
   * it is the revision answered, the digest of the records then (a state above what this instance is
   * exact through could still gain a late change at or below its revision), the environment, the token
   * and the context. Prefixed, so it never equals a live ETag.
   */
  pastEtagOf(subject: BulkSubject, state: FlagState): string {
    const hash = createHash('sha256')
      .update(`${state.revision}\n${fingerprintOf(state.records)}\n${subject.environment}\n`)
      .update(`${subject.principal.id}\n`)
      .update(subject.canonicalContext)
      .digest('base64url');
    return `"asof.${state.revision}.${hash.slice(0, 32)}"`;
  }

  private body(subject: BulkSubject): { flags: unknown[]; eventStreams: unknown[]; metadata: BulkMetadata } {
    const { environment } = subject;
    const query = new URLSearchParams({ environment, lastEventId: String(this.state.signalled) });
    if (subject.token !== undefined) query.set('ticket', this.tickets.issue(subject.token, environment));
    return {
      flags: this.evaluations(subject, this.evaluator, this.flags()),
      // Relative (`endpoint` without `origin`): the provider connects to the origin it already uses,
      // so nothing here depends on the Host header or on how the service is reached.
      eventStreams: [{ type: 'sse', endpoint: { requestUri: `${EVENT_STREAM_ROUTE}?${query}` } }],
      metadata: { environment },
    };
  }

  private evaluations(subject: BulkSubject, evaluator: FlagEvaluator, flags: readonly FlagRecord[]) {
    const { environment, context } = subject;
    return flags.map((record) => evaluationAnswer(evaluator.evaluate(record.key, environment, context)).body);
  }

  /** Every flag, sorted by key; listed again only after a change. */
  private flags(): readonly FlagRecord[] {
    if (this.listed?.generation !== this.state.generation)
      this.listed = { generation: this.state.generation, flags: this.snapshot.list('') };
    return this.listed.flags;
  }
}
