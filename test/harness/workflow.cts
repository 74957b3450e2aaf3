/**
 * Runs real n8n workflows in-process with n8n-core's WorkflowExecute, with the package loaded from its built
 * dist/ by the same loader n8n uses for installed community packages. No n8n server, real HTTP.
 */
import { BinaryDataService, ExecutionLifecycleHooks, PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowSettings,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';
import { createRequire } from 'node:module';
import path from 'node:path';

// n8n-core has its own copy of the DI container (a different version from the one the lint tooling pulls
// in); the services must come from that copy.
const { Container } = createRequire(require.resolve('n8n-core'))('@n8n/di') as typeof import('@n8n/di');

export const PACKAGE_ROOT = path.resolve(__dirname, '../..');
export const PACKAGE_NAME = 'n8n-nodes-kling-elements';
export const KLING = `${PACKAGE_NAME}.kling`;
export const KLING_TRIGGER = `${PACKAGE_NAME}.klingTrigger`;
export const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';
export const BINARY_SOURCE = 'test.binarySource';

/** The addresses n8n's execution data carries (webhook, resume and REST bases), as a local n8n would have them. */
export const N8N_URLS = {
	webhookBaseUrl: 'http://localhost:5678/webhook',
	webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
	webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
	formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
	instanceBaseUrl: 'http://localhost:5678/',
	restApiUrl: 'http://localhost:5678/rest',
};

/** Stand-in for n8n-nodes-base's Manual Trigger: editor-made workflows start with one. */
const manualTrigger: INodeType = {
	description: {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: '',
		defaults: { name: 'Manual Trigger' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	},
	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	},
};

/**
 * Test-only source of binary input: outputs one item per entry of its `files` parameter (base64 content),
 * stored through n8n's binary data service exactly as a Read File or HTTP Request node would.
 */
const binarySource: INodeType = {
	description: {
		displayName: 'Binary Source',
		name: 'binarySource',
		group: ['transform'],
		version: 1,
		description: '',
		defaults: { name: 'Binary Source' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Files', name: 'files', type: 'json', default: '[]' }],
	},
	async execute(this: IExecuteFunctions) {
		const items = JSON.parse(this.getNodeParameter('files', 0) as string) as Array<Record<string, SourceFile>>;
		const out: INodeExecutionData[] = [];
		for (const [index, files] of items.entries()) {
			const binary: INodeExecutionData['binary'] = {};
			for (const [property, file] of Object.entries(files)) {
				binary[property] = await this.helpers.prepareBinaryData(Buffer.from(file.base64, 'base64'), file.fileName, file.mimeType);
			}
			out.push({ json: { index }, binary, pairedItem: { item: 0 } });
		}
		return [out];
	},
};

/** A file for the Binary Source node, as `binaryFile` (test/fixtures/images.cts) makes it. */
export interface SourceFile {
	base64: string;
	fileName: string;
	mimeType: string;
}

/**
 * A Binary Source node: one output item per entry, each entry's files under their binary field names (`{}` is an
 * item without files); item i's JSON is { index: i }.
 */
export function sourceItems(items: Array<Record<string, SourceFile>>, name = 'Files') {
	return { name, type: BINARY_SOURCE, parameters: { files: JSON.stringify(items) } };
}

/** n input items without files, made without touching the simulator. */
export const emptyItems = (n: number) => sourceItems(Array.from({ length: n }, () => ({})), 'Items');

interface Loaded {
	nodeTypes: INodeTypes;
	credentialTypes: Record<string, ICredentialType>;
}

let loaded: Promise<Loaded> | undefined;

/** Loads dist/ once per test file, the way n8n loads an installed package (from the package.json n8n block). */
export function loadPackage(): Promise<Loaded> {
	loaded ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		await Container.get(BinaryDataService).init();
		const types: Record<string, INodeType | IVersionedNodeType> = {
			[MANUAL_TRIGGER]: manualTrigger,
			[BINARY_SOURCE]: binarySource,
		};
		for (const [name, { type }] of Object.entries(loader.nodeTypes)) types[`${PACKAGE_NAME}.${name}`] = type;
		const credentialTypes: Record<string, ICredentialType> = {};
		for (const [name, { type }] of Object.entries(loader.credentialTypes)) credentialTypes[name] = type;
		const nodeTypes: INodeTypes = {
			getByName: (name) => types[name],
			getByNameAndVersion: (name, version) => NodeHelpers.getVersionedNodeType(types[name], version),
			getKnownTypes: () => ({}),
		};
		return { nodeTypes, credentialTypes };
	})();
	return loaded;
}

/** Hands the node the test credential data and applies the credential type's own `authenticate` function. */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: Record<string, ICredentialType>,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions) {
		const authenticate = this.credentialTypes[typeName]?.authenticate;
		if (typeof authenticate !== 'function') throw new Error(`${typeName} has no authenticate function`);
		return await authenticate(credentials, requestOptions);
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used by the package');
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
		const data = this.data[type];
		if (!data) throw new Error(`No test credentials for ${type}`);
		return { ...data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string) {
		return this.credentialTypes[type]?.properties ?? [];
	}
}

export interface RunOptions {
	nodes: INode[];
	connections: IConnections;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	executionId?: string;
	mode?: WorkflowExecuteMode;
	/** Aborts the execution, as the editor's Stop button does. */
	cancelSignal?: AbortSignal;
	/**
	 * Continues a run that ended `waiting` by running the waiting node once more, under its next run index and with
	 * its node context, as when a loop in the workflow reaches it again after a callback resumed it. (Not what n8n's
	 * wait tracker does at `waitTill`: it resumes with the waiting node disabled and its input passed on.)
	 */
	loopBackFrom?: IRun;
	/** Workflow settings besides the execution order, e.g. `binaryMode`. */
	settings?: IWorkflowSettings;
}

export interface RunResult {
	run: IRun;
	status: IRun['status'];
	/** Items a node put on its first output in its first run. */
	output(nodeName: string): INodeExecutionData[];
	/** The error that stopped the workflow, if any. */
	error?: { message: string; description?: string | null; node?: string; itemIndex?: number };
}

function freshExecutionData(workflow: Workflow): IRunExecutionData {
	const startNode = workflow.getStartNode();
	if (!startNode) throw new Error('The workflow has no start node');
	return {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;
}

function loopedExecutionData(waiting: IRun): IRunExecutionData {
	const data = structuredClone(waiting.data) as IRunExecutionData & { waitTill?: Date };
	delete data.waitTill;
	return data;
}

export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const workflow = new Workflow({
		id: 'test-workflow',
		nodes: options.nodes,
		connections: options.connections,
		nodeTypes,
		active: false,
		settings: { executionOrder: 'v1', ...options.settings },
	});
	const executionId = options.executionId ?? `test-${Math.random().toString(36).slice(2, 10)}`;
	const hooks = new ExecutionLifecycleHooks(options.mode ?? 'manual', executionId, {
		id: workflow.id,
		name: 'test',
		active: false,
		isArchived: false,
		nodes: options.nodes,
		connections: options.connections,
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	});
	let finished!: (run: IRun) => void;
	const done = new Promise<IRun>((resolve) => (finished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => finished(run));

	const additionalData = {
		executionId,
		hooks,
		credentialsHelper: new TestCredentialsHelper(credentialTypes, options.credentials ?? {}),
		...N8N_URLS,
		variables: {},
		currentNodeParameters: undefined,
		setExecutionStatus() {},
		sendDataToUI() {},
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData = options.loopBackFrom ? loopedExecutionData(options.loopBackFrom) : freshExecutionData(workflow);
	const execution = new WorkflowExecute(additionalData, options.mode ?? 'manual', runExecutionData);
	let running: ReturnType<WorkflowExecute['processRunExecutionData']>;
	try {
		running = execution.processRunExecutionData(workflow);
	} catch (error) {
		// n8n refuses to start a workflow whose nodes miss required parameters: nothing runs, nothing is sent.
		return { run: undefined as unknown as IRun, status: 'error', output: () => [], error: { message: (error as Error).message } };
	}
	options.cancelSignal?.addEventListener('abort', () => running.cancel(), { once: true });
	await running.catch(() => undefined);
	const run = await done;
	const error = run.data.resultData.error as RunResult['error'] & { node?: { name?: string }; context?: { itemIndex?: number } };
	return {
		run,
		status: run.status,
		output: (nodeName) => run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? [],
		error: error && {
			message: error.message,
			description: error.description,
			node: (error.node as { name?: string } | undefined)?.name,
			itemIndex: error.context?.itemIndex,
		},
	};
}

/** Builds a straight chain: Manual Trigger → nodes[0] → nodes[1] ... */
export function chain(...nodes: Array<Omit<INode, 'id' | 'typeVersion' | 'position'> & Partial<INode>>): Pick<RunOptions, 'nodes' | 'connections'> {
	const all: INode[] = [
		{ id: 'trigger', name: 'When clicking Execute', type: MANUAL_TRIGGER, typeVersion: 1, position: [0, 0], parameters: {} },
		...nodes.map((node, index) => ({ id: `node-${index}`, typeVersion: 1, position: [(index + 1) * 220, 0] as [number, number], ...node })),
	];
	const connections: IConnections = {};
	for (let index = 0; index < all.length - 1; index++) {
		connections[all[index].name] = { main: [[{ node: all[index + 1].name, type: 'main', index: 0 }]] };
	}
	return { nodes: all, connections };
}
