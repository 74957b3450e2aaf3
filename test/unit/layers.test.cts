/**
 * The package's layers, checked on every import of every .ts file under nodes/ and credentials/:
 *
 *   node        nodes/Kling/Kling.node.ts, nodes/KlingTrigger/*
 *   operations  nodes/Kling/actions/<resource>/*, actions/router.ts, nodes/Kling/methods/*
 *   shared      nodes/Kling/actions/shared/*
 *   tasks       nodes/Kling/tasks/*
 *   transport   nodes/Kling/transport/*
 *   contract    nodes/Kling/contract/*
 *
 * Imports go down (or stay in their layer), never up; credentials/* may import only the contract; nothing under
 * nodes/Kling imports nodes/KlingTrigger or credentials, and only the Trigger imports KlingTrigger files. No file
 * takes part in an import cycle. Each failure names the offending import.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

const LAYERS = ['contract', 'transport', 'tasks', 'shared', 'operations', 'node'] as const;
type Layer = (typeof LAYERS)[number] | 'credentials';

export interface Edge {
	from: string;
	to: string;
}

/** The layer of a file (a path relative to the repository, with forward slashes); undefined when it has none. */
export function layerOf(file: string): Layer | undefined {
	if (file.startsWith('credentials/')) return 'credentials';
	if (file === 'nodes/Kling/Kling.node.ts' || file.startsWith('nodes/KlingTrigger/')) return 'node';
	if (file.startsWith('nodes/Kling/actions/shared/')) return 'shared';
	if (/^nodes\/Kling\/actions\/(router|node\.type)\.ts$/.test(file) || /^nodes\/Kling\/actions\/[^/]+\/[^/]+\.ts$/.test(file)) return 'operations';
	if (file.startsWith('nodes/Kling/methods/')) return 'operations';
	for (const layer of ['tasks', 'transport', 'contract'] as const) if (file.startsWith(`nodes/Kling/${layer}/`)) return layer;
	return undefined;
}

/** Why an import breaks the layering, or undefined when it is allowed. */
export function layerProblem({ from, to }: Edge): string | undefined {
	const [source, target] = [layerOf(from), layerOf(to)];
	if (!source) return `${from} belongs to no layer`;
	if (!target) return `${to} belongs to no layer`;
	if (to.startsWith('nodes/KlingTrigger/') && !from.startsWith('nodes/KlingTrigger/')) return 'only the Trigger imports KlingTrigger files';
	if (source === 'credentials') return target === 'credentials' || target === 'contract' ? undefined : 'credentials may import only the contract';
	if (target === 'credentials') return 'the nodes never import credentials';
	if (LAYERS.indexOf(target) > LAYERS.indexOf(source)) return `an upward import (${source} → ${target})`;
	return undefined;
}

/** Every import cycle among the files, each as the files in order, the first one repeated at the end. */
export function cyclesOf(edges: Edge[]): string[][] {
	const next = new Map<string, string[]>();
	for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
	const cycles: string[][] = [];
	const state = new Map<string, 'open' | 'done'>();
	const stack: string[] = [];
	const visit = (file: string) => {
		state.set(file, 'open');
		stack.push(file);
		for (const to of next.get(file) ?? []) {
			if (state.get(to) === 'open') cycles.push([...stack.slice(stack.indexOf(to)), to]);
			else if (!state.has(to)) visit(to);
		}
		stack.pop();
		state.set(file, 'done');
	};
	for (const file of [...next.keys()].sort()) if (!state.has(file)) visit(file);
	return cycles;
}

function tsFilesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const full = path.join(dir, name);
		if (statSync(full).isDirectory()) return tsFilesUnder(full);
		return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
	});
}

/** The module names a file imports: import and export declarations (type-only ones too), import() and require(). */
function importsOf(file: string): string[] {
	const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
	const names: string[] = [];
	const visit = (node: ts.Node) => {
		if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
			names.push(node.moduleSpecifier.text);
		} else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
			const expression = node.moduleReference.expression;
			if (ts.isStringLiteral(expression)) names.push(expression.text);
		} else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
			const callee = node.expression;
			if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) names.push(node.arguments[0].text);
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return names;
}

const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

/** A relative module name as the file it loads; undefined when no such file exists. */
function resolve(from: string, name: string): string | undefined {
	const base = path.resolve(path.dirname(from), name);
	return [base, `${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/** Every import between the package's own files, and the relative imports that load no file. */
function packageImports(): { edges: Edge[]; unresolved: string[] } {
	const edges: Edge[] = [];
	const unresolved: string[] = [];
	for (const file of [...tsFilesUnder(path.join(ROOT, 'nodes')), ...tsFilesUnder(path.join(ROOT, 'credentials'))]) {
		for (const name of importsOf(file).filter((module) => module.startsWith('.'))) {
			const target = resolve(file, name);
			if (target) edges.push({ from: relative(file), to: relative(target) });
			else unresolved.push(`${relative(file)} imports '${name}', which is no file`);
		}
	}
	return { edges, unresolved };
}

describe('the checks themselves', () => {
	it('place each kind of file in its layer', () => {
		expect(
			[
				'nodes/Kling/Kling.node.ts',
				'nodes/KlingTrigger/filters.ts',
				'nodes/Kling/actions/video/omni.operation.ts',
				'nodes/Kling/actions/router.ts',
				'nodes/Kling/methods/listSearch.ts',
				'nodes/Kling/actions/shared/pickers.ts',
				'nodes/Kling/tasks/run.ts',
				'nodes/Kling/transport/index.ts',
				'nodes/Kling/contract/task.ts',
				'credentials/KlingApi.credentials.ts',
				'nodes/Kling/helpers/clock.ts',
			].map(layerOf),
		).toEqual(['node', 'node', 'operations', 'operations', 'operations', 'shared', 'tasks', 'transport', 'contract', 'credentials', undefined]);
	});

	it.each<[string, Edge, string | undefined]>([
		['down two layers', { from: 'nodes/Kling/Kling.node.ts', to: 'nodes/Kling/tasks/pause.ts' }, undefined],
		['within a layer', { from: 'nodes/Kling/tasks/poll.ts', to: 'nodes/Kling/tasks/submit.ts' }, undefined],
		['the Trigger down into the Kling node', { from: 'nodes/KlingTrigger/reReadTask.ts', to: 'nodes/Kling/tasks/submit.ts' }, undefined],
		['the credential into the contract', { from: 'credentials/KlingApi.credentials.ts', to: 'nodes/Kling/contract/hosts.ts' }, undefined],
		['up one layer', { from: 'nodes/Kling/transport/index.ts', to: 'nodes/Kling/tasks/run.ts' }, 'an upward import (transport → tasks)'],
		['shared up to an operation', { from: 'nodes/Kling/actions/shared/tasks.ts', to: 'nodes/Kling/actions/video/output.ts' }, 'an upward import (shared → operations)'],
		['the Kling node into the Trigger', { from: 'nodes/Kling/Kling.node.ts', to: 'nodes/KlingTrigger/signature.ts' }, 'only the Trigger imports KlingTrigger files'],
		['the nodes into the credential', { from: 'nodes/Kling/transport/index.ts', to: 'credentials/KlingApi.credentials.ts' }, 'the nodes never import credentials'],
		['the credential into the transport', { from: 'credentials/KlingApi.credentials.ts', to: 'nodes/Kling/transport/json.ts' }, 'credentials may import only the contract'],
	])('judge an import %s', (_label, edge, problem) => {
		expect(layerProblem(edge)).toBe(problem);
	});

	it('find cycles, however long', () => {
		const edge = (from: string, to: string) => ({ from, to });
		expect(cyclesOf([edge('a', 'b'), edge('b', 'c'), edge('c', 'd')])).toEqual([]);
		expect(cyclesOf([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd')])).toEqual([['a', 'b', 'c', 'a']]);
		expect(cyclesOf([edge('x', 'x')])).toEqual([['x', 'x']]);
	});
});

describe('the layers of nodes/ and credentials/', () => {
	const { edges, unresolved } = packageImports();
	const show = (edge: Edge, problem: string) => `${edge.from} → ${edge.to}: ${problem}`;

	it('are read from every file', () => {
		expect(unresolved).toEqual([]);
		expect(edges.length).toBeGreaterThan(100);
		expect(edges).toContainEqual({ from: 'nodes/Kling/methods/index.ts', to: 'nodes/Kling/methods/listSearch.ts' });
	});

	it('have no import cycle', () => {
		expect(cyclesOf(edges).map((cycle) => cycle.join(' → '))).toEqual([]);
	});

	it('are only imported downwards', () => {
		const problems = edges.flatMap((edge) => {
			const problem = layerProblem(edge);
			return problem ? [show(edge, problem)] : [];
		});
		expect(problems).toEqual([]);
	});
});
