/** Starts simulators for a unit test file and closes them after each test. */
import { startSimulator, type KlingSimulator, type SimulatorOptions } from '../simulator';

export function simulatorStarter(timing: SimulatorOptions['timing']) {
	const running: KlingSimulator[] = [];
	afterEach(async () => {
		await Promise.all(running.splice(0).map((sim) => sim.close()));
	});
	return async (options: SimulatorOptions = {}): Promise<KlingSimulator> => {
		const sim = await startSimulator({ timing, ...options });
		running.push(sim);
		return sim;
	};
}
