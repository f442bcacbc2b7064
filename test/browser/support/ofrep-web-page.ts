// The page script of test/browser/ofrep-web-provider.test.ts, bundled for the browser with esbuild:
// OpenFeature's web SDK with OpenFeature's own OFREP web provider (@openfeature/ofrep-web-provider),
// configured as the README tells an application to, and a few functions the test calls. Runs in the page.
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { type EvaluationContext, OpenFeature, type Provider, ProviderEvents } from '@openfeature/web-sdk';

/** What the page tells the test (through `report`, exposed by Playwright). */
export type PageReport =
  | { type: 'changed'; flagsChanged: string[]; values: PageValues }
  | { type: 'stale' | 'error'; message: string };

export interface PageValues {
  banner: { value: string; variant?: string; reason?: string; errorCode?: string };
  enabled: boolean;
}

const page = globalThis as unknown as {
  report(entry: PageReport): void;
  ofrep: Record<string, (...args: never[]) => unknown>;
};

function values(): PageValues {
  const client = OpenFeature.getClient();
  const { value, variant, reason, errorCode } = client.getStringDetails('banner', 'none');
  return {
    banner: {
      value,
      ...(variant !== undefined && { variant }),
      ...(reason !== undefined && { reason }),
      ...(errorCode !== undefined && { errorCode }),
    },
    enabled: client.getBooleanValue('checkout.enabled', false),
  };
}

page.ofrep = {
  /** Sets the context and the provider, waits until it is ready; answers the values. */
  async start(baseUrl: string, token: string, context: EvaluationContext): Promise<PageValues> {
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, (details) =>
      page.report({
        type: 'changed',
        flagsChanged: (details?.flagsChanged as string[] | undefined) ?? [],
        values: values(),
      }),
    );
    OpenFeature.addHandler(ProviderEvents.Stale, (details) =>
      page.report({ type: 'stale', message: details?.message ?? '' }),
    );
    OpenFeature.addHandler(ProviderEvents.Error, (details) =>
      page.report({ type: 'error', message: details?.message ?? '' }),
    );
    await OpenFeature.setContext(context);
    const provider = new OFREPWebProvider({ baseUrl, headers: [['Authorization', `Bearer ${token}`]] });
    // The provider declares `hooks?: Hook[]`, which exactOptionalPropertyTypes (ours, not theirs) rejects.
    await OpenFeature.setProviderAndWait(provider as Provider);
    return values();
  },
  /** A new context (the provider re-evaluates); answers the values once the SDK says it is done. */
  async setContext(context: EvaluationContext): Promise<PageValues> {
    await OpenFeature.setContext(context);
    return values();
  },
  values,
  /** The status a `fetch` from this page gets, or why it got none (CORS refuses to show it). */
  async status(url: string, token: string, body?: string): Promise<number | string> {
    try {
      const res = await fetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body }),
      });
      return res.status;
    } catch (err) {
      return `no response: ${String(err)}`;
    }
  },
};
