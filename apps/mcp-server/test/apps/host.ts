/// <reference lib="dom" />
// A test host page doing what MCP Apps hosts do: render a view's HTML (read from its ui:// resource) in a sandboxed
// frame, talk to it with ext-apps' AppBridge over postMessage, and relay what the view asks of the server to a real
// MCP SDK Client (in the test process, reached through window.cappiRelay, which Playwright provides).
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { CallToolResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';

declare global {
  interface Window {
    /** Sends one request to the server through the test's MCP client; answers its result. */
    cappiRelay(method: string, params: unknown): Promise<unknown>;
    /** What the view told the host for the model (ui/update-model-context). */
    cappiModelContext(text: string): Promise<void>;
    cappiShow(view: ShowView): Promise<void>;
  }
}

export interface ShowView {
  html: string;
  toolName: string;
  toolInput: Record<string, unknown>;
  toolResult: CallToolResult;
  theme: 'light' | 'dark';
}

/** What a host's frame allows: nothing from the network, inline script and style only (the view's own). */
const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'";

window.cappiShow = async (view: ShowView) => {
  document.getElementById('view')?.remove();
  const frame = document.createElement('iframe');
  frame.id = 'view';
  frame.title = `${view.toolName} view`;
  // No allow-same-origin: the view runs in an opaque origin, apart from the host page.
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.style.cssText = 'width: 600px; height: 420px; border: 1px solid #8888; border-radius: 10px;';
  document.body.style.background = view.theme === 'dark' ? '#101114' : '#ffffff';
  document.body.append(frame);

  const bridge = new AppBridge(
    null,
    { name: 'cappi-test-host', version: '1.0.0' },
    { serverTools: {}, updateModelContext: { text: {} }, logging: {} },
    { hostContext: { theme: view.theme, displayMode: 'inline', platform: 'web' } },
  );
  bridge.oncalltool = async (params) => (await window.cappiRelay('tools/call', params)) as CallToolResult;
  bridge.onreadresource = async (params) => (await window.cappiRelay('resources/read', params)) as ReadResourceResult;
  bridge.onupdatemodelcontext = async (params) => {
    for (const block of params.content ?? []) if (block.type === 'text') await window.cappiModelContext(block.text);
    return {};
  };
  // As hosts do: the frame takes the height the view asks for (within reason).
  bridge.onsizechange = ({ height }) => {
    if (height !== undefined) frame.style.height = `${Math.min(Math.max(height, 120), 1200)}px`;
  };
  const initialized = new Promise<void>((resolve) => {
    bridge.oninitialized = () => resolve();
  });
  const contentWindow = frame.contentWindow;
  if (contentWindow === null) throw new Error('the frame has no window');
  await bridge.connect(new PostMessageTransport(contentWindow, contentWindow));
  frame.srcdoc = view.html.replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="${CSP}">`);
  await initialized;
  await bridge.sendToolInput({ arguments: view.toolInput });
  await bridge.sendToolResult(view.toolResult);
};
