/**
 * The Kling node as a tool in a real n8n: an MCP Server Trigger offers it, and a plain MCP client (no AI model) calls
 * it over n8n's streamable HTTP endpoint. Called as a tool, the node polls even when Completion says pause, and each
 * call is a run of its own: a second call creates its own task instead of taking over the first call's.
 */
import { randomUUID } from 'node:crypto';

import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import { useN8n } from './helpers.cts';
import { CREDENTIAL_NAME, KLING_NODE, readExample, type WorkflowJson } from './runtime/workflows.cts';

const ctx = useN8n('tool');
let sim: KlingSimulator;

beforeAll(async () => {
	sim = await startSimulator({ timing: { submittedMs: 200, processingMs: 2000 } });
});

afterAll(async () => {
	await sim?.close();
});

/** One JSON-RPC message to n8n's MCP endpoint; n8n answers as a server-sent event or as JSON. */
async function mcp(url: string, message: object, session?: string): Promise<{ session?: string; answer?: any }> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(session ? { 'mcp-session-id': session } : {}) },
		body: JSON.stringify({ jsonrpc: '2.0', ...message }),
	});
	expect(response.status).toBeLessThan(300);
	const text = await response.text();
	const data = text.split('\n').find((line) => line.startsWith('data: '));
	const json = data ? data.slice('data: '.length) : text;
	return { session: response.headers.get('mcp-session-id') ?? session, answer: json ? JSON.parse(json) : undefined };
}

describe('The Kling node as a tool in a real n8n (MCP Server Trigger)', () => {
	it('polls instead of pausing, and makes each call a task of its own', async () => {
		const { api, server } = ctx.instance;
		const credential = { id: await api.createCredential(CREDENTIAL_NAME, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url }), name: CREDENTIAL_NAME };
		const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
		const workflow: WorkflowJson = {
			name: 'Kling over MCP',
			nodes: [
				{ name: 'MCP Server Trigger', type: '@n8n/n8n-nodes-langchain.mcpTrigger', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { path: 'kling-tools' } },
				{ ...create, type: `${KLING_NODE}Tool`, position: [0, 200], parameters: { ...create.parameters, options: { completion: 'callback' } }, credentials: { klingApi: credential } },
			],
			connections: { [create.name]: { ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		};
		const url = `${server.url}/mcp/kling-tools`;
		await api.activate(await api.createWorkflow(workflow), [url]);

		const { session } = await mcp(url, { id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'kling-e2e', version: '1' } } });
		await mcp(url, { method: 'notifications/initialized' }, session);
		const { answer: listed } = await mcp(url, { id: 2, method: 'tools/list' }, session);
		const [tool] = listed.result.tools as Array<{ name: string }>;
		const results: string[] = [];
		for (const id of [3, 4]) {
			const { answer } = await mcp(url, { id, method: 'tools/call', params: { name: tool.name, arguments: {} } }, session);
			results.push(JSON.stringify(answer.result));
		}

		const tasks = sim.tasks('elements');
		expect(tasks).toHaveLength(2);
		// Polled: no task was given a resume URL to call back.
		expect(tasks.map((task) => task.body.callback_url)).toEqual([undefined, undefined]);
		expect(new Set(tasks.map((task) => task.body.external_task_id)).size).toBe(2);
		expect(sim.apiRequests({ method: 'POST' }).map((request) => request.code)).toEqual([0, 0]);
		expect(results.map((result, index) => result.includes(tasks[index].outputId!))).toEqual([true, true]);
	});
});
