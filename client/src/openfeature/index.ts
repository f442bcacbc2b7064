/**
 * @flagwire/client/openfeature: Flagwire as an OpenFeature server provider (`@openfeature/server-sdk`, a
 * peer dependency), streaming definitions and evaluating locally through @flagwire/client.
 */
export { FlagwireProvider, type FlagwireProviderOptions } from './provider.js';
