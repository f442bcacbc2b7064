import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config as zodConfig } from 'zod/v4/core';
import { App } from './app';
import './styles.css';

// zod (the flag document's schema, in the editor's chunk) probes for `new Function` when its schemas are
// built, unless told not to: the page's CSP refuses it and the browser logs the refusal as an error.
// Set here, before any chunk that builds a schema loads.
zodConfig({ jitless: true });
performance.mark('console:start');
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
