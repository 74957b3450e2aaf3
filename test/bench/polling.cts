/**
 * 2. Polling cost: status requests per task and the delay between Kling finishing a task (the simulator's
 * updated_at) and the node's read that saw it finished (the simulator's request log), for single tasks of 10 s,
 * 1 min and 10 min, and for 50 tasks in flight together. The node runs unchanged on a virtual clock (timers and Date,
 * harness/virtualTime.cts) that runs SPEED times as fast as real time, so the times it reads and the simulator logs
 * are Kling time; only HTTP takes real time (a few ms, i.e. SPEED times that in Kling time).
 */
import { chain, emptyItems, loadPackage, runWorkflow } from '../harness/workflow.cts';
import { SPEED, startVirtualClock } from '../harness/virtualTime.cts';
import { startSimulator, type KlingSimulator, type TaskSnapshot } from '../simulator/index.cts';
import { apiKeyCredential } from '../workflow/helpers.cts';
import { createElement, duration, failedItems, median, ownTasks, readThatSawFinal, rounds, row, statusReads, taskTiming, type Row } from './lib.cts';

const MINUTE = 60_000;
const S = `2. Polling cost (virtual clock at ${SPEED}x real time; times below are Kling time)`;

/** Delay from each task's finish to the read that saw it. */
function delays(sim: KlingSimulator, tasks: TaskSnapshot[]): number[] {
	const reads = statusReads(sim);
	return tasks.map((task) => {
		const seen = readThatSawFinal(task, reads);
		if (!seen) throw new Error(`No read saw task ${task.taskId} finished`);
		return seen.receivedAt - task.updatedAt;
	});
}

async function polled(items: number, taskMs: number) {
	await loadPackage(); // on real time: loading is not what is measured
	const stopClock = startVirtualClock();
	const realStart = performance.now();
	const sim = await startSimulator({ timing: taskTiming(taskMs) });
	try {
		const create = createElement({ maxConcurrentTasks: items, timeoutMinutes: 30 });
		const result = await runWorkflow({ ...chain(emptyItems(items), create), credentials: apiKeyCredential(sim) });
		const reads = statusReads(sim);
		const waits = delays(sim, ownTasks(sim));
		// A round: status reads with less than 1 s between them; the node's rounds are at least 2 s apart.
		const bursts = rounds(reads, 1_000);
		const creates = sim.apiRequests({ method: 'POST' });
		return {
			failed: failedItems(result.output('Create Element'), items),
			reads: reads.length,
			rounds: bursts.length,
			maxPerRound: Math.max(...bursts.map((burst) => burst.length)),
			medianDelay: median(waits),
			maxDelay: Math.max(...waits),
			realMs: performance.now() - realStart,
			// Each real ms of HTTP is SPEED ms here: how long the creates took, which spreads the tasks' finishes.
			createsMs: creates[creates.length - 1].receivedAt - creates[0].receivedAt,
		};
	} finally {
		await sim.close();
		stopClock();
	}
}

export async function pollingBench(): Promise<Row[]> {
	const rows: Row[] = [];
	for (const [label, taskMs] of [
		['10 s', 10_000],
		['1 min', MINUTE],
		['10 min', 10 * MINUTE],
	] as const) {
		const run = await polled(1, taskMs);
		const delay = run.maxDelay;
		const isLong = taskMs === 10 * MINUTE;
		rows.push(
			row(S, `Single ${label} task: status requests`, `${run.reads} (run took ${duration(run.realMs)} real time)`, isLong ? '<= 25' : '', isLong ? run.reads <= 25 : undefined),
			row(
				S,
				`Single ${label} task: delay finish -> seen`,
				`${duration(delay)} (${((100 * delay) / taskMs).toFixed(0)} % of the task); ${run.failed} failed`,
				isLong ? '< 10 % of the task, <= 30 s' : '<= 30 s',
				(!isLong || delay < 0.1 * taskMs) && delay <= 30_000 && run.failed === 0,
			),
		);
	}
	const many = await polled(50, MINUTE);
	rows.push(
		row(S, '50 x 1 min tasks in flight: status requests', `${many.reads} in ${many.rounds} rounds (${(many.reads / 50).toFixed(2)} per task); the 50 creates went out over ${duration(many.createsMs)}`),
		row(S, '50 x 1 min tasks in flight: most requests in one round', String(many.maxPerRound), '<= 2', many.maxPerRound <= 2),
		row(
			S,
			'50 x 1 min tasks in flight: delay finish -> seen',
			`median ${duration(many.medianDelay)}, max ${duration(many.maxDelay)}; ${many.failed} failed`,
			'<= 30 s',
			many.maxDelay <= 30_000 && many.failed === 0,
		),
	);
	return rows;
}
