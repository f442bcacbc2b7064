export { type SseStream, type SseStreamDeps, sseStream } from './stream.js';
