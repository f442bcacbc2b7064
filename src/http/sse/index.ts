export { admitStream, type StreamAdmission } from './admission.js';
export { Connection } from './connection.js';
export { HEARTBEAT_FRAME, retryFrame } from './frames.js';
export { lastEventIdOf } from './last-event-id.js';
export { SignalHub } from './signal-hub.js';
export { type SseStream, type SseStreamDeps, sseStream } from './stream.js';
