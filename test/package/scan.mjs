// Runs @n8n/scan-community-package's own analysis on a folder and prints its verdict as JSON.
// A separate process: the scanner is an ES module, which jest's CommonJS sandbox cannot import.
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const [dir, which] = process.argv.slice(2);
const patterns = which === 'sources' ? SOURCE_FILE_PATTERNS : ['**/*.js', 'package.json'];
const result = await analyzePackage(dir, patterns);
process.stdout.write(JSON.stringify({ passed: result.passed, message: result.message ?? null, details: result.details ?? null }));
