/**
 * Workflow JSON for a real n8n: the example files as the editor exports them, adapted at import time (the Kling
 * credential reference points at the credential that was actually created; optionally a faster time scale),
 * imported and executed with n8n's own CLI.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { runCli, type N8nOptions } from './n8n.cts';
import { PACKAGE_NAME, REPO_ROOT } from './runtime.cts';

export const KLING_NODE = `${PACKAGE_NAME}.kling`;
export const KLING_TRIGGER_NODE = `${PACKAGE_NAME}.klingTrigger`;
export const CREDENTIAL_NAME = 'Kling account';

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

/** The shape of the credential data for the klingApi type. */
export type KlingCredentialData =
	| { authType: 'apiKey'; apiKey: string; region: string; customBaseUrl?: string; webhookSecret?: string }
	| { authType: 'keyPair'; accessKey: string; secretKey: string; region: string; customBaseUrl?: string; webhookSecret?: string };

export function exampleFiles(): string[] {
	return readdirSync(path.join(REPO_ROOT, 'examples'))
		.filter((file) => file.endsWith('.json'))
		.sort();
}

export function readExample(file: string): WorkflowJson {
	return JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowJson;
}

/** n8n workflow ids are 16 alphanumeric characters. */
export function newWorkflowId(): string {
	return randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
}

/**
 * Points every Kling node (action and trigger) at the given credential.
 */
export function adaptWorkflow(workflow: WorkflowJson, options: { credential: { id: string; name: string } }): WorkflowJson {
	const nodes = workflow.nodes.map((node) => {
		if (node.type !== KLING_NODE && node.type !== KLING_TRIGGER_NODE) return node;
		return { ...node, credentials: { ...node.credentials, klingApi: { ...options.credential } } };
	});
	return { ...workflow, nodes };
}

export const MANUAL_START: WorkflowNode = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

/**
 * A production Webhook node (POST <path>, answered at once): starts a workflow in a running n8n, which in queue
 * mode hands the execution to a worker.
 */
export function webhookNode(path: string, name = 'Webhook'): WorkflowNode {
	return {
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}

/** The workflow with its Manual Trigger replaced by webhookNode(path), so a POST starts it in production. */
export function startedByWebhook(workflow: WorkflowJson, path: string): WorkflowJson {
	const manual = workflow.nodes.find((node) => node.type === MANUAL_START.type);
	if (!manual) throw new Error(`${workflow.name} has no Manual Trigger to replace`);
	const webhook = { ...webhookNode(path), position: manual.position };
	const nodes = workflow.nodes.map((node) => (node === manual ? webhook : node));
	const connections = Object.fromEntries(Object.entries(workflow.connections).map(([from, to]) => [from === manual.name ? webhook.name : from, to]));
	return { ...workflow, nodes, connections };
}

/** `start` (a Manual Trigger unless given) followed by `nodes` in a line, each connected to the next. */
export function chainWorkflow(
	name: string,
	nodes: Array<Omit<WorkflowNode, 'position' | 'typeVersion'> & Partial<Pick<WorkflowNode, 'typeVersion'>>>,
	start: WorkflowNode = MANUAL_START,
): WorkflowJson {
	const all: WorkflowNode[] = [
		start,
		...nodes.map((node, index) => ({ typeVersion: 1, ...node, position: [220 * (index + 1), 0] as [number, number] })),
	];
	const connections = Object.fromEntries(all.slice(0, -1).map((node, index) => [node.name, { main: [[{ node: all[index + 1].name, type: 'main', index: 0 }]] }]));
	return { name, nodes: all, connections, settings: { executionOrder: 'v1' } };
}

/** Imports workflows (each given an id if it has none) with `n8n import:workflow --separate`; returns their ids. */
export async function importWorkflows(options: N8nOptions & { workDir: string }, workflows: WorkflowJson[]): Promise<string[]> {
	const dir = path.join(options.workDir, `import-${Date.now()}`);
	mkdirSync(dir, { recursive: true });
	const ids = workflows.map((workflow, index) => {
		const id = workflow.id ?? newWorkflowId();
		writeFileSync(path.join(dir, `${index}.json`), JSON.stringify({ ...workflow, id, active: false }, null, 2));
		return id;
	});
	const result = await runCli({ ...options, args: ['import:workflow', '--separate', `--input=${dir}`], logFile: path.join(dir, 'import.log') });
	if (result.code !== 0) throw new Error(`n8n import:workflow failed (${result.code}):\n${result.output.slice(-3000)}`);
	return ids;
}

export interface ExecuteResult {
	code: number;
	/** The run as `--rawOutput` prints it: { status, data: { resultData: { runData, error? } } }. */
	run: any;
	output: string;
}

/**
 * `n8n execute --id=... --rawOutput`. The run is printed as indented JSON: from the first line starting with `{` to
 * the first line that is only `}` (n8n may log more lines after it, into the same output).
 */
export async function executeWorkflow(options: N8nOptions & { workDir: string }, workflowId: string): Promise<ExecuteResult> {
	const logFile = path.join(options.workDir, `execute-${workflowId}-${Date.now()}.log`);
	const result = await runCli({ ...options, args: ['execute', `--id=${workflowId}`, '--rawOutput'], logFile });
	const lines = result.output.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	if (start === -1) throw new Error(`n8n execute printed no JSON (exit ${result.code}):\n${result.output.slice(-3000)}`);
	let run: unknown;
	try {
		const end = lines.indexOf('}', start);
		run = JSON.parse(lines.slice(start, end === -1 ? undefined : end + 1).join('\n'));
	} catch (error) {
		throw new Error(`n8n execute printed JSON that does not parse (${(error as Error).message}); output tail:\n${result.output.slice(-2000)}`);
	}
	return { code: result.code, run, output: result.output };
}

/** The items a node output in its first run (main output 0). */
export function nodeItems(run: any, nodeName: string): Array<{ json: any; binary?: any }> {
	return run?.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0] ?? [];
}
