import { createHash } from 'node:crypto';
import type { Principal } from '../auth/access-control.js';
import type { FlagEvaluator } from '../evaluation/flag-evaluator.js';
import type { FlagRecord } from '../flags/flag.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { scopeHeaders } from '../flags/flag-view.js';
import { type MemoisedBody, memoise } from '../http/flag-list-memo.js';
import type { KnownContext } from './bulk-context-memo.js';
import type { BulkAnswerMemo } from './bulk-memo.js';
import type { EvaluationState } from './evaluation-state.js';
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

  private body(subject: BulkSubject) {
    const { environment, context } = subject;
    const flags = this.flags().map(
      (record) => evaluationAnswer(this.evaluator.evaluate(record.key, environment, context)).body,
    );
    const query = new URLSearchParams({ environment, lastEventId: String(this.state.signalled) });
    if (subject.token !== undefined) query.set('ticket', this.tickets.issue(subject.token, environment));
    return {
      flags,
      // Relative (`endpoint` without `origin`): the provider connects to the origin it already uses,
      // so nothing here depends on the Host header or on how the service is reached.
      eventStreams: [{ type: 'sse', endpoint: { requestUri: `${EVENT_STREAM_ROUTE}?${query}` } }],
      metadata: { environment },
    };
  }

  /** Every flag, sorted by key; listed again only after a change. */
  private flags(): readonly FlagRecord[] {
    if (this.listed?.generation !== this.state.generation)
      this.listed = { generation: this.state.generation, flags: this.snapshot.list('') };
    return this.listed.flags;
  }
}
