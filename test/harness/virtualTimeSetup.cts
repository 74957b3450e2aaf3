// jest setupFilesAfterEnv of the in-process workflow suite: every file runs on the virtual clock.
import { useVirtualTime } from './virtualTime.cts';

useVirtualTime();
