import type { Json } from './json.cts';
import type { SimulatorOptions, TaskStatus } from './types.cts';
import { ApiError, Body, paramError } from './validation.cts';

/** The single simulated account: every credential belongs to it, as all keys of one Kling account share state. */
export const ACCOUNT_ID = '30218964';

export interface Task {
	product: ProductDef;
	seq: number;
	taskId: string;
	externalTaskId: string;
	status: TaskStatus;
	statusMsg: string;
	body: Body;
	createdAt: number;
	updatedAt: number;
	callbackUrl?: string;
	failMessage?: string;
	/** element_id / voice_id this task produced. */
	outputId?: string;
	/** The element_id a seeded element is to get instead of the next one in sequence. */
	chosenElementId?: bigint;
	/** A 'noResult' fault: every answer about the task shows an empty task_result. */
	withoutResult?: boolean;
	/** Static task_result of a finished generation task (videos, images). */
	output?: Record<string, Json>;
	/** Image-pack slots the task holds until it is final; undefined for tasks that count toward concurrencyLimit. */
	imageSlots?: number;
	timers: NodeJS.Timeout[];
}

/** One asynchronous product; routes for create, query and list are generated from it. */
export interface ProductDef {
	/** The last segment of the create path, e.g. 'advanced-custom-elements'. */
	name: string;
	path: string;
	maxPageSize: number;
	/** Throws paramError (1201) naming the field. */
	validate(body: Body, sim: SimState): void;
	/** Runs when the task succeeds, creating its records (element, voice, videos). */
	complete(task: Task, sim: SimState): void;
	/**
	 * Image products only: the slots of the account's image pack a task takes (kling-api.md §11: image tasks take `n`).
	 * Products without it count one task each toward concurrencyLimit.
	 */
	imageSlots?(body: Body): number;
	/** task_result as a query shows it right now (records may change later, e.g. on delete). */
	result(task: Task, sim: SimState): Record<string, Json>;
	/** final_unit_deduction of a succeeded task. */
	units(task: Task): string;
	/** Hides tasks from list responses (deleted voices). */
	hiddenFromList?(task: Task, sim: SimState): boolean;
}

export interface VoiceRecord {
	id: string;
	name: string;
	trialUrl: string;
	ownedBy: string;
	deleted: boolean;
}

export interface ElementRecord {
	id: bigint;
	name: string;
	description: string;
	referenceType: 'image_refer' | 'video_refer';
	imageList?: Json;
	videoList?: Json;
	voice?: VoiceRecord;
	tagIds: string[];
	ownedBy: string;
	status: 'succeed' | 'deleted';
}

export interface FileEntry {
	contentType: string;
	bytes: () => Buffer;
}

export type FailPredicate = (product: string, body: Body) => string | undefined;

function overLimit(): ApiError {
	return new ApiError(429, 1303, 'parallel task over resource pack limit');
}

const TASK_ID_BASE = 842250903629086785n;
const ELEMENT_ID_BASE = 835266081714884677n;
const VOICE_ID_BASE = 850087542757535834n;
const VIDEO_ID_BASE = 861734512008451201n;

/**
 * All mutable simulator state plus the task life cycle. Transitions are driven by timers so that callbacks fire and
 * the in-flight count (concurrency) changes without any request arriving, as on the real service.
 */
export class SimState {
	tasks: Task[] = [];
	elements = new Map<string, ElementRecord>();
	voices = new Map<string, VoiceRecord>();
	files = new Map<string, FileEntry>();
	created = new Map<string, number>();
	predicates: FailPredicate[] = [];
	maxInFlightSeen = 0;
	maxImageSlotsSeen = 0;
	/** When `GET /account/costs` last answered (it takes one query per second). */
	accountQueriedAt = -Infinity;
	private seq = 0;
	private taskIds = TASK_ID_BASE;
	private elementIds = ELEMENT_ID_BASE;
	private voiceIds = VOICE_ID_BASE;
	private videoIds = VIDEO_ID_BASE;

	constructor(
		readonly options: Required<SimulatorOptions>,
		private readonly origin: () => string,
		private readonly onStatusChange: (task: Task) => void,
		private readonly defaultFailure: FailPredicate,
	) {}

	nextTaskId(): string {
		return String(this.taskIds++);
	}

	nextElementId(): bigint {
		return this.elementIds++;
	}

	nextVoiceId(): string {
		return String(this.voiceIds++);
	}

	nextVideoId(): string {
		return String(this.videoIds++);
	}

	/** Registers a downloadable file and returns its absolute URL (always at the origin, like a CDN host). */
	addFile(name: string, entry: FileEntry): string {
		this.files.set(name, entry);
		return `${this.origin()}/files/${name}`;
	}

	/** Non-final tasks of every product: what idle() waits for. */
	inFlight(): number {
		return this.running().length;
	}

	/** Non-final tasks that count toward concurrencyLimit: all but image tasks. */
	videoInFlight(): number {
		return this.running().filter((t) => t.imageSlots === undefined).length;
	}

	imageSlotsInFlight(): number {
		return this.running().reduce((sum, t) => sum + (t.imageSlots ?? 0), 0);
	}

	findTask(product: ProductDef, id: string): Task | undefined {
		return this.tasks.find((t) => t.product === product && (t.taskId === id || (t.externalTaskId !== '' && t.externalTaskId === id)));
	}

	/**
	 * Accepts a validated create: duplicate external_task_id → 1201, an image create without an image pack → 1102,
	 * concurrency of the task's pack type → 1303, else schedules the task.
	 */
	create(product: ProductDef, body: Body): Task {
		const externalTaskId = typeof body.external_task_id === 'string' ? body.external_task_id : '';
		if (externalTaskId !== '' && this.tasks.some((t) => t.externalTaskId === externalTaskId)) {
			throw paramError(`external_task_id "${externalTaskId}" already exists; it must be unique per account`);
		}
		// §11: concurrency is counted per pack type, so image tasks (by slots) and the others never share a limit.
		const imageSlots = product.imageSlots?.(body);
		if (imageSlots !== undefined) {
			if (!this.options.imagePack) throw new ApiError(429, 1102, 'Account balance not enough');
			if (this.imageSlotsInFlight() + imageSlots > this.options.imageConcurrencyLimit) throw overLimit();
		} else if (this.videoInFlight() >= this.options.concurrencyLimit) {
			throw overLimit();
		}
		const task = this.newTask(product, body, externalTaskId);
		task.imageSlots = imageSlots;
		task.failMessage = this.failureFor(product, body);
		this.created.set(product.name, (this.created.get(product.name) ?? 0) + 1);
		this.maxInFlightSeen = Math.max(this.maxInFlightSeen, this.videoInFlight());
		this.maxImageSlotsSeen = Math.max(this.maxImageSlotsSeen, this.imageSlotsInFlight());
		const submittedMs = this.options.timing.submittedMs ?? 30;
		const processingMs = this.options.timing.processingMs ?? 60;
		task.timers.push(setTimeout(() => this.startProcessing(task), submittedMs));
		task.timers.push(setTimeout(() => this.finish(task), submittedMs + processingMs));
		return task;
	}

	/** A task that is final from the start: seeded fixtures and the voice a video element creates. */
	seed(product: ProductDef, body: Body, chosenElementId?: bigint): Task {
		const task = this.newTask(product, body, '');
		task.status = 'succeed';
		task.chosenElementId = chosenElementId;
		product.complete(task, this);
		return task;
	}

	findElement(id: string, presets: ElementRecord[]): ElementRecord | undefined {
		const custom = this.elements.get(id);
		if (custom) return custom.status === 'succeed' ? custom : undefined;
		return presets.find((p) => p.id.toString() === id);
	}

	findVoice(id: string, presets: VoiceRecord[]): VoiceRecord | undefined {
		const custom = this.voices.get(id);
		if (custom) return custom.deleted ? undefined : custom;
		return presets.find((p) => p.id === id);
	}

	/** Ends a task now, as its own timer would (a 'stuck' one too), for a test that chooses when a task finishes. */
	finishNow(taskId: string): void {
		const task = this.tasks.find((t) => t.taskId === taskId);
		if (!task) throw new Error(`no task ${taskId}`);
		task.timers.forEach((timer) => clearTimeout(timer));
		if (task.status === 'submitted' || task.status === 'processing') this.finish(task);
	}

	/** Moves a task on by one phase now, as its timers would: submitted → processing, processing → its end. */
	advanceNow(taskId: string): void {
		const task = this.tasks.find((t) => t.taskId === taskId);
		if (!task) throw new Error(`no task ${taskId}`);
		if (task.status === 'submitted') this.startProcessing(task);
		else this.finishNow(taskId);
	}

	stopTimers(): void {
		for (const task of this.tasks) task.timers.forEach((timer) => clearTimeout(timer));
	}

	reset(): void {
		this.stopTimers();
		this.tasks = [];
		this.elements.clear();
		this.voices.clear();
		this.files.clear();
		this.created.clear();
		this.predicates = [];
		this.maxInFlightSeen = 0;
		this.maxImageSlotsSeen = 0;
		this.accountQueriedAt = -Infinity;
		this.seq = 0;
		this.taskIds = TASK_ID_BASE;
		this.elementIds = ELEMENT_ID_BASE;
		this.voiceIds = VOICE_ID_BASE;
		this.videoIds = VIDEO_ID_BASE;
	}

	private newTask(product: ProductDef, body: Body, externalTaskId: string): Task {
		const now = Date.now();
		const task: Task = {
			product,
			seq: ++this.seq,
			taskId: this.nextTaskId(),
			externalTaskId,
			status: 'submitted',
			statusMsg: '',
			body,
			createdAt: now,
			updatedAt: now,
			callbackUrl: typeof body.callback_url === 'string' && body.callback_url !== '' ? body.callback_url : undefined,
			timers: [],
		};
		this.tasks.push(task);
		return task;
	}

	private running(): Task[] {
		return this.tasks.filter((t) => t.status === 'submitted' || t.status === 'processing');
	}

	private failureFor(product: ProductDef, body: Body): string | undefined {
		for (const predicate of [...this.predicates, this.defaultFailure]) {
			const message = predicate(product.name, body);
			if (message !== undefined) return message;
		}
		return undefined;
	}

	private transition(task: Task, status: TaskStatus): void {
		task.status = status;
		task.updatedAt = Math.max(Date.now(), task.updatedAt + 1);
		this.onStatusChange(task);
	}

	/**
	 * Only from submitted: when the event loop was blocked past both timers, Node may run the finish timer first
	 * (seen in a busy jest worker), and a late "processing" must not undo the final status.
	 */
	private startProcessing(task: Task): void {
		if (task.status === 'submitted') this.transition(task, 'processing');
	}

	private finish(task: Task): void {
		this.startProcessing(task);
		if (task.failMessage !== undefined) {
			task.statusMsg = task.failMessage;
			this.transition(task, 'failed');
			return;
		}
		task.product.complete(task, this);
		this.transition(task, 'succeed');
	}
}
