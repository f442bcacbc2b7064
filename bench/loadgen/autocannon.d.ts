// The part of autocannon 9's API the load generator uses (the package ships no types).
declare module 'autocannon' {
  export interface AutocannonRequest {
    method?: string | undefined;
    path?: string | undefined;
    headers?: Record<string, string> | undefined;
    body?: string | undefined;
    /** Called before each send; what it returns is sent. */
    setupRequest?: ((request: AutocannonRequest) => AutocannonRequest) | undefined;
  }

  interface AutocannonOptions {
    url: string;
    connections?: number;
    pipelining?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: AutocannonRequest[];
    /** Called with each client as it is created (before it sends anything). */
    setupClient?: (client: { setRequests(requests: AutocannonRequest[]): void }) => void;
  }

  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9: number;
  }

  interface AutocannonResult {
    duration: number;
    start: Date;
    finish: Date;
    errors: number;
    timeouts: number;
    non2xx: number;
    resets: number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram & { totalCount: number };
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }

  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  export default autocannon;
}
