/**
 * The Kling node as a tool in a real n8n, called two ways: by a plain MCP client (no AI model) over the streamable
 * HTTP endpoint of an MCP Server Trigger, and by n8n's AI Agent (the version the editor adds) whose chat model is a
 * scripted stand-in for OpenAI's API. Called as a tool, the node polls even when Completion says pause, and each
 * call is a run of its own: a second call creates its own task instead of taking over the first call's.
 */
import { randomUUID } from 'node:crypto';

import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import { prepared, useN8n } from './helpers.cts';
import { startFakeChatModel, type FakeChatModel } from './runtime/chatModel.cts';
import { n8nMajor } from './runtime/runtime.cts';
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

let klingCredential: { id: string; name: string } | undefined;

/** Element → Create from the example workflow as a tool, with Completion set to pause (which a tool call ignores). */
async function klingTool(position: [number, number]) {
	klingCredential ??= {
		id: await ctx.instance.api.createCredential(CREDENTIAL_NAME, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url }),
		name: CREDENTIAL_NAME,
	};
	const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
	return { ...create, type: `${KLING_NODE}Tool`, position, parameters: { ...create.parameters, options: { completion: 'callback' } }, credentials: { klingApi: klingCredential } };
}

/** The element tasks created since `before`: polled (no resume URL to call back), each with an external task ID of its own. */
function newTasks(before: number) {
	const tasks = sim.tasks('elements').slice(before);
	expect(tasks.map((task) => task.body.callback_url)).toEqual(tasks.map(() => undefined));
	expect(new Set(tasks.map((task) => task.body.external_task_id)).size).toBe(tasks.length);
	return tasks;
}

describe('The Kling node as a tool in a real n8n (MCP Server Trigger)', () => {
	it('polls instead of pausing, and makes each call a task of its own', async () => {
		const { api, server } = ctx.instance;
		const tool = await klingTool([0, 200]);
		const before = sim.tasks('elements').length;
		const workflow: WorkflowJson = {
			name: 'Kling over MCP',
			nodes: [{ name: 'MCP Server Trigger', type: '@n8n/n8n-nodes-langchain.mcpTrigger', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { path: 'kling-tools' } }, tool],
			connections: { [tool.name]: { ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		};
		const url = `${server.url}/mcp/kling-tools`;
		await api.activate(await api.createWorkflow(workflow), [url]);

		const { session } = await mcp(url, { id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'kling-e2e', version: '1' } } });
		await mcp(url, { method: 'notifications/initialized' }, session);
		const { answer: listed } = await mcp(url, { id: 2, method: 'tools/list' }, session);
		const [offered] = listed.result.tools as Array<{ name: string }>;
		const results: string[] = [];
		for (const id of [3, 4]) {
			const { answer } = await mcp(url, { id, method: 'tools/call', params: { name: offered.name, arguments: {} } }, session);
			results.push(JSON.stringify(answer.result));
		}

		const tasks = newTasks(before);
		expect(tasks).toHaveLength(2);
		expect(sim.apiRequests({ method: 'POST' }).map((request) => request.code)).toEqual([0, 0]);
		expect(results.map((result, index) => result.includes(tasks[index].outputId!))).toEqual([true, true]);
	});
});

describe('The Kling node as a tool of an AI Agent in a real n8n', () => {
	let model: FakeChatModel;
	beforeAll(async () => {
		// The model asks for the Kling tool twice in one answer, as models do when a user wants two of something.
		model = await startFakeChatModel({ toolCalls: 2 });
	});
	afterAll(async () => {
		await model?.close();
	});

	let openAi: { id: string; name: string } | undefined;

	/** Activates a Webhook → AI Agent workflow with the fake model and `tool`; answers a POST to it with the agent's answer. */
	async function askAgent(tool: WorkflowJson['nodes'][number], path: string) {
		const { api, server } = ctx.instance;
		openAi ??= { id: await api.createCredential('Fake OpenAI', { apiKey: 'sk-fake', url: model.url, header: false }, 'openAiApi'), name: 'Fake OpenAI' };
		const workflow: WorkflowJson = {
			name: `Kling for an AI Agent (${path})`,
			nodes: [
				{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} } },
				{
					name: 'AI Agent',
					type: '@n8n/n8n-nodes-langchain.agent',
					// The version the editor adds: 2.41's runs its tools as requests to the workflow engine.
					typeVersion: n8nMajor(prepared().runtime) >= 2 ? 3.1 : 3,
					position: [200, 0],
					parameters: { promptType: 'define', text: 'Create two elements.', options: {} },
				},
				{
					name: 'OpenAI Chat Model',
					type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
					typeVersion: 1.2,
					position: [0, 200],
					parameters: { model: { __rl: true, mode: 'id', value: 'fake-model' }, options: {} },
					credentials: { openAiApi: openAi },
				},
				tool,
			],
			connections: {
				Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
				'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
				[tool.name]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		};
		const url = `${server.url}/webhook/${path}`;
		await api.activate(await api.createWorkflow(workflow), [url]);
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		/** What the model was given back for each of its tool calls. */
		const results = model.requests.at(-1)!.messages.filter((message) => message.role === 'tool').map((message) => String(message.content));
		return { status: response.status, answer: await response.text(), results };
	}

	it('answers each of two calls in one turn with its own task, polled', async () => {
		const before = sim.tasks('elements').length;
		const { status, answer, results } = await askAgent(await klingTool([200, 200]), 'kling-agent');
		expect({ status, answer }).toEqual({ status: 200, answer: expect.stringContaining('output') });

		const tasks = newTasks(before);
		expect(tasks).toHaveLength(2);
		// The model got each call's own result back: the two results name the two elements, one each.
		expect(results).toHaveLength(2);
		const named = results.map((result) => tasks.filter((task) => result.includes(task.outputId!)).map((task) => task.outputId));
		expect(named.flat().sort()).toEqual(tasks.map((task) => task.outputId).sort());
		expect(named.map((ids) => ids.length)).toEqual([1, 1]);
		// And the agent's answer, which the model wrote from those results, reached the caller.
		for (const task of tasks) expect(answer).toContain(task.outputId);
	});

	it("gives the model a failed call's description too, where the node says what to do instead of calling again", async () => {
		const tool = { ...(await klingTool([200, 200])), name: 'Get Kling Video', parameters: { resource: 'video', operation: 'get', kind: 'omni', taskId: '842250903629086999' } };
		const { status, results } = await askAgent(tool, 'kling-agent-failing');
		// n8n 1.x's agent (3) stops at a tool's error: its run fails, and n8n shows the error with its description.
		if (n8nMajor(prepared().runtime) < 2) return expect({ status, results }).toEqual({ status: 500, results: [] });
		expect(status).toBe(200);
		expect(results).toHaveLength(2);
		// n8n 2.x's agent (3.1) hands the model the error's message as JSON text: the description (the Kind hint) is in it.
		for (const result of results) expect(result).toMatch(/Kling has no omni video task with ID .{0,4}842250903629086999.{0,4}\. Check the Kind: each kind/);
	});
});
