/**
 * A scripted stand-in for OpenAI's Chat Completions API, for an AI Agent in a real n8n: no model, no network. Its
 * first answer in a conversation asks for the first tool offered, `toolCalls` times at once; once the conversation
 * holds tool results, it answers with them in plain text. It serves both the plain and the streamed (server-sent
 * events) form of an answer, whichever the agent asks for, and records every request it receives.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
	messages: Array<{ role: string; content?: unknown; tool_call_id?: string }>;
	tools?: Array<{ type: string; function: { name: string } }>;
	stream?: boolean;
}

export interface FakeChatModel {
	/** The base URL an OpenAI credential takes, ending in `/v1`. */
	url: string;
	requests: ChatRequest[];
	close(): Promise<void>;
}

interface Message {
	role: 'assistant';
	content: string | null;
	tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
}

function answerTo(request: ChatRequest, toolCalls: number): Message {
	const results = request.messages.filter((message) => message.role === 'tool');
	if (results.length) return { role: 'assistant', content: results.map((result) => `${result.tool_call_id}: ${String(result.content)}`).join('\n') };
	const name = request.tools?.[0]?.function.name;
	if (!name) return { role: 'assistant', content: 'No tool was offered.' };
	return {
		role: 'assistant',
		content: null,
		tool_calls: Array.from({ length: toolCalls }, (_, n) => ({ id: `call_${n + 1}`, type: 'function', function: { name, arguments: '{}' } })),
	};
}

async function readJson(request: IncomingMessage): Promise<ChatRequest> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
}

export async function startFakeChatModel({ toolCalls = 1 }: { toolCalls?: number } = {}): Promise<FakeChatModel> {
	const requests: ChatRequest[] = [];
	const server = createServer((request, response) => {
		if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
			response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no ${request.method} ${request.url}` } }));
			return;
		}
		readJson(request).then((body) => {
			requests.push(body);
			const message = answerTo(body, toolCalls);
			const finish = message.tool_calls ? 'tool_calls' : 'stop';
			const head = { id: `chatcmpl-${requests.length}`, created: Math.floor(Date.now() / 1000), model: 'fake-model' };
			if (!body.stream) {
				const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
				response.writeHead(200, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ ...head, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage }));
				return;
			}
			const delta = { ...message, tool_calls: message.tool_calls?.map((call, index) => ({ index, ...call })) };
			const chunk = (choice: object) => `data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices: [{ index: 0, ...choice }] })}\n\n`;
			response.writeHead(200, { 'content-type': 'text/event-stream' });
			response.end(chunk({ delta, finish_reason: null }) + chunk({ delta: {}, finish_reason: finish }) + 'data: [DONE]\n\n');
		}, (error: Error) => response.writeHead(400).end(error.message));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
